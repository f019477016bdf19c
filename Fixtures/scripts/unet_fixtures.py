"""UNet references at a latent size that is not a multiple of 2^(levels - 1), where diffusers upsamples to the
size of each skip connection (`upsample_size`) instead of doubling.

    python Fixtures/scripts/unet_fixtures.py     # or: python Fixtures/make_fixtures.py unet_fixtures

Writes, in float32 on the CPU with one thread, outside Fixtures/reference/ (which models.py replaces):

- Fixtures/unet/<model>_odd_size.safetensors for tiny-sd1 and tiny-sd2: `sample` [2,4,5,7], `timestep` int64 [2]
  = (640, 7), `encoder_hidden_states` [2,77,32] and `out` = `unet(sample, timestep, encoder_hidden_states).sample`.
- Fixtures/unet/tiny-sd1_downsample_padding_0.safetensors: the same inputs and keys through tiny-sd1's weights
  loaded with `downsample_padding=0` (the downsamplers pad only right and bottom, as some SD-derived UNets do).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
from diffusers import UNet2DConditionModel  # noqa: E402

from models_reference import _save  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent
MODELS = ("tiny-sd1", "tiny-sd2")
HEIGHT, WIDTH = 5, 7  # latent: 5 -> 3 -> 2 going down, 2 -> 3 -> 5 and 2 -> 4 -> 7 coming back up
TIMESTEP = (640, 7)


@torch.no_grad()
def write_odd_size(model: str, out: Path, **config_overrides) -> None:
    unet = UNet2DConditionModel.from_pretrained(FIXTURES / "models" / model / "unet", **config_overrides).eval()
    for key, value in config_overrides.items():
        if unet.config[key] != value:
            raise AssertionError(f"{model}: {key} is {unet.config[key]}, not {value}")
    factor = 2 ** (len(unet.config.block_out_channels) - 1)
    if HEIGHT % factor == 0 or WIDTH % factor == 0:
        raise AssertionError(f"{model}: {HEIGHT}x{WIDTH} must not be a multiple of {factor} in either dimension")
    generator = torch.Generator().manual_seed(11)
    sample = torch.randn(2, unet.config.in_channels, HEIGHT, WIDTH, generator=generator)
    context = torch.randn(2, 77, unet.config.cross_attention_dim, generator=generator)
    timestep = torch.tensor(TIMESTEP, dtype=torch.int64)
    result = unet(sample, timestep, encoder_hidden_states=context).sample
    if result.shape != sample.shape:
        raise AssertionError(f"{model}: output {tuple(result.shape)} differs from input {tuple(sample.shape)}")
    print(f"{model}: {out.relative_to(FIXTURES)}")
    _save(out, {"sample": sample, "timestep": timestep, "encoder_hidden_states": context, "out": result}, {})


def main() -> None:
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        (FIXTURES / "unet").mkdir(exist_ok=True)
        for model in MODELS:
            write_odd_size(model, FIXTURES / "unet" / f"{model}_odd_size.safetensors")
        write_odd_size("tiny-sd1", FIXTURES / "unet" / "tiny-sd1_downsample_padding_0.safetensors", downsample_padding=0)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


if __name__ == "__main__":
    main()
