"""One-to-one optimal matching of predicted spans to gold spans, vectorised over all documents.

Each gold span is paired with at most one prediction and vice versa. Among all such pairings
the one chosen maximises, in this order of priority: the number of pairs with the same
boundaries and label (strict), the number with the same boundaries (exact), the number of
overlapping pairs (partial credit), the number with the same label (type), and last the total
overlap in characters. Inputs are put in a canonical order first, so the order in which
predictions arrive never changes the result, and a duplicated prediction is matched once.

Spans overlap when they share at least one character: `[0, 5)` and `[5, 9)` only touch.
Candidate pairs come from a sort and binary search, so the cost grows with the number of
overlapping pairs, not with the square of a document's length or span count.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SpanArrays:
    """Spans as parallel integer arrays: document index, start, end (exclusive) and label index."""

    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray
    label: np.ndarray

    @classmethod
    def build(cls, doc, start, end, label) -> SpanArrays:
        arrays = [np.asarray(a, dtype=np.int64).reshape(-1) for a in (doc, start, end, label)]
        if len({len(a) for a in arrays}) != 1:
            raise ValueError("doc, start, end and label arrays must have the same length")
        return cls(*arrays)

    @classmethod
    def empty(cls) -> SpanArrays:
        return cls.build([], [], [], [])

    def __len__(self) -> int:
        return len(self.start)

    def take(self, index: np.ndarray) -> SpanArrays:
        return SpanArrays(self.doc[index], self.start[index], self.end[index], self.label[index])


@dataclass(frozen=True)
class Matching:
    """Matched pairs as index arrays into the gold and predicted `SpanArrays`, sorted by gold."""

    gold: np.ndarray
    pred: np.ndarray

    def __len__(self) -> int:
        return len(self.gold)


def canonical_order(spans: SpanArrays) -> np.ndarray:
    """Permutation sorting spans by (document, start, end, label): order-free tie-breaking."""
    if len(spans) == 0:
        return np.empty(0, np.int64)
    # One packed integer key sorts several times faster than a lexsort over four arrays.
    n_pos, n_lab = int(spans.end.max()) + 1, int(spans.label.max()) + 1
    if min(spans.start.min(), spans.label.min(), spans.doc.min()) >= 0 and \
            (int(spans.doc.max()) + 1) * n_pos * n_pos * n_lab < 2 ** 62:
        key = ((spans.doc * n_pos + spans.start) * n_pos + spans.end) * n_lab + spans.label
        return np.argsort(key, kind="stable")
    return np.lexsort((spans.label, spans.end, spans.start, spans.doc))


def candidate_pairs(gold: SpanArrays, pred: SpanArrays, min_overlap: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """All (gold index, pred index) pairs in the same document that overlap.

    With `min_overlap > 0`, a pair also needs overlap / union length >= `min_overlap`.
    """
    if len(gold) == 0 or len(pred) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    # Put all documents on one line, far enough apart that spans of different documents never overlap.
    stride = int(max(gold.end.max(), pred.end.max())) + 1
    gs, ge = gold.doc * stride + gold.start, gold.doc * stride + gold.end
    ps, pe = pred.doc * stride + pred.start, pred.doc * stride + pred.end
    order = np.argsort(gs, kind="stable")
    gs_sorted = gs[order]
    longest = int((ge - gs).max())
    # A gold span overlapping [ps, pe) starts before pe and, being at most `longest` long, after ps - longest.
    lo = np.searchsorted(gs_sorted, ps - longest, side="right")
    hi = np.searchsorted(gs_sorted, pe, side="left")
    n = np.maximum(hi - lo, 0)
    pi = np.repeat(np.arange(len(pred)), n)
    first = np.repeat(np.cumsum(n) - n, n)
    gi = order[np.repeat(lo, n) + np.arange(len(pi)) - first]
    overlap = np.minimum(ge[gi], pe[pi]) - np.maximum(gs[gi], ps[pi])
    keep = overlap > 0
    if min_overlap > 0:
        union = np.maximum(ge[gi], pe[pi]) - np.minimum(gs[gi], ps[pi])
        keep &= overlap >= min_overlap * union
    return gi[keep], pi[keep]


def _pair_keys(gold: SpanArrays, pred: SpanArrays, gi: np.ndarray, pi: np.ndarray) -> tuple[np.ndarray, ...]:
    """Preference keys of each pair, most important first: strict, exact, pair, same label, overlap."""
    same_bounds = (gold.start[gi] == pred.start[pi]) & (gold.end[gi] == pred.end[pi])
    same_label = gold.label[gi] == pred.label[pi]
    overlap = np.minimum(gold.end[gi], pred.end[pi]) - np.maximum(gold.start[gi], pred.start[pi])
    return ((same_bounds & same_label).astype(np.int64), same_bounds.astype(np.int64), np.ones(len(gi), np.int64),
            same_label.astype(np.int64), overlap)


def _best_per_group(group: np.ndarray, keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Index of the pair with the lexicographically largest keys in each group (ties: first)."""
    order = np.lexsort(tuple(-k for k in reversed(keys)) + (group,))
    g = group[order]
    head = np.ones(len(g), bool)
    head[1:] = g[1:] != g[:-1]
    return order[head]


def _assign_component(keys: tuple[np.ndarray, ...], gi: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """Optimal assignment inside one component with several gold and several predicted spans.

    The lexicographic preference becomes one weight: each key's unit outweighs the largest
    possible sum of all less important keys, so the optimum respects the priority order.
    Weights are float64: exact while the top unit stays below 2**53, which holds for components
    of up to a few hundred overlapping pairs; beyond that only the last tie-breaker (total
    overlap) can lose precision.
    """
    from scipy.optimize import linear_sum_assignment  # imported on first use: it slows every CLI start

    weight = np.zeros(len(gi))
    bound = 0.0  # the largest total the less important keys can reach in any matching
    for key in reversed(keys):
        unit = bound + 1
        weight += key * unit
        bound += float(key.sum()) * unit
    g_nodes, g_idx = np.unique(gi, return_inverse=True)
    p_nodes, p_idx = np.unique(pi, return_inverse=True)
    matrix = np.zeros((len(g_nodes), len(p_nodes)))
    matrix[g_idx, p_idx] = weight
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    pair_of = {(int(g), int(p)): k for k, (g, p) in enumerate(zip(g_idx, p_idx))}
    # Zero-weight cells are not candidate pairs: such an "assignment" leaves both unmatched.
    return np.array([pair_of[(r, c)] for r, c in zip(rows.tolist(), cols.tolist()) if (r, c) in pair_of],
                    dtype=np.int64)


def components(u: np.ndarray, v: np.ndarray, n_nodes: int) -> np.ndarray:
    """Connected component of every node of the undirected graph with edges (u[k], v[k]), named
    by its smallest node: min-label propagation along the edges with pointer jumping.

    Components of overlapping spans are small, so this takes a few vectorised rounds; it
    spares every run the import of scipy.sparse.csgraph (about 0.17 s at each start).
    """
    label = np.arange(n_nodes)
    while True:
        low = np.minimum(label[u], label[v])
        new = label.copy()
        np.minimum.at(new, u, low)
        np.minimum.at(new, v, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def match(gold: SpanArrays, pred: SpanArrays, min_overlap: float = 0.0) -> Matching:
    """The optimal one-to-one matching (see the module docstring for the preference order)."""
    g_order, p_order = canonical_order(gold), canonical_order(pred)
    g, p = gold.take(g_order), pred.take(p_order)
    gi, pi = candidate_pairs(g, p, min_overlap)
    if len(gi) == 0:
        return Matching(np.empty(0, np.int64), np.empty(0, np.int64))
    keys = _pair_keys(g, p, gi, pi)
    g_deg = np.bincount(gi, minlength=len(g))
    p_deg = np.bincount(pi, minlength=len(p))
    # Most pairs are alone: their gold and prediction overlap nothing else, so they match each other.
    alone = (g_deg[gi] == 1) & (p_deg[pi] == 1)
    chosen = [np.flatnonzero(alone)]
    rest = np.flatnonzero(~alone)
    if len(rest):
        component = components(gi[rest], len(g) + pi[rest], len(g) + len(p))
        comp = component[gi[rest]]
        # A gold span with k pairs in the component contributes k * (1/k) = 1: its count of gold spans.
        n_gold = np.rint(np.bincount(comp, weights=1.0 / g_deg[gi[rest]])).astype(np.int64)
        n_pred = np.rint(np.bincount(comp, weights=1.0 / p_deg[pi[rest]])).astype(np.int64)
        star = (n_gold[comp] == 1) | (n_pred[comp] == 1)
        # A star (one gold with several predictions, or the reverse) keeps only its best pair.
        star_pairs = rest[star]
        if len(star_pairs):
            best = _best_per_group(comp[star], tuple(k[star_pairs] for k in keys))
            chosen.append(star_pairs[best])
        general = rest[~star]
        if len(general):
            by_comp = np.argsort(comp[~star], kind="stable")
            general, comps = general[by_comp], comp[~star][by_comp]
            bounds = np.flatnonzero(np.diff(comps)) + 1
            for block in np.split(general, bounds):
                picked = _assign_component(tuple(k[block] for k in keys), gi[block], pi[block])
                chosen.append(block[picked])
    pairs = np.concatenate(chosen)
    gold_idx, pred_idx = g_order[gi[pairs]], p_order[pi[pairs]]
    order = np.argsort(gold_idx, kind="stable")
    return Matching(gold_idx[order], pred_idx[order])
