"""Reference results of Layered Diffusion Brushes edits (docs/algorithm.md), computed on diffusers components.

    python Fixtures/scripts/ldb_reference.py      # or: python Fixtures/make_fixtures.py ldb_reference
    python Fixtures/scripts/ldb_reference.py region   # only the region-mode case (Fixtures/ldb/region/)

Writes Fixtures/ldb/: the masks as 8-bit gray PNGs and one safetensors file per case with the base trajectory,
the latent masks, each layer's result, the composites and the finished latents for the layer orders
[L1, L2], [L2, L1] and [L1] alone; and in Fixtures/ldb/region/ a region-mode case (docs/algorithm.md,
"Region mode"): windows, cropped layer results, the weighted finish and the blended pixels. An independent implementation of docs/algorithm.md for the Swift engine to match:
it follows the document step by step with diffusers' schedulers, UNet and VAE. Deterministic (CPU, float32,
one thread); running it again rewrites the same bytes. Needs Fixtures/models/ and Fixtures/reference/
(scripts/models.py) to exist. See Fixtures/README.md, "LDB edit references".
"""

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import png  # noqa: E402
import torch  # noqa: E402
from diffusers import DDIMInverseScheduler, DDIMScheduler, StableDiffusionPipeline  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from scipy.ndimage import distance_transform_cdt, gaussian_filter, maximum_filter  # noqa: E402

from models import _deterministic  # noqa: E402
from models_build import load_model  # noqa: E402
from models_reference import _encode, _guided, _pixels_to_tensor, _save  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent
OUT = FIXTURES / "ldb"
REGION_OUT = OUT / "region"

STEPS = 6
BLEND_STEPS = 2


@dataclass(frozen=True)
class SoftDisk:
    """value = clip((radius - dist) / edge, 0, 1), dist from (centre_x, centre_y) to the pixel index (x, y)."""
    centre_x: float
    centre_y: float
    radius: float
    edge: float

    def values(self, width: int, height: int) -> np.ndarray:
        y, x = np.mgrid[0:height, 0:width].astype(np.float64)
        distance = np.hypot(x - self.centre_x, y - self.centre_y)
        return np.clip((self.radius - distance) / self.edge, 0.0, 1.0)

    def describe(self) -> str:
        return (f"clip(({self.radius:g} - dist) / {self.edge:g}, 0, 1), dist = |(x, y) - "
                f"({self.centre_x:g}, {self.centre_y:g})|, x, y pixel indices")


@dataclass(frozen=True)
class RampInRectangle:
    """value = clip((x - start) / length, 0, 1) inside x in [0, right), y in [0, bottom); 0 outside."""
    start: float
    length: float
    right: int
    bottom: int

    def values(self, width: int, height: int) -> np.ndarray:
        y, x = np.mgrid[0:height, 0:width].astype(np.float64)
        ramp = np.clip((x - self.start) / self.length, 0.0, 1.0)
        return np.where((x < self.right) & (y < self.bottom), ramp, 0.0)

    def describe(self) -> str:
        return (f"clip((x - {self.start:g}) / {self.length:g}, 0, 1) for x in [0, {self.right}), "
                f"y in [0, {self.bottom}); 0 elsewhere; x, y pixel indices")


@dataclass(frozen=True)
class Box:
    """value = 1 inside x in [x0, x1), y in [y0, y1); 0 outside."""
    x0: int
    y0: int
    x1: int
    y1: int

    def values(self, width: int, height: int) -> np.ndarray:
        y, x = np.mgrid[0:height, 0:width]
        return ((x >= self.x0) & (x < self.x1) & (y >= self.y0) & (y < self.y1)).astype(np.float64)

    def describe(self) -> str:
        return f"1 for x in [{self.x0}, {self.x1}), y in [{self.y0}, {self.y1}); 0 elsewhere; x, y pixel indices"


@dataclass(frozen=True)
class Mask:
    """A mask file of Fixtures/ldb/ and the formula its 8-bit values come from."""
    file: str
    shape: SoftDisk | RampInRectangle | Box


@dataclass(frozen=True)
class Layer:
    name: str
    prompt: str
    negative_prompt: str
    seed: int
    regen_steps: int
    strength: float
    guidance: float
    opacity: float
    feather: float
    invert: bool


@dataclass(frozen=True)
class Case:
    """One project: a model, a base (generated from `seed`, or the inversion of `image`) and two layers
    whose masks are `masks[layer name]`."""
    name: str
    model: str
    prompt: str
    negative_prompt: str
    guidance: float
    width: int
    height: int
    masks: dict[str, Mask]
    seed: int | None = None
    image: str | None = None  # relative to Fixtures/


L1 = Layer("L1", "a red roof", "", seed=11, regen_steps=4, strength=0.7, guidance=7.5, opacity=0.8,
           feather=3.0, invert=False)
L2 = Layer("L2", "a starry night sky", "daylight", seed=22, regen_steps=5, strength=1.0, guidance=5.0,
           opacity=1.0, feather=0.0, invert=True)
LAYERS = (L1, L2)

# The tiny-sd2 image is 96 wide and 64 high. The rectangle x in [0,56), y in [0,64) fits it unchanged; the
# disk centred at (40, 56) would leave the picture, so there it is centred at (70, 40), which keeps it inside
# (x 46...94, y 16...64) and leaves three 8x8 latent blocks outside both layers' masks.
CASES = (
    Case("tiny-sd1-generated", "tiny-sd1", "a watercolor lighthouse", "blurry", guidance=7.5, width=64,
         height=96, seed=1234,
         masks={"L1": Mask("mask_a.png", RampInRectangle(start=8, length=40, right=56, bottom=64)),
                "L2": Mask("mask_b.png", SoftDisk(centre_x=40, centre_y=56, radius=24, edge=6))}),
    Case("tiny-sd2-image", "tiny-sd2", "a photo", "", guidance=1.0, width=96, height=64,
         image="reference/tiny-sd2/invert_image.png",
         masks={"L1": Mask("mask_a_96x64.png", RampInRectangle(start=8, length=40, right=56, bottom=64)),
                "L2": Mask("mask_b_96x64.png", SoftDisk(centre_x=70, centre_y=40, radius=24, edge=6))}),
)

# Composites to compute: output key suffix -> visible layers, bottom to top.
ORDERS = {"L1_L2": ("L1", "L2"), "L2_L1": ("L2", "L1"), "L1": ("L1",)}


def write_mask(mask: Mask, width: int, height: int, folder: Path = OUT) -> np.ndarray:
    """Writes the mask as an 8-bit gray PNG (values rounded from the formula) and returns what reading it
    back gives: uint8 / 255 in float64, [height, width]. Both implementations start from these bytes."""
    path = folder / mask.file
    quantized = np.round(mask.shape.values(width, height) * 255.0).astype(np.uint8)
    with open(path, "wb") as file:
        png.Writer(width, height, greyscale=True, bitdepth=8).write(file, quantized.tolist())
    read_width, read_height, rows, info = png.Reader(filename=str(path)).read()
    if (read_width, read_height, info["bitdepth"], info["planes"]) != (width, height, 8, 1):
        raise AssertionError(f"{path}: read back as {read_width}x{read_height}, {info}")
    pixels = np.array([list(row) for row in rows], dtype=np.uint8)
    if not np.array_equal(pixels, quantized):
        raise AssertionError(f"{path}: pixels did not survive a round trip")
    return pixels.astype(np.float64) / 255.0


def latent_mask(pixels: np.ndarray, layer: Layer, factor: int) -> torch.Tensor:
    """m = area average over factor x factor blocks of (opacity * feather(invert?(M))), [1, 1, h, w] float32."""
    mask = 1.0 - pixels if layer.invert else pixels
    if layer.feather > 0:
        mask = gaussian_filter(mask, sigma=layer.feather, mode="nearest", truncate=3.0)
    mask = layer.opacity * mask
    height, width = mask.shape
    blocks = mask.reshape(height // factor, factor, width // factor, factor).mean(axis=(1, 3))
    return torch.from_numpy(blocks.astype(np.float32)).reshape(1, 1, height // factor, width // factor)


def read_image(path: Path) -> torch.Tensor:
    """An 8-bit RGB PNG as [1, 3, H, W] in [-1, 1] (docs/algorithm.md's pixels / 127.5 - 1)."""
    width, height, rows, info = png.Reader(filename=str(path)).asRGB8()
    pixels = np.array([list(row) for row in rows], dtype=np.uint8).reshape(height, width, 3)
    return _pixels_to_tensor(torch.from_numpy(pixels))


class Denoiser:
    """DDIM steps of one model: eps (or v) from the UNet with docs/algorithm.md's guidance, then `DDIMScheduler.step`."""

    def __init__(self, pipeline: StableDiffusionPipeline):
        self.pipeline = pipeline
        self.scheduler = DDIMScheduler.from_config(pipeline.scheduler.config)
        self.scheduler.set_timesteps(STEPS)
        self._embeddings: dict[str, torch.Tensor] = {}

    def embedding(self, prompt: str) -> torch.Tensor:
        if prompt not in self._embeddings:
            self._embeddings[prompt] = _encode(self.pipeline, prompt)
        return self._embeddings[prompt]

    def step(self, latent: torch.Tensor, index: int, prompt: str, negative_prompt: str,
             guidance: float) -> torch.Tensor:
        """DDIM step `index` (from tau[index] to the next level), eta 0."""
        timestep = self.scheduler.timesteps[index]
        output = _guided(self.pipeline.unet, latent, timestep, self.embedding(prompt),
                         self.embedding(negative_prompt), guidance)
        return self.scheduler.step(output, timestep, latent, eta=0.0).prev_sample

    def run(self, latent: torch.Tensor, start: int, end: int, prompt: str, negative_prompt: str,
            guidance: float) -> list[torch.Tensor]:
        """The latents before steps start...end-1 and after the last: end - start + 1 tensors."""
        trajectory = [latent]
        for index in range(start, end):
            trajectory.append(self.step(trajectory[-1], index, prompt, negative_prompt, guidance))
        return trajectory


def generated_trajectory(denoiser: Denoiser, case: Case, shape: tuple[int, ...]) -> list[torch.Tensor]:
    """Z[0] = randn(shape, seed) * init_noise_sigma, then N guided DDIM steps."""
    noise = torch.randn(shape, generator=torch.Generator().manual_seed(case.seed))
    start = noise * denoiser.scheduler.init_noise_sigma
    return denoiser.run(start, 0, STEPS, case.prompt, case.negative_prompt, case.guidance)


def inverted_trajectory(denoiser: Denoiser, image: torch.Tensor, prompt: str) -> list[torch.Tensor]:
    """X[0] = VAE mean * scaling, X[j+1] = DDIMInverseScheduler step (guidance 1); Z[i] = X[N - i]."""
    pipeline = denoiser.pipeline
    inverse = DDIMInverseScheduler.from_config(pipeline.scheduler.config)
    inverse.set_timesteps(STEPS)
    cond = denoiser.embedding(prompt)
    inversion = [pipeline.vae.encode(image).latent_dist.mean * pipeline.vae.config.scaling_factor]
    for timestep in inverse.timesteps:
        eps = pipeline.unet(inversion[-1], timestep, encoder_hidden_states=cond).sample
        inversion.append(inverse.step(eps, timestep, inversion[-1]).prev_sample)
    return inversion[::-1]


def layer_result(denoiser: Denoiser, trajectory: list[torch.Tensor], layer: Layer, mask: torch.Tensor,
                 blend_index: int) -> torch.Tensor:
    """R = Zhat at index b, Zhat = Z[s] + alpha * randn(seed) * m regenerated with the layer's prompt."""
    start = STEPS - layer.regen_steps
    noise = torch.randn(trajectory[0].shape, generator=torch.Generator().manual_seed(layer.seed))
    noised = trajectory[start] + layer.strength * noise * mask
    return denoiser.run(noised, start, blend_index, layer.prompt, layer.negative_prompt, layer.guidance)[-1]


def composite(base: torch.Tensor, results: dict[str, torch.Tensor], masks: dict[str, torch.Tensor],
              order: tuple[str, ...]) -> torch.Tensor:
    """C = Z[b]; for each layer bottom to top, C = m * R + (1 - m) * C."""
    current = base
    for name in order:
        current = masks[name] * results[name] + (1 - masks[name]) * current
    return current


def _metadata(path: Path) -> dict[str, str]:
    with safe_open(str(path), "pt") as opened:
        return opened.metadata() or {}


def check_trajectories_match_references(denoiser: Denoiser, model: str) -> None:
    """Our base-trajectory code must reproduce scripts/models.py's references bit for bit."""
    reference = FIXTURES / "reference" / model
    sample, meta = load_file(str(reference / "sample.safetensors")), _metadata(reference / "sample.safetensors")
    seeded = Case("check", model, meta["prompt"], meta["negative_prompt"], float(meta["guidance"]),
                  int(meta["width"]), int(meta["height"]), masks={}, seed=int(meta["seed"]))
    trajectory = generated_trajectory(denoiser, seeded, tuple(sample["Z0"].shape))
    for index, latent in enumerate(trajectory):
        if not torch.equal(latent, sample[f"Z{index}"]):
            raise AssertionError(f"{model}: generated Z{index} differs from reference/{model}/sample.safetensors")

    invert = load_file(str(reference / "invert.safetensors"))
    prompt = _metadata(reference / "invert.safetensors")["prompt"]
    inverted = inverted_trajectory(denoiser, invert["image"], prompt)
    for index in range(STEPS + 1):
        if not torch.equal(inverted[STEPS - index], invert[f"X{index}"]):
            raise AssertionError(f"{model}: inverted X{index} differs from reference/{model}/invert.safetensors")


def _block_maxima(plane: np.ndarray, factor: int) -> np.ndarray:
    height, width = plane.shape
    return plane.reshape(height // factor, factor, width // factor, factor).max(axis=(1, 3))


def check_latent_mask(pixels: np.ndarray, layer: Layer, mask: torch.Tensor, factor: int, where: str) -> None:
    """m must be exactly 0 on every latent block whose pixels, widened by the feather's reach, are all 0 in
    invert?(M), and positive on every block that holds a positive pixel. There must be blocks of both kinds."""
    source = 1.0 - pixels if layer.invert else pixels
    reach = int(3.0 * layer.feather + 0.5)  # scipy's kernel radius for truncate = 3
    widened = maximum_filter(source, size=2 * reach + 1, mode="nearest") if reach else source
    zero_blocks = torch.from_numpy(_block_maxima(widened, factor) == 0)
    positive_blocks = torch.from_numpy(_block_maxima(source, factor) > 0)
    values = mask[0, 0]
    if not zero_blocks.any() or not positive_blocks.any():
        raise AssertionError(f"{where}: mask_{layer.name} has no block that is far from its edges")
    if not torch.all(values[zero_blocks] == 0):
        raise AssertionError(f"{where}: mask_{layer.name} is not zero where {layer.name}'s mask is zero")
    if not torch.all(values[positive_blocks] > 0):
        raise AssertionError(f"{where}: mask_{layer.name} is zero on a block with positive mask pixels")
    print(f"  {where}: mask_{layer.name} zero on {int(zero_blocks.sum())} blocks far from the mask, "
          f"positive on {int(positive_blocks.sum())}")


def check_composite_outside_masks(composite_latent: torch.Tensor, base: torch.Tensor, masks: list[torch.Tensor],
                                  where: str) -> None:
    """Outside the union of the layers' masks the composite must be Z[b], bit for bit."""
    outside = torch.stack([m[0, 0] == 0 for m in masks]).all(dim=0).expand_as(composite_latent[0])
    if not torch.equal(composite_latent[0][outside], base[0][outside]):
        raise AssertionError(f"{where}: composite differs from Z[b] outside the layers' masks")
    count = int(outside[0].sum())
    print(f"  {where}: equals Z[b] on the {count} latent positions outside the masks")


def _metadata_for(case: Case, pipeline: StableDiffusionPipeline, factor: int, timesteps: torch.Tensor,
                  layers: tuple[Layer, ...] = LAYERS, orders: dict[str, tuple[str, ...]] = ORDERS) -> dict:
    metadata: dict[str, object] = {
        "case": case.name, "model": f"models/{case.model}", "prompt": case.prompt,
        "negative_prompt": case.negative_prompt, "guidance": case.guidance, "width": case.width,
        "height": case.height, "steps": STEPS, "blend_steps": BLEND_STEPS, "blend_index": STEPS - BLEND_STEPS,
        "vae_factor": factor, "scaling_factor": pipeline.vae.config.scaling_factor,
        "scheduler": "DDIMScheduler.from_config(scheduler/scheduler_config.json), eta 0",
        "timesteps": timesteps.tolist(),
        "base": "generated" if case.image is None else "image",
    }
    if case.image is None:
        metadata["seed"] = case.seed
    else:
        metadata["image"] = case.image
        metadata["inversion"] = "DDIMInverseScheduler.from_config(same config), guidance 1, VAE mean * scaling"
    folder = "ldb/region" if layers is not LAYERS else "ldb"
    for layer in layers:
        mask = case.masks[layer.name]
        metadata.update({
            f"{layer.name}.prompt": layer.prompt, f"{layer.name}.negative_prompt": layer.negative_prompt,
            f"{layer.name}.seed": layer.seed, f"{layer.name}.regen_steps": layer.regen_steps,
            f"{layer.name}.strength": layer.strength, f"{layer.name}.guidance": layer.guidance,
            f"{layer.name}.opacity": layer.opacity, f"{layer.name}.feather": layer.feather,
            f"{layer.name}.invert": layer.invert, f"{layer.name}.visible": True,
            f"{layer.name}.mask": f"{folder}/{mask.file}", f"{layer.name}.mask_formula": mask.shape.describe(),
        })
    for suffix, order in orders.items():
        metadata[f"order.{suffix}"] = ",".join(order)
    return metadata


def write_case(case: Case) -> None:
    print(f"{case.name}:")
    pipeline = load_model(FIXTURES / "models" / case.model)
    denoiser = Denoiser(pipeline)
    check_trajectories_match_references(denoiser, case.model)
    factor = 2 ** (len(pipeline.vae.config.block_out_channels) - 1)
    scaling = pipeline.vae.config.scaling_factor
    shape = (1, pipeline.unet.config.in_channels, case.height // factor, case.width // factor)
    blend_index = STEPS - BLEND_STEPS

    if case.image is None:
        trajectory = generated_trajectory(denoiser, case, shape)
    else:
        image = read_image(FIXTURES / case.image)
        if tuple(image.shape) != (1, 3, case.height, case.width):
            raise AssertionError(f"{case.image}: image is {list(image.shape)}, expected {case.width}x{case.height}")
        reference = load_file(str(FIXTURES / "reference" / case.model / "invert.safetensors"))["image"]
        if not torch.equal(image, reference):
            raise AssertionError(f"{case.image}: pixels differ from the image of reference/{case.model}/invert")
        trajectory = inverted_trajectory(denoiser, image, case.prompt)
    if len(trajectory) != STEPS + 1 or tuple(trajectory[0].shape) != shape:
        raise AssertionError(f"{case.name}: base trajectory has {len(trajectory)} latents of {trajectory[0].shape}")

    def finish(latent: torch.Tensor) -> torch.Tensor:
        return denoiser.run(latent, blend_index, STEPS, case.prompt, case.negative_prompt, case.guidance)[-1]

    unedited = finish(trajectory[blend_index])
    if case.image is None and not torch.equal(unedited, trajectory[STEPS]):
        raise AssertionError(f"{case.name}: finishing from Z[b] without layers does not give Z[N]")
    if case.image is not None:  # inversion is not exact: the finish from Z[b] only comes close to x0
        error = (unedited - trajectory[STEPS]).abs().max().item()
        print(f"  {case.name}: finishing from Z[b] without layers misses x0 by up to {error:.6g}")

    masks, results = {}, {}
    for layer in LAYERS:
        pixels = write_mask(case.masks[layer.name], case.width, case.height)
        masks[layer.name] = latent_mask(pixels, layer, factor)
        check_latent_mask(pixels, layer, masks[layer.name], factor, case.name)
        results[layer.name] = layer_result(denoiser, trajectory, layer, masks[layer.name], blend_index)

    tensors = {f"Z{index}": latent for index, latent in enumerate(trajectory)}
    tensors["timesteps"] = denoiser.scheduler.timesteps.to(torch.int64)
    tensors.update({f"mask_{name}": mask for name, mask in masks.items()})
    tensors.update({f"R_{name}": result for name, result in results.items()})
    for suffix, order in ORDERS.items():
        blended = composite(trajectory[blend_index], results, masks, order)
        check_composite_outside_masks(blended, trajectory[blend_index], [masks[name] for name in order],
                                      f"{case.name} composite_{suffix}")
        tensors[f"composite_{suffix}"] = blended
        tensors[f"final_{suffix}"] = finish(blended)
    tensors["decoded_L1_L2"] = pipeline.vae.decode(tensors["final_L1_L2"] / scaling).sample

    for kind in ("composite", "final"):
        difference = (tensors[f"{kind}_L1_L2"] - tensors[f"{kind}_L2_L1"]).abs().max().item()
        if difference == 0:
            raise AssertionError(f"{case.name}: {kind} does not depend on the layer order")
        print(f"  {case.name}: {kind}_L1_L2 and {kind}_L2_L1 differ by up to {difference:.6g}")
    if torch.equal(tensors["final_L1"], tensors["final_L1_L2"]):
        raise AssertionError(f"{case.name}: hiding L2 does not change the result")

    _save(OUT / f"{case.name}.safetensors", tensors, _metadata_for(case, pipeline, factor, tensors["timesteps"]))


# Region mode (docs/algorithm.md, "Region mode"). 128 x 128 pixels give a 16 x 16 latent; tiny-sd1's UNet has
# three down blocks, so windows are multiples of u = 4 cells. With margin c = 4 every layer's window is partial:
# R1 and R2 are soft disks that overlap, R3 a box in the bottom-right corner whose window is clipped by the
# latent's edge and grows towards the top-left to reach a multiple of u.
REGION_MARGIN = 4
R1 = Layer("R1", "a red roof", "", seed=11, regen_steps=4, strength=0.7, guidance=7.5, opacity=0.9,
           feather=1.5, invert=False)
R2 = Layer("R2", "a starry night sky", "daylight", seed=22, regen_steps=5, strength=1.0, guidance=5.0,
           opacity=1.0, feather=0.0, invert=False)
R3 = Layer("R3", "a green door", "", seed=33, regen_steps=3, strength=0.8, guidance=7.5, opacity=1.0,
           feather=0.0, invert=False)
REGION_LAYERS = (R1, R2, R3)
REGION_CASE = Case("tiny-sd1-region", "tiny-sd1", "a watercolor lighthouse", "blurry", guidance=7.5, width=128,
                   height=128, seed=1234,
                   masks={"R1": Mask("region_r1.png", SoftDisk(centre_x=30, centre_y=30, radius=12, edge=4)),
                          "R2": Mask("region_r2.png", SoftDisk(centre_x=50, centre_y=40, radius=12, edge=4)),
                          "R3": Mask("region_r3.png", Box(x0=104, y0=112, x1=128, y1=128))})
# Visible layers, bottom to top. Without R3 the finish window U is partial too.
REGION_ORDERS = {"R1_R2_R3": ("R1", "R2", "R3"), "R1_R2": ("R1", "R2")}


def window(support: np.ndarray, margin: int, multiple: int) -> tuple[int, int, int, int]:
    """window(S, c) of a non-empty boolean [h, w] support: (y0, y1, x0, x1), half-open."""
    bounds = []
    for axis in (0, 1):
        filled = np.nonzero(support.any(axis=1 - axis))[0]
        size = support.shape[axis]
        low, high = max(0, int(filled[0]) - margin), min(size, int(filled[-1]) + 1 + margin)
        length = high - low
        rounded = -(-length // multiple) * multiple
        if rounded >= size:
            low, high = 0, size
        else:
            need = rounded - length
            grow = min(need, size - high)
            high += grow
            low -= need - grow
        bounds.append((low, high))
    (y0, y1), (x0, x1) = bounds
    return y0, y1, x0, x1


def crop(tensor: torch.Tensor, box: tuple[int, int, int, int]) -> torch.Tensor:
    y0, y1, x0, x1 = box
    return tensor[:, :, y0:y1, x0:x1].clone()


def pasted(base: torch.Tensor, part: torch.Tensor, box: tuple[int, int, int, int]) -> torch.Tensor:
    y0, y1, x0, x1 = box
    result = base.clone()
    result[:, :, y0:y1, x0:x1] = part
    return result


def to_unit(pixels: torch.Tensor) -> torch.Tensor:
    """The VAE decoder's output mapped to [0, 1] and clamped (before rounding)."""
    return (pixels / 2 + 0.5).clamp(0, 1)


def write_region_case(case: Case) -> None:
    """Region mode with margin c = REGION_MARGIN: each layer's steps on its window, the finish on the window
    around the union of the visible supports, L = Z[N] + w (F - Z[N]) and P = P0 + w_px (P_U - P0)."""
    print(f"{case.name}:")
    pipeline = load_model(FIXTURES / "models" / case.model)
    denoiser = Denoiser(pipeline)
    factor = 2 ** (len(pipeline.vae.config.block_out_channels) - 1)
    multiple = 2 ** (len(pipeline.unet.config.down_block_types) - 1)
    scaling = pipeline.vae.config.scaling_factor
    shape = (1, pipeline.unet.config.in_channels, case.height // factor, case.width // factor)
    blend_index = STEPS - BLEND_STEPS
    trajectory = generated_trajectory(denoiser, case, shape)

    def decode(latent: torch.Tensor) -> torch.Tensor:
        return to_unit(pipeline.vae.decode(latent / scaling).sample)

    masks, supports, windows, results = {}, {}, {}, {}
    for layer in REGION_LAYERS:
        pixels = write_mask(case.masks[layer.name], case.width, case.height, REGION_OUT)
        masks[layer.name] = latent_mask(pixels, layer, factor)
        supports[layer.name] = masks[layer.name][0, 0].numpy() > 0
        box = window(supports[layer.name], REGION_MARGIN, multiple)
        if box == (0, shape[2], 0, shape[3]):
            raise AssertionError(f"{case.name}: the window of {layer.name} covers the latent")
        windows[layer.name] = box
        start = STEPS - layer.regen_steps
        noise = torch.randn(shape, generator=torch.Generator().manual_seed(layer.seed))
        noised = trajectory[start] + layer.strength * noise * masks[layer.name]
        regenerated = denoiser.run(crop(noised, box), start, blend_index, layer.prompt, layer.negative_prompt,
                                   layer.guidance)[-1]
        results[layer.name] = pasted(trajectory[blend_index], regenerated, box)
        print(f"  {layer.name}: window y [{box[0]}, {box[1]}), x [{box[2]}, {box[3]})")

    base_pixels = decode(trajectory[STEPS])
    tensors = {f"Z{index}": latent for index, latent in enumerate(trajectory)}
    for name in masks:
        tensors[f"mask_{name}"] = masks[name]
        tensors[f"window_{name}"] = torch.tensor(windows[name], dtype=torch.int64)
        tensors[f"R_{name}"] = results[name]

    radius = max(1, REGION_MARGIN // 2)
    for suffix, order in REGION_ORDERS.items():
        blended = composite(trajectory[blend_index], results, masks, order)
        support = np.logical_or.reduce([supports[name] for name in order])
        box = window(support, REGION_MARGIN, multiple)
        finished = denoiser.run(crop(blended, box), blend_index, STEPS, case.prompt, case.negative_prompt,
                                case.guidance)[-1]
        distance = distance_transform_cdt(~support, metric="chessboard").astype(np.float32)
        weight = torch.from_numpy(np.maximum(0, 1 - distance / np.float32(radius))).reshape(1, 1, *support.shape)
        clean = trajectory[STEPS]
        final = pasted(clean, crop(clean, box) + crop(weight, box) * (finished - crop(clean, box)), box)
        window_pixels = decode(crop(final, box))
        weight_pixels = torch.nn.functional.interpolate(weight, size=(case.height, case.width), mode="bilinear",
                                                        align_corners=False)
        pixel_box = tuple(bound * factor for bound in box)
        picture = pasted(base_pixels, crop(base_pixels, pixel_box)
                         + crop(weight_pixels, pixel_box) * (window_pixels - crop(base_pixels, pixel_box)), pixel_box)
        tensors.update({f"composite_{suffix}": blended, f"window_{suffix}": torch.tensor(box, dtype=torch.int64),
                        f"F_{suffix}": finished, f"w_{suffix}": weight, f"final_{suffix}": final,
                        f"pixels_{suffix}": picture})
        print(f"  {suffix}: finish window y [{box[0]}, {box[1]}), x [{box[2]}, {box[3]})")
    if tensors["window_R1_R2"].tolist() == [0, shape[2], 0, shape[3]]:
        raise AssertionError(f"{case.name}: the finish window of R1_R2 covers the latent")

    metadata = _metadata_for(case, pipeline, factor, denoiser.scheduler.timesteps, REGION_LAYERS, REGION_ORDERS)
    metadata.update({"region": "crop", "region_margin": REGION_MARGIN, "unet_multiple": multiple,
                     "weight_radius": radius})
    _save(REGION_OUT / f"{case.name}.safetensors", tensors, metadata)


def main() -> None:
    only_region = sys.argv[1:] == ["region"]
    if not only_region:
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir(parents=True)
    if REGION_OUT.exists():
        shutil.rmtree(REGION_OUT)
    REGION_OUT.mkdir(parents=True)
    with _deterministic(), torch.no_grad():
        if not only_region:
            for case in CASES:
                write_case(case)
        write_region_case(REGION_CASE)
    files = [path for path in OUT.rglob("*") if path.is_file()]
    print(f"ldb: {len(files)} files, {sum(path.stat().st_size for path in files) / 1e3:.1f} kB")


if __name__ == "__main__":
    main()
