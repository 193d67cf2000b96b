"""Breakdowns: where does an extractor fail? The span scores per bucket, and per document.

Each span, gold or predicted, is put in one bucket of a dimension, by its own properties (as
ExplainaBoard buckets a prediction by its own length), so a bucket's recall is over its gold
spans and its precision over its predictions:

- a document field (`outlet`, `agency`, `dateline`, `published`, `title`, `source`, or any
  field of a user's own gold JSONL): the bucket of every span of the document; both layers;
- `length`: entity spans by length in tokens (1, 2, 3, 4+);
- `shape`: entity spans as `digits` (contains a digit), else `all_caps`, else `title_case`
  (every word starts with a capital), else `other`;
- `seen`: an entity span is `seen` when its normalized text is the text of a gold mention of
  the same label in another document of the gold, else `unseen`;
- `quote_length`: quote spans by length in tokens (1-10, 11-25, 26-50, 51+).

Tokens are runs of word characters and single other non-space characters. Counts are the span
tables' count slots (see `counts`) filed by bucket instead of label, per document, so every
bucket bootstraps; a bucket with fewer than `MIN_SUPPORT` gold spans or gold spans in fewer than
`MIN_DOCUMENTS` documents gets no interval and says so.

The document-level macro average (HIPE's): the mean and standard deviation over documents of
each document's micro F1 (labels pooled), over the documents with any gold or predicted span;
its counts per document are (F1, F1 squared, 1), so it bootstraps too.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import Document, Span

from .bootstrap import MIN_DOCUMENTS
from .counts import SCHEMES, tally
from .entities import mention_text, normalize_name
from .intervals import interval_at
from .metrics import actual, f_beta, possible, prf, safe_div

SPAN_DIMENSIONS: dict[str, str] = {"length": "entity", "shape": "entity", "seen": "entity",
                                   "quote_length": "quote"}
DOCUMENT_FIELDS: tuple[str, ...] = ("outlet", "agency", "dateline", "published", "title", "source")
# Reported in the JSON without asking (document fields only when some document has a value).
DEFAULT_BREAKDOWNS: tuple[str, ...] = ("outlet", "agency", "dateline", "length", "shape", "seen", "quote_length")
MIN_SUPPORT = 10
NO_VALUE = "(none)"
TOO_SMALL = f"too small for an interval (fewer than {MIN_SUPPORT} gold spans or {MIN_DOCUMENTS} documents)"

_TOKEN = re.compile(r"\w+|[^\w\s]")


def n_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))


@lru_cache(maxsize=1 << 16)
def length_bucket(text: str) -> str:
    n = n_tokens(text)
    return str(n) if n < 4 else "4+"


@lru_cache(maxsize=1 << 16)
def quote_length_bucket(text: str) -> str:
    n = n_tokens(text)
    return "1-10" if n <= 10 else "11-25" if n <= 25 else "26-50" if n <= 50 else "51+"


@lru_cache(maxsize=1 << 16)
def shape_bucket(text: str) -> str:
    if any(c.isdigit() for c in text):
        return "digits"
    if any(c.isalpha() for c in text) and text.upper() == text:
        return "all_caps"
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    if words and all(w.lstrip("\"'“‘(")[:1].isupper() for w in words):
        return "title_case"
    return "other"


BUCKET_ORDER = {"length": ("1", "2", "3", "4+"), "quote_length": ("1-10", "11-25", "26-50", "51+"),
                "shape": ("all_caps", "title_case", "digits", "other"), "seen": ("seen", "unseen")}


def order_buckets(dimension: str, names) -> list[str]:
    """Buckets in their natural order (lengths ascending), the others alphabetically."""
    order = BUCKET_ORDER.get(dimension, ())
    return sorted(names, key=lambda b: (order.index(b) if b in order else len(order), b))


def document_field(doc: Document, extra: Mapping[str, object], name: str) -> str:
    """A document's value of field `name` (its own attribute, else its gold JSONL record's)."""
    value = getattr(doc, name, None) if name in DOCUMENT_FIELDS else extra.get(name)
    return NO_VALUE if value in (None, "") else str(value)


@dataclass
class Breakdown:
    """One dimension of one layer: buckets and per-document counts (n_docs, n_schemes, n_buckets, slots)."""

    dimension: str
    layer: str
    buckets: tuple[str, ...]
    counts: np.ndarray
    documents: np.ndarray  # (n_buckets,): documents with a gold span in the bucket
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def _seen_names(layer) -> dict[tuple[int, str], set[str]]:
    """(label index, normalized text) -> ids of the documents whose gold has such a mention."""
    docs: dict[tuple[int, str], set[str]] = defaultdict(set)
    for s in layer.gold:
        docs[(layer.labels.index(s.label), normalize_name(s.text))].add(s.doc_id)
    return docs


def seen_index(gold: Iterable[Span]) -> dict[tuple[str, str], int]:
    """(label, normalized text) -> number of documents whose gold has such a mention.

    Built once over the whole gold and handed to every chunk or shard, so `seen` means "in
    another document of the whole gold" however the documents are split.
    """
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in gold:
        docs[(s.label, normalize_name(s.text))].add(s.doc_id)
    return {key: len(ids) for key, ids in docs.items()}


_TEXT_BUCKETS: dict[str, Callable[[str], str]] = {"length": length_bucket, "quote_length": quote_length_bucket,
                                                  "shape": shape_bucket}


@dataclass
class SpanTexts:
    """The text and document row of every gold and predicted span of a layer, found once for all
    of its span dimensions."""

    gold: list[str]
    predicted: list[str]
    gold_doc: np.ndarray
    pred_doc: np.ndarray

    @classmethod
    def of(cls, layer, texts: Mapping[str, str], doc_index: Mapping[str, int]) -> SpanTexts:
        # Gold spans carry their text; a prediction may not (then the document's characters).
        return cls([mention_text(s, texts[s.doc_id]) for s in layer.gold],
                   [mention_text(p, texts[p.doc_id]) for p in layer.predicted],
                   np.array([doc_index[s.doc_id] for s in layer.gold], np.int64),
                   np.array([doc_index[p.doc_id] for p in layer.predicted], np.int64))


def span_buckets(dimension: str, layer, spans: SpanTexts,
                 seen_in: Mapping[tuple[str, str], int] | None = None) -> tuple[list[str], list[str]]:
    """The bucket of `dimension` of every gold and of every predicted span of `layer`, each by
    its own text; `seen_in`: the `seen_index` of the whole gold (default: of this layer's gold)."""
    if dimension in _TEXT_BUCKETS:
        bucket = _TEXT_BUCKETS[dimension]
        return [bucket(t) for t in spans.gold], [bucket(t) for t in spans.predicted]
    seen = _seen_names(layer)  # within these documents: is the span's own document one of them?
    total = seen_in

    def seen_bucket(s, text: str) -> str:
        key = (layer.labels.index(s.label), normalize_name(text))
        where = seen.get(key, set())
        if total is None:
            return "seen" if where - {s.doc_id} else "unseen"
        others = total.get((s.label, key[1]), 0) - (s.doc_id in where)
        return "seen" if others > 0 else "unseen"

    return ([seen_bucket(s, t) for s, t in zip(layer.gold, spans.gold)],
            [seen_bucket(p, t) for p, t in zip(layer.predicted, spans.predicted)])


def count_breakdown(dimension: str, layer, n_docs: int, spans: SpanTexts, g_names: Sequence[str],
                    p_names: Sequence[str]) -> Breakdown:
    """Per-document counts of `layer`'s outcomes filed by each span's bucket (`span_buckets`)."""
    names = order_buckets(dimension, set(g_names) | set(p_names))
    index = {b: i for i, b in enumerate(names)}
    g_doc, p_doc = spans.gold_doc, spans.pred_doc
    g_bucket = np.array([index[b] for b in g_names], np.int64)
    counts = tally(layer.gold_outcomes, layer.pred_outcomes, (g_doc, g_bucket),
                   (p_doc, np.array([index[b] for b in p_names], np.int64)), n_docs, len(names))
    docs_with = np.zeros(len(names), np.int64)
    for b in range(len(names)):
        docs_with[b] = len(set(g_doc[g_bucket == b].tolist()))
    return Breakdown(dimension, layer.name, tuple(names), counts, docs_with)


def field_breakdown(dimension: str, layer, values: Sequence[str]) -> Breakdown:
    """The breakdown of `layer` by a document field (`values`: each document's, in row order):
    what `count_breakdown` gives when every span goes to its document's bucket, from the span
    tables (labels pooled) instead of span by span."""
    pooled = layer.counts.sum(axis=2)  # (n_docs, n_schemes, slots)
    rows = np.flatnonzero((possible(pooled[:, 0]) + actual(pooled[:, 0])) > 0)  # documents with a span
    names = order_buckets(dimension, {values[d] for d in rows.tolist()})
    index = {b: i for i, b in enumerate(names)}
    cols = np.array([index[values[d]] for d in rows.tolist()], np.int64)
    counts = np.zeros(pooled.shape[:2] + (len(names),) + pooled.shape[2:], np.int64)
    counts[rows, :, cols] = pooled[rows]
    docs_with = np.bincount(cols[possible(pooled[rows, 0]) > 0], minlength=len(names)).astype(np.int64)
    return Breakdown(dimension, layer.name, tuple(names), counts, docs_with)


def in_bucket(*counts: np.ndarray) -> np.ndarray:
    """Documents with any gold or predicted span in a bucket, from its counts (n_docs, ..., slots)."""
    rows = np.zeros(counts[0].shape[0], bool)
    for c in counts:
        rows |= (possible(c) + actual(c)).reshape(c.shape[0], -1).sum(axis=1) > 0
    return rows


def bucket_statistic(sums: np.ndarray) -> dict[str, np.ndarray]:
    """F1 of every bucket from resampled sums (..., n_schemes, n_buckets, slots).

    Each bucket's interval resamples the documents that have spans in it: with Poisson weights
    keyed by document id, a bucket's sums over all documents are its sums over its own documents
    (the others add zeros), so one pass gives every bucket's (`bootstrap.weighted_sums`, `sparse`).
    A bucket with gold spans in fewer than `MIN_DOCUMENTS` documents shows no interval.
    """
    return {"f1": prf(sums)[2]}


def breakdowns_for(dimensions: Sequence[str], layers: Mapping[str, object], documents: Sequence[Document],
                   doc_index: Mapping[str, int], doc_fields: Mapping[str, Mapping[str, object]],
                   requested: Sequence[str] = (), keep_empty: bool = False,
                   seen_in: Mapping[tuple[str, str], int] | None = None) -> list[Breakdown]:
    """Breakdowns of every dimension (span dimensions on their layer, document fields on both).

    A document field no document has is skipped, unless `requested` names it: then it is an error.
    `keep_empty` counts such a field anyway (a shard cannot know whether other shards have it).
    """
    texts = {d.id: d.text for d in documents}
    spans: dict[str, SpanTexts] = {}  # per layer, found for its first span dimension
    out = []
    for dimension in dict.fromkeys(dimensions):
        if dimension in SPAN_DIMENSIONS:
            name = SPAN_DIMENSIONS[dimension]
            layer = layers[name]
            if name not in spans:
                spans[name] = SpanTexts.of(layer, texts, doc_index)
            out.append(count_breakdown(dimension, layer, len(documents), spans[name],
                                       *span_buckets(dimension, layer, spans[name], seen_in)))
            continue
        values = [document_field(d, doc_fields.get(d.id, {}), dimension) for d in documents]
        if not keep_empty and all(v == NO_VALUE for v in values):
            if dimension in requested:
                known = sorted(set(SPAN_DIMENSIONS) | set(DOCUMENT_FIELDS)
                               | {k for f in doc_fields.values() for k in f})
                raise CorpusError(Problem(f"--by {dimension}: no document has this field (known: "
                                          f"{', '.join(known)})"))
            continue
        # Rows of the span tables are `documents` in order (`doc_index`).
        out.extend(field_breakdown(dimension, layer, values) for layer in layers.values())
    return out


def bucket_block(c: np.ndarray, beta: float, documents: int, ci: list[float] | None) -> dict:
    """Counts and scores of one bucket under one scheme (slots vector `c`)."""
    p, r, f = (float(x) for x in prf(c))
    block = {"possible": int(possible(c)), "actual": int(actual(c)), "documents": documents,
             "precision": p, "recall": r, "f1": f, "f_beta": float(f_beta(np.float64(p), np.float64(r), beta)),
             "f1_ci": None}
    if possible(c) < MIN_SUPPORT or documents < MIN_DOCUMENTS:
        block["note"] = TOO_SMALL
    else:
        block["f1_ci"] = ci
    return block


def breakdowns_dict(breakdowns: Sequence[Breakdown], beta: float) -> dict:
    """The report's `breakdowns` section: {dimension: {bucket: {layer: {scheme: block}}}}."""
    out: dict[str, dict] = {}
    for b in breakdowns:
        totals = b.counts.sum(axis=0)  # (n_schemes, n_buckets, slots)
        dim = out.setdefault(b.dimension, {})
        for k, bucket in enumerate(b.buckets):
            dim.setdefault(bucket, {})[b.layer] = {
                scheme: bucket_block(totals[s, k], beta, int(b.documents[k]), interval_at(b.intervals, "f1", (s, k)))
                for s, scheme in enumerate(SCHEMES)}
    return out


# --- Document-level macro average -----------------------------------------------------------

def document_f1_rows(counts: np.ndarray) -> np.ndarray:
    """(n_docs, n_schemes, 3): each document's micro F1, its square, and 1 when it has any span."""
    pooled = counts.sum(axis=2)  # (n_docs, n_schemes, slots)
    f = prf(pooled)[2]
    scored = ((possible(pooled) + actual(pooled)) > 0).astype(float)
    return np.stack([f * scored, f * f * scored, scored], axis=-1)


def document_average_statistic(rows: np.ndarray) -> dict[str, np.ndarray]:
    """Mean and sample standard deviation of per-document F1 from summed rows (..., 3)."""
    n = rows[..., 2]
    mean = safe_div(rows[..., 0], n)
    var = safe_div(rows[..., 1] - n * mean * mean, n - 1)
    return {"mean": mean, "sd": np.sqrt(np.maximum(var, 0.0))}


@dataclass
class DocumentAverage:
    layer: str
    rows: np.ndarray  # (n_docs, n_schemes, 3)
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def document_average_dict(averages: Sequence[DocumentAverage]) -> dict:
    """The report's `document_average` section: {layer: {scheme: {f1_mean, f1_sd, documents, f1_mean_ci}}}."""
    out = {}
    for a in averages:
        totals = a.rows.sum(axis=0)
        stats = document_average_statistic(totals)
        out[a.layer] = {scheme: {"f1_mean": float(stats["mean"][s]), "f1_sd": float(stats["sd"][s]),
                                 "documents": int(totals[s, 2]),
                                 "f1_mean_ci": interval_at(a.intervals, "mean", (s,))}
                        for s, scheme in enumerate(SCHEMES)}
    return out


# --- Paired comparison per bucket (`newsspans compare --by`) --------------------------------

def _bucket_counts(breakdowns: Sequence[Breakdown], dimension: str, layer: str) -> dict[str, np.ndarray]:
    for b in breakdowns:
        if b.dimension == dimension and b.layer == layer:
            return {name: b.counts[:, :, k] for k, name in enumerate(b.buckets)}
    return {}


def compare_buckets(a: Sequence[Breakdown], b: Sequence[Breakdown], dimension: str, scheme: str,
                    doc_ids: Sequence[str], n_resamples: int, seed: int | None) -> dict:
    """{bucket: {layer: paired test of A - B on the bucket's F1, with the bucket's gold support}}.

    Both systems are bootstrapped on the same resampled documents (see `paired_bootstrap`), the
    documents with a gold or predicted span in the bucket; a bucket one system has no span in
    counts as all zeros for it. `doc_ids`: the id of each row (the same documents in both runs).
    """
    from .bootstrap import paired_bootstrap

    s = SCHEMES.index(scheme)
    out: dict[str, dict] = {}
    layers = dict.fromkeys(x.layer for x in list(a) + list(b) if x.dimension == dimension)
    for layer in layers:
        ca, cb = _bucket_counts(a, dimension, layer), _bucket_counts(b, dimension, layer)
        if not ca and not cb:  # a layer with no spans in either run has no buckets
            continue
        shape = next(iter((ca or cb).values())).shape
        order = list(dict.fromkeys(list(ca) + list(cb)))
        for bucket in order:
            xa, xb = ca.get(bucket, np.zeros(shape, np.int64))[:, s], cb.get(bucket, np.zeros(shape, np.int64))[:, s]
            rows = in_bucket(xa, xb)  # as for the intervals: resample the bucket's own documents
            ids = [doc_ids[i] for i in np.flatnonzero(rows)]
            xa, xb = xa[rows], xb[rows]
            support = int(possible(xa.sum(axis=0)))
            docs = int(np.count_nonzero(possible(xa)))
            test = paired_bootstrap(xa, xb, lambda c: prf(c)[2], ids, n_resamples, seed).to_dict()
            test.update(possible=support, documents=docs)
            if support < MIN_SUPPORT or docs < MIN_DOCUMENTS:
                test["interval"], test["p_value"], test["note"] = None, None, TOO_SMALL
            out.setdefault(bucket, {})[layer] = test
    return out
