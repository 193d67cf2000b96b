"""A prediction cache, so re-scoring after a gold change does not rerun the extractor.

An entry holds one document's predictions (labels as predicted, before any label map) and the
seconds the extractor spent on it. Its key is the extractor's name (the spec, or the command),
the extractor's version (`extractor_version`) and the SHA-256 of the document text: a changed
text or a new extractor version is a miss; a changed gold is not part of the key at all.

Layout: `ROOT/<name slug>-<hash of name and version>/<text hash[:2]>/<text hash>.json`, one JSON
object per file, each written atomically (temp file + rename), so concurrent or interrupted runs
never leave half an entry. Documents the extractor failed on are not cached (they are retried).
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import inspect
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsspans.corpus.atomic import write_text_atomic
from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import Document

from .registry import REGISTRY, Entry, ExtractorLoadError, code_fingerprint, import_attr, import_user, split_spec
from .runner import ExtractorRun
from ..predictions import Prediction, prediction_from_dict

# Environment variable naming a default cache folder for `score` and `leaderboard` (else: no cache).
CACHE_ENV = "NEWSSPANS_CACHE"
ENTRY_FORMAT = 1


@dataclass(frozen=True)
class CacheKey:
    """What identifies an extractor's output, apart from the document text."""

    name: str
    version: str

    def folder(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", self.name).strip("_")[:48] or "extractor"
        digest = hashlib.sha256(f"{self.name}\0{self.version}".encode()).hexdigest()[:16]
        return f"{slug}-{digest}"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CacheStats:
    """What one run did with the cache; `unreadable` lists entries that were recomputed."""

    hits: int = 0
    stored: int = 0
    unreadable: list[str] = field(default_factory=list)


class PredictionCache:
    """Cached predictions under `root` (see the module docstring for the layout)."""

    def __init__(self, root: Path):
        self.root = Path(root).expanduser()
        self.stats = CacheStats()

    def path(self, key: CacheKey, text: str) -> Path:
        digest = text_hash(text)
        return self.root / key.folder() / digest[:2] / f"{digest}.json"

    def get(self, key: CacheKey, doc: Document) -> tuple[list[Prediction], float] | None:
        """(predictions, extractor seconds) for `doc`, or None on a miss.

        An entry that cannot be read or does not belong to this key and text (a damaged file)
        is a miss, recorded in `stats.unreadable`, and is overwritten by the fresh result.
        """
        path = self.path(key, doc.text)
        try:
            raw = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            entry = json.loads(raw)
            if (entry.get("format"), entry.get("extractor"), entry.get("version"), entry.get("text_sha256")) != \
                    (ENTRY_FORMAT, key.name, key.version, text_hash(doc.text)):
                raise ValueError("entry belongs to another extractor, version or text")
            preds = [prediction_from_dict(doc.id, d, str(path), None, i) for i, d in enumerate(entry["spans"])]
            seconds = float(entry["seconds"])
        except (ValueError, KeyError, TypeError, AttributeError, CorpusError, UnicodeDecodeError):
            self.stats.unreadable.append(str(path))
            return None
        self.stats.hits += 1
        return preds, seconds

    def put(self, key: CacheKey, doc: Document, predictions: Sequence[Prediction], seconds: float) -> None:
        entry = {"format": ENTRY_FORMAT, "extractor": key.name, "version": key.version,
                 "text_sha256": text_hash(doc.text), "seconds": seconds,
                 "spans": [p.to_dict() for p in predictions]}
        write_text_atomic(self.path(key, doc.text), json.dumps(entry, ensure_ascii=False) + "\n",
                          make_parents=True)
        self.stats.stored += 1


def run_cached(cache: PredictionCache | None, key: CacheKey | None, documents: Sequence[Document],
               run_missing: Callable[[Sequence[Document]], ExtractorRun]) -> ExtractorRun:
    """Predictions for `documents`: cached ones from `cache`, the rest from `run_missing(rest)`,
    which are then stored. Without a cache or a key (unknown version) everything is run."""
    if cache is None or key is None:
        return run_missing(documents)
    run, missing = ExtractorRun(), []
    for doc in documents:
        hit = cache.get(key, doc)
        if hit is None:
            missing.append(doc)
        else:
            run.predictions[doc.id], run.seconds[doc.id] = hit
    fresh = run_missing(missing) if missing else ExtractorRun()
    for doc in missing:
        if doc.id in fresh.predictions and doc.id not in fresh.errors:
            cache.put(key, doc, fresh.predictions[doc.id], fresh.seconds.get(doc.id, 0.0))
    run.add(fresh)  # dropped counts cover the documents run now, not those served from the cache
    # Keep the documents' order, as an uncached run would.
    order = {d.id: i for i, d in enumerate(documents)}
    run.predictions = dict(sorted(run.predictions.items(), key=lambda kv: order.get(kv[0], len(order))))
    return run


# --- Versions -----------------------------------------------------------------------------------

def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


def _folder_fingerprint(folder: Path) -> str:
    """A hash of every file's relative path, size and modification time: a retrained or
    re-saved model folder gets a new fingerprint without reading its weights."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"{f.relative_to(folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return "folder-" + h.hexdigest()[:16]


def _adapter_version(entry: Entry, argument: str | None) -> str | None:
    """The model's identity (installed package version, folder fingerprint, or what the adapter's
    own version function says, e.g. an LLM's endpoint, prompt and parameters), the versions of the
    adapter's packages, and a fingerprint of the adapter's mapping code."""
    model = argument or entry.default
    if model is None:
        return None
    folder = Path(model).expanduser()
    if entry.version is not None:
        identity = import_attr(entry.version)[1](model)
    elif folder.is_dir():
        identity = f"{model}={_folder_fingerprint(folder)}"
    else:
        version = _distribution_version(model)
        identity = None if version is None else f"{model}={version}"
    if identity is None:
        return None  # not installed or not configured: loading fails and says why
    packages = [f"{p}={_distribution_version(p)}" for p in entry.packages]
    return " ".join([identity, *packages, f"code={code_fingerprint(entry)}"])


def _declared_version(*holders: object) -> str | None:
    for holder in holders:
        for attr in ("version", "__version__"):
            value = getattr(holder, attr, None)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return str(value)
    return None


def extractor_version(spec: str) -> str | None:
    """The version that keys an extractor spec's cache entries, found without loading a model.

    - built-in names: their declared version (e.g. BASELINE_VERSION) plus a hash of every file of
      their package (`registry.code_fingerprint`);
    - adapter specs: see `_adapter_version`;
    - `module.path:callable`: a `version` or `__version__` attribute of the callable (or class),
      else of its module, else the SHA-256 of the module's source file (an edit is a new version).
    None when no version can be told (the run then goes uncached).
    """
    entry = REGISTRY.get(spec)
    if entry is not None and entry.kind == "built-in":
        # The declared version plus the code's hash: an edit without a version bump
        # must not serve predictions of the old rules.
        return f"{import_attr(entry.version)[1]}+{code_fingerprint(entry)}"
    if (parsed := split_spec(spec)) is not None:
        return _adapter_version(*parsed)
    try:
        module, obj = import_user(spec)
    except ExtractorLoadError:
        return None  # loading the extractor reports this properly
    declared = _declared_version(obj, module)
    if declared is not None:
        return declared
    try:
        source = Path(inspect.getfile(module)).read_bytes()
    except (TypeError, OSError):
        return None
    return "source-" + hashlib.sha256(source).hexdigest()[:16]


def spec_key(spec: str) -> CacheKey | None:
    version = extractor_version(spec)
    return None if version is None else CacheKey(spec, version)


def command_key(command: str) -> CacheKey:
    """An external command is known only by its command line, which is its version too."""
    return CacheKey(f"command: {command}", command)


def open_cache(folder: Path | None) -> PredictionCache | None:
    """The cache in `folder`, or None; CorpusError if the folder exists as a file."""
    if folder is None:
        return None
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CorpusError(Problem("the prediction cache must be a folder, but this is a file", file=str(folder)))
    return PredictionCache(folder)
