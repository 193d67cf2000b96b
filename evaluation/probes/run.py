"""Run an invariance probe: the extractor on the gold and on each swapped gold, scored through
the one pipeline, and the paired difference of F1 (swapped - original) over the same documents.

The statistic per swap type is the strict micro F1 of the entity layer and the strict F1 of the
swapped label (PER for `person`, LOC for `place`); both come from per-document counts, so the
paired bootstrap resamples documents exactly as `newsspans compare` does.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from newsspans.corpus.errors import CorpusError, Problem

from ..extractors.workers import RunSettings
from ..gold import Gold
from ..pipeline import run_extractor, score_run
from ..scoring.bootstrap import paired_bootstrap
from ..scoring.counts import SCHEMES
from ..scoring.metrics import prf
from ..scoring.report import Report, ScoreOptions
from ..scoring.scorer import check_gold
from .swap import SWAP_LABELS, swap_names


def _entity_counts(report: Report, scheme: str, label: str | None) -> np.ndarray:
    """Per-document counts (n_docs, slots) of the entity layer under `scheme`: pooled, or one label."""
    layer = report.layers["entity"]
    counts = layer.counts[:, SCHEMES.index(scheme)]
    return counts.sum(axis=1) if label is None else counts[:, layer.labels.index(label)]


def probe(gold: Gold, *, extractor: str | None = None, command: str | None = None,
          swaps: Sequence[str] = ("person", "place"), settings: RunSettings = RunSettings(), label_map: str | None = None, ignore: Sequence[str] = (),
          drop_unknown: bool = False, options: ScoreOptions = ScoreOptions(), scheme: str = "strict",
          swap_seed: int = 0) -> dict:
    """{"original": {micro_f1, label_f1}, "swaps": {swap: {...paired test..., entities, mentions}}}."""
    mapping = dict(label_map=label_map, ignore=ignore, drop_unknown=drop_unknown)
    # The probe's own statistics are paired tests; the reports need no intervals of their own.
    plain = ScoreOptions(options.min_overlap, 0, options.seed)

    def scored(g: Gold) -> Report:
        run, source = run_extractor(g, extractor=extractor, command=command, settings=settings)
        return score_run(g, run, source=source, options=plain, **mapping)

    original = scored(gold)
    out: dict = {"scheme": scheme, "original": {"micro_f1": original.micro_f1("entity", scheme)}, "swaps": {}}
    f1 = lambda c: prf(c)[2]  # noqa: E731
    for swap in swaps:
        label = SWAP_LABELS[swap]
        changed = swap_names(gold.documents, gold.spans, swap, swap_seed)
        # The swapped gold goes through the validator like any gold (offsets, texts, speakers).
        problems = check_gold(changed.documents, changed.spans)
        if problems:
            raise CorpusError([Problem(f"the {swap} swap broke the gold (a bug in newsspans): {p.message}",
                                       doc_id=p.doc_id, span_id=p.span_id) for p in problems])
        report = scored(Gold(changed.documents, changed.spans, f"{gold.source} ({swap} names swapped)", gold.fields))
        entry = {"entities_swapped": changed.entities, "mentions_swapped": changed.mentions,
                 "documents_changed": changed.documents_changed}
        for name, lab in (("micro", None), (label, label)):
            test = paired_bootstrap(_entity_counts(report, scheme, lab), _entity_counts(original, scheme, lab), f1,
                                    original.documents, options.n_resamples, options.seed, options.confidence)
            # Below bootstrap.MIN_DOCUMENTS documents there is no interval and no p-value; `note` says why.
            entry[name] = {"f1_original": test.f1_b, "f1_swapped": test.f1_a, "difference": test.difference,
                           "interval": None if test.low is None else [test.low, test.high], "p_value": test.p_value,
                           "n_resamples": test.n_resamples, "note": test.note}
        out["swaps"][swap] = entry
    return out
