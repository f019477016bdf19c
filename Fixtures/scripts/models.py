"""Tiny Stable Diffusion models with random weights, and diffusers reference tensors computed from them.

    python Fixtures/scripts/models.py                  # Fixtures/models/tiny-sd{1,2}, Fixtures/reference/...
    python Fixtures/scripts/models.py --full-size DIR  # SD 1.5-sized random model into DIR (never committed)
    python Fixtures/scripts/models.py --sd-turbo DIR   # SD-Turbo-shaped (SD 2.1) random model into DIR (idem)

Deterministic: fixed seeds, CPU, float32, one thread, deterministic algorithms. Nothing is downloaded; the
tokenizers come from Fixtures/clip/bpe_simple_vocab_16e6.txt.gz. See Fixtures/README.md.
"""

import argparse
import contextlib
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from models_build import check_same_weights, load_fp16_component, load_model, save_model  # noqa: E402
from models_configs import FULL_SD15, FULL_SD_TURBO, TINY_MODELS, ModelSpec  # noqa: E402
from models_reference import write_references  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent
BPE_PATH = FIXTURES / "clip" / "bpe_simple_vocab_16e6.txt.gz"


@contextlib.contextmanager
def _deterministic():
    """One thread, deterministic algorithms and a seeded global RNG, restored afterwards so that scripts
    run after this one in the same process (make_fixtures.py) are not affected."""
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        torch.set_num_threads(1)
        torch.use_deterministic_algorithms(True)
        try:
            yield
        finally:
            torch.set_num_threads(threads)
            torch.use_deterministic_algorithms(deterministic)


def _check_full_vocabulary(folder: Path) -> None:
    """Token ids of the full vocabulary must be CLIP ViT-L/14's (49406 = start, 320 = "a</w>", ...)."""
    from transformers import CLIPTokenizer

    ids = CLIPTokenizer.from_pretrained(folder).encode("a photo of a cat")
    expected = [49406, 320, 1125, 539, 320, 2368, 49407]
    if ids != expected:
        raise AssertionError(f"{folder}: full CLIP vocabulary tokenizes 'a photo of a cat' as {ids}, not {expected}")


def write_tiny_models() -> None:
    for spec in TINY_MODELS:
        folder = FIXTURES / "models" / spec.name
        print(f"{spec.name}: writing {folder.relative_to(FIXTURES)}")
        saved = save_model(spec, BPE_PATH, folder)
        pipeline = load_model(folder)
        for name in ("text_encoder", "unet", "vae"):
            check_same_weights(getattr(saved, name), getattr(pipeline, name), f"{spec.name}/{name}")
        fp16 = {}
        for name in spec.fp16_components:
            fp16[name] = load_fp16_component(folder, name)
            rounded = copy.deepcopy(getattr(saved, name)).half().float()
            check_same_weights(rounded, fp16[name], f"{spec.name}/{name} (fp16)")
        write_references(pipeline, FIXTURES / "reference" / spec.name, fp16)
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"{spec.name}: model folder {size / 1e6:.2f} MB")


def write_full_size(folder: Path, spec: ModelSpec = FULL_SD15) -> None:
    print(f"{spec.name}: writing {folder}")
    saved = save_model(spec, BPE_PATH, folder)
    _check_full_vocabulary(folder / "tokenizer")
    loaded = load_model(folder)
    for name in ("text_encoder", "unet", "vae"):
        check_same_weights(getattr(saved, name), getattr(loaded, name), f"{spec.name}/{name}")
    parameters = sum(p.numel() for p in loaded.unet.parameters())
    print(f"{spec.name}: UNet has {parameters / 1e6:.1f}M parameters")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full-size", type=Path, metavar="DIR",
                        help="write a Stable Diffusion 1.5-sized model with random weights into DIR instead")
    parser.add_argument("--sd-turbo", type=Path, metavar="DIR",
                        help="write an SD-Turbo-shaped (SD 2.1) model with random weights into DIR instead")
    arguments = parser.parse_args(argv if argv is not None else [])
    with _deterministic():
        if arguments.full_size is not None:
            write_full_size(arguments.full_size)
        elif arguments.sd_turbo is not None:
            write_full_size(arguments.sd_turbo, FULL_SD_TURBO)
        else:
            write_tiny_models()


if __name__ == "__main__":
    main(sys.argv[1:])
