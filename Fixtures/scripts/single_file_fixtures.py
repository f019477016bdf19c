"""The tiny models as single-file checkpoints in the original LDM (CompVis / Stability) key layout, and the LDM
tensor shapes of full-size Stable Diffusion 1.5 and 2.1, for `SingleFileCheckpoint`.

    python Fixtures/scripts/single_file_fixtures.py     # or: python Fixtures/make_fixtures.py single_file_fixtures

Needs Fixtures/models/ (scripts/models.py). Writes Fixtures/single-file/:

- tiny-sd1.safetensors: tiny-sd1 as an SD 1.x checkpoint: `model.diffusion_model.*` and
  `cond_stage_model.transformer.text_model.*` from the folder's fp16 variants (stored as F16, as many shared
  checkpoints are), `first_stage_model.*` from its float32 VAE (F32), plus the int64 `position_ids` buffer that
  real SD 1.x files carry. No metadata.
- tiny-sd2.safetensors: tiny-sd2 (float32) as an SD 2.x checkpoint, with its OpenCLIP text tower under
  `cond_stage_model.model.*`: q, k and v fused into `attn.in_proj_weight/bias`, a `text_projection` and a
  `logit_scale`, and one more resblock than the folder's text encoder has, drawn at random: SD 2 conditions on
  the penultimate layer, so that last block is never used. No metadata (the prediction type is not in it).
- sd15-shapes.json, sd21-shapes.json: `tensors`, the LDM name and shape of every tensor of a full-size
  SD 1.5 / SD 2.1 checkpoint (built on torch's meta device, nothing downloaded), and `configs`, the diffusers
  configurations those checkpoints are published with (runwayml/stable-diffusion-v1-5,
  stabilityai/stable-diffusion-2-1), which `SingleFileCheckpoint` must derive from the shapes alone.

The inverse key mapping below is written here; it is checked against diffusers' own converters
(`diffusers.loaders.single_file_utils.convert_ldm_unet_checkpoint`, `convert_ldm_vae_checkpoint`,
`convert_ldm_clip_checkpoint`, `convert_open_clip_checkpoint`), which must give back every tensor of the folder
bitwise, and by `is_clip_model` / `is_open_clip_model`, which must find the text tower of SD 1.x and SD 2.x (and, for the
full-size tables, by `infer_diffusers_model_type`, which must say "v1" and "v2").
`from_single_file` itself needs the Hub for its default configurations, so it is not used. The full-size shape
tables go through the same converters on meta tensors, which must give exactly the state-dict names and shapes of
the diffusers models.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
from diffusers import AutoencoderKL, UNet2DConditionModel  # noqa: E402
from diffusers.loaders import single_file_utils as sfu  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from transformers import CLIPTextConfig, CLIPTextModel  # noqa: E402

from models_configs import FULL_SD15  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent
OUT = FIXTURES / "single-file"

UNET = "model.diffusion_model."
VAE = "first_stage_model."
CLIP = "cond_stage_model.transformer."
OPEN_CLIP = "cond_stage_model.model."

RESNET_UNET = {"norm1": "in_layers.0", "conv1": "in_layers.2", "time_emb_proj": "emb_layers.1",
               "norm2": "out_layers.0", "conv2": "out_layers.3", "conv_shortcut": "skip_connection"}
VAE_ATTENTION = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}


def _rename_head(rest: str, table: dict) -> str:
    for new, old in table.items():
        if rest.startswith(new + "."):
            return old + rest[len(new):]
    raise KeyError(rest)


def unet_to_ldm(name: str, config: dict) -> str:
    """The LDM name of a diffusers UNet2DConditionModel tensor."""
    layers = config["layers_per_block"]
    levels = len(config["block_out_channels"])
    parts = name.split(".")
    fixed = {"time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2",
             "conv_in": "input_blocks.0.0", "conv_norm_out": "out.0", "conv_out": "out.2"}
    head = ".".join(parts[:-1])
    if head in fixed:
        return f"{fixed[head]}.{parts[-1]}"
    if parts[0] == "down_blocks":
        level, kind, index, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
        if kind == "resnets":
            return f"input_blocks.{1 + level * (layers + 1) + index}.0.{_rename_head(rest, RESNET_UNET)}"
        if kind == "attentions":
            return f"input_blocks.{1 + level * (layers + 1) + index}.1.{rest}"
        if kind == "downsamplers":  # down_blocks.L.downsamplers.0.conv.weight
            return f"input_blocks.{1 + level * (layers + 1) + layers}.0.op.{parts[-1]}"
    if parts[0] == "mid_block":
        kind, index, rest = parts[1], int(parts[2]), ".".join(parts[3:])
        if kind == "resnets":
            return f"middle_block.{2 * index}.{_rename_head(rest, RESNET_UNET)}"
        return f"middle_block.1.{rest}"
    if parts[0] == "up_blocks":
        block, kind, index, rest = int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
        if kind == "resnets":
            return f"output_blocks.{block * (layers + 1) + index}.0.{_rename_head(rest, RESNET_UNET)}"
        if kind == "attentions":
            return f"output_blocks.{block * (layers + 1) + index}.1.{rest}"
        if kind == "upsamplers":
            has_attention = config["up_block_types"][block] == "CrossAttnUpBlock2D"
            return f"output_blocks.{block * (layers + 1) + layers}.{2 if has_attention else 1}.conv.{parts[-1]}"
    raise KeyError(f"no LDM name for UNet tensor {name} ({levels} levels)")


def vae_to_ldm(name: str, config: dict) -> tuple[str, bool]:
    """The LDM name of a diffusers AutoencoderKL tensor, and whether it is a mid-attention linear weight that
    LDM stores as a 1x1 convolution."""
    levels = len(config["block_out_channels"])
    parts = name.split(".")
    side = parts[0]
    if side in ("quant_conv", "post_quant_conv"):
        return name, False
    rest = parts[1:]
    if rest[0] in ("conv_in", "conv_out"):
        return name, False
    if rest[0] == "conv_norm_out":
        return f"{side}.norm_out.{rest[-1]}", False
    if rest[0] == "mid_block":
        kind, index, tail = rest[1], int(rest[2]), ".".join(rest[3:])
        if kind == "resnets":
            return f"{side}.mid.block_{index + 1}.{tail.replace('conv_shortcut', 'nin_shortcut')}", False
        renamed = _rename_head(tail, VAE_ATTENTION)
        return f"{side}.mid.attn_1.{renamed}", renamed.endswith("weight") and not renamed.startswith("norm")
    if rest[0] in ("down_blocks", "up_blocks"):
        block = int(rest[1])
        ldm_block = block if rest[0] == "down_blocks" else levels - 1 - block
        stage = "down" if rest[0] == "down_blocks" else "up"
        kind, tail = rest[2], ".".join(rest[3:])
        if kind == "resnets":
            return f"{side}.{stage}.{ldm_block}.block.{tail.replace('conv_shortcut', 'nin_shortcut')}", False
        sampler = "downsample" if stage == "down" else "upsample"
        return f"{side}.{stage}.{ldm_block}.{sampler}.{'.'.join(rest[4:])}", False
    raise KeyError(f"no LDM name for VAE tensor {name}")


def open_clip_from_clip(state: dict, extra_block: dict) -> dict:
    """An OpenCLIP text tower (`cond_stage_model.model.*` without the prefix) from a CLIPTextModel state dict
    (`text_model.*`), with `extra_block` as its last resblock."""
    prefix = "text_model."
    out = {
        "token_embedding.weight": state[prefix + "embeddings.token_embedding.weight"],
        "positional_embedding": state[prefix + "embeddings.position_embedding.weight"],
        "ln_final.weight": state[prefix + "final_layer_norm.weight"],
        "ln_final.bias": state[prefix + "final_layer_norm.bias"],
    }
    layers = sorted({int(k.split(".")[3]) for k in state if k.startswith(prefix + "encoder.layers.")})
    blocks = [{name: state[f"{prefix}encoder.layers.{i}.{name}"] for name in _clip_layer_names()} for i in layers]
    blocks.append(extra_block)
    for i, block in enumerate(blocks):
        ldm = f"transformer.resblocks.{i}."
        out[ldm + "ln_1.weight"], out[ldm + "ln_1.bias"] = block["layer_norm1.weight"], block["layer_norm1.bias"]
        out[ldm + "ln_2.weight"], out[ldm + "ln_2.bias"] = block["layer_norm2.weight"], block["layer_norm2.bias"]
        for kind in ("weight", "bias"):
            out[ldm + f"attn.in_proj_{kind}"] = torch.cat(
                [block[f"self_attn.{p}_proj.{kind}"] for p in ("q", "k", "v")], dim=0).contiguous()
            out[ldm + f"attn.out_proj.{kind}"] = block[f"self_attn.out_proj.{kind}"]
            out[ldm + f"mlp.c_fc.{kind}"] = block[f"mlp.fc1.{kind}"]
            out[ldm + f"mlp.c_proj.{kind}"] = block[f"mlp.fc2.{kind}"]
    return out


def _clip_layer_names() -> list[str]:
    names = []
    for module in ("layer_norm1", "layer_norm2", "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                   "self_attn.out_proj", "mlp.fc1", "mlp.fc2"):
        names += [f"{module}.weight", f"{module}.bias"]
    return names


def ldm_unet_and_vae(unet: dict, unet_config: dict, vae: dict, vae_config: dict) -> dict:
    out = {UNET + unet_to_ldm(k, unet_config): v for k, v in unet.items()}
    for name, value in vae.items():
        ldm, pointwise = vae_to_ldm(name, vae_config)
        out[VAE + ldm] = value[:, :, None, None] if pointwise and value.dim() == 2 else value
    return out


def _same(converted: dict, original: dict, what: str, ignore_extra=()) -> None:
    extra = set(converted) - set(original)
    if any(not any(e.startswith(p) for p in ignore_extra) for e in extra) or set(original) - set(converted):
        raise AssertionError(f"{what}: names differ: extra {sorted(extra)[:5]}, "
                             f"missing {sorted(set(original) - set(converted))[:5]}")
    for name, value in original.items():
        other = converted[name]
        if other.shape != value.shape or other.dtype != value.dtype or (
                value.device.type != "meta" and not torch.equal(other, value)):
            raise AssertionError(f"{what}: {name} differs after diffusers' conversion")


def check_with_diffusers(checkpoint: dict, folder: dict, configs: dict, expected_type: str, open_clip_layers=None):
    """diffusers' converters must turn `checkpoint` back into the folder's state dicts, bitwise."""
    # infer_diffusers_model_type tells SD 2 by a context width of 1024, which the tiny models do not have: here
    # the family is told by the text tower diffusers finds.
    found = "v2" if sfu.is_open_clip_model(checkpoint) else "v1" if sfu.is_clip_model(checkpoint) else None
    if found != expected_type:
        raise AssertionError(f"diffusers sees a {found} text tower, expected {expected_type}")
    _same(sfu.convert_ldm_unet_checkpoint(checkpoint, configs["unet"]), folder["unet"], "unet")
    _same(sfu.convert_ldm_vae_checkpoint(checkpoint, configs["vae"]), folder["vae"], "vae")
    if open_clip_layers is None:
        converted = sfu.convert_ldm_clip_checkpoint(checkpoint)
        converted = {k: v for k, v in converted.items() if not k.endswith("position_ids")}
        _same(converted, folder["text_encoder"], "text encoder")
    else:
        config = CLIPTextConfig(**configs["text_encoder"])
        with torch.device("meta"):
            model = CLIPTextModel(config)
        converted = sfu.convert_open_clip_checkpoint(model, checkpoint)
        # diffusers ignores `text_projection` and SD 2's 24th block by name (resblocks.23); here the unused block
        # is number `layers`.
        _same(converted, folder["text_encoder"], "text encoder", ignore_extra=(f"text_model.encoder.layers.{open_clip_layers}.",))


def _configs(folder: Path) -> dict:
    return {c: json.loads((folder / c / "config.json").read_text()) for c in ("unet", "vae", "text_encoder")}


def write_tiny_sd1() -> None:
    folder = FIXTURES / "models" / "tiny-sd1"
    configs = _configs(folder)
    state = {
        "unet": load_file(folder / "unet/diffusion_pytorch_model.fp16.safetensors"),
        "vae": load_file(folder / "vae/diffusion_pytorch_model.safetensors"),
        "text_encoder": load_file(folder / "text_encoder/model.fp16.safetensors"),
    }
    checkpoint = ldm_unet_and_vae(state["unet"], configs["unet"], state["vae"], configs["vae"])
    checkpoint |= {CLIP + k: v for k, v in state["text_encoder"].items()}
    positions = configs["text_encoder"]["max_position_embeddings"]
    checkpoint[CLIP + "text_model.embeddings.position_ids"] = torch.arange(positions, dtype=torch.int64)[None]
    check_with_diffusers(checkpoint, state, configs, "v1")
    save_file(checkpoint, OUT / "tiny-sd1.safetensors")
    _summarise("tiny-sd1", checkpoint)


def write_tiny_sd2() -> None:
    folder = FIXTURES / "models" / "tiny-sd2"
    configs = _configs(folder)
    state = {c: load_file(folder / c / f) for c, f in (("unet", "diffusion_pytorch_model.safetensors"),
                                                        ("vae", "diffusion_pytorch_model.safetensors"),
                                                        ("text_encoder", "model.safetensors"))}
    text = configs["text_encoder"]
    width, inner = text["hidden_size"], text["intermediate_size"]
    generator = torch.Generator().manual_seed(25)

    def draw(*shape, scale=None, offset=0.0):
        noise = torch.randn(*shape, generator=generator)
        return offset + (scale if scale is not None else shape[-1] ** -0.5) * noise

    extra = {}
    for norm in ("layer_norm1", "layer_norm2"):
        extra[f"{norm}.weight"], extra[f"{norm}.bias"] = draw(width, scale=0.2, offset=1.0), draw(width, scale=0.1)
    for module, shape in (("self_attn.q_proj", (width, width)), ("self_attn.k_proj", (width, width)),
                          ("self_attn.v_proj", (width, width)), ("self_attn.out_proj", (width, width)),
                          ("mlp.fc1", (inner, width)), ("mlp.fc2", (width, inner))):
        extra[f"{module}.weight"], extra[f"{module}.bias"] = draw(*shape), draw(shape[0], scale=0.1)

    checkpoint = ldm_unet_and_vae(state["unet"], configs["unet"], state["vae"], configs["vae"])
    tower = open_clip_from_clip(state["text_encoder"], extra)
    tower["text_projection"] = draw(width, width)
    tower["logit_scale"] = torch.tensor(4.6052)
    checkpoint |= {OPEN_CLIP + k: v for k, v in tower.items()}
    check_with_diffusers(checkpoint, state, configs, "v2", open_clip_layers=text["num_hidden_layers"])
    save_file(checkpoint, OUT / "tiny-sd2.safetensors")
    _summarise("tiny-sd2", checkpoint)


SD21_UNET = dict(FULL_SD15.unet, cross_attention_dim=1024, attention_head_dim=(5, 10, 20, 20),
                 use_linear_projection=True, upcast_attention=True, sample_size=96)
SD21_TEXT = dict(FULL_SD15.text_encoder, hidden_size=1024, intermediate_size=4096, num_hidden_layers=23,
                 num_attention_heads=16, hidden_act="gelu", projection_dim=512, pad_token_id=0)


def write_full_size_shapes(name: str, unet_config: dict, text_config: dict, open_clip: bool) -> None:
    vae_config = FULL_SD15.vae
    with torch.device("meta"):
        unet = UNet2DConditionModel(**unet_config).state_dict()
        vae = AutoencoderKL(**vae_config).state_dict()
        text = CLIPTextModel(CLIPTextConfig(**text_config)).state_dict()
    text = {k if k.startswith("text_model.") else "text_model." + k: v for k, v in text.items()}
    checkpoint = ldm_unet_and_vae(unet, unet_config, vae, vae_config)
    if open_clip:
        width, inner = text_config["hidden_size"], text_config["intermediate_size"]
        last = {k: torch.empty(v.shape, device="meta") for k, v in (
            (n, text[f"text_model.encoder.layers.0.{n}"]) for n in _clip_layer_names())}
        tower = open_clip_from_clip(text, last)
        tower["text_projection"] = torch.empty(width, 1024, device="meta")
        tower["logit_scale"] = torch.empty((), device="meta")
        checkpoint |= {OPEN_CLIP + k: v for k, v in tower.items()}
        if len([k for k in tower if k.endswith("in_proj_weight")]) != 24 or inner != 4096:
            raise AssertionError(f"{name}: OpenCLIP ViT-H/14 has 24 resblocks of MLP width 4096")
    else:
        checkpoint |= {CLIP + k: v for k, v in text.items()}
    configs = {"unet": unet_config, "vae": vae_config, "text_encoder": text_config}
    folder = {"unet": unet, "vae": vae, "text_encoder": {k: v for k, v in text.items() if "position_ids" not in k}}
    if open_clip:
        _check_open_clip_shapes(checkpoint, folder, text_config)
        check_unet_vae = dict(checkpoint)
        _same(sfu.convert_ldm_unet_checkpoint(check_unet_vae, unet_config), unet, f"{name} unet")
        _same(sfu.convert_ldm_vae_checkpoint(check_unet_vae, vae_config), vae, f"{name} vae")
    else:
        check_with_diffusers(checkpoint, folder, configs, "v1")
    if sfu.infer_diffusers_model_type(checkpoint) != ("v2" if open_clip else "v1"):
        raise AssertionError(f"{name}: diffusers does not recognise the family")
    table = {k: list(v.shape) for k, v in sorted(checkpoint.items())}
    published = {"unet": {k: list(v) if isinstance(v, tuple) else v for k, v in unet_config.items()},
                 "vae": {k: list(v) if isinstance(v, tuple) else v for k, v in vae_config.items()},
                 "text_encoder": text_config}
    (OUT / f"{name}-shapes.json").write_text(json.dumps({"configs": published, "tensors": table}, indent=0) + "\n")
    print(f"{name}-shapes.json: {len(table)} tensors")


def _check_open_clip_shapes(checkpoint: dict, folder: dict, text_config: dict) -> None:
    """convert_open_clip_checkpoint slices tensors, which meta tensors allow; it must give the model's names and
    shapes, SD 2's 24th block and text_projection being dropped by diffusers' own ignore list."""
    with torch.device("meta"):
        model = CLIPTextModel(CLIPTextConfig(**text_config))
    converted = sfu.convert_open_clip_checkpoint(model, checkpoint)
    _same(converted, folder["text_encoder"], "sd21 text encoder")


def _summarise(name: str, checkpoint: dict) -> None:
    size = (OUT / f"{name}.safetensors").stat().st_size
    print(f"{name}.safetensors: {len(checkpoint)} tensors, {size} bytes")


def main() -> None:
    torch.manual_seed(0)
    OUT.mkdir(exist_ok=True)
    write_tiny_sd1()
    write_tiny_sd2()
    sd15_unet = dict(FULL_SD15.unet)
    write_full_size_shapes("sd15", sd15_unet, dict(FULL_SD15.text_encoder), open_clip=False)
    write_full_size_shapes("sd21", SD21_UNET, SD21_TEXT, open_clip=True)


if __name__ == "__main__":
    main()
