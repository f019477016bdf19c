"""Writes the PyTorch reference outputs that LDBTensorTests compares the Swift tensor ops against.

Run with the project's virtual env:  /work/venv/bin/python Fixtures/scripts/ops_fixtures.py
(or through Fixtures/make_fixtures.py ops_fixtures).

Inputs are random (torch.Generator seeded once, fixed order), with odd, non-square shapes and batch 2.
Every expected output is computed by torch.nn.functional on CPU in float32, the implementation diffusers and
transformers run. Everything lands in Fixtures/ops/ops.safetensors; tensor names are "<case>.<role>".
"""

import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "ops", "ops.safetensors")


def main():
    generator = torch.Generator().manual_seed(20250314)

    def randn(*shape, scale=1.0, offset=0.0):
        return torch.randn(*shape, generator=generator) * scale + offset

    tensors = {}

    def case(name, **parts):
        for role, value in parts.items():
            tensors[f"{name}.{role}"] = value.to(torch.float32).clone().contiguous()

    # Matrix products.
    x, w, b = randn(2, 5, 7), randn(6, 7), randn(6)
    case("linear", input=x, weight=w, bias=b, output=F.linear(x, w, b), output_no_bias=F.linear(x, w))
    a, m = randn(2, 3, 5, 4), randn(2, 3, 4, 6)
    case("matmul", a=a, b=m, output=torch.matmul(a, m))
    a, m = randn(2, 5, 4), randn(4, 3)
    case("matmul_shared", a=a, b=m, output=torch.matmul(a, m))

    # Convolutions on a [2, 5, 11, 9] image.
    x = randn(2, 5, 11, 9)
    w3, b7 = randn(7, 5, 3, 3), randn(7)
    w1 = randn(7, 5, 1, 1)
    w53 = randn(4, 5, 5, 3)
    case("conv", input=x, weight3x3=w3, bias=b7, weight1x1=w1, weight5x3=w53,
         output3x3=F.conv2d(x, w3, b7, stride=1, padding=1),
         output3x3_stride2=F.conv2d(x, w3, b7, stride=2, padding=1),
         # diffusers' VAE Downsample2D: pad right and bottom by one, then a stride-2 convolution.
         output3x3_asymmetric=F.conv2d(F.pad(x, (0, 1, 0, 1)), w3, b7, stride=2, padding=0),
         output1x1=F.conv2d(x, w1, b7),
         output5x3_no_bias=F.conv2d(x, w53, None, stride=1, padding=(2, 1)))

    # Normalisations, with an offset and scale so that a naive one-pass variance would lose digits.
    x, w, b = randn(2, 6, 5, 7, scale=2.0, offset=3.0), randn(6), randn(6)
    case("group_norm", input=x, weight=w, bias=b,
         output=F.group_norm(x, 3, w, b, eps=1e-6),
         output_no_affine=F.group_norm(x, 2, eps=1e-5))
    x, w, b = randn(2, 5, 12, scale=3.0, offset=-2.0), randn(12), randn(12)
    case("layer_norm", input=x, weight=w, bias=b, output=F.layer_norm(x, (12,), w, b, eps=1e-5))

    # Point-wise activations over a wide range.
    x = randn(2, 3, 17, scale=4.0)
    case("activation", input=x, silu=F.silu(x), gelu=F.gelu(x), quick_gelu=x * torch.sigmoid(1.702 * x))
    x = randn(2, 5, 16, scale=2.0)
    hidden, gate = x.chunk(2, dim=-1)
    case("geglu", input=x, output=hidden * F.gelu(gate))

    # Softmax with one row far from zero (stability) and one strongly peaked.
    x = randn(2, 4, 19, scale=5.0)
    x[0, 1] += 1000.0
    x[1, 2, 3] += 80.0
    case("softmax", input=x, output=torch.softmax(x, dim=-1))

    # Layout.
    x = randn(2, 3, 4, 5)
    case("upsample", input=x, output=F.interpolate(x, scale_factor=2.0, mode="nearest"))
    y = randn(2, 2, 4, 5)
    case("layout", a=x, b=y,
         concat_channels=torch.cat([x, y], dim=1),
         concat_batch=torch.cat([x, x * 2], dim=0),
         permute_0231=x.permute(0, 2, 3, 1),
         permute_2031=x.permute(2, 0, 3, 1),
         tokens=x.permute(0, 2, 3, 1).reshape(2, 20, 3),
         chunk_last_1=x.chunk(5, dim=-1)[1],
         slice_batch_1=x[1:2])

    # Attention: cross-attention with more queries than keys, and causal self-attention.
    heads = 3
    q, k, v = randn(2, 37, 24), randn(2, 23, 24), randn(2, 23, 30)
    case("attention", query=q, key=k, value=v, output=multi_head(q, k, v, heads, causal=False))
    s = randn(2, 29, 24)
    case("attention_causal", input=s, output=multi_head(s, s, s, heads, causal=True))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save_file(tensors, OUT)
    print(f"wrote {len(tensors)} tensors to {OUT} ({os.path.getsize(OUT)} bytes)")


def multi_head(q, k, v, heads, causal):
    """Splits heads as diffusers' Attention processor does, then torch's scaled_dot_product_attention."""

    def split(t):
        batch, length, channels = t.shape
        return t.reshape(batch, length, heads, channels // heads).transpose(1, 2)

    out = F.scaled_dot_product_attention(split(q), split(k), split(v), is_causal=causal)
    batch, _, length, head_size = out.shape
    return out.transpose(1, 2).reshape(batch, length, heads * head_size)


if __name__ == "__main__":
    main()
