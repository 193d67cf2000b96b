"""Outcome counts for the four matching schemes, all from one matching.

A matched pair's outcome under each scheme depends only on two facts, whether the boundaries
are the same and whether the labels are the same, so the schemes are one small table
(SemEval-2013 task 9.1 definitions):

    scheme    same bounds+label  same bounds, other label  overlap, same label  overlap, other label
    strict    correct            incorrect                 incorrect            incorrect
    exact     correct            correct                   incorrect            incorrect
    partial   correct            correct                   partial              partial
    type      correct            incorrect                 correct              incorrect

An unmatched gold span is `missed`, an unmatched prediction `spurious`, under every scheme.

Counts are kept on both sides of a pair: the gold side is filed under the gold label (it feeds
recall), the predicted side under the predicted label (it feeds precision). A type confusion
thus counts against the gold label's recall and the predicted label's precision, and per-label
counts always add up to the overall ones.
"""
from __future__ import annotations

import numpy as np

from .matching import Matching, SpanArrays

SCHEMES: tuple[str, ...] = ("strict", "exact", "partial", "type")
OUTCOMES: tuple[str, ...] = ("correct", "incorrect", "partial", "missed", "spurious")
CORRECT, INCORRECT, PARTIAL, MISSED, SPURIOUS = range(5)

# RULES[scheme, same_bounds, same_label] -> outcome of a matched pair.
RULES = np.array([
    [[INCORRECT, INCORRECT], [INCORRECT, CORRECT]],  # strict
    [[INCORRECT, INCORRECT], [CORRECT, CORRECT]],    # exact
    [[PARTIAL, PARTIAL], [CORRECT, CORRECT]],        # partial
    [[INCORRECT, CORRECT], [INCORRECT, CORRECT]],    # type
], dtype=np.int64)

# Slots of the last axis of a count array: gold side, then predicted side.
SLOTS: tuple[str, ...] = ("correct", "incorrect", "partial", "missed",
                          "pred_correct", "pred_incorrect", "pred_partial", "spurious")
N_SLOTS = len(SLOTS)
G_COR, G_INC, G_PAR, G_MIS, P_COR, P_INC, P_PAR, P_SPU = range(N_SLOTS)


def pair_outcomes(gold: SpanArrays, pred: SpanArrays, matching: Matching) -> np.ndarray:
    """Outcome code of each matched pair under each scheme: shape (n_schemes, n_pairs)."""
    g, p = matching.gold, matching.pred
    same_bounds = ((gold.start[g] == pred.start[p]) & (gold.end[g] == pred.end[p])).astype(np.int64)
    same_label = (gold.label[g] == pred.label[p]).astype(np.int64)
    return RULES[:, same_bounds, same_label]


def span_outcomes(gold: SpanArrays, pred: SpanArrays, matching: Matching) -> tuple[np.ndarray, np.ndarray]:
    """Outcome code of every gold and every predicted span per scheme: (n_schemes, n_gold), (n_schemes, n_pred)."""
    pairs = pair_outcomes(gold, pred, matching)
    g_out = np.full((len(SCHEMES), len(gold)), MISSED, np.int64)
    p_out = np.full((len(SCHEMES), len(pred)), SPURIOUS, np.int64)
    g_out[:, matching.gold] = pairs
    p_out[:, matching.pred] = pairs
    return g_out, p_out


def count_outcomes(gold: SpanArrays, pred: SpanArrays, matching: Matching, n_docs: int, n_labels: int) -> np.ndarray:
    """Count array of shape (n_docs, n_schemes, n_labels, N_SLOTS), from one matching.

    Gold-side slots hold each gold span's outcome under its own label (missed if unmatched);
    predicted-side slots each prediction's outcome under its own label (spurious if unmatched).
    """
    g_out, p_out = span_outcomes(gold, pred, matching)
    return tally(g_out, p_out, (gold.doc, gold.label), (pred.doc, pred.label), n_docs, n_labels)


def tally(g_out: np.ndarray, p_out: np.ndarray, gold_at: tuple[np.ndarray, np.ndarray],
          pred_at: tuple[np.ndarray, np.ndarray], n_docs: int, n_groups: int) -> np.ndarray:
    """Outcome codes (n_schemes, n) filed by (document, group) of each span: (n_docs, n_schemes, n_groups, N_SLOTS).

    The group is the label for the span tables; breakdowns file the same outcomes under buckets.
    """
    n_schemes = len(SCHEMES)
    scheme = np.arange(n_schemes)[:, None]
    # Outcome codes 0..3 are gold-side slots 0..3; predicted-side codes 0,1,2,4 go to slots 4,5,6,7.
    p_slot = np.where(p_out == SPURIOUS, P_SPU, p_out + P_COR)

    def flat(doc, group, slot):
        doc, group = np.asarray(doc, np.int64), np.asarray(group, np.int64)
        return ((doc[None, :] * n_schemes + scheme) * n_groups + group[None, :]) * N_SLOTS + slot

    index = np.concatenate([flat(*gold_at, g_out).ravel(), flat(*pred_at, p_slot).ravel()])
    size = n_docs * n_schemes * n_groups * N_SLOTS
    return np.bincount(index, minlength=size).reshape(n_docs, n_schemes, n_groups, N_SLOTS)
