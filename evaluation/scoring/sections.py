"""The report sections beyond the span tables, computed from a scored run, one family per module.

    entities          document-level entity sets           (entities.py)
    coreference       MUC, B-cubed, CEAF-e, CoNLL           (coreference.py)
    num_kinds         kind accuracy, confusion, strict+kind  (numkinds.py)
    breakdowns        span scores per bucket                 (breakdowns.py)
    document_average  mean and spread of per-document F1     (breakdowns.py)

Every section keeps its per-document counts (`Counted`: arrays with one row per document) next
to a pure function from summed counts to its numbers, so it bootstraps here and merges across
shards: `merge_counted` stacks the rows of shards over disjoint documents and `finish_sections`
bootstraps and renders them, giving what one run over all documents gives (the merge hook for
partial results; `tests/evaluation/test_sections_merge.py`).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsspans.corpus.model import Document, Span

from ..predictions import Prediction
from .bootstrap import bootstrap_intervals
from .breakdowns import (DEFAULT_BREAKDOWNS, Breakdown, DocumentAverage, breakdowns_dict, breakdowns_for,
                         bucket_intervals, document_average_dict, document_average_statistic, document_f1_rows,
                         order_buckets, with_intervals)
from .coreference import Coreference, coreference_dict, coreference_scores, count_coreference
from .entities import EntitySets, count_entity_sets, entity_set_scores, entity_sets_dict
from .numkinds import NumKinds, count_num_kinds, num_kind_statistic, num_kinds_dict


@dataclass
class Section:
    """One report section: the run's counts (a `Counted`, shared by all sections) and how it renders."""

    counted: Counted
    render: Callable[[], dict]


def _num_kind_intervals(result, options) -> None:
    # One per-document matrix for the bootstrap: the confusion cells, then the strict counts.
    n_docs, k, _ = result.confusion.shape
    joined = np.concatenate([result.confusion.reshape(n_docs, k * k), result.strict], axis=1)
    result.intervals = bootstrap_intervals(
        joined, lambda c: num_kind_statistic(c[..., :k * k].reshape(c.shape[:-1] + (k, k)), c[..., k * k:]),
        options.n_resamples, options.seed, options.confidence)
    result.intervals = {key: result.intervals[key] for key in ("accuracy", "f1") if key in result.intervals}


def score_sections(documents: Sequence[Document], doc_spans: Mapping[str, Sequence[Span]],
                   predictions: Mapping[str, Sequence[Prediction]], layers: Mapping[str, object],
                   doc_index: Mapping[str, int], options,
                   doc_fields: Mapping[str, Mapping[str, object]] | None = None) -> dict[str, Section]:
    """Every section of a report, with bootstrap intervals under `options` (a ScoreOptions)."""
    entity = layers["entity"]
    requested = tuple(options.by)
    counted = Counted(
        ids=[d.id for d in documents],
        entities=count_entity_sets(documents, doc_spans, predictions),
        coreference=count_coreference(documents, entity.gold, entity.predicted, entity.matching),
        num_kinds=count_num_kinds(entity, dict(doc_index), len(documents)),
        breakdowns=breakdowns_for(DEFAULT_BREAKDOWNS + requested, layers, documents, doc_index, doc_fields or {},
                                  requested),
        averages=[DocumentAverage(name, document_f1_rows(layer.counts)) for name, layer in layers.items()])
    return finish_sections(counted, options)


@dataclass
class Counted:
    """The per-document counts of every section, before intervals: what a shard has to keep."""

    ids: list[str]
    entities: EntitySets
    coreference: Coreference
    num_kinds: NumKinds
    breakdowns: list[Breakdown]
    averages: list[DocumentAverage]


def finish_sections(counted: Counted, options) -> dict[str, Section]:
    """Bootstrap every section's counts and give each its renderer."""
    boot = lambda counts, stat: bootstrap_intervals(counts, stat, options.n_resamples, options.seed,  # noqa: E731
                                                    options.confidence)
    c = counted
    c.entities.intervals = {k: v for k, v in boot(c.entities.counts, entity_set_scores).items() if k.endswith("_f1")}
    c.coreference.intervals = {k: v for k, v in boot(c.coreference.counts, coreference_scores).items()
                               if k.endswith("_f1")}
    _num_kind_intervals(c.num_kinds, options)
    for b in c.breakdowns:
        b.intervals = bucket_intervals(b, options)
    with_intervals(c.averages, document_average_statistic, options)
    return {
        "entities": Section(c, lambda: entity_sets_dict(c.entities, c.ids)),
        "coreference": Section(c, lambda: coreference_dict(c.coreference)),
        "num_kinds": Section(c, lambda: num_kinds_dict(c.num_kinds)),
        "breakdowns": Section(c, lambda: breakdowns_dict(c.breakdowns, options.beta)),
        "document_average": Section(c, lambda: document_average_dict(c.averages)),
    }


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
    """The counts of shards over disjoint documents as one run's, in shard order.

    Every row is one document's, so stacking the rows is the whole merge; the `seen` buckets are
    the exception: "seen elsewhere in the corpus" was judged within each shard's gold.
    """
    cat = np.concatenate
    e = [p.entities for p in parts]
    keys = dict.fromkeys((b.dimension, b.layer) for p in parts for b in p.breakdowns)
    return Counted(
        ids=[i for p in parts for i in p.ids],
        entities=EntitySets(e[0].labels, cat([x.counts for x in e]), [d for x in e for d in x.found],
                            [d for x in e for d in x.missed], [d for x in e for d in x.spurious]),
        coreference=Coreference(cat([p.coreference.counts for p in parts])),
        num_kinds=NumKinds(cat([p.num_kinds.confusion for p in parts]), cat([p.num_kinds.strict for p in parts])),
        breakdowns=[_aligned([b for p in parts for b in p.breakdowns if (b.dimension, b.layer) == key])
                    for key in keys],
        averages=[DocumentAverage(a.layer, cat([q.rows for p in parts for q in p.averages if q.layer == a.layer]))
                  for a in parts[0].averages])
