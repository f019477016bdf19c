"""Summarises a run of Benchmarks/networks/run.sh as a markdown table (printed, and written to WORK/report.md).

    python report.py --work WORK --implementations ldb ldb-SkylakeX torch

Speed is each implementation's fastest warm evaluation (an evaluation after the first in its process) over
all rounds: on a shared, noisy machine the fastest run is the one least disturbed by other work. The text
encoder probe of ldb has no --repeat, so that row compares whole processes instead (start, loading the
weights, tokenizing, one evaluation): ldb's process wall time against PyTorch's, less the time of PyTorch's
extra evaluations. Peak memory is the largest `Maximum resident set size` /usr/bin/time -v saw for any of
the implementation's processes of that component. Agreement is max |x - ref| / max |ref| against PyTorch's
output, and must be at most 1e-3; the exit status is 1 when it is not. A bfloat16 implementation ("ldb-bf16")
is timed against PyTorch's bfloat16 autocast ("torch-bf16") and its error against PyTorch's float32 output
may be at most 1.5 times autocast's own. A process that run.sh stopped (--timeout) counts as "more than its limit",
and the ratios against it as upper bounds ("<").
"""

import argparse
import re
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file

COMPONENTS = (
    ("unet-b1", "UNet, batch 1, 64x64 latent", "out"),
    ("unet-b2", "UNet, batch 2 (CFG), 64x64 latent", "out"),
    ("vae-decode", "VAE decode, 64x64 latent to 512x512", "sample"),
    ("text-encoder", "Text encoder, 77 tokens (whole process)", "last_hidden_state"),
)
TOLERANCE = 1e-3
EVALUATION = re.compile(r"^\S+ eval (\d+): ([0-9.]+) s$")


class Runs:
    """What the logs of one component and one implementation say, over all rounds."""

    def __init__(self, logs: Path, component: str, implementation: str):
        self.warm: list[float] = []
        self.first: list[float] = []
        self.process: list[float] = []
        self.peak_kilobytes = 0
        self.stopped_after: float | None = None
        for stopped in logs.glob(f"r*-{component}-{implementation}.stopped"):
            self.stopped_after = max(self.stopped_after or 0, float(stopped.read_text()))
        for error_log in sorted(logs.glob(f"r*-{component}-{implementation}.err")):
            evaluations = {}
            for line in error_log.read_text().splitlines():
                if match := EVALUATION.match(line.strip()):
                    evaluations[int(match[1])] = float(match[2])
            self.first += [seconds for index, seconds in evaluations.items() if index == 1]
            self.warm += [seconds for index, seconds in evaluations.items() if index > 1]
            if error_log.with_suffix(".stopped").exists():
                continue  # killed: no wall time or peak memory of a whole process
            time_log = error_log.with_suffix(".time").read_text()
            wall = wall_seconds(time_log)
            self.peak_kilobytes = max(self.peak_kilobytes, peak_kilobytes(time_log))
            # The process as if it had made one evaluation only.
            self.process.append(wall - sum(seconds for index, seconds in evaluations.items() if index > 1))
        if not self.process and self.stopped_after is None:
            raise SystemExit(f"report.py: no logs for {component} / {implementation} in {logs}")


    def speed(self, whole_process: bool) -> tuple[float, str]:
        """The figure compared, and how to read it: "" (measured), "first" (only cold evaluations finished) or
        ">" (no evaluation finished before the process was stopped: a lower bound)."""
        if whole_process and self.process:
            return min(self.process), ""
        if self.warm:
            return min(self.warm), ""
        if self.first:
            return min(self.first), "first"
        return self.stopped_after, ">"


def shown(speed: tuple[float, str]) -> str:
    value, kind = speed
    return {"": seconds(value), "first": f"{seconds(value)} (cold)", ">": f"> {seconds(value)} (stopped)"}[kind]


def ratio(ours: tuple[float, str], reference: tuple[float, str]) -> str:
    """ours / reference; an upper bound when the reference was stopped, a lower one when ours was."""
    if ours[1] == ">" and reference[1] == ">":
        return "?"
    prefix = "< " if reference[1] == ">" else "> " if ours[1] == ">" else ""
    return f"{prefix}{ours[0] / reference[0]:.2f}"


def wall_seconds(time_log: str) -> float:
    match = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", time_log)
    if match is None:
        raise SystemExit("report.py: a /usr/bin/time -v log has no wall clock time")
    seconds = 0.0
    for part in match[1].split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def peak_kilobytes(time_log: str) -> int:
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", time_log)
    if match is None:
        raise SystemExit("report.py: a /usr/bin/time -v log has no maximum resident set size")
    return int(match[1])


def relative_error(output: Path, reference: Path, name: str) -> float:
    value, expected = load_file(output)[name], load_file(reference)[name]
    if value.shape != expected.shape:
        raise SystemExit(f"report.py: {output.name} has {name} of shape {list(value.shape)}, "
                         f"PyTorch {list(expected.shape)}")
    return ((value.double() - expected.double()).abs().max() / expected.double().abs().max()).item()


def same_token_ids(output: Path, reference: Path) -> bool:
    return torch.equal(load_file(output)["input_ids"].long(), load_file(reference)["input_ids"].long())


def seconds(value: float) -> str:
    return f"{value:.3g} s"


def label(implementation: str) -> str:
    if implementation.startswith("torch"):
        return "PyTorch" + (" bf16 autocast" if implementation == "torch-bf16" else "")
    return implementation if implementation == "ldb" else f"ldb ({implementation.removeprefix('ldb-')})"


def baseline(implementation: str, implementations: list[str]) -> str:
    """The PyTorch run an implementation is timed against: autocast for a bfloat16 one, when it ran."""
    if implementation.startswith("torch"):
        return "torch"
    return "torch-bf16" if implementation.endswith("-bf16") and "torch-bf16" in implementations else "torch"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--implementations", nargs="+", required=True)
    parser.add_argument("--components", nargs="+", default=[component for component, _, _ in COMPONENTS])
    arguments = parser.parse_args()
    work, logs = arguments.work, arguments.work / "logs"
    implementations = arguments.implementations
    ours = [name for name in implementations if name != "torch"]

    header = ["Component", "PyTorch"]
    for name in ours:
        header += [label(name), f"{label(name)} / {label(baseline(name, implementations))}"]
    header += [f"Peak RSS {label(name)}" for name in ["torch"] + ours]
    header += [f"Rel. error {label(name)}" for name in ours]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    notes, failures = [], []

    for component, title, tensor in COMPONENTS:
        if component not in arguments.components:
            continue
        runs = {name: Runs(logs, component, name) for name in ["torch"] + ours}
        whole_process = component == "text-encoder"
        speed = {name: run.speed(whole_process) for name, run in runs.items()}
        row = [title, shown(speed["torch"])]
        for name in ours:
            row += [shown(speed[name]), ratio(speed[name], speed[baseline(name, implementations)])]
        row += [f"{runs[name].peak_kilobytes / 1024**2:.2f} GiB" if runs[name].peak_kilobytes else "–"
                for name in ["torch"] + ours]
        reference = work / "out" / f"{component}-torch.safetensors"
        errors = {name: relative_error(work / "out" / f"{component}-{name}.safetensors", reference, tensor)
                  for name in ours if runs[name].process}
        for name in ours:
            output = work / "out" / f"{component}-{name}.safetensors"
            if name not in errors:
                row.append("–")
                continue
            error = errors[name]
            if whole_process and not same_token_ids(output, reference):
                failures.append(f"{label(name)} {component}: token ids differ from the CLIP tokenizer's")
            if name == "torch-bf16":
                pass
            elif name.endswith("-bf16") and "torch-bf16" in implementations:
                if "torch-bf16" not in errors:
                    notes.append(f"{title}: autocast was stopped, so {label(name)}'s error ({error:.1e}) has no "
                                 "autocast error to be held to.")
                elif error > 1.5 * errors["torch-bf16"]:
                    failures.append(f"{label(name)} {component}: relative error {error:.2e} > 1.5 x autocast's "
                                    f"{errors['torch-bf16']:.2e}")
            elif error > TOLERANCE:
                failures.append(f"{label(name)} {component}: relative error {error:.2e} > {TOLERANCE:.0e}")
            row.append(f"{error:.1e}")
        lines.append("| " + " | ".join(row) + " |")
        if whole_process:
            counts = ", ".join(f"{label(name)} {len(run.process)}" for name, run in runs.items())
            notes.append(f"{title}: processes {counts}; PyTorch's evaluation alone (fastest warm one in "
                         f"its process) takes {seconds(min(runs['torch'].warm))}.")
        else:
            counts = ", ".join(f"{label(name)} {len(run.warm)}" for name, run in runs.items())
            firsts = ", ".join(f"{label(name)} {seconds(min(run.first))}" for name, run in runs.items() if run.first)
            notes.append(f"{title}: warm evaluations {counts}; fastest first (cold) evaluation {firsts}.")

    report = "\n".join(lines + [""] + [f"- {note}" for note in notes] + [""])
    print(report)
    (work / "report.md").write_text(report)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
