"""The shapes world: synthetic captioned pictures that the demo model (`shapes_train.py`) learns to draw.

A scene is a background (a plain color, a two-tone horizon such as "a blue sky over green grass", or a
vertical gradient) and zero to three objects (circle, square, triangle, star, ring, stripe) in one of twelve
named colors, at random sizes and positions. Scenes are drawn with 2x2 supersampling (soft edges) into
float tensors in [0, 1], and captioned in several ways so that a prompt can name everything, only the
objects, one object, or only the background ("a green field"): the last two are what a layer's prompt is.

Everything is deterministic given the `random.Random` passed in.
"""

import functools
import math
import random
from dataclasses import dataclass

import torch

# Twelve named colors, far enough apart that a pixel's nearest name is unambiguous.
COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 30),
    "orange": (245, 140, 20),
    "yellow": (250, 225, 30),
    "green": (40, 170, 60),
    "blue": (40, 80, 220),
    "purple": (140, 50, 180),
    "pink": (245, 130, 190),
    "brown": (120, 75, 35),
    "black": (20, 20, 20),
    "white": (245, 245, 245),
    "gray": (128, 128, 128),
    "cyan": (40, 200, 220),
}
COLOR_NAMES = tuple(COLORS)
SHAPES = ("circle", "square", "triangle", "star", "ring", "stripe")
GROUNDS = ("grass", "sea", "sand", "field")
PLAIN_NOUNS = ("background", "field", "wall")


@dataclass(frozen=True)
class Background:
    kind: str  # "plain", "horizon" or "gradient"
    top: str  # color name (the only one for "plain")
    bottom: str
    horizon: float = 0.5  # fraction of the height where the ground begins
    noun: str = "background"  # plain: background/field/wall; horizon: one of GROUNDS

    def phrase(self) -> str:
        if self.kind == "plain":
            return f"{article(self.top)} {self.top} {self.noun}"
        if self.kind == "horizon":
            return f"{article(self.top)} {self.top} sky over {self.bottom} {self.noun}"
        return f"{article(self.top)} {self.top} to {self.bottom} gradient"


@dataclass(frozen=True)
class Shape:
    kind: str
    color: str
    x: float  # centre, in units of the image side
    y: float
    size: float  # radius, in units of the image side

    def phrase(self) -> str:
        return f"{article(self.color)} {self.color} {self.kind}"


@dataclass(frozen=True)
class Scene:
    background: Background
    shapes: tuple[Shape, ...]

    def full_caption(self) -> str:
        if not self.shapes:
            return self.background.phrase()
        return f"{objects_phrase(self.shapes)} on {self.background.phrase()}"


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def objects_phrase(shapes: tuple[Shape, ...]) -> str:
    phrases = [shape.phrase() for shape in shapes]
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]


def sample_scene(rng: random.Random, max_shapes: int = 3, empty_fraction: float = 0.15) -> Scene:
    kind = rng.choices(("plain", "horizon", "gradient"), weights=(0.4, 0.4, 0.2))[0]
    top = rng.choice(COLOR_NAMES)
    bottom = rng.choice([c for c in COLOR_NAMES if c != top])
    if kind == "plain":
        background = Background("plain", top, top, noun=rng.choice(PLAIN_NOUNS))
    elif kind == "horizon":
        background = Background("horizon", top, bottom, horizon=rng.uniform(0.35, 0.7), noun=rng.choice(GROUNDS))
    else:
        background = Background("gradient", top, bottom)
    count = 0 if rng.random() < empty_fraction else rng.randint(1, max_shapes)
    background_colors = {background.top, background.bottom}
    shapes = []
    for _ in range(count):
        size = rng.uniform(0.1, 0.26)
        shapes.append(Shape(
            kind=rng.choice(SHAPES),
            color=rng.choice([c for c in COLOR_NAMES if c not in background_colors]),
            x=rng.uniform(size * 0.7, 1 - size * 0.7),
            y=rng.uniform(size * 0.7, 1 - size * 0.7),
            size=size,
        ))
    return Scene(background, tuple(shapes))


def sample_caption(scene: Scene, rng: random.Random) -> str:
    """One of the ways to describe `scene`: everything, the objects only, one object (a partial caption, as a
    layer prompt is), or nothing (the unconditional prompt of classifier-free guidance)."""
    draw = rng.random()
    if draw < 0.1:
        return ""
    if not scene.shapes or draw < 0.55:
        return scene.full_caption()
    if draw < 0.75:
        return objects_phrase(scene.shapes)
    return rng.choice(scene.shapes).phrase()


def _rgb(name: str) -> torch.Tensor:
    return torch.tensor(COLORS[name], dtype=torch.float32).view(3, 1, 1) / 255


def _inside_convex(px: torch.Tensor, py: torch.Tensor, polygon: list[tuple[float, float]]) -> torch.Tensor:
    """Points inside a convex polygon given counter-clockwise in image coordinates (y down): every edge has the
    point on the same side."""
    inside = torch.ones_like(px, dtype=torch.bool)
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]):
        inside &= (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) >= 0
    return inside


def _shape_mask(shape: Shape, px: torch.Tensor, py: torch.Tensor) -> torch.Tensor:
    dx, dy, r = px - shape.x, py - shape.y, shape.size
    if shape.kind == "circle":
        return dx * dx + dy * dy <= r * r
    if shape.kind == "ring":
        d2 = dx * dx + dy * dy
        return (d2 <= r * r) & (d2 >= (0.55 * r) ** 2)
    if shape.kind == "square":
        s = r * 0.85
        return (dx.abs() <= s) & (dy.abs() <= s)
    if shape.kind == "stripe":
        return (dx.abs() <= r * 1.5) & (dy.abs() <= r * 0.35)
    if shape.kind == "triangle":
        points = [(shape.x + r * math.cos(a), shape.y - r * math.sin(a))
                  for a in (math.pi / 2, math.pi / 2 + 2 * math.pi / 3, math.pi / 2 + 4 * math.pi / 3)]
        return _inside_convex(px, py, _clockwise_in_image(points))
    if shape.kind == "star":
        outer = [(shape.x + r * math.cos(math.pi / 2 + k * 2 * math.pi / 5),
                  shape.y - r * math.sin(math.pi / 2 + k * 2 * math.pi / 5)) for k in range(5)]
        inner_radius = r * 0.42
        inner = [(shape.x + inner_radius * math.cos(math.pi / 2 + (k + 0.5) * 2 * math.pi / 5),
                  shape.y - inner_radius * math.sin(math.pi / 2 + (k + 0.5) * 2 * math.pi / 5)) for k in range(5)]
        mask = _inside_convex(px, py, _clockwise_in_image(inner))
        for k in range(5):
            mask |= _inside_convex(px, py, _clockwise_in_image([outer[k], inner[k], inner[k - 1]]))
        return mask
    raise ValueError(f"unknown shape {shape.kind!r}")


def _clockwise_in_image(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Orders a convex polygon's vertices so that `_inside_convex`'s sign test holds for interior points."""
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    return sorted(points, key=lambda p: math.atan2(p[1] - cy, p[0] - cx))


@functools.cache
def _grid(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    coordinates = (torch.arange(n, dtype=torch.float32) + 0.5) / n
    py, px = torch.meshgrid(coordinates, coordinates, indexing="ij")
    return px, py


def render(scene: Scene, size: int = 64, supersampling: int = 2) -> torch.Tensor:
    """The scene as a (3, size, size) float tensor in [0, 1]."""
    n = size * supersampling
    px, py = _grid(n)
    background = scene.background
    if background.kind == "plain":
        image = _rgb(background.top).expand(3, n, n).clone()
    elif background.kind == "horizon":
        ground = (py >= background.horizon).float()
        image = _rgb(background.top) * (1 - ground) + _rgb(background.bottom) * ground
    else:
        image = _rgb(background.top) * (1 - py) + _rgb(background.bottom) * py
    for shape in scene.shapes:
        mask = _shape_mask(shape, px, py).float()
        image = image * (1 - mask) + _rgb(shape.color) * mask
    return torch.nn.functional.avg_pool2d(image.unsqueeze(0), supersampling).squeeze(0)


def nearest_color_names(image: torch.Tensor) -> torch.Tensor:
    """For a (3, H, W) image in [0, 1], the index into COLOR_NAMES of each pixel's nearest named color."""
    palette = torch.tensor([COLORS[name] for name in COLOR_NAMES], dtype=torch.float32) / 255
    pixels = image.permute(1, 2, 0).reshape(-1, 3)
    return torch.cdist(pixels, palette).argmin(dim=1).view(image.shape[1:])
