"""`newsspans corpus publish`: the dataset as a clean Hugging Face dataset folder, and its upload.

The folder holds only what a dataset repository should: the Parquet files of each config, the
card (README.md, with relative links that resolve inside the folder), the annotation guidelines
and the licence. No Python module, raw source or gold standoff file goes in.

A publish never clobbers: the target must be missing, empty, or a previous publish whose files
are all unchanged (recorded with their SHA-256 in a manifest). The new folder is built in a
temporary folder beside the target and renamed into place, so a failed publish leaves the
target as it was.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from importlib.util import find_spec
from pathlib import Path

from .atomic import _umask
from .build import BuildResult, build
from .card import LICENSE_FILE, PUBLISHED_LINKS
from .errors import CorpusError, Problem
from .store import CORPUS_DIR, Corpus

MANIFEST = ".newsspans-publish.json"
GUIDELINES_FILE = PUBLISHED_LINKS.guidelines
# Remote files a re-upload may delete when the new folder no longer has them: data shards only,
# so a repository's own .gitattributes or extra files are never touched.
STALE_REMOTE_PATTERNS = ["*.parquet"]


@dataclass(frozen=True)
class PublishResult:
    out_dir: Path
    files: tuple[str, ...]
    build: BuildResult


def guidelines_path() -> Path:
    """annotation/GUIDELINES.md of the installed package (package data of newsspans.annotation)."""
    spec = find_spec("newsspans.annotation")
    return Path(next(iter(spec.submodule_search_locations))) / "GUIDELINES.md"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> list[str]:
    """Every file below `folder` as a relative POSIX path, sorted (symlinks count as files)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir() or p.is_symlink())


def check_target(out: Path) -> bool:
    """Raise unless `out` may be (re)written; True when it holds a previous publish to replace."""
    if not out.exists() and not out.is_symlink():
        if not out.parent.is_dir():
            raise CorpusError(Problem("cannot publish: the parent folder does not exist", file=str(out)))
        return False
    if not out.is_dir() or out.is_symlink():
        raise CorpusError(Problem("cannot publish: not a folder", file=str(out)))
    present = _files(out)
    if not present:
        return False
    manifest = out / MANIFEST
    if not manifest.is_file():
        raise CorpusError(Problem("the folder is not empty and was not written by `newsspans corpus publish`; "
                                  "refusing to overwrite it (choose a new or empty folder)", file=str(out)))
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8")).get("files")
    except (ValueError, AttributeError):  # not JSON, not UTF-8, not an object
        recorded = None
    if not isinstance(recorded, dict):
        raise CorpusError(Problem("unreadable publish manifest; refusing to overwrite the folder", file=str(manifest)))
    for name in present:
        if name == MANIFEST:
            continue
        if name not in recorded:
            raise CorpusError(Problem("not written by the previous publish; refusing to overwrite the folder "
                                      "(move the file away or choose another folder)", file=str(out / name)))
        if (out / name).is_symlink() or _sha256(out / name) != recorded[name]:
            raise CorpusError(Problem("changed since the previous publish; refusing to overwrite the folder "
                                      "(move the file away or choose another folder)", file=str(out / name)))
    return True


def _fill(folder: Path, corpus: Corpus) -> BuildResult:
    result = build(corpus, folder, links=PUBLISHED_LINKS)
    shutil.copyfile(guidelines_path(), folder / GUIDELINES_FILE)
    shutil.copyfile(CORPUS_DIR / LICENSE_FILE, folder / LICENSE_FILE)
    files = {name: _sha256(folder / name) for name in _files(folder)}
    (folder / MANIFEST).write_text(json.dumps({"files": files}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return result


def publish(corpus: Corpus, out_dir: Path) -> PublishResult:
    """Validate and build `corpus` into a fresh dataset folder at `out_dir`, replacing only a previous publish."""
    out = Path(out_dir).absolute()
    previous = check_target(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    old = None
    try:
        result = _fill(tmp, corpus)
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes the folder 0700; give it a plain mkdir's mode
        if previous:
            # Two renames: the previous publish steps aside, the new one takes its place; only then is
            # the old one deleted, so an interruption between them leaves it beside the target.
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old)
        os.replace(tmp, out)  # also replaces an empty folder
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not out.exists():
            os.replace(old, out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return PublishResult(out, tuple(n for n in _files(out) if n != MANIFEST), replace(result, out_dir=out))


def upload(folder: Path, repo_id: str, token: str, private: bool = False) -> str:
    """Create the dataset repository `repo_id` if needed and upload `folder` as one commit; return its URL.

    Any failure is a CorpusError of one line that never contains the token.
    """
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        info = api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(folder),
                                 ignore_patterns=[MANIFEST], delete_patterns=STALE_REMOTE_PATTERNS,
                                 commit_message="Publish with newsspans corpus publish")
    except Exception as exc:  # network, HTTP and validation errors of the Hub client alike: one line
        message = " ".join(str(exc).split()) or type(exc).__name__
        message = f"upload to {repo_id} failed: {type(exc).__name__}: {message}".replace(token, "***")
        raise CorpusError(Problem(message)) from None
    return str(getattr(info, "commit_url", "") or f"https://huggingface.co/datasets/{repo_id}")
