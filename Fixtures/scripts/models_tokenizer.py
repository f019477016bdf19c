"""CLIP BPE vocabularies derived from `bpe_simple_vocab_16e6.txt.gz`, written as diffusers tokenizer folders.

The derivation is the one of OpenAI CLIP's `SimpleTokenizer` (and of the vocab.json / merges.txt that
Hugging Face ships for `openai/clip-vit-large-patch14`):

    merges = lines[1 : 49152 - 256 - 2 + 1]          (line 0 is a version header)
    vocab  = byte symbols (bytes_to_unicode order)
           + the same symbols with "</w>"
           + "".join(merge) for each merge, in order
           + "<|startoftext|>", "<|endoftext|>"

Keeping only the first `merge_count` merges gives a smaller vocabulary that tokenizes with exactly the
same algorithm; its ids agree with the full vocabulary for every token it contains, except the two
special tokens, which always come last.
"""

import gzip
import json
from pathlib import Path

FULL_MERGE_COUNT = 49152 - 256 - 2
START_OF_TEXT = "<|startoftext|>"
END_OF_TEXT = "<|endoftext|>"


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2 / CLIP map from each byte to a printable unicode character."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    bytes_ = printable[:]
    codepoints = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in bytes_:
            bytes_.append(byte)
            codepoints.append(256 + extra)
            extra += 1
    return dict(zip(bytes_, (chr(c) for c in codepoints)))


def read_merges(bpe_path: Path, merge_count: int = FULL_MERGE_COUNT) -> list[tuple[str, str]]:
    """The first `merge_count` merge rules of the gzipped CLIP BPE file."""
    if not 0 <= merge_count <= FULL_MERGE_COUNT:
        raise ValueError(f"merge_count must be in 0...{FULL_MERGE_COUNT}, got {merge_count}")
    lines = gzip.open(bpe_path).read().decode("utf-8").split("\n")
    merges = [tuple(line.split()) for line in lines[1 : 1 + merge_count]]
    for index, merge in enumerate(merges):
        if len(merge) != 2:
            raise ValueError(f"{bpe_path}: merge line {index + 1} is not two symbols: {merge!r}")
    return merges


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    """Token -> id, in CLIP's order."""
    symbols = list(bytes_to_unicode().values())
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
    tokens += [START_OF_TEXT, END_OF_TEXT]
    vocab = {token: index for index, token in enumerate(tokens)}
    if len(vocab) != len(tokens):
        raise ValueError("the merges produce a duplicate token; the vocabulary would not be CLIP's")
    return vocab


def write_tokenizer_folder(folder: Path, bpe_path: Path, merge_count: int, pad_token: str) -> dict[str, int]:
    """Writes vocab.json, merges.txt, tokenizer_config.json and special_tokens_map.json, as the
    `tokenizer/` folder of the Stable Diffusion repositories has them. Returns the vocabulary."""
    merges = read_merges(bpe_path, merge_count)
    vocab = build_vocab(merges)
    if pad_token not in vocab:
        raise ValueError(f"pad token {pad_token!r} is not in the vocabulary")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "merges.txt").write_text(
        "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges), encoding="utf-8"
    )
    special_tokens = {
        "bos_token": START_OF_TEXT,
        "eos_token": END_OF_TEXT,
        "pad_token": pad_token,
        "unk_token": END_OF_TEXT,
    }
    tokenizer_config = {
        "add_prefix_space": False,
        "do_lower_case": True,
        "errors": "replace",
        "model_max_length": 77,
        "tokenizer_class": "CLIPTokenizer",
        **special_tokens,
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2) + "\n")
    (folder / "special_tokens_map.json").write_text(json.dumps(special_tokens, indent=2) + "\n")
    return vocab
