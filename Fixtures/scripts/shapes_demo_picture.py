"""Writes the picture that `ldb demo` inverts and edits: one fixed shapes-world scene, 64x64, as an 8-bit RGB PNG
(`Sources/ldb/Resources/shapes-picture.png`), a "photo" the demo model can describe.

    /work/venv/bin/python Fixtures/scripts/shapes_demo_picture.py
"""

import sys
from pathlib import Path

import png

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shapes_world as world  # noqa: E402

OUTPUT = Path(__file__).resolve().parents[2] / "Sources" / "ldb" / "Resources" / "shapes-picture.png"
SCENE = world.Scene(
    background=world.Background("horizon", "cyan", "green", horizon=0.62, noun="grass"),
    shapes=(
        world.Shape("square", "red", x=0.3, y=0.55, size=0.16),
        world.Shape("circle", "yellow", x=0.74, y=0.26, size=0.13),
    ),
)


def main() -> None:
    pixels = (world.render(SCENE, 64) * 255).round().to(dtype=world.torch.uint8)
    rows = pixels.permute(1, 2, 0).reshape(64, 64 * 3).tolist()
    with OUTPUT.open("wb") as file:
        png.Writer(64, 64, greyscale=False, bitdepth=8).write(file, rows)
    print(f"{OUTPUT}: {SCENE.full_caption()}")


if __name__ == "__main__":
    main()
