"""The score report and its stable JSON form (`Report.to_dict()`, `schema_version` 3).

Schema 2 adds the sections of `sections.py` (entities, coreference, num_kinds, breakdowns,
document_average), speakers at two levels and `settings.beta`; schema 3 makes those sections
optional (computed when asked for, `settings.sections`); docs/report-schema.md documents
every field.

A report is computed from a `partial.Partial` (per-document count tables and their bootstrap
sums) and, when per-span detail was asked for, the matched spans of each layer. A table run
never builds the span detail; `to_dict(spans=False)` leaves it out of the JSON.

JSON layout (every float is a plain number, never NaN; see `metrics` for the 0/0 rules;
field by field in docs/report-schema.md):

    schema_version, gold, predictions           where the gold and the predictions came from
    gold_fingerprint                            SHA-256 of the gold documents and spans
    settings: {min_overlap, bootstrap: {resamples, seed, confidence, method, documents, note},
              beta, by, sections, align, align_threshold, threshold}
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
    L.spans: true when L.gold and L.predicted are present (false: left out, e.g. --no-spans, merge)
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

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from newsspans.corpus.model import Span

from .bootstrap import DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, intervals_from_sums, too_few_documents
from .counts import OUTCOMES, SCHEMES, SLOTS
from .matching import Matching
from .metrics import PARTIAL_CREDIT, actual, averages, f1_score, f_beta, possible, prf, safe_div
from .partial import STATISTICS, Partial
from ..alignment import DEFAULT_POLICY, DEFAULT_THRESHOLD, STATUSES
from ..predictions import Prediction
from .thresholds import ScoreHistograms, thresholds_dict

SCHEMA_VERSION = 3


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
    # Report sections beyond the span tables, computed only when asked for (names of
    # `sections.SECTIONS`, or "all"); `by` asks for its breakdowns too. See `sections.wanted`.
    sections: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        from .sections import sections_asked  # sections import the metric modules, which import this one

        object.__setattr__(self, "sections", sections_asked((self.sections,) if isinstance(self.sections, str)
                                                            else self.sections))


# Slots of an attribution table row (per scheme): matched quote pairs with the right speaker and
# full detection credit, with half (partial) credit, then gold quotes and predicted quotes.
ATT_FULL, ATT_HALF, ATT_POSSIBLE, ATT_ACTUAL = range(4)


@dataclass
class SpeakerScores:
    """Speakers of the quote layer: per-document tables, and per matched pair when detail was kept."""

    attribution: np.ndarray  # (n_docs, n_schemes, 4) int: see ATT_*
    matched: np.ndarray  # (n_docs, 2) int: matched quote pairs, of which the speaker is right
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    right: np.ndarray | None = None  # detail: right[k] for pair k of the layer's matching
    gold_names: list[str | None] | None = None  # detail: per gold quote


@dataclass
class LayerResult:
    """Everything computed for one layer (entities or quotes); the span fields are None
    when the report was built without per-span detail."""

    name: str
    labels: tuple[str, ...]
    counts: np.ndarray  # (n_docs, n_schemes, n_labels, n_slots)
    intervals: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    speakers: SpeakerScores | None = None  # the entity level, as before levels existed
    speaker_levels: dict[str, SpeakerScores] = field(default_factory=dict)  # "mention", "entity"
    alignment: np.ndarray | None = None  # (n_docs, n_statuses): predictions per alignment status
    scores_histograms: ScoreHistograms | None = None  # confidence-score histograms (thresholds)
    unaligned: list[Sequence] | None = None  # per document: [label, text] of each unaligned prediction
    gold: list[Span] | None = None
    predicted: list[Prediction] | None = None
    matching: Matching | None = None
    gold_outcomes: np.ndarray | None = None  # (n_schemes, n_gold)
    pred_outcomes: np.ndarray | None = None  # (n_schemes, n_pred)
    # The document index of each gold and predicted span (while a chunk is counted).
    gold_doc: np.ndarray | None = None
    pred_doc: np.ndarray | None = None

    @property
    def has_spans(self) -> bool:
        return self.gold is not None

    def totals(self) -> np.ndarray:
        return self.counts.sum(axis=0)

    def scores(self) -> dict[str, np.ndarray]:
        return averages(self.totals())

    def micro_f1(self, scheme: str = "strict") -> float:
        return float(self.scores()["micro_f1"][SCHEMES.index(scheme)])


def attribution_prf(att: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 of attribution tables (..., 4): see ATT_*."""
    credit = att[..., ATT_FULL] + PARTIAL_CREDIT * att[..., ATT_HALF]
    p, r = safe_div(credit, att[..., ATT_ACTUAL]), safe_div(credit, att[..., ATT_POSSIBLE])
    return p, r, f1_score(p, r)


def span_statistic(counts: np.ndarray) -> dict[str, np.ndarray]:
    """The F1 values that get intervals, from span outcome counts (..., n_schemes, n_labels, n_slots)."""
    return {k: v for k, v in averages(counts).items() if k.endswith("_f1")}


def attribution_statistic(att: np.ndarray) -> dict[str, np.ndarray]:
    return {"f1": attribution_prf(att)[2]}


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


# The speaker levels of `speakers.SPEAKER_LEVELS`, in report order (named here: speakers imports the model only).
SPEAKER_LEVEL_NAMES = ("mention", "entity")


def speaker_table_names(layer: str, level: str) -> tuple[str, str]:
    """Names of a layer's speaker tables at one level in a Partial: attribution, speakers."""
    return f"{layer}.attribution.{level}", f"{layer}.speakers.{level}"


@dataclass
class Report:
    """A score report: per layer, scheme, label, average and document; per span when kept."""

    documents: list[str]
    layers: dict[str, LayerResult]
    options: ScoreOptions = field(default_factory=ScoreOptions)
    gold_source: str = ""
    predictions_source: str = ""
    dropped: dict[str, int] = field(default_factory=dict)
    extractor_errors: dict[str, str] = field(default_factory=dict)
    missing_predictions: list[str] = field(default_factory=list)
    gold_fingerprint: str = ""
    interval_note: str | None = None  # why there are no intervals, when there are too few documents
    partial: Partial | None = field(default=None, repr=False)  # what --partial-out saves

    @classmethod
    def from_partial(cls, partial: Partial, detail: Mapping[str, LayerResult] | None = None) -> Report:
        """The report of a (merged) partial; `detail` adds the span fields of each layer."""
        from .sections import recorded_sections, sections_of  # they import the metric modules, which import this one

        st, boot = partial.settings, partial.settings["bootstrap"]
        n_docs = len(partial.documents)
        note = too_few_documents(n_docs) if boot["resamples"] > 0 else None

        def intervals(name: str) -> dict:
            if note or name not in partial.sums:
                return {}
            return intervals_from_sums(partial.sums[name], STATISTICS[name], boot["confidence"])

        layers = {}
        for name, labels in st["layers"].items():
            layer = LayerResult(name, tuple(labels), partial.tables[name], intervals(name))
            for level in SPEAKER_LEVEL_NAMES:
                att_name, sp_name = speaker_table_names(name, level)
                if att_name in partial.tables:
                    layer.speaker_levels[level] = SpeakerScores(partial.tables[att_name], partial.tables[sp_name],
                                                                intervals(att_name))
            layer.speakers = layer.speaker_levels.get("entity")
            _alignment_and_scores(layer, partial)
            d = (detail or {}).get(name)
            if d is not None:
                layer.gold, layer.predicted, layer.matching = d.gold, d.predicted, d.matching
                layer.gold_outcomes, layer.pred_outcomes = d.gold_outcomes, d.pred_outcomes
                for level, kept in d.speaker_levels.items():
                    if level in layer.speaker_levels:
                        layer.speaker_levels[level].right = kept.right
                        layer.speaker_levels[level].gold_names = kept.gold_names
            layers[name] = layer
        options = ScoreOptions(st["min_overlap"], boot["resamples"], boot["seed"], boot["confidence"],
                               tuple(st.get("by", ())), st.get("beta", 1.0), st.get("align", DEFAULT_POLICY),
                               st.get("align_threshold", DEFAULT_THRESHOLD), st.get("threshold"),
                               recorded_sections(partial))
        report = cls(list(partial.documents), layers, options, partial.gold["source"], ", ".join(partial.sources),
                     dict(partial.dropped), dict(partial.extractor_errors), list(partial.missing_predictions),
                     partial.gold["fingerprint"], note, partial, below_threshold=dict(partial.below_threshold))
        report.sections = sections_of(partial, options)
        return report
    sections: dict = field(default_factory=dict)  # name -> sections.Section
    below_threshold: dict[str, int] = field(default_factory=dict)  # dropped by --threshold, per label

    def micro_f1(self, layer: str = "entity", scheme: str = "strict") -> float:
        return self.layers[layer].micro_f1(scheme)

    def to_dict(self, spans: bool = True, documents: bool = True) -> dict:
        """The JSON report; `spans=False` leaves out the per-span lists, `documents=False` the
        per-document counts (what a terminal table needs is then cheap at any scale)."""
        o = self.options
        return {
            "schema_version": SCHEMA_VERSION,
            "gold": self.gold_source,
            "gold_fingerprint": self.gold_fingerprint,
            "predictions": self.predictions_source,
            "settings": {"min_overlap": o.min_overlap,
                         "bootstrap": {"resamples": o.n_resamples, "seed": o.seed, "confidence": o.confidence,
                                       "method": "poisson", "documents": len(self.documents),
                                       "note": self.interval_note},
                         "beta": o.beta, "by": list(o.by), "sections": list(self.sections),
                         "align": o.align, "align_threshold": o.align_threshold, "threshold": o.threshold},
            "documents": list(self.documents),
            "dropped": dict(self.dropped),
            "extractor_errors": dict(self.extractor_errors),
            "missing_predictions": list(self.missing_predictions),
            "layers": {name: self._layer_dict(layer, spans, documents) for name, layer in self.layers.items()},
            **{name: section.render(documents) for name, section in self.sections.items()},
            "below_threshold": dict(self.below_threshold),
            "alignment": {name: _alignment_dict(layer.alignment, layer.unaligned, self.documents)
                          for name, layer in self.layers.items() if layer.alignment is not None},
            "thresholds": {name: thresholds_dict(layer.scores_histograms, layer.labels)
                           for name, layer in self.layers.items() if layer.scores_histograms is not None},
        }

    def _layer_dict(self, layer: LayerResult, spans: bool, documents: bool) -> dict:
        totals, scores, ci = layer.totals(), layer.scores(), layer.intervals
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
        out = {"labels": list(layer.labels), "schemes": schemes}
        if documents:
            per_doc = _count_blocks(layer.counts.sum(axis=2))  # (n_docs, n_schemes): labels pooled
            out["documents"] = {doc_id: dict(zip(SCHEMES, per_doc[d])) for d, doc_id in enumerate(self.documents)}
        out["spans"] = spans and layer.has_spans
        if out["spans"]:
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
        speakers = layer.speakers if layer.speakers is not None and layer.speakers.right is not None else None
        gold = []
        for i, s in enumerate(layer.gold):
            entry = {"doc_id": s.doc_id, "id": s.id, "start": s.start, "end": s.end, "label": s.label,
                     "text": s.text, "outcomes": g_outcomes[i], "match": pred_of.get(i)}
            if speakers is not None:
                entry["speaker"] = s.speaker
                entry["speaker_name"] = speakers.gold_names[i]
            gold.append(entry)
        predicted = []
        for j, p in enumerate(layer.predicted):
            g = gold_of.get(j)
            entry = {"index": j, "doc_id": p.doc_id, "start": p.start, "end": p.end, "label": p.label,
                     "text": p.text, "outcomes": p_outcomes[j], "match": None if g is None else layer.gold[g].id,
                     "alignment": p.alignment or "offsets", "score": p.score}
            if speakers is not None:
                entry["speaker"] = _speaker_json(p.speaker)
                entry["speaker_correct"] = None if g is None else bool(speakers.right[pair_of_pred[j]])
                mention = layer.speaker_levels.get("mention")
                mention = None if mention is None else mention.right
                if mention is not None:
                    entry["speaker_mention_correct"] = None if g is None else bool(mention[pair_of_pred[j]])
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
        matched, right = (int(x) for x in sp.matched.sum(axis=0))
        totals = sp.attribution.sum(axis=0)
        p, r, f = attribution_prf(totals)
        attribution = {}
        for s, scheme in enumerate(SCHEMES):
            attribution[scheme] = {"credit": float(totals[s, ATT_FULL] + PARTIAL_CREDIT * totals[s, ATT_HALF]),
                                   "possible": int(totals[s, ATT_POSSIBLE]), "actual": int(totals[s, ATT_ACTUAL]),
                                   "precision": float(p[s]), "recall": float(r[s]), "f1": float(f[s]),
                                   "f1_ci": _interval(sp.intervals, "f1", (s,))}
        return {"matched": matched, "speaker_correct": right, "accuracy": right / matched if matched else 0.0,
                "attribution": attribution}


def alignment_table_names(layer: str) -> tuple[str, str]:
    """Names in a Partial of a layer's alignment statuses table and its per-document unaligned texts."""
    return f"alignment/{layer}", f"alignment/{layer}.unaligned"


def threshold_table_names(layer: str) -> tuple[str, str, str]:
    """Names in a Partial of a layer's confidence-score data: the scored points (one row per
    scored prediction: gold position, label, bin, correct, score), the unscored and gold tables."""
    return f"thresholds/{layer}", f"thresholds/{layer}.unscored", f"thresholds/{layer}.gold"


def _alignment_and_scores(layer: LayerResult, partial: Partial) -> None:
    """The alignment counts and confidence-score histograms of `layer`, from the partial."""
    counts_name, texts_name = alignment_table_names(layer.name)
    if counts_name in partial.tables:
        layer.alignment = partial.tables[counts_name]
        layer.unaligned = partial.lists.get(texts_name) or [[] for _ in partial.documents]
    points_name, unscored_name, gold_name = threshold_table_names(layer.name)
    if points_name in partial.points:
        p = partial.points[points_name]
        doc = np.searchsorted(partial.positions, p[:, 0].astype(np.int64))
        layer.scores_histograms = ScoreHistograms(
            doc.astype(np.int64), p[:, 1].astype(np.int64), p[:, 2].astype(np.int64), p[:, 3], p[:, 4],
            partial.tables[unscored_name].astype(float), partial.tables[gold_name].astype(float))


def _alignment_dict(counts: np.ndarray, unaligned: list[list], documents: list[str]) -> dict:
    """The report's `alignment` section of one layer (see `alignment.alignment_dict`)."""
    out: dict = dict(zip(STATUSES, counts.sum(axis=0).tolist()))
    out["unaligned_texts"] = [{"doc_id": doc_id, "label": label, "text": text}
                              for doc_id, texts in zip(documents, unaligned) for label, text in texts]
    return out


STATISTICS.update({"entity": span_statistic, "quote": span_statistic})
STATISTICS.update({speaker_table_names("quote", level)[0]: attribution_statistic for level in SPEAKER_LEVEL_NAMES})

# Lists longer than this are written in slices, each by the C encoder (json.dump and indent use
# the pure-Python one, which was 40% of a large run's time).
_SLICE = 2000


def iter_json(value: object, depth: int = 4) -> Iterator[str]:
    """`value` as JSON text in pieces: dicts and long lists are opened `depth` levels deep, so
    no single string holds a large report; every leaf goes through json.dumps (the C encoder)."""
    if depth > 0 and isinstance(value, dict):
        yield "{"
        for k, (key, item) in enumerate(value.items()):
            yield ("," if k else "") + json.dumps(key, ensure_ascii=False) + ":"
            yield from iter_json(item, depth - 1)
        yield "}"
    elif depth > 0 and isinstance(value, list) and len(value) > _SLICE:
        yield "["
        for lo in range(0, len(value), _SLICE):
            yield ("," if lo else "") + json.dumps(value[lo:lo + _SLICE], ensure_ascii=False)[1:-1]
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=False)


def write_json(value: object, fh: IO[str]) -> None:
    """Write `value` as one line of JSON to `fh`, piece by piece."""
    for piece in iter_json(value):
        fh.write(piece)
    fh.write("\n")
