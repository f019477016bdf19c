"""Builds Stable Diffusion models with random weights from a `ModelSpec` and saves them in diffusers layout."""

import copy
import math
import shutil
from pathlib import Path

import torch
from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

from models_configs import ModelSpec
from models_tokenizer import write_tokenizer_folder


def randomize_(module: torch.nn.Module, generator: torch.Generator) -> None:
    """Redraws every parameter so that no weight is zero-initialised (diffusers zeroes some output
    projections) and activations stay of order one: matrices and kernels ~ N(0, 1/fan_in), norm scales
    ~ 1 + N(0, 0.2^2), biases ~ N(0, 0.1^2), embeddings ~ N(0, 0.5^2)."""
    with torch.no_grad():
        for name, parameter in module.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator, dtype=torch.float32)
            if "embedding" in name and parameter.dim() == 2:
                value = 0.5 * noise
            elif parameter.dim() >= 2:
                value = noise / math.sqrt(parameter[0].numel())
            elif name.endswith("bias"):
                value = 0.1 * noise
            else:
                value = 1.0 + 0.2 * noise
            parameter.copy_(value)


def build_pipeline(spec: ModelSpec, bpe_path: Path, tokenizer_dir: Path) -> StableDiffusionPipeline:
    """A pipeline with freshly drawn weights; the tokenizer is written to `tokenizer_dir` first."""
    write_tokenizer_folder(tokenizer_dir, bpe_path, spec.merge_count, spec.pad_token)
    tokenizer = CLIPTokenizer.from_pretrained(tokenizer_dir)
    if len(tokenizer) != spec.text_encoder["vocab_size"]:
        raise ValueError(f"{spec.name}: tokenizer has {len(tokenizer)} tokens, text encoder expects "
                         f"{spec.text_encoder['vocab_size']}")
    generator = torch.Generator().manual_seed(spec.seed)
    text_encoder = CLIPTextModel(CLIPTextConfig(**spec.text_encoder))
    unet = UNet2DConditionModel(**spec.unet)
    vae = AutoencoderKL(**spec.vae)
    for component in (text_encoder, unet, vae):
        randomize_(component, generator)
        component.eval()
    return StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=DDIMScheduler(**spec.scheduler),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def save_model(spec: ModelSpec, bpe_path: Path, folder: Path) -> StableDiffusionPipeline:
    """Writes `folder` (replacing it) in the layout of the Stable Diffusion repositories:
    model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/, all weights as safetensors,
    plus `.fp16.safetensors` variants of `spec.fp16_components`. Returns the pipeline that was saved."""
    if folder.exists():
        shutil.rmtree(folder)
    staging_tokenizer = folder.parent / f".{folder.name}-tokenizer"
    pipeline = build_pipeline(spec, bpe_path, staging_tokenizer)
    pipeline.save_pretrained(folder, safe_serialization=True)
    # transformers rewrites the tokenizer files in its own format; keep the four files SD repos ship.
    shutil.rmtree(folder / "tokenizer")
    staging_tokenizer.rename(folder / "tokenizer")
    save_text_encoder_weights(pipeline.text_encoder, folder / "text_encoder")
    for name in spec.fp16_components:
        half = copy.deepcopy(getattr(pipeline, name)).half()
        if name == "text_encoder":
            save_text_encoder_weights(half, folder / name, variant="fp16")
        else:
            half.save_pretrained(folder / name, variant="fp16", safe_serialization=True)
    return pipeline


def save_text_encoder_weights(text_encoder: CLIPTextModel, folder: Path, variant: str | None = None) -> None:
    """Writes `model[.variant].safetensors` with the `text_model.` key prefix that Stable Diffusion
    checkpoints (and transformers before version 5) use; transformers 5 saves a freshly built
    CLIPTextModel without it, and loads either form."""
    tensors = {f"text_model.{key}": value.contiguous() for key, value in text_encoder.state_dict().items()}
    name = "model.safetensors" if variant is None else f"model.{variant}.safetensors"
    save_file(tensors, str(folder / name), metadata={"format": "pt"})


def load_model(folder: Path) -> StableDiffusionPipeline:
    """The saved model, loaded back through diffusers in float32 (a check that the folder is complete)."""
    pipeline = StableDiffusionPipeline.from_pretrained(
        folder,
        dtype=torch.float32,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    if not isinstance(pipeline.scheduler, DDIMScheduler):
        raise TypeError(f"{folder}: scheduler loaded as {type(pipeline.scheduler).__name__}, not DDIMScheduler")
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


def load_fp16_component(folder: Path, name: str) -> torch.nn.Module:
    """One component from its `.fp16.safetensors` variant, upcast to float32."""
    model_class = {"unet": UNet2DConditionModel, "text_encoder": CLIPTextModel, "vae": AutoencoderKL}[name]
    model = model_class.from_pretrained(folder / name, variant="fp16", dtype=torch.float32)
    return model.eval()


def check_same_weights(expected: torch.nn.Module, loaded: torch.nn.Module, what: str) -> None:
    """Raises unless both modules hold bitwise equal parameters under the same names (transformers and
    diffusers only warn when a saved key does not match, and then initialise the weight anew)."""
    expected_state, loaded_state = expected.state_dict(), loaded.state_dict()
    if expected_state.keys() != loaded_state.keys():
        raise AssertionError(f"{what}: parameter names differ after reloading: "
                             f"{sorted(expected_state.keys() ^ loaded_state.keys())[:5]}")
    for key, value in expected_state.items():
        if not torch.equal(value, loaded_state[key]):
            raise AssertionError(f"{what}: {key} differs after reloading")
