"""PyTorch/diffusers counterpart of `ldb model probe unet|vae-decode|text-encoder`, for the network benchmarks.

    python torch_probe.py unet         --model DIR -i IN.safetensors -o OUT.safetensors [--repeat K]
    python torch_probe.py vae-decode   --model DIR -i IN.safetensors -o OUT.safetensors [--repeat K]
    python torch_probe.py tiny-decode  --model DIR -i IN.safetensors -o OUT.safetensors [--repeat K]   # AutoencoderTiny
    python torch_probe.py text-encoder --model DIR --prompt P        -o OUT.safetensors [--repeat K]

Reads and writes the same tensors as ldb's probes and prints `LABEL eval I: S s` on stderr after each
evaluation, exactly as `ldb model probe ... --repeat K` does, so that run.sh can read both the same way.
Runs on the CPU in float32 with `--threads` intra-op threads (default 2), under torch.inference_mode(); with
`--autocast`, under `torch.autocast("cpu", dtype=torch.bfloat16)` (outputs written as float32).
"""

import argparse
import contextlib
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def repeat(label: str, count: int, body):
    """Calls `body` `count` times, printing each evaluation's time on stderr; returns the last result."""
    result = None
    for index in range(1, count + 1):
        start = time.perf_counter()
        result = body()
        seconds = time.perf_counter() - start
        print(f"{label} eval {index}: {seconds:.3f} s", file=sys.stderr, flush=True)
    return result


def probe_unet(arguments) -> None:
    from diffusers import UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(arguments.model, subfolder="unet").eval()
    inputs = load_file(arguments.input)
    sample, timestep, states = inputs["sample"], inputs["timestep"], inputs["encoder_hidden_states"]
    out = repeat("unet", arguments.repeat,
                 lambda: unet(sample, timestep, encoder_hidden_states=states, return_dict=False)[0])
    save_file({"out": out.float().contiguous()}, arguments.output)


def probe_vae_decode(arguments) -> None:
    from diffusers import AutoencoderKL

    vae = AutoencoderKL.from_pretrained(arguments.model, subfolder="vae").eval()
    latent = load_file(arguments.input)["latent"]
    sample = repeat("vae-decode", arguments.repeat, lambda: vae.decode(latent, return_dict=False)[0])
    save_file({"sample": sample.float().contiguous()}, arguments.output)


def probe_tiny_decode(arguments) -> None:
    from diffusers import AutoencoderTiny

    vae = AutoencoderTiny.from_pretrained(arguments.model).eval()
    latent = load_file(arguments.input)["latent"]
    sample = repeat("tiny-decode", arguments.repeat, lambda: vae.decode(latent, return_dict=False)[0])
    save_file({"sample": sample.contiguous()}, arguments.output)


def probe_text_encoder(arguments) -> None:
    from transformers import CLIPTextModel, CLIPTokenizer

    model = Path(arguments.model)
    tokenizer = CLIPTokenizer.from_pretrained(model / "tokenizer")
    encoder = CLIPTextModel.from_pretrained(model / "text_encoder").eval()
    ids = tokenizer(arguments.prompt, padding="max_length", max_length=tokenizer.model_max_length,
                    truncation=True, return_tensors="pt").input_ids
    hidden = repeat("text-encoder", arguments.repeat, lambda: encoder(ids)[0])
    save_file({"last_hidden_state": hidden.float().contiguous(), "input_ids": ids.to(torch.int64)}, arguments.output)


PROBES = {"unet": probe_unet, "vae-decode": probe_vae_decode, "tiny-decode": probe_tiny_decode,
          "text-encoder": probe_text_encoder}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("probe", choices=sorted(PROBES))
    parser.add_argument("--model", required=True,
                        help="model folder in diffusers layout (tiny-decode: the AutoencoderTiny's own folder)")
    parser.add_argument("-i", "--input", help="input tensors (unet, vae-decode, tiny-decode)")
    parser.add_argument("-o", "--output", required=True, help="where to write the result tensors")
    parser.add_argument("--prompt", help="the prompt (text-encoder)")
    parser.add_argument("--repeat", type=int, default=1, help="evaluations on the same input (default 1)")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads (default 2)")
    parser.add_argument("--autocast", action="store_true", help="compute under bfloat16 autocast")
    arguments = parser.parse_args()
    if arguments.repeat < 1:
        parser.error("--repeat must be at least 1")
    if arguments.probe == "text-encoder" and arguments.prompt is None:
        parser.error("text-encoder needs --prompt")
    if arguments.probe != "text-encoder" and arguments.input is None:
        parser.error(f"{arguments.probe} needs -i IN.safetensors")
    torch.set_num_threads(arguments.threads)
    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if arguments.autocast else contextlib.nullcontext()
    with torch.inference_mode(), autocast:
        PROBES[arguments.probe](arguments)


if __name__ == "__main__":
    main()
