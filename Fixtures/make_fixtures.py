#!/usr/bin/env python3
"""Regenerates every committed fixture of ldb: run with a Python that has the packages of requirements.txt.

Each module in scripts/ with a main() writes its own part of Fixtures/. This runs `models` first (the tiny models
and their diffusers references, which several others read), then the rest in name order.
Usage: python Fixtures/make_fixtures.py [NAME ...]   (NAME: a module in scripts/, e.g. png_fixtures)
"""
import importlib
import pathlib
import sys

SCRIPTS = pathlib.Path(__file__).resolve().parent / "scripts"


def main(names):
    sys.path.insert(0, str(SCRIPTS))
    available = sorted(p.stem for p in SCRIPTS.glob("*.py") if not p.stem.startswith("_"))
    available.sort(key=lambda name: name != "models")
    for name in names or available:
        module = importlib.import_module(name)
        if not hasattr(module, "main"):
            continue
        print(f"== {name}", flush=True)
        module.main()


if __name__ == "__main__":
    main(sys.argv[1:])
