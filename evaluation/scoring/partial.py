"""Partial results: what one shard of documents contributes to a report, and how shards merge.

A report is a pure function of per-document additive count tables (one row per document:
span outcome counts, attribution counts, speaker counts, and whatever other metric families add)
and of their Poisson-weighted bootstrap sums (see `bootstrap`). A `Partial` holds exactly those
for some documents, with the settings and the gold's fingerprint. Merging concatenates the
rows (in gold order) and adds the sums; as every number is an integer, a merge of any number of
shards in any order equals one pass over all their documents, bit for bit.

Tables are generic: a metric family adds `tables[name]` (integer array, first axis documents)
and, if its numbers get intervals, a statistic in `STATISTICS[name]` (summed table with a
leading resample axis -> {key: array}); `merge` and the bootstrap need nothing else.

File format (`save`/`load`, see docs/partials.md): a NumPy `.npz` archive (no pickles) with
`meta` (UTF-8 JSON as uint8: format, settings, gold, documents, errors, ...), `positions`
(gold position of each document), `table/NAME` and `sum/NAME` arrays.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsspans.corpus.errors import CorpusError, Problem

FORMAT = "newsspans-partial/1"

# Statistic per table name (summed counts with a leading resample axis -> {key: values}); filled
# by the modules that define the tables (scorer for span counts and attribution).
STATISTICS: dict[str, Callable[[np.ndarray], dict[str, np.ndarray]]] = {}

# Tables, by name prefix, whose bootstrap sums are computed where they are counted and added at a
# merge, though their statistic is applied elsewhere (sections.py: the integer section tables);
# the value says whether they are summed per group (`bootstrap.weighted_sums`, `sparse`).
SUMMED: dict[str, bool] = {}


def has_sums(name: str) -> bool:
    """Whether a Partial keeps bootstrap sums of table `name` (a statistic of its own, or `SUMMED`)."""
    return name in STATISTICS or any(name.startswith(prefix) for prefix in SUMMED)


def sparse_sums(name: str) -> bool:
    return any(sparse for prefix, sparse in SUMMED.items() if name.startswith(prefix))


# Order of the names along a named axis (`Partial.axes`) once the shards' names are united, by
# table-name prefix (filled by the modules that define such tables: sections for breakdowns).
AXIS_ORDER: dict[str, Callable[[str, Iterable[str]], list[str]]] = {}


@dataclass
class Partial:
    """Per-document count tables and their bootstrap sums for some of the gold's documents."""

    settings: dict  # must be equal to merge: matching, bootstrap, label mapping, schemes, layers
    gold: dict  # {"source", "fingerprint", "documents": number of gold documents}
    documents: Sequence[str]  # a list, or PackedIds in a streamed run (see pipeline._score_chunks)
    positions: np.ndarray  # gold position of each document (int64), to put merged rows in gold order
    tables: dict[str, np.ndarray]
    sums: dict[str, np.ndarray]  # (n_resamples, *row shape) int64 per table with a statistic
    sources: list[str] = field(default_factory=list)  # predictions sources
    extractor_errors: dict[str, str] = field(default_factory=dict)
    missing_predictions: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    # Names along axis 2 of a table whose entries differ between shards (breakdown buckets):
    # a merge unites them and puts every shard's counts under the united names.
    axes: dict[str, list[str]] = field(default_factory=dict)
    # Per-document JSON values (one per document, in `documents` order), e.g. the entities found.
    lists: dict[str, list] = field(default_factory=dict)
    # Rows of something other than documents (one per scored prediction: confidence scores), each
    # starting with its document's gold position; a merge puts them in gold order, stably.
    points: dict[str, np.ndarray] = field(default_factory=dict)
    below_threshold: dict[str, int] = field(default_factory=dict)  # predictions dropped by --threshold

    def meta(self) -> dict:
        return {"format": FORMAT, "settings": self.settings, "gold": self.gold, "documents": list(self.documents),
                "sources": self.sources, "extractor_errors": self.extractor_errors,
                "missing_predictions": self.missing_predictions, "dropped": self.dropped, "axes": self.axes,
                "lists": self.lists, "below_threshold": self.below_threshold}

    def save(self, path: Path | str) -> None:
        """Write atomically (a temporary file renamed into place): no half-written partial."""
        from newsspans.corpus.atomic import write_atomic

        if not self.gold.get("fingerprint"):  # scored with fingerprint=False: a merge could not check its gold
            raise ValueError("this partial has no gold fingerprint (scored with fingerprint=False): it cannot be "
                             "merged, so it is not saved")

        arrays = {"meta": np.frombuffer(json.dumps(self.meta(), ensure_ascii=False).encode(), np.uint8),
                  "positions": self.positions}
        arrays.update({f"table/{k}": v for k, v in self.tables.items()})
        arrays.update({f"sum/{k}": v for k, v in self.sums.items()})
        arrays.update({f"points/{k}": v for k, v in self.points.items()})

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as fh:  # a file object: np.savez would add .npz to a bare path
                np.savez(fh, **arrays)

        write_atomic(Path(path), write)

    @classmethod
    def load(cls, path: Path | str) -> Partial:
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode())
                if meta.get("format") != FORMAT:
                    raise ValueError(f"format {meta.get('format')!r}, expected {FORMAT!r}")
                tables = {k[6:]: z[k] for k in z.files if k.startswith("table/")}
                sums = {k[4:]: z[k] for k in z.files if k.startswith("sum/")}
                points = {k[7:]: z[k] for k in z.files if k.startswith("points/")}
                positions = z["positions"]
            return cls(meta["settings"], meta["gold"], meta["documents"], positions, tables, sums, meta["sources"],
                       meta["extractor_errors"], meta["missing_predictions"], meta["dropped"], meta.get("axes", {}),
                       meta.get("lists", {}), points, meta.get("below_threshold", {}))
        except FileNotFoundError:
            raise CorpusError(Problem("partial result not found", file=str(path))) from None
        except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
            raise CorpusError(Problem(f"not a newsspans partial result ({exc})", file=str(path))) from None


def _differs(partials: Sequence[Partial], names: Sequence[str], what: str, get: Callable[[Partial], object]) -> None:
    first = get(partials[0])
    for p, name in zip(partials[1:], names[1:]):
        if get(p) != first:
            raise CorpusError(Problem(f"cannot merge partial results with different {what}: {names[0]} has "
                                      f"{json.dumps(first, sort_keys=True)}, {name} has "
                                      f"{json.dumps(get(p), sort_keys=True)}", file=name))


def merge(partials: Sequence[Partial], names: Sequence[str] | None = None, consume: bool = False) -> Partial:
    """One partial from shards of the same gold and settings; refuses (CorpusError) anything else.

    Rows are put in gold order and the bootstrap sums added, so the result does not depend on
    how the documents were split or in which order the shards come. `consume`: the shards are
    the caller's to drop, so each shard's table is released once copied (peak memory: the
    merged tables and one table of the shards, not both in full).
    """
    if not partials:
        raise CorpusError(Problem("nothing to merge"))
    names = list(names) if names is not None else [f"partial {i + 1}" for i in range(len(partials))]
    _differs(partials, names, "gold (fingerprint)", lambda p: p.gold["fingerprint"])
    _differs(partials, names, "bootstrap seed", lambda p: p.settings["bootstrap"]["seed"])
    _differs(partials, names, "schemes", lambda p: p.settings["schemes"])
    _differs(partials, names, "report sections (--with)", lambda p: p.settings.get("sections"))
    _differs(partials, names, "settings", lambda p: p.settings)
    _differs(partials, names, "tables", lambda p: sorted(p.tables))
    _differs(partials, names, "named axes", lambda p: sorted(p.axes))
    _differs(partials, names, "per-document lists", lambda p: sorted(p.lists))
    _differs(partials, names, "points", lambda p: sorted(p.points))
    owner: dict[str, str] = {}
    for p, name in zip(partials, names):
        for doc_id in p.documents:
            if doc_id in owner:
                raise CorpusError(Problem(f"document {doc_id!r} is in two partial results: {owner[doc_id]} and "
                                          f"{name}", file=name, doc_id=doc_id))
            owner[doc_id] = name
    positions = np.concatenate([p.positions for p in partials]).astype(np.int64)
    order = np.argsort(positions, kind="stable")
    documents = [d for p in partials for d in p.documents]
    axes = {k: _united(k, [p.axes[k] for p in partials]) for k in partials[0].axes}
    in_order = bool(np.all(order[1:] > order[:-1])) and (len(order) == 0 or order[0] == 0)
    tables = {}
    for k in list(partials[0].tables):  # one table at a time, and no reordering copy when already in order
        rows = np.concatenate([_on_axis(p, k, axes.get(k)) for p in partials])
        tables[k] = rows if in_order else rows[order]
        if consume:
            for p in partials:
                del p.tables[k]
            release_freed_memory()
    lists = {k: [v for p in partials for v in p.lists[k]] for k in partials[0].lists}
    if not in_order:
        lists = {k: [v[i] for i in order.tolist()] for k, v in lists.items()}
    points = {}
    for k in partials[0].points:
        rows = np.concatenate([p.points[k] for p in partials])
        points[k] = rows[np.argsort(rows[:, 0], kind="stable")]
    below: dict[str, int] = {}
    for p in partials:
        for label, n in p.below_threshold.items():
            below[label] = below.get(label, 0) + n
    # A sum has the table's axes after the resample axis, so a named axis is axis 2 of both.
    sums = {k: np.sum([_aligned(p.sums[k], p.axes[k], axes[k]) if k in axes else p.sums[k] for p in partials],
                      axis=0, dtype=np.int64) for k in partials[0].sums}
    rank = {d: i for i, d in enumerate(documents[i] for i in order.tolist())}
    errors = dict(sorted(((d, m) for p in partials for d, m in p.extractor_errors.items()), key=lambda x: rank[x[0]]))
    missing = sorted((d for p in partials for d in p.missing_predictions), key=rank.__getitem__)
    dropped: dict[str, int] = {}
    for p in partials:
        for label, n in p.dropped.items():
            dropped[label] = dropped.get(label, 0) + n
    sources = list(dict.fromkeys(s for p in partials for s in p.sources))
    return Partial(partials[0].settings, partials[0].gold, [documents[i] for i in order.tolist()], positions[order],
                   tables, sums, sources, errors, missing, dict(sorted(dropped.items())), axes, lists, points,
                   dict(sorted(below.items())))


def release_freed_memory() -> None:
    """Give the pages of freed memory back to the system (glibc's `malloc_trim`; elsewhere nothing).

    A shard's tables are a few MB each, below glibc's (dynamic) mmap threshold, so they live on
    the heap, and freeing them keeps them in the process: without this, a merge of the chunks of
    a large corpus holds the chunks' tables and the merged ones at once.
    """
    try:
        _libc().malloc_trim(0)
    except (OSError, AttributeError):
        pass


@functools.lru_cache(maxsize=1)
def _libc():
    import ctypes

    return ctypes.CDLL("libc.so.6")


def _united(table: str, names: Sequence[Sequence[str]]) -> list[str]:
    """The names of a named axis over all shards, in the order its table's module gives them."""
    union = list(dict.fromkeys(n for part in names for n in part))
    order = next((f for prefix, f in AXIS_ORDER.items() if table.startswith(prefix)), None)
    return order(table, union) if order is not None else union


def _on_axis(p: Partial, table: str, names: Sequence[str] | None) -> np.ndarray:
    """`p.tables[table]` with axis 2 laid out as `names` (zeros for names the shard lacks)."""
    return p.tables[table] if names is None else _aligned(p.tables[table], p.axes[table], names)


def _aligned(t: np.ndarray, own: Sequence[str], names: Sequence[str]) -> np.ndarray:
    """`t`, whose axis 2 holds `own`, with axis 2 laid out as `names` (zeros for the names it lacks)."""
    if list(own) == list(names):
        return t
    out = np.zeros(t.shape[:2] + (len(names),) + t.shape[3:], t.dtype)
    out[:, :, [list(names).index(n) for n in own]] = t
    return out


def load_and_merge(paths: Sequence[Path | str]) -> Partial:
    """`merge` of partial files, naming the files in every refusal."""
    return merge([Partial.load(p) for p in paths], [str(p) for p in paths], consume=True)


class Fingerprint:
    """SHA-256 of the gold, fed one document and its spans at a time (so a streamed gold gets
    the same fingerprint as a loaded one): ids, texts and every span field that scoring reads."""

    def __init__(self, hashing: bool = True) -> None:
        self._hash = hashlib.sha256() if hashing else None  # None: documents only counted, digest ""
        self.documents = 0

    def add(self, doc_id: str, text: str, spans: Iterable) -> None:
        self.documents += 1
        if self._hash is None:
            return
        # One update per document: hashing the pieces joined equals hashing them one by one.
        self._hash.update("".join([f"\x1d{doc_id}\x1f{text}"] + [
            f"\x1e{s.id}\x1f{s.start}\x1f{s.end}\x1f{s.label}\x1f{s.canonical}\x1f{s.num_kind}\x1f"
            f"{s.speaker}\x1f{s.text}" for s in spans]).encode("utf-8", "surrogatepass"))  # any str hashes

    def hexdigest(self) -> str:
        return "" if self._hash is None else self._hash.hexdigest()


def fingerprint_of(documents: Sequence, spans_by_doc: Mapping[str, Sequence]) -> str:
    """The gold fingerprint of documents (in order) and their spans ({doc id: spans})."""
    fp = Fingerprint()
    for d in documents:
        fp.add(d.id, d.text, spans_by_doc.get(d.id, ()))
    return fp.hexdigest()
