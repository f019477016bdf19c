"""Times the preview decoder: TAESD (diffusers' AutoencoderTiny, real configuration, random weights) against the
SD 1.5 VAE decoder, each by ldb and by PyTorch, on the same 64x64 latent (a 512x512 image), side by side.

    python Benchmarks/networks/preview_decoder.py [--ldb PATH] [--runs R] [--repeat K] [--threads N] [--work DIR]
                                                  [--only taesd|vae]

--ldb      the release binary (default .build-release/release/ldb; build it with
           swift build -c release --product ldb --scratch-path .build-release).
--runs     rounds (default 2); each round runs ldb and PyTorch once per decoder, one process each, in an order
           that flips every round.
--repeat   decodes per process (default 4); only those after the first ("warm") count.
--threads  LDB_NUM_THREADS for ldb, torch.set_num_threads / OMP_NUM_THREADS for PyTorch (default 2).
--work     inputs, outputs and logs (default /tmp/ldb-taesd-bench).
--only     time one decoder only.

Models, made when missing and never committed: TAESD's real configuration with random weights in
/tmp/taesd-random (Fixtures/scripts/taesd_fixtures.py --full-size); for the VAE, /tmp/sd15-random when it exists
(Fixtures/scripts/models.py --full-size), otherwise WORK/sd15-vae: the tiny-sd1 folder with its vae/ replaced by
an AutoencoderKL of SD 1.5's configuration with random weights (only the VAE is loaded by the probes).
The latent is randn(1,4,64,64) with seed 3; TAESD decodes it as it is, the VAE decodes latent / 0.18215, as
pipelines hand them over. Prints a markdown table: each decoder's median warm decode, and the largest difference
between ldb's and PyTorch's outputs relative to PyTorch's largest magnitude.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "Fixtures" / "scripts"
PYTHON = os.environ.get("PYTHON", sys.executable)
DECODERS = {"taesd": ("tiny-decode", "TAESD (AutoencoderTiny), 64x64 latent to 512x512"),
            "vae": ("vae-decode", "SD 1.5 VAE decoder (AutoencoderKL), 64x64 latent to 512x512")}


def prepare(work: Path, taesd: Path) -> Path:
    """Makes the models and the inputs; returns the VAE's model folder."""
    import torch
    from safetensors.torch import save_file

    if not (taesd / "config.json").exists():
        subprocess.run([PYTHON, str(SCRIPTS / "taesd_fixtures.py"), "--full-size", str(taesd)], check=True)
    sd = Path("/tmp/sd15-random")
    if not (sd / "vae" / "config.json").exists():
        sd = work / "sd15-vae"
        if not (sd / "vae" / "config.json").exists():
            sys.path.insert(0, str(SCRIPTS))
            from diffusers import AutoencoderKL
            from models_build import randomize_
            from models_configs import FULL_SD15

            shutil.rmtree(sd, ignore_errors=True)
            shutil.copytree(ROOT / "Fixtures" / "models" / "tiny-sd1", sd)
            shutil.rmtree(sd / "vae")
            vae = AutoencoderKL(**FULL_SD15.vae)
            randomize_(vae, torch.Generator().manual_seed(5))
            vae.save_pretrained(sd / "vae", safe_serialization=True)
    latent = torch.randn((1, 4, 64, 64), generator=torch.Generator().manual_seed(3))
    (work / "inputs").mkdir(parents=True, exist_ok=True)
    save_file({"latent": latent}, str(work / "inputs" / "taesd.safetensors"))
    save_file({"latent": (latent / 0.18215).contiguous()}, str(work / "inputs" / "vae.safetensors"))
    return sd


def run(decoder: str, implementation: str, model: Path, arguments, round_: int) -> list[float]:
    probe = DECODERS[decoder][0]
    output = arguments.work / "out" / f"{decoder}-{implementation}.safetensors"
    common = ["--model", str(model), "-i", str(arguments.work / "inputs" / f"{decoder}.safetensors"),
              "-o", str(output), "--repeat", str(arguments.repeat)]
    environment = dict(os.environ)
    if implementation == "ldb":
        command = [str(arguments.ldb), "model", "probe", probe, *common]
        environment["LDB_NUM_THREADS"] = str(arguments.threads)
    else:
        command = [PYTHON, str(Path(__file__).parent / "torch_probe.py"), probe, *common,
                   "--threads", str(arguments.threads)]
        environment.update(OMP_NUM_THREADS=str(arguments.threads), MKL_NUM_THREADS=str(arguments.threads))
        environment.pop("OPENBLAS_CORETYPE", None)
    print(f"   round {round_}: {decoder}, {implementation}", end="", flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f" (process: {cpu:.1f} s of CPU; load average {os.getloadavg()[0]:.1f})", flush=True)
    (arguments.work / "logs" / f"r{round_}-{decoder}-{implementation}.err").write_text(result.stderr)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    return [float(s) for s in re.findall(rf"^{probe} eval \d+: ([0-9.]+) s$", result.stderr, re.MULTILINE)]


def relative_error(work: Path, decoder: str) -> float:
    from safetensors.torch import load_file

    ours = load_file(str(work / "out" / f"{decoder}-ldb.safetensors"))["sample"]
    theirs = load_file(str(work / "out" / f"{decoder}-torch.safetensors"))["sample"]
    return ((ours - theirs).abs().max() / theirs.abs().max()).item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ldb", type=Path, default=ROOT / ".build-release" / "release" / "ldb")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ldb-taesd-bench"))
    parser.add_argument("--taesd", type=Path, default=Path("/tmp/taesd-random"))
    parser.add_argument("--only", choices=sorted(DECODERS))
    arguments = parser.parse_args()
    if not arguments.ldb.exists():
        sys.exit(f"no ldb binary at {arguments.ldb} (swift build -c release --product ldb --scratch-path .build-release)")
    if arguments.repeat < 2:
        sys.exit("--repeat must be at least 2: the first decode of a process is not counted")
    (arguments.work / "out").mkdir(parents=True, exist_ok=True)
    (arguments.work / "logs").mkdir(parents=True, exist_ok=True)
    models = {"taesd": arguments.taesd, "vae": prepare(arguments.work, arguments.taesd)}

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    times: dict[tuple[str, str], list[list[float]]] = {}
    decoders = [arguments.only] if arguments.only else list(DECODERS)
    order = [(d, i) for d in decoders for i in ("ldb", "torch")]
    for round_ in range(1, arguments.runs + 1):
        for decoder, implementation in (order if round_ % 2 else order[::-1]):
            evaluations = run(decoder, implementation, models[decoder], arguments, round_)
            times.setdefault((decoder, implementation), []).append(evaluations)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    def warm_median(decoder: str, implementation: str) -> float:
        return statistics.median(t for process in times[(decoder, implementation)] for t in process[1:])

    print("\n| Decoder | PyTorch | ldb | ldb / PyTorch | Rel. error ldb |")
    print("|---|---|---|---|---|")
    for decoder in decoders:
        label = DECODERS[decoder][1]
        torch_time, ldb_time = warm_median(decoder, "torch"), warm_median(decoder, "ldb")
        print(f"| {label} | {torch_time:.3f} s | {ldb_time:.3f} s | {ldb_time / torch_time:.2f} | "
              f"{relative_error(arguments.work, decoder):.1e} |")
    if len(decoders) == 2:
        print(f"\nTAESD / VAE decoder, ldb: {warm_median('taesd', 'ldb') / warm_median('vae', 'ldb'):.3f}; "
              f"PyTorch: {warm_median('taesd', 'torch') / warm_median('vae', 'torch'):.3f}")
    print("\nEvery decode (seconds; per process, the first one is not counted):")
    for (decoder, implementation), processes in times.items():
        print(f"- {decoder}, {implementation}: " + " / ".join(", ".join(f"{t:.3f}" for t in p) for p in processes))


if __name__ == "__main__":
    main()
