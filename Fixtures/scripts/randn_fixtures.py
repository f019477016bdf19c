"""Reference draws of torch.randn for LDBTensor's TorchGenerator tests.

Writes Fixtures/randn/cases.json and one little-endian float32 file per PyTorch normal kernel:
  avx2.f32    the vectorised kernel of x86-64 builds (ATEN_CPU_CAPABILITY=avx2; AVX-512 gives the same)
  scalar.f32  the portable kernel (ATEN_CPU_CAPABILITY=default), which calls glibc's logf/sinf/cosf
Each case is a seed and a list of shapes drawn one after the other from one generator
(torch.Generator().manual_seed(seed)); its values start at `offset` floats into the kernel's file.

Run: /work/venv/bin/python Fixtures/scripts/randn_fixtures.py
"""
import json
import os
import subprocess
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "randn")

SEEDS = [0, 1, 42, 2**31, 2**32 + 5, 1234567890123, 2**63, 2**64 - 1]
SMALL_SHAPES = [[n] for n in range(1, 21)] + [[31], [32], [33], [2, 3], [4, 4, 2]]


def cases_for(kernel):
    cases = []
    for seed in SEEDS:
        for shape in SMALL_SHAPES:
            cases.append({"seed": seed, "draws": [shape]})
    for seed in [0, 7, 42, 2**32 + 5]:
        cases.append({"seed": seed, "draws": [[1, 4, 16, 24]]})
    # A generator used several times: the cached second normal of small draws carries over.
    cases.append({"seed": 3, "draws": [[3], [5], [1], [17], [2], [16], [1]]})
    cases.append({"seed": 2**40 + 9, "draws": [[20], [1], [1], [7], [33]]})
    if kernel == "avx2":
        for seed in [0, 42]:
            cases.append({"seed": seed, "draws": [[1, 4, 64, 64]]})
    return cases


def draw(kernel):
    """Runs in a child process whose ATEN_CPU_CAPABILITY selects the kernel."""
    import numpy as np
    import torch

    expected = {"avx2": "AVX2", "scalar": "DEFAULT"}[kernel]
    capability = torch.backends.cpu.get_cpu_capability()
    if capability != expected:
        sys.exit(f"wanted capability {expected}, torch reports {capability}")
    cases = cases_for(kernel)
    chunks = []
    offset = 0
    for case in cases:
        generator = torch.Generator().manual_seed(case["seed"])
        for shape in case["draws"]:
            values = torch.randn(shape, generator=generator, dtype=torch.float32)
            chunks.append(values.flatten().numpy().astype("<f4"))
        case["kernel"] = kernel
        case["offset"] = offset
        case["seed"] = str(case["seed"])  # UInt64 does not fit a JSON double
        offset += sum(int(np.prod(s)) for s in case["draws"])
    np.concatenate(chunks).tofile(os.path.join(OUT, f"{kernel}.f32"))
    json.dump(cases, sys.stdout)


def main():
    os.makedirs(OUT, exist_ok=True)
    all_cases = []
    for kernel, capability in [("avx2", "avx2"), ("scalar", "default")]:
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability)
        result = subprocess.run([sys.executable, __file__, kernel], env=env, check=True,
                                capture_output=True, text=True)
        all_cases += json.loads(result.stdout)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        f.write('{"torch": %s, "cases": [\n' % json.dumps(__import__("torch").__version__))
        f.write(",\n".join(json.dumps(case) for case in all_cases))
        f.write("\n]}\n")


if __name__ == "__main__":
    if len(sys.argv) == 2:
        draw(sys.argv[1])
    else:
        main()
