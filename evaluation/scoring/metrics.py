"""Precision, recall and F1 from outcome counts, with SemEval-2013 definitions.

    possible (POS) = correct + incorrect + partial + missed          (gold spans)
    actual   (ACT) = correct + incorrect + partial + spurious        (predicted spans)
    precision = (correct + 0.5 * partial) / ACT
    recall    = (correct + 0.5 * partial) / POS
    F1        = 2 * precision * recall / (precision + recall)

`partial` is non-zero only under the `partial` scheme. Division by zero never yields NaN:
precision is 0 when nothing was predicted, recall is 0 when there is nothing to find, and F1
is 0 when precision + recall is 0. (So an empty gold set scored against empty predictions is
all zeros, not 1.0: there was nothing to get right.)

Averages: `micro` pools the counts of all labels; `macro` is the unweighted mean of per-label
precision, recall and F1 over the labels present in the gold (possible > 0); `weighted` is
their mean weighted by each label's gold support. Every function works on arrays with any
leading axes (documents, bootstrap resamples), so the same code scores one sample or a thousand.
"""
from __future__ import annotations

import numpy as np

from .counts import G_COR, G_INC, G_MIS, G_PAR, P_COR, P_INC, P_PAR, P_SPU

PARTIAL_CREDIT = 0.5


def safe_div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, and 0 where den == 0."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den != 0)
    return out


def f1_score(precision: np.ndarray, recall: np.ndarray) -> np.ndarray:
    return safe_div(2 * precision * recall, precision + recall)


def f_beta(precision: np.ndarray, recall: np.ndarray, beta: float = 1.0) -> np.ndarray:
    """F-beta: recall weighs beta times as much as precision (beta 1 is F1)."""
    b2 = beta * beta
    return safe_div((1 + b2) * precision * recall, b2 * precision + recall)


def set_prf(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 of counts (..., 3) = hits, gold size, predicted size.

    The shape of every "how many of the gold things did it name" score: entity sets, speaker
    attribution, strict-with-kind.
    """
    p, r = safe_div(counts[..., 0], counts[..., 2]), safe_div(counts[..., 0], counts[..., 1])
    return p, r, f1_score(p, r)


def possible(counts: np.ndarray) -> np.ndarray:
    return counts[..., G_COR] + counts[..., G_INC] + counts[..., G_PAR] + counts[..., G_MIS]


def actual(counts: np.ndarray) -> np.ndarray:
    return counts[..., P_COR] + counts[..., P_INC] + counts[..., P_PAR] + counts[..., P_SPU]


def prf(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 over the last axis of count slots (see `counts.SLOTS`)."""
    precision = safe_div(counts[..., P_COR] + PARTIAL_CREDIT * counts[..., P_PAR], actual(counts))
    recall = safe_div(counts[..., G_COR] + PARTIAL_CREDIT * counts[..., G_PAR], possible(counts))
    return precision, recall, f1_score(precision, recall)


def averages(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Per-label and averaged scores from counts shaped (..., n_labels, n_slots).

    Returns arrays keyed `label_precision`/`label_recall`/`label_f1` (shape (..., n_labels)) and
    `{micro,macro,weighted}_{precision,recall,f1}` (shape (...)).
    """
    p, r, f = prf(counts)
    out = {"label_precision": p, "label_recall": r, "label_f1": f}
    mp, mr, mf = prf(counts.sum(axis=-2))
    out.update(micro_precision=mp, micro_recall=mr, micro_f1=mf)
    support = possible(counts).astype(float)
    present = (support > 0).astype(float)
    for name, values in (("precision", p), ("recall", r), ("f1", f)):
        out[f"macro_{name}"] = safe_div((values * present).sum(axis=-1), present.sum(axis=-1))
        out[f"weighted_{name}"] = safe_div((values * support).sum(axis=-1), support.sum(axis=-1))
    return out
