"""PyTorch's time for the building blocks kernel-benchmark times in ldb, at the same shapes, in the same format.

    OMP_NUM_THREADS=2 python Benchmarks/networks/torch_kernels.py [--runs R] [--threads N] [--filter TEXT]

Each case runs once to warm up, then R times; the median is printed (milliseconds), with GFLOP/s for the
matrix work (multiply-adds count two).
"""

import argparse
import statistics
import time

import torch
import torch.nn.functional as F


def convolution(channels, out, size, kernel):
    x, w, b = torch.rand(1, channels, size, size) - 0.5, torch.rand(out, channels, kernel, kernel) - 0.5, torch.rand(out)
    return 2.0 * out * channels * kernel * kernel * size * size, lambda: F.conv2d(x, w, b, padding=kernel // 2)


def attention(tokens, channels, heads, keys=None):
    keys = keys or tokens
    q = torch.rand(1, heads, tokens, channels // heads)
    k, v = torch.rand(1, heads, keys, channels // heads), torch.rand(1, heads, keys, channels // heads)
    return 4.0 * tokens * keys * channels, lambda: F.scaled_dot_product_attention(q, k, v)


def linear(rows, inputs, outputs):
    x, w, b = torch.rand(1, rows, inputs), torch.rand(outputs, inputs), torch.rand(outputs)
    return 2.0 * rows * inputs * outputs, lambda: F.linear(x, w, b)


def group_norm_silu(channels, size):
    x, w, b = torch.rand(1, channels, size, size), torch.rand(channels), torch.rand(channels)
    return 0, lambda: F.silu(F.group_norm(x, 32, w, b))


def geglu(rows, width):
    x = torch.rand(1, rows, 2 * width)

    def run():
        hidden, gate = x.chunk(2, dim=-1)
        return hidden * F.gelu(gate)

    return 0, run


def add(channels, size):
    x = torch.rand(1, channels, size, size)
    return 0, lambda: x + x


CASES = [
    ("UNet conv 3x3 320->320 @64x64", lambda: convolution(320, 320, 64, 3)),
    ("UNet conv 3x3 640->640 @32x32", lambda: convolution(640, 640, 32, 3)),
    ("UNet conv 3x3 1280->1280 @16x16", lambda: convolution(1280, 1280, 16, 3)),
    ("UNet conv 1x1 320->320 @64x64", lambda: convolution(320, 320, 64, 1)),
    ("UNet linear 4096x320 -> 2560 (GEGLU in)", lambda: linear(4096, 320, 2560)),
    ("UNet self-attention 4096 tokens, 320 ch, 8 heads", lambda: attention(4096, 320, 8)),
    ("UNet cross-attention 4096x77, 320 ch, 8 heads", lambda: attention(4096, 320, 8, keys=77)),
    ("UNet group norm + SiLU 320 @64x64", lambda: group_norm_silu(320, 64)),
    ("UNet GEGLU gate 4096x2560", lambda: geglu(4096, 2560)),
    ("VAE conv 3x3 512->512 @64x64", lambda: convolution(512, 512, 64, 3)),
    ("VAE conv 3x3 512->512 @128x128", lambda: convolution(512, 512, 128, 3)),
    ("VAE conv 3x3 256->256 @256x256", lambda: convolution(256, 256, 256, 3)),
    ("VAE conv 3x3 128->128 @512x512", lambda: convolution(128, 128, 512, 3)),
    ("VAE mid attention 4096 tokens, 512 ch, 1 head", lambda: attention(4096, 512, 1)),
    ("VAE group norm + SiLU 128 @512x512", lambda: group_norm_silu(128, 512)),
    ("VAE add 128 @512x512", lambda: add(128, 512)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--filter")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    print("| Kernel | median ms | GFLOP/s |")
    print("|---|---|---|")
    with torch.inference_mode():
        for name, make in CASES:
            if arguments.filter and arguments.filter.lower() not in name.lower():
                continue
            flops, run = make()
            run()
            times = []
            for _ in range(arguments.runs):
                start = time.perf_counter()
                run()
                times.append((time.perf_counter() - start) * 1000)
            median = statistics.median(times)
            rate = f"{flops / median / 1e6:.0f}" if flops else "–"
            print(f"| {name} | {median:.1f} | {rate} |")


if __name__ == "__main__":
    main()
