"""Number kinds: is a matched NUM's `num_kind` right, and which kinds are confused?

On the entity layer's matched pairs whose gold and predicted labels are both NUM (any overlap,
the matching's pairs), the gold kind against the predicted kind: a confusion table whose rows
are gold kinds and columns predicted kinds, with `none` for a prediction (or a gold span of a
user's own data) that gives no kind. Accuracy is the diagonal over all such pairs.

Strict-with-kind is the strict scheme with one more condition: a NUM is right when boundaries,
label and kind are all right. Counts (right, gold NUMs, predicted NUMs) per document, so
precision = right / predicted, recall = right / gold.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from newsspans.corpus.model import NUM_KINDS

from .intervals import interval_at
from .metrics import safe_div, set_prf

KINDS: tuple[str, ...] = NUM_KINDS + ("none",)
NUM = "NUM"


def kind_index(kind: str | None) -> int:
    return KINDS.index(kind) if kind in NUM_KINDS else len(NUM_KINDS)


@dataclass
class NumKinds:
    confusion: np.ndarray  # (n_docs, n_kinds, n_kinds): gold kind x predicted kind, matched NUM pairs
    strict: np.ndarray  # (n_docs, 3): boundaries+label+kind right, gold NUMs, predicted NUMs
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def count_num_kinds(layer, doc_index: dict[str, int], n_docs: int) -> NumKinds:
    """Kind counts of the entity layer (a `LayerResult`) per document."""
    k = len(KINDS)
    confusion = np.zeros(n_docs * k * k, np.int64)
    strict = np.zeros((n_docs, 3), np.int64)
    pairs = [(layer.gold[g], layer.predicted[p]) for g, p in zip(layer.matching.gold.tolist(),
                                                                 layer.matching.pred.tolist())]
    pairs = [(g, p) for g, p in pairs if g.label == NUM and p.label == NUM]
    if pairs:
        docs = np.array([doc_index[g.doc_id] for g, _ in pairs])
        gk = np.array([kind_index(g.num_kind) for g, _ in pairs])
        pk = np.array([kind_index(p.num_kind) for _, p in pairs])
        confusion = np.bincount((docs * k + gk) * k + pk, minlength=n_docs * k * k)
        right = np.array([(g.start, g.end) == (p.start, p.end) for g, p in pairs]) & (gk == pk)
        strict[:, 0] = np.bincount(docs, weights=right, minlength=n_docs).astype(np.int64)
    for column, spans in ((1, layer.gold), (2, layer.predicted)):
        docs = np.array([doc_index[s.doc_id] for s in spans if s.label == NUM], dtype=np.int64)
        strict[:, column] = np.bincount(docs, minlength=n_docs)
    return NumKinds(confusion.reshape(n_docs, k, k), strict)


def num_kind_statistic(confusion: np.ndarray, strict: np.ndarray) -> dict[str, np.ndarray]:
    """Kind accuracy and strict-with-kind P/R/F1 from summed counts (any leading axes)."""
    diagonal = np.trace(confusion, axis1=-2, axis2=-1)
    p, r, f = set_prf(strict)
    return {"accuracy": safe_div(diagonal, confusion.sum(axis=(-2, -1))), "precision": p, "recall": r, "f1": f}


def num_kinds_dict(result: NumKinds) -> dict:
    """The report's `num_kinds` section (see docs/report-schema.md)."""
    confusion, strict = result.confusion.sum(axis=0), result.strict.sum(axis=0)
    stats = num_kind_statistic(confusion, strict)
    return {
        "kinds": list(KINDS),
        "matched": int(confusion.sum()),
        "kind_correct": int(np.trace(confusion)),
        "accuracy": float(stats["accuracy"]),
        "accuracy_ci": interval_at(result.intervals, "accuracy"),
        "confusion": {gold: {pred: int(confusion[i, j]) for j, pred in enumerate(KINDS)}
                      for i, gold in enumerate(KINDS)},
        "strict_with_kind": {"correct": int(strict[0]), "possible": int(strict[1]), "actual": int(strict[2]),
                             "precision": float(stats["precision"]), "recall": float(stats["recall"]),
                             "f1": float(stats["f1"]), "f1_ci": interval_at(result.intervals, "f1")},
    }
