"""Reference tensors for ldb's bfloat16 compute mode: tiny-sd1's UNet and VAE decoder on the inputs of
Fixtures/reference/tiny-sd1 (unet.safetensors, vae_decode.safetensors), in float32 and under PyTorch's
`torch.autocast("cpu", dtype=torch.bfloat16)`, so a test can hold ldb's bfloat16 error against float32 to
PyTorch's. Deterministic (CPU, fixed inputs). Run from the repository root:

    /work/venv/bin/python Fixtures/scripts/bfloat16_fixtures.py
"""

from pathlib import Path

import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from safetensors.torch import load_file, save_file

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "Fixtures/models/tiny-sd1"
REFERENCE = ROOT / "Fixtures/reference/tiny-sd1"
OUT = ROOT / "Fixtures/bfloat16/tiny-sd1.safetensors"


def relative_error(value: torch.Tensor, reference: torch.Tensor) -> float:
    return float((value.double() - reference.double()).norm() / reference.double().norm())


def main() -> None:
    torch.manual_seed(0)
    unet = UNet2DConditionModel.from_pretrained(MODEL / "unet").eval()
    vae = AutoencoderKL.from_pretrained(MODEL / "vae").eval()
    unet_inputs = load_file(REFERENCE / "unet.safetensors")
    latent = load_file(REFERENCE / "vae_decode.safetensors")["latent"]
    tensors = {}
    with torch.no_grad():
        args = (unet_inputs["sample"], unet_inputs["timestep"])
        kwargs = {"encoder_hidden_states": unet_inputs["encoder_hidden_states"]}
        tensors["unet.float32"] = unet(*args, **kwargs).sample
        with torch.autocast("cpu", dtype=torch.bfloat16):
            tensors["unet.autocast"] = unet(*args, **kwargs).sample.float()
        tensors["vae_decode.float32"] = vae.decode(latent).sample
        with torch.autocast("cpu", dtype=torch.bfloat16):
            tensors["vae_decode.autocast"] = vae.decode(latent).sample.float()
    for network in ("unet", "vae_decode"):
        error = relative_error(tensors[f"{network}.autocast"], tensors[f"{network}.float32"])
        print(f"{network}: PyTorch bf16 autocast relative error against float32 {error:.3e}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    save_file({key: value.contiguous() for key, value in tensors.items()}, str(OUT))


if __name__ == "__main__":
    main()
