"""Reference tensors computed with diffusers / transformers for one saved model folder."""

import json
import shutil
import struct
from pathlib import Path

import png
import torch
from diffusers import DDIMInverseScheduler, DDIMScheduler, StableDiffusionPipeline
from safetensors import safe_open

TOKENIZE_PROMPTS = (
    "",
    "a photo of a cat",
    "A Photo OF  a\tCAT,   riding a horse!!",
    "hello, world... (test) #tag @user 'quoted' don't it's we'll they're I'd",
    "1234 3.14 x2 100% $5",
    "café naïve über straße 東京 🙂",
    "an astronaut riding a horse on the moon, highly detailed, 8k, trending on artstation, "
    "dramatic lighting, by greg rutkowski and alphonse mucha, oil painting, cinematic, sharp focus, "
    "intricate, elegant, volumetric light, unreal engine, octane render, bokeh, golden hour, "
    "ultra realistic, masterpiece, best quality, award winning photograph, wide angle lens",
)
TEXT_ENCODER_PROMPTS = ("a photo of a cat", "A Painting of a DOG, by van gogh!")

PROMPT = "a watercolor painting of a lighthouse"
NEGATIVE_PROMPT = "blurry, low quality"
GUIDANCE = 7.5
SEED = 1234
STEPS = 6
SAMPLE_WIDTH, SAMPLE_HEIGHT = 64, 96  # latent 12 x 8 (h x w)
IMAGE_HEIGHT, IMAGE_WIDTH = 64, 96  # latent 8 x 12
INVERT_PROMPT = "a photo of a red house"


_SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}


def _save(path: Path, tensors: dict[str, torch.Tensor], metadata: dict[str, object]) -> None:
    """Writes a safetensors file with string metadata, byte for byte the same on every run (the
    safetensors library orders `__metadata__` differently from run to run), reads it back with the
    safetensors library to check it, and prints each tensor's largest magnitude."""
    header: dict[str, object] = {"__metadata__": {k: v if isinstance(v, str) else json.dumps(v)
                                                  for k, v in sorted(metadata.items())}}
    if not metadata:
        del header["__metadata__"]
    blobs, offset = [], 0
    for key, value in tensors.items():
        data = value.detach().contiguous().numpy().tobytes()
        header[key] = {"dtype": _SAFETENSORS_DTYPES[value.dtype], "shape": list(value.shape),
                       "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)))
        file.write(encoded)
        file.write(b"".join(blobs))

    with safe_open(str(path), "pt") as reread:
        if (reread.metadata() or {}) != header.get("__metadata__", {}):
            raise AssertionError(f"{path}: metadata did not survive a round trip")
        for key, value in tensors.items():
            if not torch.equal(reread.get_tensor(key), value.detach()):
                raise AssertionError(f"{path}: tensor {key} did not survive a round trip")
    for key, value in tensors.items():
        magnitude = value.abs().max().item() if value.numel() else 0.0
        print(f"  {path.parent.name}/{path.name} {key} {list(value.shape)} {value.dtype} max|x| = {magnitude:.6g}")


def _input_ids(pipeline: StableDiffusionPipeline, prompt: str) -> torch.Tensor:
    """Tokens as Stable Diffusion pipelines make them: padded and truncated to 77."""
    tokenizer = pipeline.tokenizer
    return tokenizer(
        prompt, padding="max_length", max_length=tokenizer.model_max_length, truncation=True, return_tensors="pt"
    ).input_ids


def _encode(pipeline: StableDiffusionPipeline, prompt: str) -> torch.Tensor:
    return pipeline.text_encoder(_input_ids(pipeline, prompt))[0]


def _test_image(height: int, width: int, seed: int) -> torch.Tensor:
    """An 8-bit RGB picture (smooth gradients plus noise) as uint8 [height, width, 3]."""
    generator = torch.Generator().manual_seed(seed)
    y = torch.linspace(0, 1, height).view(height, 1, 1)
    x = torch.linspace(0, 1, width).view(1, width, 1)
    phase = torch.tensor([0.0, 2.1, 4.2]).view(1, 1, 3)
    base = 0.5 + 0.35 * torch.sin(6.0 * x + 3.0 * y * y + phase)
    noisy = base + 0.08 * torch.randn(height, width, 3, generator=generator)
    return (noisy.clamp(0, 1) * 255).round().to(torch.uint8)


def _pixels_to_tensor(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 [H, W, 3] -> float32 [1, 3, H, W] in [-1, 1], as docs/algorithm.md converts images."""
    return (pixels.to(torch.float32) / 127.5 - 1.0).permute(2, 0, 1).unsqueeze(0).contiguous()


def _write_png(path: Path, pixels: torch.Tensor) -> None:
    height, width, _ = pixels.shape
    rows = pixels.reshape(height, width * 3).tolist()
    with open(path, "wb") as file:
        png.Writer(width, height, greyscale=False, bitdepth=8).write(file, rows)


def write_tokenize(pipeline: StableDiffusionPipeline, out: Path) -> None:
    """tokenize.json: each prompt's ids without padding (`ids`) and as pipelines feed them (`input_ids`)."""
    tokenizer = pipeline.tokenizer
    entries = []
    for prompt in TOKENIZE_PROMPTS:
        ids = tokenizer(prompt, truncation=False, verbose=False).input_ids
        entries.append({"prompt": prompt, "ids": ids, "input_ids": _input_ids(pipeline, prompt)[0].tolist()})
    document = {
        "pad_token_id": tokenizer.pad_token_id,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "model_max_length": tokenizer.model_max_length,
        "prompts": entries,
    }
    (out / "tokenize.json").write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    longest = max(len(e["ids"]) for e in entries)
    print(f"  {out.name}/tokenize.json {len(entries)} prompts, longest {longest} tokens")


def write_text_encoder(pipeline: StableDiffusionPipeline, out: Path, text_encoder=None, name="text_encoder") -> None:
    """Keys `input_ids.K` (int64 [1,77]) and `last_hidden_state.K` ([1,77,hidden]) for prompt K."""
    text_encoder = text_encoder or pipeline.text_encoder
    tensors, metadata = {}, {}
    for index, prompt in enumerate(TEXT_ENCODER_PROMPTS):
        ids = _input_ids(pipeline, prompt)
        tensors[f"input_ids.{index}"] = ids
        tensors[f"last_hidden_state.{index}"] = text_encoder(ids)[0]
        metadata[f"prompt.{index}"] = prompt
    _save(out / f"{name}.safetensors", tensors, metadata)


def unet_inputs(unet, seed: int, timestep: torch.Tensor) -> dict[str, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    channels = unet.config.in_channels
    cross = unet.config.cross_attention_dim
    return {
        "sample": torch.randn(2, channels, 8, 12, generator=generator),
        "timestep": timestep,
        "encoder_hidden_states": torch.randn(2, 77, cross, generator=generator),
    }


def write_unet(unet, out: Path, name: str, timestep: torch.Tensor, seed: int) -> None:
    """`sample` [2,4,8,12], `timestep` [2], `encoder_hidden_states` [2,77,D] -> `out`."""
    inputs = unet_inputs(unet, seed, timestep)
    result = unet(inputs["sample"], inputs["timestep"], encoder_hidden_states=inputs["encoder_hidden_states"]).sample
    _save(out / f"{name}.safetensors", {**inputs, "out": result}, {})


def write_vae(pipeline: StableDiffusionPipeline, out: Path) -> torch.Tensor:
    """vae_encode (`image` -> `mean`, `logvar`) and vae_decode (`latent` -> `sample`, no scaling applied).
    Returns the test image's pixels."""
    vae = pipeline.vae
    pixels = _test_image(IMAGE_HEIGHT, IMAGE_WIDTH, seed=7)
    image = _pixels_to_tensor(pixels)
    distribution = vae.encode(image).latent_dist
    _save(out / "vae_encode.safetensors", {"image": image, "mean": distribution.mean,
                                           "logvar": distribution.logvar}, {})
    factor = 2 ** (len(vae.config.block_out_channels) - 1)
    generator = torch.Generator().manual_seed(8)
    latent = torch.randn(1, vae.config.latent_channels, IMAGE_HEIGHT // factor, IMAGE_WIDTH // factor,
                         generator=generator)
    _save(out / "vae_decode.safetensors", {"latent": latent, "sample": vae.decode(latent).sample}, {})
    return pixels


def _guided(unet, latent, timestep, cond, uncond, guidance: float) -> torch.Tensor:
    """docs/algorithm.md's eps: one batch [uncond, cond] combined with guidance g when g > 1, else cond alone."""
    if guidance > 1:
        both = unet(torch.cat([latent, latent]), timestep, encoder_hidden_states=torch.cat([uncond, cond])).sample
        unconditional, conditional = both.chunk(2)
        return unconditional + guidance * (conditional - unconditional)
    return unet(latent, timestep, encoder_hidden_states=cond).sample


def write_sample(pipeline: StableDiffusionPipeline, out: Path) -> None:
    """The base trajectory Z0..ZN of docs/algorithm.md, by an explicit loop; checked against the pipeline."""
    vae, unet = pipeline.vae, pipeline.unet
    scheduler = DDIMScheduler.from_config(pipeline.scheduler.config)
    scheduler.set_timesteps(STEPS)
    factor = 2 ** (len(vae.config.block_out_channels) - 1)
    shape = (1, unet.config.in_channels, SAMPLE_HEIGHT // factor, SAMPLE_WIDTH // factor)
    cond, uncond = _encode(pipeline, PROMPT), _encode(pipeline, NEGATIVE_PROMPT)

    trajectory = [torch.randn(shape, generator=torch.Generator().manual_seed(SEED)) * scheduler.init_noise_sigma]
    for timestep in scheduler.timesteps:
        eps = _guided(unet, trajectory[-1], timestep, cond, uncond, GUIDANCE)
        trajectory.append(scheduler.step(eps, timestep, trajectory[-1], eta=0.0).prev_sample)

    from_pipeline = pipeline(
        PROMPT,
        negative_prompt=NEGATIVE_PROMPT,
        height=SAMPLE_HEIGHT,
        width=SAMPLE_WIDTH,
        num_inference_steps=STEPS,
        guidance_scale=GUIDANCE,
        generator=torch.Generator().manual_seed(SEED),
        output_type="latent",
    ).images
    difference = (from_pipeline - trajectory[-1]).abs().max().item()
    if difference != 0.0:
        raise AssertionError(f"{out.name}: explicit loop differs from StableDiffusionPipeline by {difference}")

    decoded = vae.decode(trajectory[-1] / vae.config.scaling_factor).sample
    tensors = {f"Z{i}": z for i, z in enumerate(trajectory)}
    tensors["timesteps"] = scheduler.timesteps.to(torch.int64)
    tensors["decoded"] = decoded
    metadata = {"prompt": PROMPT, "negative_prompt": NEGATIVE_PROMPT, "guidance": GUIDANCE, "seed": SEED,
                "steps": STEPS, "width": SAMPLE_WIDTH, "height": SAMPLE_HEIGHT}
    _save(out / "sample.safetensors", tensors, metadata)


def write_invert(pipeline: StableDiffusionPipeline, out: Path, pixels: torch.Tensor) -> None:
    """DDIM inversion X0..XN of docs/algorithm.md (guidance 1) of the VAE test image."""
    vae, unet = pipeline.vae, pipeline.unet
    inverse = DDIMInverseScheduler.from_config(pipeline.scheduler.config)
    inverse.set_timesteps(STEPS)
    image = _pixels_to_tensor(pixels)
    _write_png(out / "invert_image.png", pixels)
    cond = _encode(pipeline, INVERT_PROMPT)
    trajectory = [vae.encode(image).latent_dist.mean * vae.config.scaling_factor]
    for timestep in inverse.timesteps:
        eps = unet(trajectory[-1], timestep, encoder_hidden_states=cond).sample
        trajectory.append(inverse.step(eps, timestep, trajectory[-1]).prev_sample)
    tensors = {"image": image, "timesteps": inverse.timesteps.to(torch.int64)}
    tensors.update({f"X{i}": x for i, x in enumerate(trajectory)})
    metadata = {"prompt": INVERT_PROMPT, "guidance": 1.0, "steps": STEPS, "width": IMAGE_WIDTH,
                "height": IMAGE_HEIGHT}
    _save(out / "invert.safetensors", tensors, metadata)


@torch.no_grad()
def write_references(pipeline: StableDiffusionPipeline, out: Path, fp16_components: dict) -> None:
    """Every reference file of one model into `out`. `fp16_components` maps a component name to that
    component loaded from its fp16 variant (upcast to float32). `out` is replaced."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write_tokenize(pipeline, out)
    write_text_encoder(pipeline, out)
    int_timestep = torch.tensor([981, 21], dtype=torch.int64)
    float_timestep = torch.tensor([500.5, 999.0], dtype=torch.float32)
    write_unet(pipeline.unet, out, "unet", int_timestep, seed=3)
    write_unet(pipeline.unet, out, "unet_float_timestep", float_timestep, seed=4)
    if "text_encoder" in fp16_components:
        write_text_encoder(pipeline, out, fp16_components["text_encoder"], "text_encoder_fp16")
    if "unet" in fp16_components:
        write_unet(fp16_components["unet"], out, "unet_fp16", int_timestep, seed=3)
    pixels = write_vae(pipeline, out)
    write_sample(pipeline, out)
    write_invert(pipeline, out, pixels)
