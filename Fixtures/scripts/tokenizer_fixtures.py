"""Writes the token ids that LDBDiffusionTests compares the Swift CLIPTokenizer against.

Run with the project's virtual env:  /work/venv/bin/python Fixtures/scripts/tokenizer_fixtures.py
(or through Fixtures/make_fixtures.py tokenizer_fixtures, after the models_* scripts).

The reference is what diffusers' StableDiffusionPipeline runs: `CLIPTokenizer.from_pretrained(folder)` of
transformers 5.24 (a `tokenizers`-backed tokenizer; the slow Python one no longer exists), called as
`tokenizer(prompt, padding="max_length", max_length=tokenizer.model_max_length, truncation=True)`.

Tokenizers covered (each a key of `expected` in Fixtures/tokenizer/expected_ids.json):
  clip-sd1, clip-sd2   the real 49408-token CLIP vocabulary from Fixtures/clip/bpe_simple_vocab_16e6.txt.gz,
                       written to a temporary folder with the tokenizer configs of SD 1.x
                       (runwayml/stable-diffusion-v1-5) and SD 2.x (stabilityai/stable-diffusion-2-1, pad "!").
                       The Swift side loads these through `CLIPTokenizer(bpeFile:padToken:)`.
  ascii-sd2-legacy     a small vocabulary that lacks every non-ASCII byte (so unknown bytes become
                       <|endoftext|>), with SD 2.x's legacy configs (AddedToken dicts, pad "!" only in
                       special_tokens_map.json). Committed in Fixtures/tokenizer/ascii-sd2-legacy/.
  ascii-sd1-decoder    the same vocabulary with the `added_tokens_decoder` style tokenizer_config.json that
                       transformers 5 writes. Committed in Fixtures/tokenizer/ascii-sd1-decoder/.
  tiny-sd1, tiny-sd2   the tokenizer folders of Fixtures/models/tiny-sd1|tiny-sd2, when they exist.
"""

import gzip
import json
import os
import tempfile

from transformers import CLIPTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.dirname(HERE)
OUT = os.path.join(FIXTURES, "tokenizer")
BPE_FILE = os.path.join(FIXTURES, "clip", "bpe_simple_vocab_16e6.txt.gz")

START, END = "<|startoftext|>", "<|endoftext|>"
# Small vocabularies keep the first merges whose symbols are all ASCII.
ASCII_MERGE_COUNT = 1500

PROMPTS = [
    "",
    "a photo of an astronaut riding a horse on mars",
    "A PHOTO OF A CAT, Highly Detailed",
    "Hello, World!",
    "hello!!",
    "wow ! yes",
    "!!!",
    "what?!",
    "it's a dog's life, isn't it? they're here, we've seen, I'm sure you'll see, he'd",
    "x's 't 're 'S",
    "'s",
    "''s rock'n'roll",
    "1234 3.14 1,000,000 2nd 42nd",
    "café crème brûlée",
    "e\u0301 composed by NFC, A\u030a",
    "Über Straße ß",
    "naïve résumé",
    "😀🎉👍🏽 emoji and ❤️",
    "日本語のテキスト 中文 한국어",
    "  leading and trailing spaces   ",
    "repeated     spaces",
    "tabs\tand\nnewlines\r\n  mixed\u000b\u000c",
    "\u00a0no-break\u3000ideographic\u2009thin space",
    "zero\u200bwidth\u200djoiner",
    "ﬁ ligature",
    "\u0300abc combining mark at start",
    "İstanbul ΣΑΣ ǅ",
    "<|endoftext|> inside",
    "<|ENDOFTEXT|>x",
    "a<|startoftext|>b",
    "mixed-case: StableDiffusion v1.5 by RunwayML",
    "punctuation... ?!?! --- ((masterpiece)), [best quality], {detailed} :3",
    "HTML <b>bold</b> & 'quotes' \"double\" `back` ~tilde~ @user #tag $5 100%",
    "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis",
    "arabic مرحبا hindi नमस्ते thai สวัสดี",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters Ⅻ ½ ² ٣ numbers",
    "a " * 75,
    "a " * 76,
    "a " * 80,
    ", ".join(["a beautiful detailed oil painting of a castle on a hill at sunset"] * 12),
]


def bytes_to_unicode():
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    bytes_, codepoints, extra = printable[:], printable[:], 0
    for byte in range(256):
        if byte not in bytes_:
            bytes_.append(byte)
            codepoints.append(256 + extra)
            extra += 1
    return dict(zip(bytes_, (chr(c) for c in codepoints)))


def clip_merges():
    lines = gzip.open(BPE_FILE).read().decode("utf-8").split("\n")
    return [tuple(line.split()) for line in lines[1 : 49152 - 256 - 2 + 1]]


def write_folder(folder, symbols, merges, tokenizer_config, special_tokens_map=None):
    os.makedirs(folder, exist_ok=True)
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges] + [START, END]
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({t: i for i, t in enumerate(tokens)}, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config, f, indent=2)
    if special_tokens_map is not None:
        with open(os.path.join(folder, "special_tokens_map.json"), "w", encoding="utf-8") as f:
            json.dump(special_tokens_map, f, indent=2)


def added_token(content, normalized=True, legacy_type=False):
    token = {"content": content, "lstrip": False, "normalized": normalized, "rstrip": False, "single_word": False}
    return {"__type": "AddedToken", **token} if legacy_type else token


def legacy_configs(pad):
    """tokenizer_config.json and special_tokens_map.json as SD 1.5 and SD 2.1 ship them."""
    config = {
        "add_prefix_space": False,
        "bos_token": added_token(START, legacy_type=True),
        "do_lower_case": True,
        "eos_token": added_token(END, legacy_type=True),
        "errors": "replace",
        "model_max_length": 77,
        "pad_token": "<|endoftext|>",
        "special_tokens_map_file": "./special_tokens_map.json",
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": added_token(END, legacy_type=True),
    }
    special = {"bos_token": added_token(START), "eos_token": added_token(END), "pad_token": pad, "unk_token": added_token(END)}
    return config, special


def decoder_config(vocab_size):
    """tokenizer_config.json in the `added_tokens_decoder` style of recent transformers (SD 1.x tokens)."""
    return {
        "add_prefix_space": False,
        "added_tokens_decoder": {
            str(vocab_size - 2): {**added_token(START), "special": True},
            str(vocab_size - 1): {**added_token(END, normalized=False), "special": True},
        },
        "bos_token": START,
        "clean_up_tokenization_spaces": False,
        "do_lower_case": True,
        "eos_token": END,
        "errors": "replace",
        "extra_special_tokens": {},
        "model_max_length": 77,
        "pad_token": END,
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": END,
    }


def reference_ids(folder):
    tokenizer = CLIPTokenizer.from_pretrained(folder)
    return [
        tokenizer(p, padding="max_length", max_length=tokenizer.model_max_length, truncation=True).input_ids
        for p in PROMPTS
    ]


def main():
    symbols = list(bytes_to_unicode().values())
    merges = clip_merges()
    expected = {}
    with tempfile.TemporaryDirectory() as temp:
        for name, pad in [("clip-sd1", END), ("clip-sd2", "!")]:
            folder = os.path.join(temp, name)
            write_folder(folder, symbols, merges, *legacy_configs(pad))
            expected[name] = reference_ids(folder)

    ascii_symbols = [s for s in symbols if ord(s) < 128]
    ascii_merges = [m for m in merges if all(ord(c) < 128 for c in m[0] + m[1])][:ASCII_MERGE_COUNT]
    vocab_size = 2 * len(ascii_symbols) + len(ascii_merges) + 2
    folder = os.path.join(OUT, "ascii-sd2-legacy")
    write_folder(folder, ascii_symbols, ascii_merges, *legacy_configs("!"))
    expected["ascii-sd2-legacy"] = reference_ids(folder)
    folder = os.path.join(OUT, "ascii-sd1-decoder")
    write_folder(folder, ascii_symbols, ascii_merges, decoder_config(vocab_size))
    expected["ascii-sd1-decoder"] = reference_ids(folder)

    for name in ["tiny-sd1", "tiny-sd2"]:
        folder = os.path.join(FIXTURES, "models", name, "tokenizer")
        if os.path.isdir(folder):
            expected[name] = reference_ids(folder)

    with open(os.path.join(OUT, "expected_ids.json"), "w", encoding="utf-8") as f:
        json.dump({"prompts": PROMPTS, "expected": expected}, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(PROMPTS)} prompts x {len(expected)} tokenizers to {OUT}")


if __name__ == "__main__":
    main()
