"""Reference layout of the Hugging Face cache, for LDBDiffusion's ModelLocation tests.

Writes Fixtures/hubcache/tiny-sd1-cache.json. Nothing is downloaded, and no weights are committed twice:

  cache_directory_cases   for several environments, the cache folder huggingface_hub chooses
                          (`huggingface_hub.constants.HF_HUB_CACHE`, read in a fresh interpreter per case);
  repo_id_cases           candidate ids and whether huggingface_hub's `validate_repo_id` accepts them;
  repo_id, revisions      a repository id and the commits its refs name (`main`, a branch `v1`, `refs/pr/1`);
  files                   per commit, each file of `models/tiny-sd1` (by path) and the name of its blob, which
                          is the ETag the Hub reports: the SHA-256 of an LFS file (`*.safetensors`), the git blob
                          id of any other file;
  layout                  every entry under the repository folder after huggingface_hub's own
                          `repo_folder_name`, `_create_symlink` and `_cache_commit_hash_for_specific_revision` built
                          the cache: directories, files with their size (and text for refs), symlinks with the exact
                          relative target they hold.

The cache is then read back by huggingface_hub (`try_to_load_from_cache`, `scan_cache_dir`,
`snapshot_download(local_files_only=True)`) and by diffusers (`StableDiffusionPipeline.from_pretrained` from the
id, offline), which must load weights bitwise equal to the folder's.

Run: /work/venv/bin/python Fixtures/scripts/hubcache_fixtures.py
"""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

FIXTURES = pathlib.Path(__file__).resolve().parent.parent
MODEL = FIXTURES / "models" / "tiny-sd1"
OUT = FIXTURES / "hubcache" / "tiny-sd1-cache.json"

REPO_ID = "ldb-fixtures/tiny-sd1"
# Fixed commit ids (any 40 hex digits work; these are the SHA-1 of their names, for reproducibility).
MAIN = hashlib.sha1(b"ldb tiny-sd1 main").hexdigest()
V1 = hashlib.sha1(b"ldb tiny-sd1 v1").hexdigest()
# `main` has every file; `v1` (also `refs/pr/1`) is an older commit without the fp16 variants.
REVISIONS = {"main": MAIN, "v1": V1, "refs/pr/1": V1}


def etag(path):
    data = path.read_bytes()
    if path.suffix == ".safetensors":
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def model_files():
    return sorted(p.relative_to(MODEL).as_posix() for p in MODEL.rglob("*") if p.is_file())


def files_of(commit):
    names = model_files()
    if commit == V1:
        names = [n for n in names if ".fp16." not in n]
    return [{"path": n, "blob": etag(MODEL / n)} for n in names]


def build(cache_dir):
    """Writes the repository into `cache_dir` the way `hf_hub_download` stores a download."""
    from huggingface_hub import file_download

    storage = pathlib.Path(cache_dir) / file_download.repo_folder_name(repo_id=REPO_ID, repo_type="model")
    for commit in sorted(set(REVISIONS.values())):
        for entry in files_of(commit):
            blob = storage / "blobs" / entry["blob"]
            blob.parent.mkdir(parents=True, exist_ok=True)
            new_blob = not blob.exists()
            if new_blob:
                shutil.copyfile(MODEL / entry["path"], blob)
            pointer = storage / "snapshots" / commit / entry["path"]
            pointer.parent.mkdir(parents=True, exist_ok=True)
            file_download._create_symlink(str(blob), str(pointer), new_blob=new_blob)
    for revision, commit in REVISIONS.items():
        file_download._cache_commit_hash_for_specific_revision(str(storage), revision, commit)
    return storage


def layout(storage):
    entries = []
    for path in sorted(storage.rglob("*")):
        name = path.relative_to(storage.parent).as_posix()
        if path.is_symlink():
            entries.append({"path": name, "kind": "symlink", "target": os.readlink(path)})
        elif path.is_dir():
            entries.append({"path": name, "kind": "directory"})
        else:
            entry = {"path": name, "kind": "file", "size": path.stat().st_size}
            if "/refs/" in name:
                entry["text"] = path.read_text()
            entries.append(entry)
    return entries


def check(cache_dir, storage):
    import torch
    from diffusers import StableDiffusionPipeline
    from huggingface_hub import scan_cache_dir, snapshot_download, try_to_load_from_cache

    for revision, commit in REVISIONS.items():
        for entry in files_of(commit):
            found = try_to_load_from_cache(REPO_ID, entry["path"], cache_dir=cache_dir, revision=revision)
            assert found == str(storage / "snapshots" / commit / entry["path"]), (revision, entry, found)
            assert pathlib.Path(found).read_bytes() == (MODEL / entry["path"]).read_bytes()
    assert try_to_load_from_cache(REPO_ID, "unet/diffusion_pytorch_model.fp16.safetensors",
                                  cache_dir=cache_dir, revision="v1") is None
    report = scan_cache_dir(cache_dir)
    assert not report.warnings, report.warnings
    (repo,) = report.repos
    assert repo.repo_id == REPO_ID
    assert {r.commit_hash: set(r.refs) for r in repo.revisions} == {MAIN: {"main"}, V1: {"v1", "refs/pr/1"}}
    assert snapshot_download(REPO_ID, cache_dir=cache_dir, local_files_only=True) == str(storage / "snapshots" / MAIN)

    cached = StableDiffusionPipeline.from_pretrained(REPO_ID, cache_dir=cache_dir, local_files_only=True,
                                                     safety_checker=None, requires_safety_checker=False)
    folder = StableDiffusionPipeline.from_pretrained(str(MODEL), safety_checker=None, requires_safety_checker=False)
    for name in ["text_encoder", "unet", "vae"]:
        ours, theirs = getattr(cached, name).state_dict(), getattr(folder, name).state_dict()
        assert ours.keys() == theirs.keys()
        assert all(torch.equal(ours[k], theirs[k]) for k in ours), name


CACHE_DIRECTORY_CASES = [
    {},
    {"XDG_CACHE_HOME": "/xdg"},
    {"XDG_CACHE_HOME": "~/xdg/"},
    {"HF_HOME": "/hf-home", "XDG_CACHE_HOME": "/xdg"},
    {"HF_HOME": "~/hf"},
    {"HF_HOME": "$DATA/hf", "DATA": "/data"},
    {"HF_HOME": "${DATA}/hf", "DATA": "/data"},
    {"HF_HOME": "$UNSET_VARIABLE/hf"},
    {"HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HOME": "/hf-home"},
    {"HUGGINGFACE_HUB_CACHE": "~/legacy"},
    {"HF_HUB_CACHE": "/hub", "HUGGINGFACE_HUB_CACHE": "/legacy", "HF_HOME": "/hf-home", "XDG_CACHE_HOME": "/xdg"},
    {"HF_HUB_CACHE": "~/hub-cache"},
    {"HF_HUB_CACHE": "$DATA/hub", "DATA": "/data"},
]


def cache_directory_cases():
    cases = []
    for variables in CACHE_DIRECTORY_CASES:
        environment = {"HOME": "/home/user", "PATH": os.environ.get("PATH", ""), **variables}
        result = subprocess.run(
            [sys.executable, "-c", "from huggingface_hub import constants; print(constants.HF_HUB_CACHE)"],
            env=environment, check=True, capture_output=True, text=True)
        cases.append({"environment": {"HOME": "/home/user", **variables}, "cache": result.stdout.strip()})
    return cases


REPO_ID_CANDIDATES = [
    "stabilityai/sd-turbo", "runwayml/stable-diffusion-v1-5", "a/b", "Org_1/name.v2", "_x/y_", "1/2",
    "sd-turbo", "a/b/c", "/a", "a/", "-a/b", "a/b-", "a/.b", "a./b", "a--b/c", "a/b--c", "a/b..c", "a/b.git",
    "a b/c", "caf\u00e9/x", "a/" + "n" * 96, "a/" + "n" * 97, "o" * 96 + "/n", "a/b\n",
]


def repo_id_cases():
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    cases = []
    for candidate in REPO_ID_CANDIDATES:
        try:
            validate_repo_id(candidate)
            valid = True
        except HFValidationError:
            valid = False
        cases.append({"id": candidate, "valid": valid})
    return cases


def main():
    import huggingface_hub

    with tempfile.TemporaryDirectory() as cache_dir:
        storage = build(cache_dir)
        check(cache_dir, storage)
        entries = layout(storage)
    manifest = {
        "huggingface_hub": huggingface_hub.__version__,
        "repo_id": REPO_ID,
        "revisions": REVISIONS,
        "files": {commit: files_of(commit) for commit in sorted(set(REVISIONS.values()))},
        "layout": entries,
        "cache_directory_cases": cache_directory_cases(),
        "repo_id_cases": repo_id_cases(),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT.relative_to(FIXTURES)}: {len(entries)} layout entries, "
          f"{len(manifest['cache_directory_cases'])} cache-directory cases")


if __name__ == "__main__":
    main()
