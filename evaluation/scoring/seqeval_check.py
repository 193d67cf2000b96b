"""Token-level cross-check for the `tokens` config: IOB2 scored by seqeval (strict mode) and by
the span scorer, side by side, so users see exactly the numbers seqeval prints.

Each sentence is scored as one document whose "offsets" are token indices; under the strict
scheme the span scorer then counts the same true positives as seqeval's strict mode, so per-label
and micro precision, recall and F1 agree (tests/test_scoring_seqeval.py checks it on random data).
The macro average differs by definition: seqeval averages over every label seen in gold or
predictions, newsspans over labels present in the gold.
"""
from __future__ import annotations

from collections.abc import Sequence

from .counts import SCHEMES, count_outcomes
from .iob import iob2_to_spans
from .matching import SpanArrays, match
from .metrics import averages, possible


def seqeval_strict(true: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """seqeval's `classification_report(..., mode="strict", scheme=IOB2, output_dict=True)`."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    report = classification_report([list(s) for s in true], [list(s) for s in pred], mode="strict", scheme=IOB2,
                                   output_dict=True, zero_division=0)
    # Plain floats and ints (seqeval returns numpy scalars), so the report is JSON-serialisable.
    return {key: {m: int(v) if m == "support" else float(v) for m, v in row.items()} for key, row in report.items()}


def _arrays(seqs: Sequence[Sequence[str]], label_index: dict[str, int], mode: str) -> SpanArrays:
    rows = [(i, a, b, label_index[lab]) for i, seq in enumerate(seqs) for a, b, lab in iob2_to_spans(seq, mode)]
    return SpanArrays.build(*zip(*rows)) if rows else SpanArrays.empty()


def span_scores_iob2(true: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], scheme: str = "strict",
                     mode: str = "strict") -> dict:
    """The span scorer on IOB2 sequences, in seqeval's `output_dict` shape (labels and `micro avg`)."""
    if len(true) != len(pred):
        raise ValueError(f"{len(true)} gold sentences but {len(pred)} predicted ones")
    for i, (t, p) in enumerate(zip(true, pred)):
        if len(t) != len(p):
            raise ValueError(f"sentence {i}: {len(t)} gold tags but {len(p)} predicted ones")
    # Labels of the entities read from either side (as seqeval lists them), not of every tag.
    labels = sorted({lab for seqs in (true, pred) for seq in seqs for _, _, lab in iob2_to_spans(seq, mode)})
    index = {lab: i for i, lab in enumerate(labels)}
    gold, predicted = _arrays(true, index, mode), _arrays(pred, index, mode)
    counts = count_outcomes(gold, predicted, match(gold, predicted), len(true), len(labels))
    totals = counts.sum(axis=0)[SCHEMES.index(scheme)]
    scores = averages(totals)
    support = possible(totals)
    out = {lab: {"precision": float(scores["label_precision"][i]), "recall": float(scores["label_recall"][i]),
                 "f1-score": float(scores["label_f1"][i]), "support": int(support[i])}
           for i, lab in enumerate(labels)}
    out["micro avg"] = {"precision": float(scores["micro_precision"]), "recall": float(scores["micro_recall"]),
                        "f1-score": float(scores["micro_f1"]), "support": int(support.sum())}
    return out


def score_token_tags(true: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict:
    """Both reports for predicted IOB2 tags on `tokens`-config sentences: {"seqeval", "newsspans"}."""
    return {"seqeval": seqeval_strict(true, pred), "newsspans": span_scores_iob2(true, pred)}
