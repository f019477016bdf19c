"""Reference files for LDBTensor's safetensors reader/writer and half-float conversions.

Writes into Fixtures/safetensors/, every .safetensors file by the `safetensors` package itself:
  dtypes.safetensors         one tensor per dtype, 0-d, empty and odd shapes, with __metadata__;
  dtypes.json                the expected values: floats as float32 bit patterns (torch's .float()),
                             integers as decimal strings
  half_conversions.safetensors
      f16_all_as_f32, bf16_all_as_f32: all 65536 bit patterns converted by torch's .float()
      probe: float32 inputs around every rounding tie; probe_as_f16 / probe_as_bf16: torch's .half() /
      .bfloat16() of them
  writer_f32.safetensors, writer_f16.safetensors
      what safetensors.torch.save_file writes for the tensors WriterFixture builds in
      Tests/LDBTensorTests/SafeTensorsWriterTests.swift; the Swift writer must produce the same bytes.

Run: /work/venv/bin/python Fixtures/scripts/safetensors_fixtures.py
"""
import json
import os

import numpy as np
import torch
from safetensors.torch import save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "safetensors")


def bits32(t):
    return [int(x) for x in t.detach().float().contiguous().view(torch.int32).numpy().astype(np.uint32)]


def dtypes():
    g = torch.Generator().manual_seed(7)
    tensors = {
        "f32": torch.randn(2, 3, generator=g),
        "f32_scalar": torch.tensor(-2.5),
        "f32_empty": torch.zeros(0, 3),
        "f32_odd_shape": torch.randn(1, 1, 5, 1, 3, generator=g),
        "f16": torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8, 1e-5, float("inf"), -float("inf"), 0.1,
                             0.3333, 1024.5, -7.0, 2.0**-14, 3.14159], dtype=torch.float16).reshape(3, 5),
        "bf16": torch.tensor([0.0, 1.0, -3.0e38, 1e-40, 0.1, float("inf"), 7.25], dtype=torch.bfloat16),
        "f64": torch.tensor([0.1, -1e300, 1e-320, 3.0], dtype=torch.float64),
        "input_ids": torch.tensor([[49406, 320, 1125, 49407], [49406, 49407, 0, -1]], dtype=torch.int64),
        "timestep": torch.tensor(999, dtype=torch.int64),
        "i64_large": torch.tensor([2**40 + 3, -(2**62), 2**63 - 1], dtype=torch.int64),
        "i32": torch.tensor([-2147483648, 7, 2147483647], dtype=torch.int32),
        "i16": torch.tensor([-32768, 5], dtype=torch.int16),
        "i8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
    }
    metadata = {"format": "pt", "purpose": "LDBTensor dtype fixture"}
    save_file(tensors, os.path.join(OUT, "dtypes.safetensors"), metadata=metadata)
    expected = {"metadata": metadata, "tensors": {}}
    for name, t in tensors.items():
        entry = {"dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape)}
        if t.is_floating_point():
            entry["float_bits"] = bits32(t.flatten())
        else:
            entry["ints"] = [str(int(x)) for x in t.flatten().tolist()]
            entry["float_bits"] = bits32(t.flatten().to(torch.float32))
        expected["tensors"][name] = entry
    with open(os.path.join(OUT, "dtypes.json"), "w") as f:
        json.dump(expected, f)
        f.write("\n")


def tie_probes(fmt_bits, count, stride):
    """float32 values just below, at and just above the midpoint between consecutive representable values."""
    patterns = torch.arange(0, count, stride, dtype=torch.int32)
    low = patterns.to(torch.int16).view(fmt_bits).float()
    high = (patterns + 1).to(torch.int16).view(fmt_bits).float()
    if fmt_bits == torch.float16:
        # The pattern after the largest finite half is infinity; the tie there is 65520.
        high = torch.where(torch.isinf(high), torch.tensor(65536.0), high)
    mid = ((low.double() + high.double()) / 2).float()
    below = torch.nextafter(mid, torch.tensor(-float("inf")))
    above = torch.nextafter(mid, torch.tensor(float("inf")))
    return torch.stack([below, mid, above], 1).flatten()


def half_conversions():
    all_patterns = torch.arange(65536, dtype=torch.int32).to(torch.int16)
    f16_all = all_patterns.view(torch.float16).float()
    bf16_all = all_patterns.view(torch.bfloat16).float()

    g = torch.Generator().manual_seed(11)
    random_bits = torch.randint(-(2**31), 2**31 - 1, (8192,), generator=g, dtype=torch.int64).to(torch.int32)
    specials = torch.tensor([0.0, -0.0, float("inf"), -float("inf"), float("nan"), 65504.0, 65519.996, 65520.0,
                             -65520.0, 3.4028235e38, 1e-45, 2.0**-24, 2.0**-25, 2.0**-25 * 1.0000001, 2.0**-14],
                            dtype=torch.float32)
    probe = torch.cat([
        specials,
        tie_probes(torch.float16, 0x7C00, 3), -tie_probes(torch.float16, 0x7C00, 7),
        tie_probes(torch.bfloat16, 0x7F80, 5), -tie_probes(torch.bfloat16, 0x7F80, 11),
        random_bits.view(torch.float32),
    ])
    save_file({
        "f16_all_as_f32": f16_all,
        "bf16_all_as_f32": bf16_all,
        "probe": probe,
        "probe_as_f16": probe.half(),
        "probe_as_bf16": probe.bfloat16(),
    }, os.path.join(OUT, "half_conversions.safetensors"))


def writer_tensors():
    """Mirror of WriterFixture.tensors in SafeTensorsWriterTests.swift."""
    return {
        "weight": (torch.arange(12, dtype=torch.float32) * 0.25 - 1).reshape(3, 4),
        "bias": torch.tensor([0.5, -0.0, 1e-3], dtype=torch.float32),
        "scalar": torch.tensor(42.0),
        "empty": torch.zeros(2, 0),
        "Zed": torch.tensor([[3.0e38], [-1e-40]]),
        "n\u00e4me \"quoted\"\n": torch.tensor([1.0, 2.0]),
    }


def writers():
    metadata = {"format": "pt"}
    tensors = writer_tensors()
    save_file(tensors, os.path.join(OUT, "writer_f32.safetensors"), metadata=metadata)
    save_file({k: v.half() for k, v in tensors.items()}, os.path.join(OUT, "writer_f16.safetensors"),
              metadata=metadata)


def main():
    os.makedirs(OUT, exist_ok=True)
    dtypes()
    half_conversions()
    writers()


if __name__ == "__main__":
    main()
