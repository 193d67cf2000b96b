"""Coreference-cluster scores: MUC, B-cubed, CEAF-e and their CoNLL-2012 average.

Clusters, per document, over the PER, LOC and ORG mentions of the entity layer:

- key (gold): mentions grouped by (label, normalized `canonical`), a mention without one by
  (label, normalized text);
- response (predicted): predictions grouped by (label, normalized own `canonical`), else by
  (label, normalized text) — an extractor that names no entities is scored on the clusters
  its repeated surface forms make.

Mentions are identified strictly: a prediction *is* gold mention g when the span matching
paired it with g with the same boundaries (its label may differ). Every other prediction is a
twinless response mention and every unpaired gold mention a twinless key mention; both stay in
their clusters, as in the reference scorer (Pradhan et al. 2014, v8): twinless response mentions
lower precision, twinless key mentions lower recall. Singletons are kept on both sides (the
gold has one-mention entities; MUC gives them no links, B-cubed and CEAF-e count them).

Per document and metric the counts are (recall numerator, recall denominator, precision
numerator, precision denominator), summed over documents as the reference scorer sums them:

    MUC     recall  sum_k (|k| - |p(k)|) / sum_k (|k| - 1), p(k) the pieces response clusters cut k into
    B-cubed recall  sum_k sum_r |k & r|^2 / |k|  /  sum_k |k|
    CEAF-e  recall  max_alignment sum phi4(k, r) / |K|, phi4 = 2 |k & r| / (|k| + |r|)

and precision the same with key and response swapped (CEAF-e: divided by |R|). CoNLL is the
unweighted mean of the three F1s.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from newsspans.corpus.model import Document, Span

from ..predictions import Prediction
from .entities import ENTITY_SET_LABELS, mention_text, normalize_name
from .intervals import interval_at
from .matching import Matching
from .metrics import f1_score, safe_div

METRICS: tuple[str, ...] = ("muc", "b_cubed", "ceaf_e")
R_NUM, R_DEN, P_NUM, P_DEN = range(4)

Cluster = frozenset


def _muc_side(key: Sequence[set], response: Sequence[set]) -> tuple[float, float]:
    """MUC numerator and denominator with `key` as the reference (swap for precision)."""
    where = {m: i for i, r in enumerate(response) for m in r}
    num = den = 0
    for k in key:
        # A mention in no response cluster is a piece of its own.
        pieces = {where.get(m, ("alone", m)) for m in k}
        num += len(k) - len(pieces)
        den += len(k) - 1
    return num, den


def _overlaps(key: Sequence[set], response: Sequence[set]) -> list[dict[int, int]]:
    """Per key cluster, {response cluster index: |k & r|} for the response clusters it meets
    (each mention looked up once, instead of intersecting every pair of clusters). Clusters
    partition their mentions, as `document_clusters` makes them (and as MUC assumes)."""
    where = {m: j for j, r in enumerate(response) for m in r}
    out = []
    for k in key:
        counts: dict[int, int] = {}
        for m in k:
            j = where.get(m)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        out.append(counts)
    return out


def _b_cubed_side(key: Sequence[set], response: Sequence[set]) -> tuple[float, float]:
    num = 0.0
    for k, met in zip(key, _overlaps(key, response)):
        num += sum(c * c for c in met.values()) / len(k)  # sum over r of |k & r|^2, the same integer
    return num, float(sum(len(k) for k in key))


def _ceaf_e(key: Sequence[set], response: Sequence[set]) -> float:
    """Total phi4 similarity of the best one-to-one alignment of key and response clusters."""
    if not key or not response:
        return 0.0
    from scipy.optimize import linear_sum_assignment  # imported on first use: it slows every CLI start

    phi = np.zeros((len(key), len(response)))  # phi4 of clusters that share no mention: 2 * 0 / (...) = 0
    for i, (k, met) in enumerate(zip(key, _overlaps(key, response))):
        for j, c in met.items():
            phi[i, j] = 2 * c / (len(k) + len(response[j]))
    rows, cols = linear_sum_assignment(phi, maximize=True)
    return float(phi[rows, cols].sum())


def cluster_counts(key: Sequence[set], response: Sequence[set]) -> np.ndarray:
    """(3 metrics, 4) counts of one document: recall num/den, precision num/den per metric."""
    key, response = [set(k) for k in key if k], [set(r) for r in response if r]
    out = np.zeros((len(METRICS), 4))
    out[0, R_NUM], out[0, R_DEN] = _muc_side(key, response)
    out[0, P_NUM], out[0, P_DEN] = _muc_side(response, key)
    out[1, R_NUM], out[1, R_DEN] = _b_cubed_side(key, response)
    out[1, P_NUM], out[1, P_DEN] = _b_cubed_side(response, key)
    similarity = _ceaf_e(key, response)
    out[2] = similarity, len(key), similarity, len(response)
    return out


def coreference_scores(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 per metric and the CoNLL average, from summed counts (..., 3, 4)."""
    r = safe_div(counts[..., R_NUM], counts[..., R_DEN])
    p = safe_div(counts[..., P_NUM], counts[..., P_DEN])
    f = f1_score(p, r)
    out = {}
    for i, name in enumerate(METRICS):
        out[f"{name}_precision"], out[f"{name}_recall"], out[f"{name}_f1"] = p[..., i], r[..., i], f[..., i]
    out["conll_f1"] = f.mean(axis=-1)
    return out


def _group(items: Sequence[tuple[Hashable, Hashable]]) -> list[set]:
    clusters: dict[Hashable, set] = defaultdict(set)
    for cluster, mention in items:
        clusters[cluster].add(mention)
    return list(clusters.values())


def document_clusters(text: str, gold: Sequence[Span], predicted: Sequence[Prediction],
                      twin: Mapping[int, int]) -> tuple[list[set], list[set]]:
    """Key and response clusters of one document; `twin[j]` is the gold index of prediction j
    when the matching paired them with the same boundaries."""
    key = _group([((s.label, normalize_name(s.canonical or s.text)), ("gold", i))
                  for i, s in enumerate(gold) if s.label in ENTITY_SET_LABELS])
    response = _group([((p.label, normalize_name(p.canonical or mention_text(p, text))),
                        ("gold", twin[j]) if j in twin else ("pred", j))
                       for j, p in enumerate(predicted) if p.label in ENTITY_SET_LABELS])
    return key, response


@dataclass
class Coreference:
    counts: np.ndarray  # (n_docs, 3 metrics, 4)
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def count_coreference(documents: Sequence[Document], gold: Sequence[Span], predicted: Sequence[Prediction],
                      matching: Matching) -> Coreference:
    """Cluster counts of every document, from the entity layer's spans and matching."""
    index = {d.id: i for i, d in enumerate(documents)}
    g_by_doc: list[list[int]] = [[] for _ in documents]
    p_by_doc: list[list[int]] = [[] for _ in documents]
    for i, s in enumerate(gold):
        g_by_doc[index[s.doc_id]].append(i)
    for j, p in enumerate(predicted):
        p_by_doc[index[p.doc_id]].append(j)
    twins = {int(p): int(g) for g, p in zip(matching.gold.tolist(), matching.pred.tolist())
             if (gold[g].start, gold[g].end) == (predicted[p].start, predicted[p].end)}
    counts = np.zeros((len(documents), len(METRICS), 4))
    for d, doc in enumerate(documents):
        gi, pj = g_by_doc[d], p_by_doc[d]
        local_g = {g: k for k, g in enumerate(gi)}
        twin = {k: local_g[twins[j]] for k, j in enumerate(pj) if j in twins}
        key, response = document_clusters(doc.text, [gold[i] for i in gi], [predicted[j] for j in pj], twin)
        counts[d] = cluster_counts(key, response)
    return Coreference(counts)


def coreference_dict(result: Coreference) -> dict:
    """The report's `coreference` section (see docs/report-schema.md)."""
    totals = result.counts.sum(axis=0)
    scores = coreference_scores(totals)
    out = {}
    for i, name in enumerate(METRICS):
        out[name] = {"recall_numerator": float(totals[i, R_NUM]), "recall_denominator": float(totals[i, R_DEN]),
                     "precision_numerator": float(totals[i, P_NUM]),
                     "precision_denominator": float(totals[i, P_DEN]),
                     "precision": float(scores[f"{name}_precision"]), "recall": float(scores[f"{name}_recall"]),
                     "f1": float(scores[f"{name}_f1"]), "f1_ci": interval_at(result.intervals, f"{name}_f1")}
    out["conll"] = {"f1": float(scores["conll_f1"]), "f1_ci": interval_at(result.intervals, "conll_f1")}
    return out
