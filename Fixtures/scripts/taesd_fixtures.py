"""The preview decoder: diffusers' AutoencoderTiny (TAESD) on random weights, and its outputs.

    python Fixtures/scripts/taesd_fixtures.py     # or: python Fixtures/make_fixtures.py taesd_fixtures
    python Fixtures/scripts/taesd_fixtures.py --full-size DIR   # TAESD's real configuration (never committed)

Writes, in float32 on the CPU with one thread and fixed seeds:

- Fixtures/models/tiny-taesd/{config.json, diffusion_pytorch_model.safetensors}: an AutoencoderTiny laid out as
  `madebyollin/taesd` is on the Hub (the files at the folder's root), with a TINY configuration: 8 encoder and 12
  decoder channels, blocks (1, 2, 1, 2) / (2, 1, 2, 1) so that no two levels have the same count, relu, upsampling
  factor 2 (so f = 8 as in TAESD).
- Fixtures/taesd/tiny-taesd.safetensors: `latent` [2,4,5,7] (randn x 2, so that the decoder's tanh(x/3)*3 bends
  some of it) and `sample` = `vae.decode(latent).sample` [2,3,40,56]; `image` [2,3,44,60] (uniform in [-1, 1], a
  size that is not a multiple of 8: every stride-2 convolution rounds up) and `encoded` = `vae.encode(image).latents`
  [2,4,6,8]. diffusers' AutoencoderTiny neither scales nor shifts in encode and decode (scaling_factor 1.0;
  latent_magnitude and latent_shift are used only by its forward() to quantise latents).

With --full-size DIR: the same model class with TAESD's real configuration (diffusers' defaults, which are
madebyollin/taesd's config.json: 64 channels, blocks (1, 3, 3, 3) / (3, 3, 3, 1)) into DIR, plus
DIR/reference.safetensors with `latent` [1,4,8,8], `sample`, `image` [1,3,64,64] and `encoded`. Its weights are
9.8 MB of float32 (4.9 MB in half precision), too large to commit: the Swift test of this configuration runs when
LDB_TAESD_RANDOM names DIR.
"""

import argparse
import json
import math
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
from diffusers import AutoencoderTiny  # noqa: E402

from models_reference import _save  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent
TINY_CONFIG = {
    "encoder_block_out_channels": [8, 8, 8, 8],
    "decoder_block_out_channels": [12, 12, 12, 12],
    "num_encoder_blocks": [1, 2, 1, 2],
    "num_decoder_blocks": [2, 1, 2, 1],
}
# madebyollin/taesd's config.json, every field of which equals diffusers' default.
REAL_CONFIG = {
    "in_channels": 3,
    "out_channels": 3,
    "latent_channels": 4,
    "act_fn": "relu",
    "encoder_block_out_channels": [64, 64, 64, 64],
    "decoder_block_out_channels": [64, 64, 64, 64],
    "num_encoder_blocks": [1, 3, 3, 3],
    "num_decoder_blocks": [3, 3, 3, 1],
    "latent_magnitude": 3,
    "latent_shift": 0.5,
    "upsampling_scaling_factor": 2,
    "scaling_factor": 1.0,
}


def build(config: dict, seed: int) -> AutoencoderTiny:
    """An AutoencoderTiny whose weights are all redrawn: kernels ~ N(0, 1/fan_in), biases ~ N(0, 0.1^2)."""
    model = AutoencoderTiny(**config).eval()
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator, dtype=torch.float32)
            parameter.copy_(noise / math.sqrt(parameter[0].numel()) if parameter.dim() >= 2 else 0.1 * noise)
    return model


def save(model: AutoencoderTiny, folder: Path) -> None:
    """Writes `folder` (replacing it) and checks that diffusers loads every weight back bitwise equal."""
    if folder.exists():
        shutil.rmtree(folder)
    model.save_pretrained(folder, safe_serialization=True)
    reloaded = AutoencoderTiny.from_pretrained(folder).eval()
    saved, loaded = model.state_dict(), reloaded.state_dict()
    if saved.keys() != loaded.keys() or any(not torch.equal(saved[k], loaded[k]) for k in saved):
        raise AssertionError(f"{folder}: weights did not survive save_pretrained / from_pretrained")
    count = sum(p.numel() for p in model.parameters())
    print(f"{folder.name}: {count} parameters, {json.loads((folder / 'config.json').read_text())['_class_name']}")


@torch.no_grad()
def references(model: AutoencoderTiny, latent_size: tuple[int, int], image_size: tuple[int, int], batch: int,
               seed: int) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    latent = 2 * torch.randn(batch, model.config.latent_channels, *latent_size, generator=generator)
    image = 2 * torch.rand(batch, model.config.in_channels, *image_size, generator=generator) - 1
    sample = model.decode(latent).sample
    encoded = model.encode(image).latents
    factor = model.config.upsampling_scaling_factor ** (len(model.config.num_decoder_blocks) - 1)
    if sample.shape[-2:] != (latent_size[0] * factor, latent_size[1] * factor):
        raise AssertionError(f"decoded {tuple(sample.shape)} from {tuple(latent.shape)}")
    if encoded.shape[-2:] != tuple(math.ceil(s / 8) for s in image_size):
        raise AssertionError(f"encoded {tuple(encoded.shape)} from {tuple(image.shape)}")
    # decode and encode are the decoder and encoder as they are: no scaling_factor, no latent_shift.
    if not torch.equal(sample, model.decoder(latent)) or not torch.equal(encoded, model.encoder(image)):
        raise AssertionError("AutoencoderTiny.decode/encode are not its decoder/encoder")
    return {"latent": latent, "sample": sample, "image": image, "encoded": encoded}


def write_full_size(folder: Path) -> None:
    model = build(REAL_CONFIG, seed=20)
    defaults = AutoencoderTiny().config
    for key, value in REAL_CONFIG.items():
        default = list(defaults[key]) if isinstance(defaults[key], (list, tuple)) else defaults[key]
        if value != default:
            raise AssertionError(f"{key}: {value} is not diffusers' default {defaults[key]}")
    save(model, folder)
    _save(folder / "reference.safetensors", references(model, (8, 8), (64, 64), batch=1, seed=21), {})


def main(full_size: Path | None = None) -> None:
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        if full_size is not None:
            write_full_size(full_size)
            return
        model = build(TINY_CONFIG, seed=10)
        save(model, FIXTURES / "models" / "tiny-taesd")
        (FIXTURES / "taesd").mkdir(exist_ok=True)
        _save(FIXTURES / "taesd" / "tiny-taesd.safetensors", references(model, (5, 7), (44, 60), batch=2, seed=11), {})
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full-size", type=Path, metavar="DIR",
                        help="write TAESD's real configuration with random weights into DIR instead")
    main(parser.parse_args().full_size)
