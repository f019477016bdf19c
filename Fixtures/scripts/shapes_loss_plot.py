"""Draws the demo model's training loss curves from `loss.csv` (written by `shapes_train.py`) as a PNG, without a
plotting library: two panels side by side, the autoencoder's loss (left) and the UNet's (right), each the mean of
every 20 steps on a log scale between the panel's smallest and largest value, with a grey line at each power of 10.

    /work/venv/bin/python Fixtures/scripts/shapes_loss_plot.py Fixtures/shapes-training/loss.csv
"""

import csv
import math
import sys
from pathlib import Path

import png

PANEL_WIDTH, HEIGHT, MARGIN, WINDOW = 320, 240, 12, 20


def smoothed(values: list[float]) -> list[float]:
    return [sum(values[i:i + WINDOW]) / len(values[i:i + WINDOW]) for i in range(0, len(values), WINDOW)]


def draw_panel(canvas: list[list[list[int]]], left: int, values: list[float], color: tuple[int, int, int]) -> None:
    points = smoothed(values)
    low, high = math.log10(min(points)), math.log10(max(points))
    span = max(high - low, 1e-6)

    def row_of(value: float) -> int:
        return MARGIN + round((high - math.log10(value)) / span * (HEIGHT - 2 * MARGIN))

    for power in range(math.floor(low), math.ceil(high) + 1):
        if low <= power <= high:
            for x in range(left + MARGIN, left + PANEL_WIDTH - MARGIN):
                canvas[row_of(10 ** power)][x] = [200, 200, 200]
    previous = None
    for index, value in enumerate(points):
        x = left + MARGIN + round(index / max(len(points) - 1, 1) * (PANEL_WIDTH - 2 * MARGIN - 1))
        y = row_of(value)
        if previous is not None:
            steps = max(abs(x - previous[0]), abs(y - previous[1]), 1)
            for t in range(steps + 1):
                px = previous[0] + round((x - previous[0]) * t / steps)
                py = previous[1] + round((y - previous[1]) * t / steps)
                for dy in (0, 1):
                    canvas[min(py + dy, HEIGHT - 1)][px] = list(color)
        previous = (x, y)


def main() -> None:
    source = Path(sys.argv[1])
    losses: dict[str, list[float]] = {"vae": [], "unet": []}
    with source.open() as file:
        for row in csv.DictReader(file):
            losses[row["stage"]].append(float(row["loss"]))
    canvas = [[[255, 255, 255] for _ in range(2 * PANEL_WIDTH)] for _ in range(HEIGHT)]
    draw_panel(canvas, 0, losses["vae"], (40, 80, 220))
    draw_panel(canvas, PANEL_WIDTH, losses["unet"], (220, 30, 30))
    output = source.with_suffix(".png")
    with output.open("wb") as file:
        png.Writer(2 * PANEL_WIDTH, HEIGHT, greyscale=False).write(file, [sum(row, []) for row in canvas])
    print(f"{output}: vae {min(losses['vae']):.4f}..{max(losses['vae']):.4f}, "
          f"unet {min(losses['unet']):.4f}..{max(losses['unet']):.4f}")


if __name__ == "__main__":
    main()
