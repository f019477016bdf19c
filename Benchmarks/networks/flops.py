"""The floating-point operations of one evaluation of an SD 1.5-shaped UNet (batch 1 and 2, 64x64 latent) and one
512x512 VAE decode, counted by PyTorch's FlopCounterMode on the meta device (no weights, no arithmetic): matrix
products, convolutions and attention, a multiply-add counted as 2. BENCHMARKS.md divides them by the measured
seconds to give achieved GFLOP/s against the machine's peak.

    /work/venv/bin/python Benchmarks/networks/flops.py /tmp/sd15-random
"""
import torch, json, sys
from torch.utils.flop_counter import FlopCounterMode
from diffusers import UNet2DConditionModel, AutoencoderKL
model = sys.argv[1]
with torch.device("meta"):
    unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(model + "/unet"))
    vae = AutoencoderKL.from_config(AutoencoderKL.load_config(model + "/vae"))
for batch in (1, 2):
    x = torch.randn(batch, 4, 64, 64, device="meta"); c = torch.randn(batch, 77, 768, device="meta")
    with FlopCounterMode(display=False) as counter:
        unet(x, torch.tensor([500] * batch, device="meta"), encoder_hidden_states=c)
    print(f"unet b{batch}: {counter.get_total_flops() / 1e9:.1f} GFLOP")
with FlopCounterMode(display=False) as counter:
    vae.decode(torch.randn(1, 4, 64, 64, device="meta"))
print(f"vae decode 512: {counter.get_total_flops() / 1e9:.1f} GFLOP")
