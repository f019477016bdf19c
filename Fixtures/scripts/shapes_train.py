"""Trains `shapes`, ldb's demo model: a small Stable Diffusion (diffusers layout) that draws the shapes world of
`shapes_world.py` at 64x64 pixels from captions such as "a red circle and a yellow star on a blue sky over
green grass".

Three stages, all on the CPU in float32 with fixed seeds and a fixed thread count:
1. the scenes: `--scenes` captioned pictures drawn by `shapes_world.py`;
2. the AutoencoderKL (three blocks, so a 64x64 picture is a 16x16x4 latent), trained on 32x32 crops with a
   mean-squared plus L1 error and a small KL term; its `scaling_factor` is then set to 1 / (std of the latents);
3. the UNet2DConditionModel and the CLIP text encoder, trained jointly with the epsilon objective on the
   encoded scenes, each step a fresh caption per scene (10% empty, for classifier-free guidance), each
   sample's loss weighted by min-SNR-5; the weights kept are an exponential moving average (warmed up).

Every `--probe-every` UNet steps the averaged model samples the evaluation prompts once (10 DDIM steps) and
logs how often the object's color is the caption's and how far apart the different prompts' pictures are (the
"spread"; near zero when the prompt is ignored), so a run shows early whether it is learning its captions.

The tokenizer is CLIP's, with the full 49408-token vocabulary built from `clip/bpe_simple_vocab_16e6.txt.gz`.
Only the rows of the token-embedding table for the world's own words are drawn at random and trained (a compact
table while training, so the optimizer does not sweep 49408 rows each step); every other row is zero, so an
unknown word contributes nothing but its position (and the file compresses well).
Weights are saved as float16 (ldb and diffusers read them as float32). A checkpoint of the whole folder is
written every `--checkpoint-every` UNet steps, so a stopped run still leaves a usable model.

    /work/venv/bin/python Fixtures/scripts/shapes_train.py --out Sources/ldb/Resources/shapes \
        --records Fixtures/shapes-training

Writes `loss.csv` (stage, step, loss, seconds) and `summary.json` into the records folder, and finally samples
a fixed set of prompts with diffusers and reports how often the object's dominant color is the caption's.
"""

import argparse
import copy
import csv
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

import torch
from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models_configs import SD_SCHEDULER  # noqa: E402
from models_tokenizer import FULL_MERGE_COUNT, write_tokenizer_folder  # noqa: E402
import shapes_world as world  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent
BPE = FIXTURES / "clip" / "bpe_simple_vocab_16e6.txt.gz"
IMAGE_SIZE = 64

TEXT_ENCODER = dict(
    vocab_size=49408,
    hidden_size=64,
    intermediate_size=128,
    num_hidden_layers=2,
    num_attention_heads=4,
    max_position_embeddings=77,
    hidden_act="quick_gelu",
    layer_norm_eps=1e-5,
    projection_dim=64,
    bos_token_id=49406,
    eos_token_id=49407,
    pad_token_id=49407,
)
VAE = dict(
    in_channels=3,
    out_channels=3,
    down_block_types=("DownEncoderBlock2D",) * 3,
    up_block_types=("UpDecoderBlock2D",) * 3,
    block_out_channels=(16, 32, 64),
    layers_per_block=1,
    latent_channels=4,
    norm_num_groups=8,
    sample_size=IMAGE_SIZE,
)
UNET = dict(
    sample_size=IMAGE_SIZE // 4,
    in_channels=4,
    out_channels=4,
    # Attention only at 8x8 and 4x4: at 16x16 it would cost more than all the convolutions on these CPUs.
    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    block_out_channels=(32, 64, 64),
    layers_per_block=1,
    cross_attention_dim=64,
    attention_head_dim=4,  # diffusers' name; SD 1.x uses it as the number of heads
    norm_num_groups=8,
    use_linear_projection=False,
)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="the model folder to write (replaced)")
    parser.add_argument("--records", type=Path, required=True,
                        help="the folder for loss.csv and summary.json (the training's time, loss and checks)")
    parser.add_argument("--scenes", type=int, default=16000)
    parser.add_argument("--vae-steps", type=int, default=2500)
    parser.add_argument("--vae-batch", type=int, default=16)
    parser.add_argument("--unet-steps", type=int, default=4000)
    parser.add_argument("--unet-batch", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--stop-after", type=int, default=None,
                        help="stop after this many UNet steps (the schedule still spans --unet-steps)")
    parser.add_argument("--checkpoint-every", type=int, default=500)
    parser.add_argument("--probe-every", type=int, default=500,
                        help="every this many UNet steps, sample the evaluation prompts once (10 DDIM steps) and "
                             "log the color-match rate and the spread between prompts")
    parser.add_argument("--ema-decay", type=float, default=0.999)
    # Two threads on a quiet two-core machine; under load from compilers, one thread is several times faster.
    # A step costs little more at batch 64 than at 16 (per-step overhead dominates these tiny networks).
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--evaluate-seeds", type=int, default=2, help="samples per evaluation prompt")
    parser.add_argument("--evaluate-only", action="store_true",
                        help="train nothing: evaluate the model folder --out and record the result in --records")
    return parser.parse_args()


class LossLog:
    """Appends (stage, step, loss, seconds since start) rows to a CSV file."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("w", newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow(["stage", "step", "loss", "seconds"])
        self.start = time.monotonic()

    def seconds(self) -> float:
        return time.monotonic() - self.start

    def add(self, stage: str, step: int, loss: float) -> None:
        self.writer.writerow([stage, step, f"{loss:.6f}", f"{self.seconds():.1f}"])
        self.file.flush()


def cosine_rate(step: int, total: int, peak: float, warmup: int = 100) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def make_scenes(count: int, seed: int) -> tuple[list[world.Scene], torch.Tensor]:
    rng = random.Random(seed)
    scenes = [world.sample_scene(rng) for _ in range(count)]
    pixels = torch.stack([world.render(scene, IMAGE_SIZE) for scene in scenes])
    return scenes, pixels


def train_vae(pixels: torch.Tensor, args: argparse.Namespace, log: LossLog) -> AutoencoderKL:
    torch.manual_seed(args.seed + 1)
    vae = AutoencoderKL(**VAE)
    # Start the posterior narrow (log-variance about -8): with diffusers' initial log-variance of about 0 the
    # sampled latents are mostly noise, and a few hundred steps are not enough to learn past it.
    with torch.no_grad():
        vae.quant_conv.bias[VAE["latent_channels"]:] = -8.0
    optimizer = torch.optim.AdamW(vae.parameters(), lr=args.learning_rate, weight_decay=0.0)
    generator = torch.Generator().manual_seed(args.seed + 2)
    crop = 32
    for step in range(args.vae_steps):
        for group in optimizer.param_groups:
            group["lr"] = cosine_rate(step, args.vae_steps, args.learning_rate)
        index = torch.randint(len(pixels), (args.vae_batch,), generator=generator)
        top, left = torch.randint(0, IMAGE_SIZE - crop + 1, (2,), generator=generator).tolist()
        batch = pixels[index, :, top:top + crop, left:left + crop] * 2 - 1
        posterior = vae.encode(batch).latent_dist
        latents = posterior.mean + posterior.std * torch.randn(posterior.mean.shape, generator=generator)
        reconstruction = vae.decode(latents).sample
        # The L1 term keeps edges and small objects' colors sharper than squared error alone.
        loss = (torch.nn.functional.mse_loss(reconstruction, batch) + 0.5 * (reconstruction - batch).abs().mean()
                + 1e-6 * posterior.kl().mean())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        log.add("vae", step, loss.item())
        if step % 50 == 0:
            print(f"vae step {step}: loss {loss.item():.5f} ({log.seconds():.0f} s)", flush=True)
    return vae.eval()


@torch.no_grad()
def encode_scenes(vae: AutoencoderKL, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    means, stds = [], []
    for batch in pixels.split(256):
        posterior = vae.encode(batch * 2 - 1).latent_dist
        means.append(posterior.mean)
        stds.append(posterior.std)
    return torch.cat(means), torch.cat(stds)


def world_token_ids(tokenizer: CLIPTokenizer) -> list[int]:
    """Every token id a shapes-world caption can contain, the special tokens included."""
    words = set(world.COLOR_NAMES) | set(world.SHAPES) | set(world.GROUNDS) | set(world.PLAIN_NOUNS)
    words |= {"a", "an", "and", "on", "sky", "over", "to", "gradient", ","}
    ids = {tokenizer.bos_token_id, tokenizer.eos_token_id}
    for word in words:
        ids.update(tokenizer(word, add_special_tokens=False).input_ids)
    return sorted(ids)


class WorldTokenEmbedding(torch.nn.Module):
    """The token-embedding table while training: only the world's rows are parameters (every other id reads a
    zero row), so the optimizer updates a few dozen rows instead of all 49408 each step."""

    def __init__(self, table: torch.Tensor, known: list[int]):
        super().__init__()
        self.weight = torch.nn.Parameter(table[known].clone())
        lookup = torch.full((table.shape[0],), len(known), dtype=torch.long)
        lookup[known] = torch.arange(len(known))
        self.register_buffer("lookup", lookup)
        self.register_buffer("known", torch.tensor(known))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        rows = torch.cat([self.weight, self.weight.new_zeros(1, self.weight.shape[1])])
        return torch.nn.functional.embedding(self.lookup[ids], rows)

    def full_table(self) -> torch.nn.Embedding:
        embedding = torch.nn.Embedding(len(self.lookup), self.weight.shape[1])
        with torch.no_grad():
            embedding.weight.zero_()
            embedding.weight[self.known] = self.weight
        return embedding


def build_text_encoder(tokenizer: CLIPTokenizer, seed: int) -> CLIPTextModel:
    torch.manual_seed(seed)
    text_encoder = CLIPTextModel(CLIPTextConfig(**TEXT_ENCODER))
    embeddings = text_encoder.embeddings
    embeddings.token_embedding = WorldTokenEmbedding(embeddings.token_embedding.weight.detach(),
                                                     world_token_ids(tokenizer))
    return text_encoder


def exported_text_encoder(text_encoder: CLIPTextModel) -> CLIPTextModel:
    """A copy with the ordinary full token-embedding table, as the model folder stores it."""
    exported = copy.deepcopy(text_encoder).eval()
    embeddings = exported.embeddings
    if isinstance(embeddings.token_embedding, WorldTokenEmbedding):
        embeddings.token_embedding = embeddings.token_embedding.full_table()
    return exported


def tokenize(tokenizer: CLIPTokenizer, captions: list[str]) -> torch.Tensor:
    return tokenizer(captions, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids


class ExponentialAverage:
    """An exponential moving average of a module's parameters, warmed up as diffusers' EMAModel does."""

    def __init__(self, module: torch.nn.Module, decay: float):
        self.module = copy.deepcopy(module).eval()
        self.decay = decay
        self.updates = 0

    @torch.no_grad()
    def update(self, module: torch.nn.Module) -> None:
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for average, current in zip(self.module.parameters(), module.parameters()):
            average.lerp_(current, 1 - decay)


def train_unet(scenes, means, stds, tokenizer, vae, args, log, on_checkpoint, on_probe):
    torch.manual_seed(args.seed + 3)
    unet = UNet2DConditionModel(**UNET)
    text_encoder = build_text_encoder(tokenizer, args.seed + 4)
    scheduler = DDIMScheduler(**SD_SCHEDULER, prediction_type="epsilon")
    alphas = scheduler.alphas_cumprod
    # Min-SNR-5 loss weights (Hang et al. 2023): the nearly clean timesteps, whose noise is easy to predict
    # and says nothing about layout or color, stop dominating the gradient.
    snr = alphas / (1 - alphas)
    weights = snr.clamp(max=5.0) / snr
    scale = vae.config.scaling_factor
    parameters = list(unet.parameters()) + list(text_encoder.parameters())
    optimizer = torch.optim.AdamW(parameters, lr=args.learning_rate, weight_decay=0.0)
    unet_average = ExponentialAverage(unet, args.ema_decay)
    text_average = ExponentialAverage(text_encoder, args.ema_decay)
    generator = torch.Generator().manual_seed(args.seed + 5)
    rng = random.Random(args.seed + 6)
    last_step = args.stop_after or args.unet_steps
    for step in range(last_step):
        unet.train()
        text_encoder.train()
        for group in optimizer.param_groups:
            group["lr"] = cosine_rate(step, args.unet_steps, args.learning_rate)
        index = torch.randint(len(scenes), (args.unet_batch,), generator=generator)
        captions = [world.sample_caption(scenes[i], rng) for i in index.tolist()]
        latents = (means[index] + stds[index] * torch.randn(means[index].shape, generator=generator)) * scale
        noise = torch.randn(latents.shape, generator=generator)
        timesteps = torch.randint(0, scheduler.config.num_train_timesteps, (args.unet_batch,), generator=generator)
        alpha = alphas[timesteps].view(-1, 1, 1, 1)
        noisy = alpha.sqrt() * latents + (1 - alpha).sqrt() * noise
        context = text_encoder(tokenize(tokenizer, captions))[0]
        prediction = unet(noisy, timesteps, encoder_hidden_states=context).sample
        errors = (prediction - noise).square().mean(dim=(1, 2, 3))
        loss = (weights[timesteps] * errors).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        unet_average.update(unet)
        text_average.update(text_encoder)
        log.add("unet", step, errors.mean().item())
        if step % 25 == 0:
            print(f"unet step {step}: loss {errors.mean().item():.5f} ({log.seconds():.0f} s)", flush=True)
        if (step + 1) % args.probe_every == 0:
            on_probe(unet_average.module, text_average.module, step + 1)
        if (step + 1) % args.checkpoint_every == 0 or step + 1 == last_step:
            on_checkpoint(unet_average.module, text_average.module, step + 1)
    return unet_average.module, text_average.module


def half_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {key: value.detach().half().contiguous() for key, value in module.state_dict().items()}


def save_model(folder: Path, vae: AutoencoderKL, unet, text_encoder, tokenizer_dir: Path) -> None:
    """Writes the diffusers folder atomically (a sibling folder renamed into place), weights in float16."""
    staging = folder.parent / f".{folder.name}-staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for name, module in (("vae", vae), ("unet", unet)):
        (staging / name).mkdir()
        module.save_config(staging / name)
        save_file(half_state(module), str(staging / name / "diffusion_pytorch_model.safetensors"),
                  metadata={"format": "pt"})
    (staging / "text_encoder").mkdir()
    text_encoder = exported_text_encoder(text_encoder)
    text_encoder.config.save_pretrained(staging / "text_encoder")
    # The `text_model.` key prefix of Stable Diffusion checkpoints (transformers 5 leaves it out of state_dict).
    text_weights = {key if key.startswith("text_model.") else f"text_model.{key}": value
                    for key, value in half_state(text_encoder).items()}
    save_file(text_weights, str(staging / "text_encoder" / "model.safetensors"), metadata={"format": "pt"})
    shutil.copytree(tokenizer_dir, staging / "tokenizer")
    DDIMScheduler(**SD_SCHEDULER, prediction_type="epsilon").save_config(staging / "scheduler")
    model_index = {
        "_class_name": "StableDiffusionPipeline",
        "_diffusers_version": __import__("diffusers").__version__,
        "feature_extractor": [None, None],
        "image_encoder": [None, None],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "DDIMScheduler"],
        "text_encoder": ["transformers", "CLIPTextModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "UNet2DConditionModel"],
        "vae": ["diffusers", "AutoencoderKL"],
    }
    (staging / "model_index.json").write_text(json.dumps(model_index, indent=2, sort_keys=True) + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    staging.rename(folder)


# The fixed evaluation set: every color once on a contrasting plain background, each with a different shape.
def evaluation_prompts() -> list[tuple[str, str, str]]:
    """(prompt, object color, background color) triples."""
    prompts = []
    for index, color in enumerate(world.COLOR_NAMES):
        shape = world.SHAPES[index % len(world.SHAPES)]
        background = "gray" if color not in ("gray", "black", "white") else "blue"
        prompts.append((f"{world.article(color)} {color} {shape} on a {background} background", color, background))
    return prompts


def picture_colors(image: torch.Tensor) -> tuple[str, str | None]:
    """(background, object): the most frequent named color of a picture (its background, whatever the caption
    said it should be) and the most frequent among the other pixels (the object's region)."""
    counts = torch.bincount(world.nearest_color_names(image).flatten(), minlength=len(world.COLOR_NAMES))
    background = int(counts.argmax())
    counts[background] = 0
    found = None if counts.sum() == 0 else world.COLOR_NAMES[int(counts.argmax())]
    return world.COLOR_NAMES[background], found


def pipeline_of(vae, unet, text_encoder, tokenizer) -> StableDiffusionPipeline:
    pipeline = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                       scheduler=DDIMScheduler(**SD_SCHEDULER, prediction_type="epsilon"),
                                       safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


@torch.no_grad()
def evaluate(pipeline: StableDiffusionPipeline, seeds: int, steps: int = 20, guidance: float = 7.5) -> dict:
    """Samples every evaluation prompt `seeds` times and counts the samples whose object color is the caption's
    (`rate`: the most frequent named color apart from the picture's own background) and those whose background
    is the caption's (`background_rate`); `spread` is the mean absolute difference (in [0, 1] pixels) between
    samples of different prompts drawn from the same seed: near zero when the model ignores its prompt."""
    results, images = [], {}
    for prompt, color, background in evaluation_prompts():
        for seed in range(seeds):
            image = pipeline(prompt, height=IMAGE_SIZE, width=IMAGE_SIZE, num_inference_steps=steps,
                             guidance_scale=guidance, generator=torch.Generator().manual_seed(seed),
                             output_type="pt").images[0]
            images.setdefault(seed, []).append(image)
            found_background, found = picture_colors(image)
            results.append(dict(prompt=prompt, seed=seed, expected=color, found=found,
                                expected_background=background, found_background=found_background))
    matches = sum(result["expected"] == result["found"] for result in results)
    backgrounds = sum(result["expected_background"] == result["found_background"] for result in results)
    spread = sum((torch.stack(group) - torch.stack(group).roll(1, 0)).abs().mean().item()
                 for group in images.values()) / len(images)
    return dict(rate=matches / len(results), matches=matches, samples=len(results),
                background_rate=backgrounds / len(results), background_matches=backgrounds, spread=round(spread, 4),
                results=results)


def evaluate_folder(folder: Path, records: Path, seeds: int) -> None:
    """Evaluates a saved model folder (as the end of a run does) and writes the result into the records'
    summary.json, so a changed check can be re-run on committed weights without training."""
    pipeline = StableDiffusionPipeline.from_pretrained(folder, torch_dtype=torch.float32, safety_checker=None,
                                                       requires_safety_checker=False)
    pipeline.scheduler = DDIMScheduler.from_config(pipeline.scheduler.config)
    pipeline.set_progress_bar_config(disable=True)
    evaluation = evaluate(pipeline, seeds)
    summary_path = records / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    summary["color_match"] = evaluation
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    report(evaluation)


def report(evaluation: dict) -> None:
    print(f"object color match: {evaluation['matches']}/{evaluation['samples']} = {evaluation['rate']:.2f}; "
          f"background match: {evaluation['background_matches']}/{evaluation['samples']}; spread "
          f"{evaluation['spread']:.3f}", flush=True)


def main() -> None:
    args = parse_arguments()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    out, records = args.out.resolve(), args.records.resolve()
    if args.evaluate_only:
        evaluate_folder(out, records, args.evaluate_seeds)
        return
    work = out.parent / f".{out.name}-work"
    work.mkdir(parents=True, exist_ok=True)
    tokenizer_dir = work / "tokenizer"
    write_tokenizer_folder(tokenizer_dir, BPE, FULL_MERGE_COUNT, "<|endoftext|>")
    tokenizer = CLIPTokenizer.from_pretrained(tokenizer_dir)
    if len(tokenizer) != TEXT_ENCODER["vocab_size"]:
        raise ValueError(f"the tokenizer has {len(tokenizer)} tokens, not {TEXT_ENCODER['vocab_size']}")
    log = LossLog(work / "loss.csv")

    scenes, pixels = make_scenes(args.scenes, args.seed)
    print(f"{len(scenes)} scenes drawn ({log.seconds():.0f} s)", flush=True)
    vae = train_vae(pixels, args, log)
    means, stds = encode_scenes(vae, pixels)
    sample_std = (means.var() + (stds ** 2).mean()).sqrt().item()
    vae.register_to_config(scaling_factor=float(f"{1 / sample_std:.5g}"))
    with torch.no_grad():
        reconstruction = vae.decode(means[:256]).sample
        vae_error = torch.nn.functional.mse_loss(reconstruction, pixels[:256] * 2 - 1).item()
    print(f"vae: reconstruction mse {vae_error:.5f} on [-1, 1], scaling_factor {vae.config.scaling_factor} "
          f"({log.seconds():.0f} s)", flush=True)

    summary = dict(arguments={k: str(v) for k, v in vars(args).items()}, torch=torch.__version__,
                   vae_reconstruction_mse=vae_error, scaling_factor=vae.config.scaling_factor)

    def checkpoint(unet, text_encoder, step):
        shutil.copy(work / "loss.csv", work / "loss-snapshot.csv")
        save_model(out, vae, unet, text_encoder, tokenizer_dir)
        records.mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "loss-snapshot.csv", records / "loss.csv")
        summary.update(unet_steps_done=step, seconds=round(log.seconds(), 1))
        (records / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        print(f"checkpoint at unet step {step} ({log.seconds():.0f} s)", flush=True)

    probes = []

    def probe(unet, text_encoder, step):
        start = time.monotonic()
        result = evaluate(pipeline_of(vae, unet, exported_text_encoder(text_encoder), tokenizer), 1, steps=10)
        probes.append(dict(step=step, rate=result["rate"], background_rate=result["background_rate"],
                           spread=result["spread"], seconds=round(log.seconds(), 1)))
        summary["probes"] = probes
        print(f"probe at unet step {step}: object color match {result['matches']}/{result['samples']}, background "
              f"{result['background_matches']}/{result['samples']}, spread "
              f"{result['spread']:.3f} ({time.monotonic() - start:.0f} s)", flush=True)

    unet, text_encoder = train_unet(scenes, means, stds, tokenizer, vae, args, log, checkpoint, probe)
    summary["training_seconds"] = round(log.seconds(), 1)
    evaluation = evaluate(pipeline_of(vae, unet, exported_text_encoder(text_encoder), tokenizer),
                          args.evaluate_seeds)
    summary["color_match"] = evaluation
    report(evaluation)
    (records / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
