"""The score report and its stable JSON form (`Report.to_dict()`, `schema_version` 2).

Schema 2 adds the sections of `sections.py` (entities, coreference, num_kinds, breakdowns,
document_average), speakers at two levels and `settings.beta`; docs/report-schema.md documents
every field.

JSON layout (every float is a plain number, never NaN; see `metrics` for the 0/0 rules):

    schema_version, gold, predictions           where the gold and the predictions came from
    settings: {min_overlap, bootstrap: {resamples, seed, confidence}, align, align_threshold, threshold}
    documents: [doc id, ...]                    scored documents, in gold order
    dropped: {label: n}                         predictions dropped by --ignore-label/--drop-unknown
    extractor_errors: {doc id: message}         documents the extractor failed on (scored as empty)
    missing_predictions: [doc id, ...]          documents with no predictions entry (scored as empty)
    below_threshold: {label: n}                 predictions dropped by --threshold
    alignment: {layer: {status: n, ..., unaligned_texts: [{doc_id, label, text}]}}
                                                how predictions were placed (statuses: `alignment.STATUSES`)
    thresholds: {layer: {label | "micro": {scored, unscored, gold, curve: [{threshold, precision,
                 recall, f1, predicted}], average_precision, best: point, calibration: {bins:
                 [{low, high, count, mean_score, accuracy}], expected_calibration_error}}}}
                                                confidence-score sweep (see `thresholds`); None/[] without scores
    layers: {"entity": L, "quote": L}
    L.labels: [label, ...]
    L.schemes: {strict|exact|partial|type: S}
    S.labels: {label: C}; S.micro: C; S.macro and S.weighted: {precision, recall, f1, f1_ci}
    C: {correct, incorrect, partial, missed, possible,              gold side, under the gold label
        pred_correct, pred_incorrect, pred_partial, spurious, actual,  predicted side, predicted label
        precision, recall, f1, f1_ci: [low, high] or null}
    L.documents: {doc id: {scheme: C without f1_ci}}
    L.gold: [{doc_id, id, start, end, label, text, outcomes: {scheme: outcome}, match: index in L.predicted | null}]
    L.predicted: [{index, doc_id, start, end, label, text, outcomes: {scheme: outcome}, match: gold id | null,
                   alignment, score}]           start/end null for an unaligned prediction
    quote layer only:
    L.speakers: {matched, speaker_correct, accuracy,
                 attribution: {scheme: {credit, possible, actual, precision, recall, f1, f1_ci}}}
    and on quote entries: gold `speaker` (span id) and `speaker_name`; predicted `speaker`
    (name, [start, end] or null), `speaker_correct` (bool, null when unmatched) and `speaker_score`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from newsspans.corpus.model import Span

from .bootstrap import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES
from .counts import OUTCOMES, SCHEMES, SLOTS
from .matching import Matching
from .metrics import actual, averages, f_beta, possible, prf, set_prf
from ..alignment import DEFAULT_POLICY, DEFAULT_THRESHOLD, alignment_dict
from ..predictions import Prediction
from .thresholds import ScoreHistograms, thresholds_dict

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class ScoreOptions:
    """Scoring settings: minimum overlap ratio (overlap / union) for a pair, the bootstrap,
    breakdowns asked for beyond the default ones (`by`), and the beta of F-beta."""

    min_overlap: float = 0.0
    n_resamples: int = DEFAULT_RESAMPLES
    seed: int | None = 0
    confidence: float = DEFAULT_CONFIDENCE
    by: tuple[str, ...] = ()
    beta: float = 1.0
    # Offset-free predictions: placement policy and least fuzzy score (0-100); see `alignment`.
    align: str = DEFAULT_POLICY
    align_threshold: float = DEFAULT_THRESHOLD
    threshold: float | None = None  # drop predictions scored below this before scoring


@dataclass
class SpeakerScores:
    """Speakers of matched quote pairs: `right[k]` is for pair k of the layer's matching."""

    right: np.ndarray
    attribution: np.ndarray  # (n_docs, n_schemes, 3): credit, possible, actual
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    gold_names: list[str | None] = field(default_factory=list)  # per gold quote


@dataclass
class LayerResult:
    """Everything computed for one layer (entities or quotes)."""

    name: str
    labels: tuple[str, ...]
    gold: list[Span]
    predicted: list[Prediction]
    matching: Matching
    gold_outcomes: np.ndarray  # (n_schemes, n_gold)
    pred_outcomes: np.ndarray  # (n_schemes, n_pred)
    counts: np.ndarray  # (n_docs, n_schemes, n_labels, n_slots)
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    speakers: SpeakerScores | None = None  # the entity level, as before levels existed
    speaker_levels: dict[str, SpeakerScores] = field(default_factory=dict)  # "mention", "entity"
    alignment: np.ndarray | None = None  # (n_docs, n_statuses): predictions per alignment status
    scores_histograms: ScoreHistograms | None = None  # confidence-score histograms (thresholds)

    def totals(self) -> np.ndarray:
        return self.counts.sum(axis=0)

    def scores(self) -> dict[str, np.ndarray]:
        return averages(self.totals())

    def micro_f1(self, scheme: str = "strict") -> float:
        return float(self.scores()["micro_f1"][SCHEMES.index(scheme)])


def attribution_prf(att: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 of attribution counts (..., 3) = credit, possible, actual."""
    return set_prf(att)


def _interval(intervals: dict, key: str, index: tuple) -> list[float] | None:
    if key not in intervals:
        return None
    lo, hi = intervals[key]
    return [float(lo[index]), float(hi[index])]


def _count_blocks(counts: np.ndarray) -> np.ndarray:
    """Counts and scores of every slot vector in `counts` (..., n_slots), as an object array of dicts.

    Scores are computed for all vectors at once; per-vector numpy calls would dominate the
    time of large reports.
    """
    lead = counts.shape[:-1]
    flat = counts.reshape(-1, counts.shape[-1])
    p, r, f = prf(flat)
    extra = zip(possible(flat).tolist(), actual(flat).tolist(), p.tolist(), r.tolist(), f.tolist())
    names = SLOTS + ("possible", "actual", "precision", "recall", "f1")
    out = np.empty(len(flat), dtype=object)
    for k, (row, more) in enumerate(zip(flat.astype(np.int64).tolist(), extra)):
        out[k] = dict(zip(names, row + list(more)))
    return out.reshape(lead)


def _count_block(counts: np.ndarray) -> dict:
    """Counts and scores of one slot vector (n_slots,)."""
    return _count_blocks(counts[None, :])[0]


def _speaker_json(speaker) -> object:
    return list(speaker) if isinstance(speaker, tuple) else speaker


@dataclass
class Report:
    """A full score report: per layer, scheme, label, average, document and span."""

    documents: list[str]
    layers: dict[str, LayerResult]
    options: ScoreOptions = field(default_factory=ScoreOptions)
    gold_source: str = ""
    predictions_source: str = ""
    dropped: dict[str, int] = field(default_factory=dict)
    extractor_errors: dict[str, str] = field(default_factory=dict)
    missing_predictions: list[str] = field(default_factory=list)
    sections: dict = field(default_factory=dict)  # name -> sections.Section
    below_threshold: dict[str, int] = field(default_factory=dict)  # dropped by --threshold, per label

    def micro_f1(self, layer: str = "entity", scheme: str = "strict") -> float:
        return self.layers[layer].micro_f1(scheme)

    def to_dict(self) -> dict:
        o = self.options
        return {
            "schema_version": SCHEMA_VERSION,
            "gold": self.gold_source,
            "predictions": self.predictions_source,
            "settings": {"min_overlap": o.min_overlap,
                         "bootstrap": {"resamples": o.n_resamples, "seed": o.seed, "confidence": o.confidence},
                         "beta": o.beta, "by": list(o.by),
                         "align": o.align, "align_threshold": o.align_threshold, "threshold": o.threshold},
            "documents": list(self.documents),
            "dropped": dict(self.dropped),
            "extractor_errors": dict(self.extractor_errors),
            "missing_predictions": list(self.missing_predictions),
            "layers": {name: self._layer_dict(layer) for name, layer in self.layers.items()},
            **{name: section.render() for name, section in self.sections.items()},
            "below_threshold": dict(self.below_threshold),
            "alignment": {name: alignment_dict(layer.alignment, layer.predicted)
                          for name, layer in self.layers.items() if layer.alignment is not None},
            "thresholds": {name: thresholds_dict(layer.scores_histograms, layer.labels)
                           for name, layer in self.layers.items() if layer.scores_histograms is not None},
        }

    def _layer_dict(self, layer: LayerResult) -> dict:
        totals, scores, ci = layer.totals(), layer.scores(), layer.intervals
        per_doc = _count_blocks(layer.counts.sum(axis=2))  # (n_docs, n_schemes): labels pooled
        schemes = {}
        for s, scheme in enumerate(SCHEMES):
            labels = {}
            for i, label in enumerate(layer.labels):
                labels[label] = _count_block(totals[s, i]) | {"f1_ci": _interval(ci, "label_f1", (s, i))}
            micro = _count_block(totals[s].sum(axis=0))
            entry = {"labels": labels,
                     "micro": micro | {"f1_ci": _interval(ci, "micro_f1", (s,)),
                                       "f_beta": float(f_beta(micro["precision"], micro["recall"], self.options.beta))}}
            for avg in ("macro", "weighted"):
                entry[avg] = {m: float(scores[f"{avg}_{m}"][s]) for m in ("precision", "recall", "f1")}
                entry[avg]["f1_ci"] = _interval(ci, f"{avg}_f1", (s,))
            schemes[scheme] = entry
        out = {
            "labels": list(layer.labels),
            "schemes": schemes,
            "documents": {doc_id: dict(zip(SCHEMES, per_doc[d])) for d, doc_id in enumerate(self.documents)},
        }
        out["gold"], out["predicted"] = self._span_entries(layer)
        if layer.speakers is not None:
            out["speakers"] = self._speaker_dict(layer)
        return out

    def _span_entries(self, layer: LayerResult) -> tuple[list[dict], list[dict]]:
        pred_of = dict(zip(layer.matching.gold.tolist(), layer.matching.pred.tolist()))
        gold_of = {p: g for g, p in pred_of.items()}
        pair_of_pred = {p: k for k, p in enumerate(layer.matching.pred.tolist())}
        # Outcome names per span as plain lists: indexing numpy arrays per span is slow.
        g_outcomes = [dict(zip(SCHEMES, (OUTCOMES[c] for c in row))) for row in layer.gold_outcomes.T.tolist()]
        p_outcomes = [dict(zip(SCHEMES, (OUTCOMES[c] for c in row))) for row in layer.pred_outcomes.T.tolist()]
        gold = []
        for i, s in enumerate(layer.gold):
            entry = {"doc_id": s.doc_id, "id": s.id, "start": s.start, "end": s.end, "label": s.label,
                     "text": s.text, "outcomes": g_outcomes[i], "match": pred_of.get(i)}
            if layer.speakers is not None:
                entry["speaker"] = s.speaker
                entry["speaker_name"] = layer.speakers.gold_names[i]
            gold.append(entry)
        predicted = []
        for j, p in enumerate(layer.predicted):
            g = gold_of.get(j)
            entry = {"index": j, "doc_id": p.doc_id, "start": p.start, "end": p.end, "label": p.label,
                     "text": p.text, "outcomes": p_outcomes[j], "match": None if g is None else layer.gold[g].id,
                     "alignment": p.alignment or "offsets", "score": p.score}
            if layer.speakers is not None:
                entry["speaker"] = _speaker_json(p.speaker)
                entry["speaker_correct"] = None if g is None else bool(layer.speakers.right[pair_of_pred[j]])
                if "mention" in layer.speaker_levels:
                    entry["speaker_mention_correct"] = None if g is None else \
                        bool(layer.speaker_levels["mention"].right[pair_of_pred[j]])
                entry["speaker_score"] = p.speaker_score
            predicted.append(entry)
        return gold, predicted

    def _speaker_dict(self, layer: LayerResult) -> dict:
        # The top level keeps the entity-level numbers of schema 1; `mention` and `entity` give both levels.
        out = self._speaker_level_dict(layer.speakers)
        for level, scores in layer.speaker_levels.items():
            out[level] = self._speaker_level_dict(scores)
        return out

    @staticmethod
    def _speaker_level_dict(sp: SpeakerScores) -> dict:
        matched, right = len(sp.right), int(np.count_nonzero(sp.right))
        totals = sp.attribution.sum(axis=0)
        p, r, f = attribution_prf(totals)
        attribution = {}
        for s, scheme in enumerate(SCHEMES):
            attribution[scheme] = {"credit": float(totals[s, 0]), "possible": int(totals[s, 1]),
                                   "actual": int(totals[s, 2]), "precision": float(p[s]), "recall": float(r[s]),
                                   "f1": float(f[s]), "f1_ci": _interval(sp.intervals, "f1", (s,))}
        return {"matched": matched, "speaker_correct": right, "accuracy": right / matched if matched else 0.0,
                "attribution": attribution}
