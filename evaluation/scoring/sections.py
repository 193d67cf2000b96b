"""The report sections beyond the span tables, computed from a scored run, one family per module.

    entities          document-level entity sets           (entities.py)
    coreference       MUC, B-cubed, CEAF-e, CoNLL           (coreference.py)
    num_kinds         kind accuracy, confusion, strict+kind  (numkinds.py)
    breakdowns        span scores per bucket                 (breakdowns.py)
    document_average  mean and spread of per-document F1     (breakdowns.py)

Every section keeps its per-document counts (`Section.counts`: name -> array with one row per
document) next to a pure function from summed counts to its numbers, so it bootstraps here and
sums across shards. (Merge hook: a shard's partial can store `Section.counts`; summing the rows of
two shards and calling `Section.render` gives the merged section.)
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsspans.corpus.model import Document, Span

from ..predictions import Prediction
from .bootstrap import bootstrap_intervals
from .breakdowns import (DEFAULT_BREAKDOWNS, DocumentAverage, breakdowns_dict, breakdowns_for, bucket_intervals,
                         document_average_dict, document_average_statistic, document_f1_rows, with_intervals)
from .coreference import coreference_dict, coreference_scores, count_coreference
from .entities import count_entity_sets, entity_set_scores, entity_sets_dict
from .numkinds import count_num_kinds, num_kind_statistic, num_kinds_dict


@dataclass
class Section:
    """One report section: its result object (per-document counts inside) and how it renders."""

    result: object
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
    ids = [d.id for d in documents]
    boot = lambda counts, stat: bootstrap_intervals(counts, stat, options.n_resamples, options.seed,  # noqa: E731
                                                    options.confidence)
    entities = count_entity_sets(documents, doc_spans, predictions)
    entities.intervals = {k: v for k, v in boot(entities.counts, entity_set_scores).items() if k.endswith("_f1")}
    entity = layers["entity"]
    coref = count_coreference(documents, entity.gold, entity.predicted, entity.matching)
    coref.intervals = {k: v for k, v in boot(coref.counts, coreference_scores).items() if k.endswith("_f1")}
    kinds = count_num_kinds(entity, dict(doc_index), len(documents))
    _num_kind_intervals(kinds, options)
    requested = tuple(options.by)
    breakdowns = breakdowns_for(DEFAULT_BREAKDOWNS + requested, layers, documents, doc_index, doc_fields or {},
                                requested)
    for b in breakdowns:
        b.intervals = bucket_intervals(b, options)
    averages = [DocumentAverage(name, document_f1_rows(layer.counts)) for name, layer in layers.items()]
    with_intervals(averages, document_average_statistic, options)
    return {
        "entities": Section(entities, lambda: entity_sets_dict(entities, ids)),
        "coreference": Section(coref, lambda: coreference_dict(coref)),
        "num_kinds": Section(kinds, lambda: num_kinds_dict(kinds)),
        "breakdowns": Section(breakdowns, lambda: breakdowns_dict(breakdowns, options.beta)),
        "document_average": Section(averages, lambda: document_average_dict(averages)),
    }
