"""Writes the PNG fixtures for LDBImageTests and the values the Swift reader must produce.

Run with the project's virtual env:  /work/venv/bin/python Fixtures/scripts/png_fixtures.py

The PNGs are written by pypng (and PIL for the palette files), a writer independent of libpng, which the
Swift code reads them with. Expected values come from the numpy arrays the files were made from, converted
with the rules LDBImage documents:
  - samples of fewer than 8 bits are scaled to 0...255 (v * 255 / (2^bits - 1));
  - 16-bit samples are rounded to 8 bits: round(v * 255 / 65535);
  - gray expands to RGB by repeating the value; an image without alpha has no alpha plane;
  - a mask is the gray value of a gray PNG, the alpha of a PNG with alpha, else the luma of the RGB image
    as PIL's convert("L") computes it.
Feather and downsample references come from scipy.ndimage.gaussian_filter(mode="nearest", truncate=3.0)
and a numpy block mean. Everything lands in Fixtures/png/ (PNG files and expected.json).
"""

import json
import os
import zlib

import numpy as np
import png
from PIL import Image
from scipy.ndimage import gaussian_filter

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "png")
rng = np.random.default_rng(20240501)


def to8(values, bitdepth):
    """Independent reference for the 8-bit value of a sample of the given bit depth."""
    values = np.asarray(values, dtype=np.int64)
    maximum = (1 << bitdepth) - 1
    return np.floor(values * 255 / maximum + 0.5).astype(np.int64)


def pil_luma(rgb8):
    """The luma PIL's convert("L") gives, computed by PIL itself."""
    height, width, _ = rgb8.shape
    image = Image.fromarray(rgb8.astype(np.uint8), "RGB")
    return np.asarray(image.convert("L"), dtype=np.int64).reshape(height, width)


def write_pypng(name, array, *, greyscale, alpha, bitdepth, interlace=False):
    height, width = array.shape[:2]
    rows = array.reshape(height, -1).tolist()
    writer = png.Writer(width, height, greyscale=greyscale, alpha=alpha, bitdepth=bitdepth, interlace=interlace)
    with open(os.path.join(OUT, name), "wb") as file:
        writer.write(file, rows)


expected = {"images": {}}


def record(name, kind, rgb8, alpha8, mask8):
    height, width = rgb8.shape[:2]
    expected["images"][name] = {
        "kind": kind,
        "width": int(width),
        "height": int(height),
        "rgb": rgb8.reshape(-1).astype(int).tolist(),
        "alpha": None if alpha8 is None else alpha8.reshape(-1).astype(int).tolist(),
        "mask": mask8.reshape(-1).astype(int).tolist(),
    }


def gray_image(name, bitdepth, width, height, interlace=False):
    values = rng.integers(0, 1 << bitdepth, size=(height, width))
    # Make sure both extremes appear, so scaling mistakes show.
    values[0, 0], values[-1, -1] = 0, (1 << bitdepth) - 1
    write_pypng(name, values, greyscale=True, alpha=False, bitdepth=bitdepth, interlace=interlace)
    gray8 = to8(values, bitdepth)
    record(name, f"gray{bitdepth}", np.repeat(gray8[..., None], 3, axis=2), None, gray8)


def gray_alpha_image(name, bitdepth, width, height):
    values = rng.integers(0, 1 << bitdepth, size=(height, width, 2))
    values[0, 0] = [(1 << bitdepth) - 1, 0]
    write_pypng(name, values, greyscale=True, alpha=True, bitdepth=bitdepth)
    gray8, alpha8 = to8(values[..., 0], bitdepth), to8(values[..., 1], bitdepth)
    record(name, f"gray-alpha{bitdepth}", np.repeat(gray8[..., None], 3, axis=2), alpha8, alpha8)


def rgb_image(name, bitdepth, width, height, interlace=False):
    values = rng.integers(0, 1 << bitdepth, size=(height, width, 3))
    write_pypng(name, values, greyscale=False, alpha=False, bitdepth=bitdepth, interlace=interlace)
    rgb8 = to8(values, bitdepth)
    record(name, f"rgb{bitdepth}", rgb8, None, pil_luma(rgb8))


def rgba_image(name, bitdepth, width, height):
    values = rng.integers(0, 1 << bitdepth, size=(height, width, 4))
    values[0, 0, 3], values[0, 1, 3] = 0, (1 << bitdepth) - 1
    write_pypng(name, values, greyscale=False, alpha=True, bitdepth=bitdepth)
    rgb8, alpha8 = to8(values[..., :3], bitdepth), to8(values[..., 3], bitdepth)
    record(name, f"rgba{bitdepth}", rgb8, alpha8, alpha8)


def palette_image(name, width, height, with_transparency):
    palette = rng.integers(0, 256, size=(6, 3))
    indices = rng.integers(0, len(palette), size=(height, width))
    image = Image.fromarray(indices.astype(np.uint8), "P")
    image.putpalette(palette.astype(np.uint8).reshape(-1).tolist())
    rgb8 = palette[indices]
    if with_transparency:
        entry_alpha = np.array([0, 64, 128, 255, 200, 17])
        image.save(os.path.join(OUT, name), transparency=bytes(entry_alpha.astype(np.uint8).tolist()))
        alpha8 = entry_alpha[indices]
        record(name, "palette-trns", rgb8, alpha8, alpha8)
    else:
        image.save(os.path.join(OUT, name))
        record(name, "palette", rgb8, None, pil_luma(rgb8))


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
COLOR_TYPES = {1: 0, 3: 2, 2: 4, 4: 6}  # channels -> PNG colour type


def png_chunk(kind, body):
    return len(body).to_bytes(4, "big") + kind + body + (zlib.crc32(kind + body) & 0xFFFFFFFF).to_bytes(4, "big")


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(kind, row, prior, bpp):
    out = bytearray()
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def write_adam7_16bit(name, values, transparent=None):
    """An Adam7 16-bit PNG whose rows cycle through all five filter types (pypng only writes filter 0)."""
    height, width, channels = values.shape
    bpp = 2 * channels
    raw = bytearray()
    row_index = 0
    for x0, y0, dx, dy in ADAM7:
        sub = values[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        prior = bytes(sub.shape[1] * bpp)
        for line in sub:
            row = line.astype(">u2").tobytes()
            kind = row_index % 5
            raw += bytes([kind]) + filter_row(kind, row, prior, bpp)
            prior, row_index = row, row_index + 1
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([16, COLOR_TYPES[channels], 0, 0, 1])
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    if transparent is not None:
        data += png_chunk(b"tRNS", np.asarray(transparent).astype(">u2").tobytes())
    data += png_chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + png_chunk(b"IEND", b"")
    with open(os.path.join(OUT, name), "wb") as file:
        file.write(data)
    # Check this hand-made writer against pypng's reader.
    _, _, rows, _ = png.Reader(filename=os.path.join(OUT, name)).read()
    assert np.array_equal(np.array([list(r) for r in rows]).reshape(values.shape), values), name


def adam7_16bit_image(name, channels, transparent=False):
    values = rng.integers(0, 1 << 16, size=(9, 13, channels))
    key = None
    if transparent:
        key = values[4, 5].copy()
        values[1, 2] = key
    write_adam7_16bit(name, values, transparent=key)
    color8 = to8(values, 16)
    gray = channels in (1, 2)
    rgb8 = np.repeat(color8[..., :1], 3, axis=2) if gray else color8[..., :3]
    if channels in (2, 4):
        alpha8 = color8[..., -1]
        record(name, f"adam7-16-{channels}ch", rgb8, alpha8, alpha8)
    elif transparent:
        alpha8 = np.where((values == key).all(axis=2), 0, 255)
        record(name, f"adam7-16-{channels}ch-key", rgb8, alpha8, alpha8)
    else:
        record(name, f"adam7-16-{channels}ch", rgb8, None, color8[..., 0] if gray else pil_luma(rgb8))


def rgb16_color_key_image(name):
    values = rng.integers(0, 1 << 16, size=(5, 7, 3))
    key = values[2, 3].copy()
    values[0, 0] = key
    writer = png.Writer(7, 5, greyscale=False, bitdepth=16, transparent=tuple(int(v) for v in key))
    with open(os.path.join(OUT, name), "wb") as file:
        writer.write(file, values.reshape(5, -1).tolist())
    alpha8 = np.where((values == key).all(axis=2), 0, 255)
    record(name, "rgb16-key", to8(values, 16), alpha8, alpha8)


def interlaced_palette_image(name):
    palette = [tuple(int(v) for v in rng.integers(0, 256, size=3)) + (a,) for a in (0, 90, 255, 255)]
    indices = rng.integers(0, len(palette), size=(9, 13))
    writer = png.Writer(13, 9, palette=palette, bitdepth=2, interlace=True)
    with open(os.path.join(OUT, name), "wb") as file:
        writer.write(file, indices.tolist())
    entries = np.array(palette)
    alpha8 = entries[indices, 3]
    record(name, "palette2-trns-interlaced", entries[indices, :3], alpha8, alpha8)


def chunks(data):
    """(offset, type, length) of every chunk of a PNG byte string."""
    offset, found = 8, []
    while offset < len(data):
        length = int.from_bytes(data[offset:offset + 4], "big")
        found.append((offset, data[offset + 4:offset + 8], length))
        offset += 12 + length
    return found


def corrupt_variants(source):
    """A PNG with a bad IDAT CRC and one whose IDAT holds broken zlib data with a valid CRC."""
    with open(os.path.join(OUT, source), "rb") as file:
        data = bytearray(file.read())
    offset, _, length = next(c for c in chunks(data) if c[1] == b"IDAT")
    bad_crc = bytearray(data)
    bad_crc[offset + 8 + length] ^= 0xFF
    with open(os.path.join(OUT, "corrupt_crc.png"), "wb") as file:
        file.write(bad_crc)
    bad_zlib = bytearray(data)
    body = bytearray(data[offset + 8:offset + 8 + length])
    body[0] = 0x00  # an invalid zlib header (CM is not 8)
    bad_zlib[offset + 8:offset + 8 + length] = body
    crc = zlib.crc32(b"IDAT" + bytes(body)) & 0xFFFFFFFF
    bad_zlib[offset + 8 + length:offset + 12 + length] = crc.to_bytes(4, "big")
    with open(os.path.join(OUT, "corrupt_zlib.png"), "wb") as file:
        file.write(bad_zlib)


def oversized_header():
    """A valid PNG header claiming 20000 x 3 pixels with a single empty row of data."""
    chunk = png_chunk
    ihdr = (20000).to_bytes(4, "big") + (3).to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")
    with open(os.path.join(OUT, "oversized.png"), "wb") as file:
        file.write(data)


def feather_references():
    box = np.zeros((9, 13))
    box[2:6, 3:10] = 255
    noisy = rng.integers(0, 256, size=(9, 13)).astype(np.float64)
    masks = {"box": box, "noisy": noisy}
    cases = []
    for mask_name, mask in masks.items():
        for sigma in [0.0, 0.5, 1.0, 1.1, 1.7, 2.5, 4.0]:
            blurred = gaussian_filter(mask / 255.0, sigma=sigma, mode="nearest", truncate=3.0)
            cases.append({"mask": mask_name, "sigma": sigma, "values": blurred.reshape(-1).tolist()})
    expected["feather"] = {
        "width": 13,
        "height": 9,
        "masks": {name: mask.reshape(-1).astype(int).tolist() for name, mask in masks.items()},
        "cases": cases,
    }


def downsample_references():
    height, width = 16, 24
    plane = rng.random((height, width))
    cases = []
    for factor in [1, 2, 4, 8]:
        blocks = plane.reshape(height // factor, factor, width // factor, factor)
        cases.append({"factor": factor, "values": blocks.mean(axis=(1, 3)).reshape(-1).tolist()})
    expected["downsample"] = {"width": width, "height": height, "values": plane.reshape(-1).tolist(), "cases": cases}


def main():
    os.makedirs(OUT, exist_ok=True)
    for bitdepth in [1, 2, 4, 8, 16]:
        gray_image(f"gray{bitdepth}.png", bitdepth, 13, 9)
    gray_alpha_image("gray_alpha8.png", 8, 7, 5)
    gray_alpha_image("gray_alpha16.png", 16, 7, 5)
    rgb_image("rgb8.png", 8, 7, 5)
    rgb_image("rgb16.png", 16, 7, 5)
    rgba_image("rgba8.png", 8, 7, 5)
    rgba_image("rgba16.png", 16, 7, 5)
    palette_image("palette.png", 7, 5, with_transparency=False)
    palette_image("palette_trns.png", 7, 5, with_transparency=True)
    rgb16_color_key_image("rgb16_trns.png")
    rgb_image("rgb8_interlaced.png", 8, 13, 9, interlace=True)
    gray_image("gray2_interlaced.png", 2, 13, 9, interlace=True)
    interlaced_palette_image("palette_interlaced.png")
    gray_image("gray16_interlaced.png", 16, 13, 9, interlace=True)
    adam7_16bit_image("gray16_adam7_filtered.png", 1)
    adam7_16bit_image("gray_alpha16_adam7_filtered.png", 2)
    adam7_16bit_image("rgb16_adam7_filtered.png", 3)
    adam7_16bit_image("rgb16_adam7_trns.png", 3, transparent=True)
    adam7_16bit_image("rgba16_adam7_filtered.png", 4)
    corrupt_variants("rgb8.png")
    oversized_header()
    feather_references()
    downsample_references()
    with open(os.path.join(OUT, "expected.json"), "w") as file:
        json.dump(expected, file)
        file.write("\n")


if __name__ == "__main__":
    main()
