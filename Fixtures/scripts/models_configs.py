"""Inline configurations of the tiny test models and of full-size Stable Diffusion 1.5 and SD-Turbo (nothing
downloaded)."""

from dataclasses import dataclass, field

# DDIM configured as Stable Diffusion 1.5 / 2.x ship it (scaled-linear betas 0.00085...0.012).
SD_SCHEDULER = dict(
    num_train_timesteps=1000,
    beta_start=0.00085,
    beta_end=0.012,
    beta_schedule="scaled_linear",
    clip_sample=False,
    set_alpha_to_one=False,
    steps_offset=1,
    timestep_spacing="leading",
)


@dataclass(frozen=True)
class ModelSpec:
    """Everything needed to build one Stable Diffusion model folder."""

    name: str
    merge_count: int  # BPE merges kept in the tokenizer
    pad_token: str
    text_encoder: dict
    unet: dict
    vae: dict
    scheduler: dict
    fp16_components: tuple[str, ...] = field(default_factory=tuple)
    seed: int = 0


def _tiny_text_encoder(vocab_size: int, layers: int, hidden_act: str, pad_token_id: int) -> dict:
    return dict(
        vocab_size=vocab_size,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=layers,
        num_attention_heads=4,
        max_position_embeddings=77,
        hidden_act=hidden_act,
        layer_norm_eps=1e-5,
        projection_dim=32,
        bos_token_id=vocab_size - 2,
        eos_token_id=vocab_size - 1,
        pad_token_id=pad_token_id,
    )


TINY_MERGE_COUNT = 2000
TINY_VOCAB_SIZE = 256 * 2 + TINY_MERGE_COUNT + 2

# Channels differ at every level, and neither group size nor head size is 1, so that a mix-up of
# channel grouping, head splitting or skip-connection order changes the output.
TINY_SD1 = ModelSpec(
    name="tiny-sd1",
    merge_count=TINY_MERGE_COUNT,
    pad_token="<|endoftext|>",
    text_encoder=_tiny_text_encoder(TINY_VOCAB_SIZE, 3, "quick_gelu", TINY_VOCAB_SIZE - 1),
    unet=dict(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        block_out_channels=(8, 16, 24),
        layers_per_block=2,
        cross_attention_dim=32,
        attention_head_dim=4,  # diffusers' name; SD 1.x uses it as the number of heads
        norm_num_groups=4,
        use_linear_projection=False,
    ),
    vae=dict(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 16, 16, 24),
        layers_per_block=2,
        latent_channels=4,
        norm_num_groups=4,
        sample_size=64,
        scaling_factor=0.18215,
    ),
    scheduler=dict(SD_SCHEDULER, prediction_type="epsilon"),
    fp16_components=("text_encoder", "unet"),
    seed=1,
)

TINY_SD2 = ModelSpec(
    name="tiny-sd2",
    merge_count=TINY_MERGE_COUNT,
    pad_token="!",
    text_encoder=_tiny_text_encoder(TINY_VOCAB_SIZE, 2, "gelu", 0),
    unet=dict(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        block_out_channels=(8, 16, 24),
        layers_per_block=2,
        cross_attention_dim=32,
        attention_head_dim=(2, 4, 4),  # heads per block, as SD 2.x's (5, 10, 20, 20)
        norm_num_groups=4,
        use_linear_projection=True,
        upcast_attention=True,
    ),
    vae=dict(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(8, 8, 16, 16),
        layers_per_block=2,
        latent_channels=4,
        norm_num_groups=4,
        sample_size=64,
        scaling_factor=0.18215,
    ),
    scheduler=dict(SD_SCHEDULER, prediction_type="v_prediction"),
    seed=2,
)

TINY_MODELS = (TINY_SD1, TINY_SD2)

# Stable Diffusion 1.5 at full size: UNet (860M parameters), the SD VAE and CLIP ViT-L/14's text tower.
FULL_SD15 = ModelSpec(
    name="sd15-random",
    merge_count=49152 - 256 - 2,
    pad_token="<|endoftext|>",
    text_encoder=dict(
        vocab_size=49408,
        hidden_size=768,
        intermediate_size=3072,
        num_hidden_layers=12,
        num_attention_heads=12,
        max_position_embeddings=77,
        hidden_act="quick_gelu",
        layer_norm_eps=1e-5,
        projection_dim=768,
        bos_token_id=49406,
        eos_token_id=49407,
        pad_token_id=1,
    ),
    unet=dict(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        block_out_channels=(320, 640, 1280, 1280),
        layers_per_block=2,
        cross_attention_dim=768,
        attention_head_dim=8,
        norm_num_groups=32,
        use_linear_projection=False,
    ),
    vae=dict(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(128, 256, 512, 512),
        layers_per_block=2,
        latent_channels=4,
        norm_num_groups=32,
        sample_size=512,
        scaling_factor=0.18215,
    ),
    scheduler=dict(SD_SCHEDULER, prediction_type="epsilon"),
    seed=15,
)

# stabilityai/sd-turbo's shape at full size: the SD 2.1 UNet (865M parameters; heads of 64 channels, linear
# projections), the SD VAE and OpenCLIP ViT-H/14's text tower (23 layers of 1024). SD-Turbo ships an Euler
# scheduler with trailing spacing; DDIM with the same betas and spacing stands in for it here.
FULL_SD_TURBO = ModelSpec(
    name="sd-turbo-random",
    merge_count=49152 - 256 - 2,
    pad_token="!",
    text_encoder=dict(
        vocab_size=49408,
        hidden_size=1024,
        intermediate_size=4096,
        num_hidden_layers=23,
        num_attention_heads=16,
        max_position_embeddings=77,
        hidden_act="gelu",
        layer_norm_eps=1e-5,
        projection_dim=512,
        bos_token_id=49406,
        eos_token_id=49407,
        pad_token_id=0,
    ),
    # SD 1.5's UNet but for the width of its text features, its heads of 64 channels and linear projections.
    unet=dict(FULL_SD15.unet, cross_attention_dim=1024, attention_head_dim=(5, 10, 20, 20), use_linear_projection=True),
    vae=FULL_SD15.vae,
    scheduler=dict(SD_SCHEDULER, prediction_type="epsilon", timestep_spacing="trailing"),
    seed=21,
)
