"""Bootstrap confidence intervals over documents, and the paired bootstrap test of `compare`.

Documents are the resampling unit (spans in one article are not independent). Each resample is
a vector of how many times each document was drawn; multiplying that matrix with the
per-document count matrix gives every resample's summed counts in one product, and the metric
code then scores all resamples at once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95


def resample_weights(n_docs: int, n_resamples: int, seed: int | None = 0) -> np.ndarray:
    """(n_resamples, n_docs) matrix: how often each document is drawn in each resample."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_docs, size=(n_resamples, n_docs))
    rows = np.repeat(np.arange(n_resamples), n_docs)
    return np.bincount(rows * n_docs + draws.ravel(), minlength=n_resamples * n_docs).reshape(n_resamples, n_docs)


def resampled_sums(per_doc: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Summed counts of every resample: shape (n_resamples, *per_doc.shape[1:])."""
    flat = per_doc.reshape(per_doc.shape[0], -1).astype(np.float64)
    return (weights @ flat).reshape((weights.shape[0],) + per_doc.shape[1:])


def percentile_interval(samples: np.ndarray, confidence: float = DEFAULT_CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile bounds along axis 0."""
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(samples, [alpha, 1 - alpha], axis=0)
    return lo, hi


def bootstrap_intervals(per_doc: np.ndarray, statistic: Callable[[np.ndarray], dict[str, np.ndarray]],
                        n_resamples: int = DEFAULT_RESAMPLES, seed: int | None = 0,
                        confidence: float = DEFAULT_CONFIDENCE) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile interval of every array `statistic(summed counts)` returns, over document resamples.

    `statistic` must accept counts with one extra leading (resample) axis. Returns {} when there
    are no documents or no resamples.
    """
    if n_resamples <= 0 or per_doc.shape[0] == 0:
        return {}
    weights = resample_weights(per_doc.shape[0], n_resamples, seed)
    stats = statistic(resampled_sums(per_doc, weights))
    return {name: percentile_interval(values, confidence) for name, values in stats.items()}


@dataclass(frozen=True)
class PairedTest:
    """F1 of systems A and B on the same gold, their difference A - B, its interval and p-value."""

    f1_a: float
    f1_b: float
    difference: float
    low: float
    high: float
    p_value: float
    n_resamples: int
    confidence: float

    def to_dict(self) -> dict:
        return {"f1_a": self.f1_a, "f1_b": self.f1_b, "difference": self.difference,
                "interval": [self.low, self.high], "p_value": self.p_value,
                "n_resamples": self.n_resamples, "confidence": self.confidence}


def paired_bootstrap(per_doc_a: np.ndarray, per_doc_b: np.ndarray, f1: Callable[[np.ndarray], np.ndarray],
                     n_resamples: int = DEFAULT_RESAMPLES, seed: int | None = 0,
                     confidence: float = DEFAULT_CONFIDENCE) -> PairedTest:
    """Paired bootstrap test: both systems are scored on the same resampled documents.

    The two-sided p-value is the share of resampled differences at least as far from the
    observed difference as the observed difference is from 0 (the bootstrap distribution
    shifted to the null hypothesis of no difference), with the +1 correction so it is never 0.
    """
    if per_doc_a.shape != per_doc_b.shape:
        raise ValueError("both systems must be counted on the same documents and labels")
    f1_a, f1_b = float(f1(per_doc_a.sum(axis=0))), float(f1(per_doc_b.sum(axis=0)))
    observed = f1_a - f1_b
    if n_resamples <= 0 or per_doc_a.shape[0] == 0:
        return PairedTest(f1_a, f1_b, observed, observed, observed, 1.0, 0, confidence)
    weights = resample_weights(per_doc_a.shape[0], n_resamples, seed)
    diffs = f1(resampled_sums(per_doc_a, weights)) - f1(resampled_sums(per_doc_b, weights))
    lo, hi = percentile_interval(diffs, confidence)
    extreme = np.count_nonzero(np.abs(diffs - observed) >= abs(observed) - 1e-12)
    p_value = (extreme + 1) / (n_resamples + 1)
    return PairedTest(f1_a, f1_b, observed, float(lo), float(hi), float(min(p_value, 1.0)), n_resamples, confidence)
