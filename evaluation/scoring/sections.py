"""The report sections beyond the span tables, computed from a scored run, one family per module.

    entities          document-level entity sets           (entities.py)
    coreference       MUC, B-cubed, CEAF-e, CoNLL           (coreference.py)
    num_kinds         kind accuracy, confusion, strict+kind  (numkinds.py)
    breakdowns        span scores per bucket                 (breakdowns.py)
    document_average  mean and spread of per-document F1     (breakdowns.py)

A section is computed only when asked for (`ScoreOptions.sections`, `--with SECTION`, as spaCy's
Scorer scores what a pipeline asks of it): at 100k documents they double a run's CPU (76 s
against 39 s) and memory (1.2 GB against 0.6 GB), and make most of a merge's time. `--by FIELD`
asks for the breakdown of FIELD alone; `breakdowns` for every dimension of `DEFAULT_BREAKDOWNS`
(and the `--by` ones).

Every section keeps its per-document counts (`Counted`: arrays with one row per document) next
to a pure function from summed counts to its numbers. The counts need the matching, which exists
only while a chunk of documents is counted (`count_sections`); they travel in the chunk's
`partial.Partial` as tables under `sections/` (`section_tables`), so `partial.merge` carries
them like the span tables, and `sections_of` turns a (merged) partial back into a `Counted` and
`finish_sections` bootstraps and renders it. The bootstrap of a section runs over its rows with
the Poisson weights keyed by document id, so a merge of shards gives what one pass over all
documents gives, bit for bit (`tests/evaluation/test_merge.py`). The one exception is the `seen`
breakdown: "seen in another document of the gold" is judged within each shard's gold.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import numpy as np

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import Document, Span

from ..predictions import Prediction
from .bootstrap import document_keys, intervals_from_sums, too_few_documents, weighted_sums
from .breakdowns import (DEFAULT_BREAKDOWNS, DOCUMENT_FIELDS, NO_VALUE, SPAN_DIMENSIONS, Breakdown, DocumentAverage,
                         breakdowns_dict, breakdowns_for, bucket_statistic, document_average_dict,
                         document_average_statistic, document_f1_rows, document_field, order_buckets)
from .coreference import Coreference, coreference_dict, coreference_scores, count_coreference
from .entities import ENTITY_SET_LABELS, EntitySets, count_entity_sets, entity_set_scores, entity_sets_dict
from .numkinds import NumKinds, count_num_kinds, num_kind_statistic, num_kinds_dict
from .metrics import possible
from .partial import AXIS_ORDER, SUMMED, Partial

PREFIX = "sections/"
_BREAKDOWN = PREFIX + "breakdowns/"
_HAS = PREFIX + "has/"  # per document: 1 when it has a value of a document field
_ENTITY_LISTS = ("found", "missed", "spurious")

# The sections one can ask for, in report order (cli/options.py repeats the names for a fast --help).
SECTIONS: dict[str, str] = {
    "entities": "document-level entity sets: who and what each article is about",
    "coreference": "MUC, B-cubed, CEAF-e and CoNLL F1 of the entity clusters",
    "num_kinds": "number kinds: accuracy, confusion, strict with kind",
    "breakdowns": "span scores per bucket of every default dimension (--by FIELD asks for one alone)",
    "document_average": "mean and standard deviation of per-document F1",
}
ALL = "all"


def sections_asked(names) -> tuple[str, ...]:
    """`names` as `ScoreOptions.sections` keeps them: `all` expanded, in table order; ValueError
    naming an unknown section."""
    names = tuple(names)
    unknown = [n for n in names if n not in SECTIONS and n != ALL]
    if unknown:
        raise ValueError(f"unknown report section {unknown[0]!r} (known: {', '.join(SECTIONS)}, or {ALL})")
    return tuple(n for n in SECTIONS if n in names or ALL in names)


def wanted(options) -> tuple[str, ...]:
    """The sections a run under `options` computes: those asked for, and the breakdowns of `--by`."""
    asked = set(options.sections) | ({"breakdowns"} if options.by else set())
    return tuple(n for n in SECTIONS if n in asked)


def breakdown_dimensions(options) -> tuple[str, ...]:
    """The breakdown dimensions of a run: every default one when `breakdowns` is asked for, then `--by`'s."""
    default = DEFAULT_BREAKDOWNS if "breakdowns" in options.sections else ()
    return tuple(dict.fromkeys(default + tuple(options.by)))


def recorded_sections(partial: Partial) -> tuple[str, ...]:
    """The sections a partial's settings asked for; a partial written before they were optional
    has all of them when it has their tables."""
    if "sections" in partial.settings:
        return tuple(partial.settings["sections"])
    return (ALL,) if PREFIX + "entities" in partial.tables else ()


def restricted(partial: Partial, sections: Sequence[str]) -> Partial:
    """`partial` as a run asking for `sections` only (and the partial's own `--by`) would have
    written it, when it was scored with more: `score --html` computes every section for the page,
    and its `--partial-out` must still merge with shards scored without `--html`. Everything
    else in a partial is the same whichever sections were asked for."""
    # The two settings `wanted` and `breakdown_dimensions` read (not a ScoreOptions: report imports this module).
    options = SimpleNamespace(sections=sections_asked(sections), by=tuple(partial.settings.get("by", ())))
    dimensions, fields, names = breakdown_dimensions(options), set(_field_dimensions(options)), set(wanted(options))

    def kept(name: str) -> bool:
        if not name.startswith(PREFIX):
            return True  # the span tables, speakers, alignment, thresholds
        if name.startswith(_BREAKDOWN):
            return name[len(_BREAKDOWN):].rsplit("/", 1)[0] in dimensions
        if name.startswith(_HAS):
            return name[len(_HAS):] in fields
        return name[len(PREFIX):].split(".", 1)[0] in names  # entities, entities.found, num_kinds.strict, ...

    def only(d: dict) -> dict:
        return {k: v for k, v in d.items() if kept(k)}

    return replace(partial, settings=partial.settings | {"sections": list(options.sections)},
                   tables=only(partial.tables), sums=only(partial.sums), axes=only(partial.axes),
                   lists=only(partial.lists), points=only(partial.points))


def needs_seen(options) -> bool:
    """Whether the run breaks spans down by `seen`, which needs an index of the whole gold."""
    return "seen" in breakdown_dimensions(options)


@dataclass
class Section:
    """One report section: the run's counts (a `Counted`, shared by all sections) and how it renders
    (`render(documents=False)` leaves out per-document lists, as `Report.to_dict` does)."""

    counted: Counted
    render: Callable[..., dict]


@dataclass
class Counted:
    """The per-document counts of every section, before intervals: what a shard has to keep."""

    ids: list[str]
    entities: EntitySets | None = None  # None: a section not asked for
    coreference: Coreference | None = None
    num_kinds: NumKinds | None = None
    breakdowns: list[Breakdown] = field(default_factory=list)
    averages: list[DocumentAverage] | None = None
    has_value: dict[str, np.ndarray] | None = None  # document field -> (n_docs,) 1 when a document has it


def _num_kind_rows(result: NumKinds) -> np.ndarray:
    """One per-document matrix for the bootstrap: the confusion cells, then the strict counts."""
    n_docs, k, _ = result.confusion.shape
    return np.concatenate([result.confusion.reshape(n_docs, k * k), result.strict], axis=1)


def _num_kind_statistic(k: int):
    return lambda c: {key: v for key, v in num_kind_statistic(c[..., :k * k].reshape(c.shape[:-1] + (k, k)),
                                                              c[..., k * k:]).items() if key in ("accuracy", "f1")}


def _f1s(statistic):
    return lambda c: {key: v for key, v in statistic(c).items() if key.endswith("_f1")}


def _field_dimensions(options) -> list[str]:
    return [d for d in breakdown_dimensions(options) if d not in SPAN_DIMENSIONS]


def count_sections(documents: Sequence[Document], doc_spans: Mapping[str, Sequence[Span]],
                   predictions: Mapping[str, Sequence[Prediction]], layers: Mapping[str, object],
                   doc_index: Mapping[str, int], options,
                   doc_fields: Mapping[str, Mapping[str, object]] | None = None,
                   seen_in: Mapping[tuple[str, str], int] | None = None) -> Counted:
    """The per-document counts of the sections `options` asks for (`wanted`) for some documents
    (all of a chunk's layers counted); `seen_in`: `breakdowns.seen_index` of the whole gold when
    these documents are part of it.

    Every breakdown dimension asked for is counted, even a document field none of these documents
    has: another chunk or shard may have it (`finish_sections` leaves out a field no document has).
    """
    entity = layers["entity"]
    fields = doc_fields or {}
    on = set(wanted(options))
    return Counted(
        ids=[d.id for d in documents],
        entities=count_entity_sets(documents, doc_spans, predictions) if "entities" in on else None,
        coreference=count_coreference(documents, entity.gold, entity.predicted, entity.matching)
        if "coreference" in on else None,
        num_kinds=count_num_kinds(entity, dict(doc_index), len(documents)) if "num_kinds" in on else None,
        breakdowns=breakdowns_for(breakdown_dimensions(options), layers, documents, doc_index, fields,
                                  keep_empty=True, seen_in=seen_in),
        averages=[DocumentAverage(name, document_f1_rows(layer.counts)) for name, layer in layers.items()]
        if "document_average" in on else None,
        has_value={f: np.array([document_field(d, fields.get(d.id, {}), f) != NO_VALUE for d in documents],
                               np.int64) for f in _field_dimensions(options)})


def score_sections(documents: Sequence[Document], doc_spans: Mapping[str, Sequence[Span]],
                   predictions: Mapping[str, Sequence[Prediction]], layers: Mapping[str, object],
                   doc_index: Mapping[str, int], options,
                   doc_fields: Mapping[str, Mapping[str, object]] | None = None) -> dict[str, Section]:
    """Every section of a report over `documents`, with bootstrap intervals under `options` (a ScoreOptions)."""
    return finish_sections(count_sections(documents, doc_spans, predictions, layers, doc_index, options, doc_fields),
                           options)


def _breakdown_name(b: Breakdown) -> str:
    return f"{_BREAKDOWN}{b.dimension}/{b.layer}"


def section_tables(counted: Counted) -> tuple[dict[str, np.ndarray], dict[str, list[str]], dict[str, list]]:
    """`counted` as a Partial's tables, named axes (bucket names) and per-document lists.

    The document averages are left out: they are a function of the span tables.
    """
    c = counted
    # Counts of one document fit 32 bits; half the memory of int64 over a large corpus.
    small = lambda t: t.astype(np.int32) if np.abs(t).max(initial=0) < 2 ** 31 else t  # noqa: E731
    tables, lists = {}, {}
    if c.entities is not None:
        tables[PREFIX + "entities"] = small(c.entities.counts)
        # Each document's (label, name) pairs packed in one string (`entities.pack_keys`).
        lists = {f"{PREFIX}entities.{what}": getattr(c.entities, what) for what in _ENTITY_LISTS}
    if c.coreference is not None:
        tables[PREFIX + "coreference"] = c.coreference.counts
    if c.num_kinds is not None:
        tables[PREFIX + "num_kinds.confusion"] = small(c.num_kinds.confusion)
        tables[PREFIX + "num_kinds.strict"] = small(c.num_kinds.strict)
    axes = {}
    for b in c.breakdowns:
        tables[_breakdown_name(b)] = small(b.counts)
        axes[_breakdown_name(b)] = list(b.buckets)
    tables.update({_HAS + f: v.astype(np.int8) for f, v in (c.has_value or {}).items()})
    return tables, axes, lists


def _bucket_order(table: str, names) -> list[str]:
    return order_buckets(table[len(_BREAKDOWN):].rsplit("/", 1)[0], names)


AXIS_ORDER[_BREAKDOWN] = _bucket_order
# The integer tables are bootstrapped where they are counted, so a merge adds their sums (exact
# integers) instead of drawing every document's weights again; the float ones (coreference
# credit, per-document F1) are bootstrapped from their merged rows.
SUMMED.update({PREFIX + "entities": False, PREFIX + "num_kinds.": False, _BREAKDOWN: True})


def _given_sums(partial: Partial, counted: Counted) -> dict[str, np.ndarray]:
    """The bootstrap sums a partial holds, under `finish_sections`' table names."""
    s = partial.sums
    out = {}
    if counted.entities is not None and PREFIX + "entities" in s:
        out["entities"] = s[PREFIX + "entities"]
    if counted.num_kinds is not None and PREFIX + "num_kinds.confusion" in s:
        confusion = s[PREFIX + "num_kinds.confusion"]
        flat = confusion.reshape(len(confusion), confusion.shape[1] * confusion.shape[2])  # as `_num_kind_rows`
        out["num_kinds"] = np.concatenate([flat, s[PREFIX + "num_kinds.strict"]], axis=1)
    out.update({_breakdown_name(b): s[_breakdown_name(b)] for b in counted.breakdowns if _breakdown_name(b) in s})
    return out


def counted_of(partial: Partial, options) -> Counted:
    """The `Counted` of a (merged) partial: `section_tables` read back, the document averages
    from the span tables (when asked for)."""
    t = partial.tables
    breakdowns = []
    for name, counts in t.items():
        if name.startswith(_BREAKDOWN):
            dimension, layer = name[len(_BREAKDOWN):].rsplit("/", 1)
            buckets = tuple(partial.axes[name])
            # Documents with a gold span in each bucket (gold counts do not depend on the scheme).
            documents = (possible(counts[:, 0]) > 0).sum(axis=0).astype(np.int64) if len(buckets) else \
                np.zeros(0, np.int64)
            breakdowns.append(Breakdown(dimension, layer, buckets, counts, documents))

    def keys(what: str) -> list:
        return partial.lists[f"{PREFIX}entities.{what}"]  # per document: packed (label, name) pairs

    on = wanted(options)
    return Counted(
        ids=list(partial.documents),
        entities=EntitySets(ENTITY_SET_LABELS, t[PREFIX + "entities"], *(keys(w) for w in _ENTITY_LISTS))
        if "entities" in on else None,
        coreference=Coreference(t[PREFIX + "coreference"]) if "coreference" in on else None,
        num_kinds=NumKinds(t[PREFIX + "num_kinds.confusion"], t[PREFIX + "num_kinds.strict"])
        if "num_kinds" in on else None,
        breakdowns=breakdowns,
        averages=[DocumentAverage(name, document_f1_rows(t[name])) for name in partial.settings["layers"]]
        if "document_average" in on else None,
        has_value={name[len(_HAS):]: v for name, v in t.items() if name.startswith(_HAS)})


def sections_of(partial: Partial, options) -> dict[str, Section]:
    """The sections of the report of `partial`, those its settings asked for.

    A `--by` field no document has is an error only when the partial covers the whole gold:
    a shard's documents may lack a field the other shards have.
    """
    if not wanted(options):
        return {}
    whole = len(partial.documents) >= partial.gold.get("documents", 0)
    counted = counted_of(partial, options)
    return finish_sections(counted, options, whole, _given_sums(partial, counted))


def _without_absent_fields(counted: Counted, options, strict: bool) -> None:
    """Leave out the breakdowns of a document field no document has; one asked for is an error when `strict`."""
    absent = {f for f, v in (counted.has_value or {}).items() if not v.any()}
    asked = [f for f in options.by if f in absent]
    if asked and strict:
        raise CorpusError(Problem(f"--by {asked[0]}: no document has this field (known: "
                                  f"{', '.join(sorted(set(SPAN_DIMENSIONS) | set(DOCUMENT_FIELDS)))}, or a field "
                                  "of your own gold JSONL)"))
    counted.breakdowns = [b for b in counted.breakdowns if b.dimension not in absent]


def finish_sections(counted: Counted, options, strict: bool = True,
                    sums: Mapping[str, np.ndarray] | None = None) -> dict[str, Section]:
    """Bootstrap the counts of every section `counted` has (Poisson weights keyed by `counted.ids`)
    and give each its renderer; `strict`: a `--by` field no document has is an error (else it is left out).
    `sums`: bootstrap sums already known (of a partial, `_given_sums`), by the table names below."""
    c = counted
    _without_absent_fields(c, options, strict)
    # Every section's table, bootstrapped in one pass: the Poisson weights of a block of documents
    # are drawn once for all of them (drawing them is most of a bootstrap's time).
    tables = {}  # name -> (rows, or a function giving them when their sums are not known, statistic)
    if c.entities is not None:
        tables["entities"] = (c.entities.counts, _f1s(entity_set_scores))
    if c.coreference is not None:
        tables["coreference"] = (c.coreference.counts, _f1s(coreference_scores))
    if c.num_kinds is not None:
        tables["num_kinds"] = (lambda: _num_kind_rows(c.num_kinds), _num_kind_statistic(c.num_kinds.confusion.shape[1]))
    tables.update({f"average/{i}": (a.rows, document_average_statistic) for i, a in enumerate(c.averages or ())})
    tables.update({_breakdown_name(b): (b.counts, bucket_statistic) for b in c.breakdowns})
    intervals: dict[str, dict] = {name: {} for name in tables}
    if tables and options.n_resamples > 0 and not too_few_documents(len(c.ids)):
        known = dict(sums or {})
        todo = {name: t() if callable(t) else t for name, (t, _) in tables.items() if name not in known}
        if todo:
            known.update(weighted_sums(todo, document_keys(c.ids, options.seed), options.n_resamples,
                                       sparse=[n for n in todo if n.startswith(_BREAKDOWN)]))
        intervals = {name: intervals_from_sums(known[name], stat, options.confidence)
                     for name, (_, stat) in tables.items()}
    out = {}
    if c.entities is not None:
        c.entities.intervals = intervals["entities"]
        out["entities"] = Section(c, lambda documents=True: entity_sets_dict(c.entities, c.ids, documents))
    if c.coreference is not None:
        c.coreference.intervals = intervals["coreference"]
        out["coreference"] = Section(c, lambda documents=True: coreference_dict(c.coreference))
    if c.num_kinds is not None:
        c.num_kinds.intervals = intervals["num_kinds"]
        out["num_kinds"] = Section(c, lambda documents=True: num_kinds_dict(c.num_kinds))
    for b in c.breakdowns:
        b.intervals = intervals[_breakdown_name(b)]
    if "breakdowns" in wanted(options):
        out["breakdowns"] = Section(c, lambda documents=True: breakdowns_dict(c.breakdowns, options.beta))
    if c.averages is not None:
        for i, a in enumerate(c.averages):
            a.intervals = intervals[f"average/{i}"]
        out["document_average"] = Section(c, lambda documents=True: document_average_dict(c.averages))
    return out


def _aligned(parts: Sequence[Breakdown]) -> Breakdown:
    """One breakdown from the same dimension and layer of several shards: buckets united, rows stacked."""
    first = parts[0]
    names = order_buckets(first.dimension, {b for p in parts for b in p.buckets})
    rows, documents = [], np.zeros(len(names), np.int64)
    for p in parts:
        at = [names.index(b) for b in p.buckets]
        counts = np.zeros(p.counts.shape[:2] + (len(names),) + p.counts.shape[3:], p.counts.dtype)
        counts[:, :, at] = p.counts
        rows.append(counts)
        documents[at] += p.documents
    return Breakdown(first.dimension, first.layer, tuple(names), np.concatenate(rows), documents)


def merge_counted(parts: Sequence[Counted]) -> Counted:
    """The counts of shards over disjoint documents as one run's, in shard order (what
    `partial.merge` does for the tables of `section_tables`, for `Counted` in memory)."""
    cat = np.concatenate
    e = [p.entities for p in parts if p.entities is not None]
    first = parts[0]
    keys = dict.fromkeys((b.dimension, b.layer) for p in parts for b in p.breakdowns)
    fields = dict.fromkeys(f for p in parts for f in (p.has_value or {}))
    return Counted(
        ids=[i for p in parts for i in p.ids],
        entities=EntitySets(e[0].labels, cat([x.counts for x in e]), [d for x in e for d in x.found],
                            [d for x in e for d in x.missed], [d for x in e for d in x.spurious])
        if first.entities is not None else None,
        coreference=Coreference(cat([p.coreference.counts for p in parts])) if first.coreference is not None else None,
        num_kinds=NumKinds(cat([p.num_kinds.confusion for p in parts]), cat([p.num_kinds.strict for p in parts]))
        if first.num_kinds is not None else None,
        breakdowns=[_aligned([b for p in parts for b in p.breakdowns if (b.dimension, b.layer) == key])
                    for key in keys],
        averages=[DocumentAverage(a.layer, cat([q.rows for p in parts for q in p.averages if q.layer == a.layer]))
                  for a in first.averages] if first.averages is not None else None,
        has_value={f: cat([(p.has_value or {}).get(f, np.zeros(len(p.ids), np.int64)) for p in parts])
                   for f in fields})
