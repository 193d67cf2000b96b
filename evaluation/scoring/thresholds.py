"""Confidence scores: dropping predictions below a threshold, and the threshold sweep.

Counts are per-document histograms (additive: sum the rows of shards, or weight them for a
bootstrap): for each document, label and score bin of width 1/N_BINS, the number of scored
predictions, how many are strict-correct (same boundaries and label as the gold span they are
matched to) and the sum of their scores; plus the predictions without a score, which no
threshold removes (they are reported as unscored, never given a made-up score).

From the summed histograms, `sweep()` gives per label and micro-averaged:
- `curve`: precision, recall and F1 when only predictions with score >= t are kept, for each
  bin edge t that has predictions, from the highest t down. The matching is the one of the full
  run (as COCO and PASCAL VOC evaluate detections), so a point is the count of the kept
  predictions' outcomes, not a re-matching.
- `average_precision`: sum over the curve of (recall gain) x precision (the step-wise, not
  interpolated, definition of scikit-learn's `average_precision_score`), with recall over all
  gold spans, so a system that misses spans cannot reach 1.
- `best`: the point with the highest F1 (the highest threshold among ties).
- `calibration`: CALIBRATION_BINS equal-width reliability bins (count, mean score, accuracy =
  fraction strict-correct) and the expected calibration error, sum of n_b / n x |accuracy_b -
  mean score_b|.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .counts import CORRECT, SCHEMES
from .metrics import f1_score, safe_div
from ..predictions import Prediction

N_BINS = 100
CALIBRATION_BINS = 10
PREDICTED, CORRECT_SLOT, SCORE_SUM = range(3)


def drop_below(predictions: Mapping[str, Sequence[Prediction]], threshold: float | None
               ) -> tuple[Mapping[str, Sequence[Prediction]], dict[str, int]]:
    """Predictions without those scored below `threshold` (unscored ones stay), and the count
    dropped per label."""
    if threshold is None:
        return predictions, {}
    dropped: Counter[str] = Counter()
    out = type(predictions)() if type(predictions) is dict else \
        type(predictions)(file=getattr(predictions, "file", ""), lines=getattr(predictions, "lines", {}))
    for doc_id, preds in predictions.items():
        kept = [p for p in preds if p.score is None or p.score >= threshold]
        dropped.update(p.label for p in preds if p.score is not None and p.score < threshold)
        out[doc_id] = kept
    return out, dict(sorted(dropped.items()))


def score_bin(score: np.ndarray) -> np.ndarray:
    """Bin k holds scores in [k / N_BINS, (k + 1) / N_BINS); a score of 1 is in the last bin.
    The epsilon keeps 0.29 (28.999... x 100 in floating point) in bin 29, as `score >= 0.29` says."""
    return np.clip(np.floor(score * N_BINS + 1e-9), 0, N_BINS - 1).astype(np.int64)


@dataclass
class ScoreHistograms:
    """Per-document counts of one layer (see the module docstring).

    The scored histogram, (n_docs, n_labels, N_BINS, 3), is kept in coordinate form, one entry
    per scored prediction (a dense array would be 2.4 kB per document); `scored()` sums it,
    optionally with one weight per document (a bootstrap resample, or the rows of one shard).
    """

    doc: np.ndarray       # (n_scored,) document index of each scored prediction
    label: np.ndarray     # (n_scored,) label index
    bin: np.ndarray       # (n_scored,) score bin
    correct: np.ndarray   # (n_scored,) 1.0 when strict-correct
    score: np.ndarray     # (n_scored,)
    unscored: np.ndarray  # (n_docs, n_labels, 2): predicted, correct
    gold: np.ndarray      # (n_docs, n_labels): gold spans

    def scored(self, weights: np.ndarray | None = None) -> np.ndarray:
        """The (n_labels, N_BINS, 3) histogram summed over documents (weighted by `weights`)."""
        n_labels = self.gold.shape[1]
        w = np.ones(len(self.doc)) if weights is None else np.asarray(weights, float)[self.doc]
        cell = self.label * N_BINS + self.bin
        out = np.zeros((n_labels * N_BINS, 3))
        for slot, values in ((PREDICTED, w), (CORRECT_SLOT, w * self.correct), (SCORE_SUM, w * self.score)):
            out[:, slot] = np.bincount(cell, weights=values, minlength=n_labels * N_BINS)
        return out.reshape(n_labels, N_BINS, 3)


def histograms(doc: np.ndarray, label: np.ndarray, scores: Sequence[float | None], pred_outcomes: np.ndarray,
               gold_counts: np.ndarray) -> ScoreHistograms:
    """Histograms of a layer's predictions from their document and label indices and their
    `scores` (None where unscored); `pred_outcomes` (n_schemes, n_pred), `gold_counts`
    (n_docs, n_labels) gold spans per document and label."""
    n_docs, n_labels = gold_counts.shape
    correct = (pred_outcomes[SCHEMES.index("strict")] == CORRECT).astype(float) if len(doc) else np.zeros(0)
    score = np.array(scores, dtype=float)  # None becomes nan
    has = ~np.isnan(score)
    cells = doc[~has] * n_labels + label[~has]
    unscored = np.stack([np.bincount(cells, minlength=n_docs * n_labels),
                         np.bincount(cells, weights=correct[~has], minlength=n_docs * n_labels)],
                        axis=1).reshape(n_docs, n_labels, 2).astype(float)
    return ScoreHistograms(doc[has], label[has], score_bin(score[has]), correct[has], score[has], unscored,
                           gold_counts.astype(float))


def sweep(scored: np.ndarray, unscored: np.ndarray, n_gold: float) -> dict:
    """The sweep of one label (or the micro sum) from summed counts: `scored` (N_BINS, 3),
    `unscored` (2,). JSON-ready; curve, average precision, best and calibration are None when no
    prediction has a score."""
    n_scored = int(scored[:, PREDICTED].sum())
    out = {"scored": n_scored, "unscored": int(unscored[0]), "gold": int(n_gold),
           "curve": [], "average_precision": None, "best": None, "calibration": None}
    if n_scored == 0:
        return out
    # Kept when the threshold is bin k's lower edge: every bin >= k, plus the unscored predictions.
    kept = np.cumsum(scored[::-1, :2], axis=0)[::-1] + unscored[None, :]
    precision = safe_div(kept[:, 1], kept[:, 0])
    recall = safe_div(kept[:, 1], np.full(N_BINS, float(n_gold)))
    f1 = f1_score(precision, recall)
    previous_recall = float(safe_div(np.array(unscored[1]), np.array(float(n_gold))))
    ap = 0.0
    for k in range(N_BINS - 1, -1, -1):  # from the highest threshold down
        if scored[k, PREDICTED] == 0:
            continue
        point = {"threshold": k / N_BINS, "precision": float(precision[k]), "recall": float(recall[k]),
                 "f1": float(f1[k]), "predicted": int(kept[k, 0])}
        out["curve"].append(point)
        ap += (point["recall"] - previous_recall) * point["precision"]
        previous_recall = point["recall"]
        if out["best"] is None or point["f1"] > out["best"]["f1"]:
            out["best"] = dict(point)
    out["average_precision"] = ap
    out["calibration"] = calibration(scored)
    return out


def calibration(scored: np.ndarray) -> dict:
    """Reliability bins and expected calibration error of the scored predictions (N_BINS, 3)."""
    coarse = scored.reshape(CALIBRATION_BINS, N_BINS // CALIBRATION_BINS, 3).sum(axis=1)
    n = coarse[:, PREDICTED]
    accuracy, confidence = safe_div(coarse[:, CORRECT_SLOT], n), safe_div(coarse[:, SCORE_SUM], n)
    total = n.sum()
    bins = [{"low": b / CALIBRATION_BINS, "high": (b + 1) / CALIBRATION_BINS, "count": int(n[b]),
             "mean_score": float(confidence[b]), "accuracy": float(accuracy[b])}
            for b in range(CALIBRATION_BINS) if n[b]]
    ece = float((n / total * np.abs(accuracy - confidence)).sum()) if total else 0.0
    return {"bins": bins, "expected_calibration_error": ece}


def thresholds_dict(h: ScoreHistograms, labels: Sequence[str]) -> dict:
    """{label | "micro": sweep} of one layer, from its per-document histograms."""
    scored, unscored, gold = h.scored(), h.unscored.sum(axis=0), h.gold.sum(axis=0)
    out = {label: sweep(scored[i], unscored[i], gold[i]) for i, label in enumerate(labels)}
    out["micro"] = sweep(scored.sum(axis=0), unscored.sum(axis=0), gold.sum())
    return out
