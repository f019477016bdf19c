"""Inputs for the network benchmarks, as ldb and PyTorch see them during a Stable Diffusion 1.5 edit.

    python make_inputs.py --model DIR --out WORK [--prompt P]

Writes into WORK:
- unet-b1.safetensors: sample (1,4,64,64) = randn(seed 1), timestep [500] (int64),
  encoder_hidden_states (1,77,768) = the model's text encoder on the prompt.
- unet-b2.safetensors: a classifier-free guidance batch: the same latent twice, timestep [500, 500],
  states [text encoder on "", text encoder on the prompt].
- vae-decode.safetensors: latent (1,4,64,64) = randn(seed 3) / scaling_factor, the scale at which the
  pipeline hands a finished latent to the decoder (a 512x512 image).
"""

import argparse
import json
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import CLIPTextModel, CLIPTokenizer

LATENT_SHAPE = (1, 4, 64, 64)
TIMESTEP = 500


def randn(shape, seed: int) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def text_states(model: Path, prompts: list[str]) -> torch.Tensor:
    tokenizer = CLIPTokenizer.from_pretrained(model / "tokenizer")
    encoder = CLIPTextModel.from_pretrained(model / "text_encoder").eval()
    ids = tokenizer(prompts, padding="max_length", max_length=tokenizer.model_max_length,
                    truncation=True, return_tensors="pt").input_ids
    with torch.inference_mode():
        return encoder(ids)[0].contiguous()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--prompt", default="a photo of a cat")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)

    uncond, cond = text_states(arguments.model, ["", arguments.prompt]).split(1)
    latent = randn(LATENT_SHAPE, 1)
    save_file({"sample": latent, "timestep": torch.tensor([TIMESTEP], dtype=torch.int64),
               "encoder_hidden_states": cond.contiguous()}, arguments.out / "unet-b1.safetensors")
    save_file({"sample": torch.cat([latent, latent]), "timestep": torch.tensor([TIMESTEP] * 2, dtype=torch.int64),
               "encoder_hidden_states": torch.cat([uncond, cond])}, arguments.out / "unet-b2.safetensors")

    scaling = json.loads((arguments.model / "vae" / "config.json").read_text())["scaling_factor"]
    save_file({"latent": randn(LATENT_SHAPE, 3) / scaling}, arguments.out / "vae-decode.safetensors")
    print(f"wrote unet-b1, unet-b2 and vae-decode inputs to {arguments.out}")


if __name__ == "__main__":
    main()
