"""Bootstrap confidence intervals over documents, and the paired bootstrap test of `compare`.

Documents are the resampling unit (spans in one article are not independent). The bootstrap is
the Poisson bootstrap: in resample r, document d has weight w[r, d] ~ Poisson(1), drawn from a
counter-based generator keyed by the seed and a hash of the document id (not by its position).
So every process that scores document d draws the same weights for it, a shard's weighted sums
`w @ counts` over its own documents add up to the sums of one pass over all documents, and the
merged intervals equal one pass's bit for bit: counts and weights are integers, so the sums are
exact integers whatever the order of addition.

Poisson(1) weights approximate the multinomial (n draws with replacement) bootstrap: each
document's multinomial weight is Binomial(n, 1/n) -> Poisson(1) as n grows; the resample size
varies around n instead of being exactly n, which ratio statistics (P, R, F1) hardly notice
(`benchmarks/bench_bootstrap.py` compares both on a large synthetic corpus).

Below `MIN_DOCUMENTS` documents there is no interval and no p-value: a handful of documents has
only a handful of distinct resamples (4 documents: 35 under the multinomial bootstrap), and their
percentiles say nothing about the population of documents.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from math import exp, factorial

import numpy as np

DEFAULT_RESAMPLES = 1000
DEFAULT_CONFIDENCE = 0.95
MIN_DOCUMENTS = 10
# Documents per block of the weights x counts product: bounds the (resamples x block) weights matrix.
BLOCK = 2048

_MASK = (1 << 64) - 1
# Inverse CDF of Poisson(1) on 53-bit uniform integers: weight k when THRESHOLDS[k-1] <= u < THRESHOLDS[k].
# P(w > 18) < 1e-17, below the resolution of 53 bits, so the table stops there.
_CDF = np.cumsum([exp(-1) / factorial(k) for k in range(19)])
THRESHOLDS = np.minimum(np.floor(_CDF * 2.0 ** 53), 2.0 ** 53 - 1).astype(np.uint64)
# The inverse CDF by the top 16 of the 53 bits: every uniform with that prefix has the weight
# PREFIX_WEIGHT[prefix], except under the few prefixes a threshold falls inside (-1 there: those
# take the binary search). A lookup per weight instead of a binary search, 3.7x faster, same weights.
_PREFIX = np.arange(1 << 16, dtype=np.uint64) << np.uint64(37)
_LOW = np.searchsorted(THRESHOLDS, _PREFIX, side="right")
PREFIX_WEIGHT = np.where(_LOW == np.searchsorted(THRESHOLDS, _PREFIX + np.uint64((1 << 37) - 1), side="right"),
                         _LOW, -1).astype(np.float64)


def too_few_documents(n_docs: int) -> str | None:
    """Why there is no interval for `n_docs` documents, or None when there can be one."""
    if n_docs < MIN_DOCUMENTS:
        return (f"too few documents for an interval: {n_docs} scored, at least {MIN_DOCUMENTS} needed "
                "(a few documents have only a few distinct resamples)")
    return None


def resolved_seed(seed: int | None) -> int:
    """The seed itself, or a fresh random one for `None` (recorded in the report to repeat the run)."""
    return int(np.random.SeedSequence().entropy % (1 << 63)) if seed is None else int(seed)


def document_keys(doc_ids: Sequence[str], seed: int) -> np.ndarray:
    """64-bit generator key of each document: BLAKE2b of the seed and the document id."""
    prefix = f"{int(seed)}\0".encode()
    return np.array([int.from_bytes(hashlib.blake2b(prefix + d.encode("utf-8"), digest_size=8).digest(), "little")
                     for d in doc_ids], dtype=np.uint64)


def poisson_weights(keys: np.ndarray, n_resamples: int) -> np.ndarray:
    """(n_resamples, n_docs) Poisson(1) weights: SplitMix64 of key + resample counter, inverse CDF."""
    with np.errstate(over="ignore"):
        x = keys[None, :] + (np.arange(1, n_resamples + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))[:, None]
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    weights = PREFIX_WEIGHT[x >> np.uint64(48)]
    unsure = weights < 0
    if unsure.any():
        weights[unsure] = np.searchsorted(THRESHOLDS, x[unsure] >> np.uint64(11), side="right")
    return weights


def weighted_sums(tables: Mapping[str, np.ndarray], keys: np.ndarray, n_resamples: int,
                  sparse: Collection[str] = ()) -> dict[str, np.ndarray]:
    """sum_d w[r, d] * table[d] for every table (one row per document): {name: (n_resamples, *row shape)},
    int64 for integer tables, float64 for float ones.

    All tables share one weights block at a time, so memory is n_resamples x BLOCK, not
    n_resamples x n_docs. The float64 products of integers are exact (well below 2**53).
    `sparse` names tables (n_docs, a, groups, ...) whose documents have rows in few groups
    (breakdown buckets): each group is summed over the documents with any count in it only,
    which gives the same sums at a fraction of the cost.
    """
    out = {name: np.zeros((n_resamples, int(np.prod(t.shape[1:], dtype=np.int64))), np.float64)
           for name, t in tables.items()}
    with one_blas_thread():
        _add_weighted(out, tables, keys, n_resamples, sparse)
    # Integer tables give exact integer sums; a float table (B-cubed credit, per-document F1) stays float.
    return {name: (out[name].astype(np.int64) if np.issubdtype(tables[name].dtype, np.integer) else out[name])
            .reshape((n_resamples,) + tables[name].shape[1:]) for name in tables}


def one_blas_thread():
    """A context in which BLAS runs on the calling thread only. The products here are small and
    come between other work: a second OpenBLAS thread saved little wall time, and after each
    product it spins waiting for the next, which cost 0.5 s of CPU in a 3.5 s run of 10,000
    documents (and a core that a worker or another shard could have had). The libraries are
    looked up at each call (half a millisecond): scipy brings its own OpenBLAS, and may be
    imported after the first call."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().limit(limits=1, user_api="blas")


def _add_weighted(out: dict[str, np.ndarray], tables: Mapping[str, np.ndarray], keys: np.ndarray, n_resamples: int,
                  sparse: Collection[str]) -> None:
    """Add every block of documents' weighted rows to `out` (see `weighted_sums`)."""
    for lo in range(0, len(keys), BLOCK):
        w = poisson_weights(keys[lo:lo + BLOCK], n_resamples)
        for name, t in tables.items():
            block = t[lo:lo + BLOCK]
            if block.size == 0:  # no documents, or a breakdown with no buckets
                continue
            if name not in sparse:
                out[name] += w @ block.reshape(len(block), -1).astype(np.float64)
                continue
            target = out[name].reshape((n_resamples,) + t.shape[1:])
            present = block.reshape(block.shape[:3] + (-1,)).any(axis=(1, 3))  # (docs, groups)
            for g in np.flatnonzero(present.any(axis=0)):
                rows = present[:, g]
                part = block[rows][:, :, g].reshape(int(rows.sum()), -1).astype(np.float64)
                target[:, :, g] += (w[:, rows] @ part).reshape((n_resamples,) + target.shape[1:2] + target.shape[3:])


def multinomial_weights(n_docs: int, n_resamples: int, seed: int | None = 0) -> np.ndarray:
    """(n_resamples, n_docs) classic bootstrap weights (n draws with replacement), for comparison only."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_docs, size=(n_resamples, n_docs))
    rows = np.repeat(np.arange(n_resamples), n_docs)
    return np.bincount(rows * n_docs + draws.ravel(), minlength=n_resamples * n_docs).reshape(n_resamples, n_docs)


def percentile_interval(samples: np.ndarray, confidence: float = DEFAULT_CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile bounds along axis 0."""
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(samples, [alpha, 1 - alpha], axis=0)
    return lo, hi


def intervals_from_sums(sums: np.ndarray, statistic: Callable[[np.ndarray], dict[str, np.ndarray]],
                        confidence: float = DEFAULT_CONFIDENCE) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile interval of every array `statistic(resampled sums)` returns ({} without resamples)."""
    if sums.shape[0] == 0:
        return {}
    return {name: percentile_interval(values, confidence) for name, values in statistic(sums).items()}


def bootstrap_intervals(per_doc: np.ndarray, statistic: Callable[[np.ndarray], dict[str, np.ndarray]],
                        doc_ids: Sequence[str], n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                        confidence: float = DEFAULT_CONFIDENCE) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile interval of every array `statistic(summed counts)` returns, over Poisson resamples
    of the documents `doc_ids` (one row of `per_doc` each). {} below MIN_DOCUMENTS or without resamples."""
    if n_resamples <= 0 or too_few_documents(len(doc_ids)):
        return {}
    sums = weighted_sums({"t": per_doc}, document_keys(doc_ids, seed), n_resamples)["t"]
    return intervals_from_sums(sums, statistic, confidence)


@dataclass(frozen=True)
class PairedTest:
    """F1 of systems A and B on the same gold, their difference A - B, its interval and p-value.

    `low`, `high` and `p_value` are None when there are too few documents (`note` says why);
    `p_value_bound` is True when no resample was as extreme as observed, so the p-value is only
    known to be at most the resolution 1 / (n_resamples + 1).
    """

    f1_a: float
    f1_b: float
    difference: float
    low: float | None
    high: float | None
    p_value: float | None
    n_resamples: int
    confidence: float
    n_documents: int = 0
    p_value_bound: bool = False
    note: str | None = None

    def to_dict(self) -> dict:
        return {"f1_a": self.f1_a, "f1_b": self.f1_b, "difference": self.difference,
                "interval": None if self.low is None else [self.low, self.high], "p_value": self.p_value,
                "p_value_bound": self.p_value_bound, "n_resamples": self.n_resamples,
                "confidence": self.confidence, "documents": self.n_documents, "note": self.note}

    def p_text(self) -> str:
        if self.p_value is None:
            return "no p-value"
        return f"p <= {self.p_value:.3g}" if self.p_value_bound else f"p = {self.p_value:.3g}"


def paired_bootstrap(per_doc_a: np.ndarray, per_doc_b: np.ndarray, f1: Callable[[np.ndarray], np.ndarray],
                     doc_ids: Sequence[str], n_resamples: int = DEFAULT_RESAMPLES, seed: int = 0,
                     confidence: float = DEFAULT_CONFIDENCE) -> PairedTest:
    """Paired bootstrap test: both systems are scored on the same resampled documents (the same
    Poisson weights `score` uses for these documents and seed).

    The two-sided p-value is the share of resampled differences at least as far from the
    observed difference as the observed difference is from 0 (the bootstrap distribution
    shifted to the null hypothesis of no difference), with the +1 correction so it is never 0.
    """
    if per_doc_a.shape != per_doc_b.shape or per_doc_a.shape[0] != len(doc_ids):
        raise ValueError("both systems must be counted on the same documents and labels")
    f1_a, f1_b = float(f1(per_doc_a.sum(axis=0))), float(f1(per_doc_b.sum(axis=0)))
    observed = f1_a - f1_b
    note = too_few_documents(len(doc_ids))
    if n_resamples <= 0 or note:
        return PairedTest(f1_a, f1_b, observed, None, None, None, 0, confidence, len(doc_ids),
                          note=note or "no resamples (--bootstrap 0)")
    sums = weighted_sums({"a": per_doc_a, "b": per_doc_b}, document_keys(doc_ids, seed), n_resamples)
    diffs = f1(sums["a"]) - f1(sums["b"])
    lo, hi = percentile_interval(diffs, confidence)
    extreme = np.count_nonzero(np.abs(diffs - observed) >= abs(observed) - 1e-12)
    p_value = min((extreme + 1) / (n_resamples + 1), 1.0)
    return PairedTest(f1_a, f1_b, observed, float(lo), float(hi), float(p_value), n_resamples, confidence,
                      len(doc_ids), p_value_bound=extreme == 0)
