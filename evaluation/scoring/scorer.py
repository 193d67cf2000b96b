"""Score predictions against gold spans: check, split into layers, match, count, bootstrap.

`score()` is the entry point from Python; the command line calls it too. Entities (PER, LOC,
ORG, NUM) and quotes (QUOTE) are scored as separate layers because quotes contain entities.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import ENTITY_LABELS, LABELS, QUOTE_LABELS, Document, Span
from newsspans.corpus.standoff import LocatedSpan
from newsspans.corpus.validate import validate

from ..alignment import align_predictions, status_counts
from .bootstrap import bootstrap_intervals
from .counts import CORRECT, PARTIAL, SCHEMES, count_outcomes, span_outcomes
from .matching import SpanArrays, match
from .metrics import PARTIAL_CREDIT, averages
from ..predictions import Prediction, PredictionSet, predictions_from_dicts
from .speakers import SPEAKER_LEVELS, speaker_is_right, speaker_name
from .sections import score_sections
from .report import LayerResult, Report, ScoreOptions, SpeakerScores, attribution_prf
from .thresholds import drop_below, histograms

LAYERS: dict[str, tuple[str, ...]] = {"entity": ENTITY_LABELS, "quote": QUOTE_LABELS}


def _where(p: Prediction, index: int) -> dict:
    return dict(file=p.file, line=p.line, doc_id=p.doc_id, span_id=f"prediction {index}")


def check_predictions(documents: Sequence[Document], predictions: Mapping[str, Sequence[Prediction]],
                      labels: Sequence[str] = LABELS) -> list[Problem]:
    """Every problem with predictions: unknown document or label, bad offsets, text that disagrees."""
    texts = {d.id: d.text for d in documents}
    problems = []
    for doc_id, preds in predictions.items():
        if doc_id not in texts:
            # A predictions file knows each document's line; else the first prediction does.
            first = preds[0] if preds else Prediction(doc_id, 0, 0, "", file=getattr(predictions, "file", ""))
            line = getattr(predictions, "lines", {}).get(doc_id, first.line)
            problems.append(Problem("predictions for a document that is not in the gold", file=first.file,
                                    line=line, doc_id=doc_id))
            continue
        text = texts[doc_id]
        for i, p in enumerate(preds):
            where = _where(p, i)
            if p.label not in labels:
                problems.append(Problem(f"unknown label {p.label!r} (known: {', '.join(labels)}); map it with "
                                        "--label-map, or drop it with --ignore-label/--drop-unknown", **where))
            if p.alignment in ("unaligned", "merged"):
                continue  # placed nowhere: scored as spurious, without offsets to check
            if p.start is None:
                problems.append(Problem("offset-free prediction was not aligned (call alignment.align_predictions "
                                        "first)", **where))
                continue
            if not 0 <= p.start < p.end <= len(text):
                problems.append(Problem(f"offsets [{p.start}, {p.end}) are outside the text (length {len(text)}) "
                                        "or start >= end", **where))
                continue
            if p.text is not None and p.text != text[p.start:p.end]:
                problems.append(Problem(f"text {p.text!r} does not match text[{p.start}:{p.end}] = "
                                        f"{text[p.start:p.end]!r}", **where))
            if p.speaker is not None and p.label not in QUOTE_LABELS:
                problems.append(Problem(f"speaker is only for QUOTE predictions, found on {p.label}", **where))
            if isinstance(p.speaker, tuple) and not 0 <= p.speaker[0] < p.speaker[1] <= len(text):
                problems.append(Problem(f"speaker offsets [{p.speaker[0]}, {p.speaker[1]}) are outside the text "
                                        "or start >= end", **where))
    return problems


def _arrays(spans: Sequence[Span | Prediction], doc_index: Mapping[str, int],
            label_index: Mapping[str, int]) -> SpanArrays:
    # An unaligned prediction has no offsets: the empty span [0, 0) overlaps nothing, so it is spurious.
    return SpanArrays.build([doc_index[s.doc_id] for s in spans], [s.start or 0 for s in spans],
                            [s.end or 0 for s in spans], [label_index[s.label] for s in spans])


def _f1_statistic(counts: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v for k, v in averages(counts).items() if k.endswith("_f1")}


def _speakers(layer: LayerResult, doc_spans: Mapping[str, list[Span]], doc_index: Mapping[str, int],
              n_docs: int, options: ScoreOptions, is_right=speaker_is_right) -> SpeakerScores:
    """Speaker correctness per matched quote pair and attribution counts per document and scheme,
    under one rule of `speakers.SPEAKER_LEVELS` (the entity level by default)."""
    m = layer.matching
    right = np.array([is_right(layer.gold[g], layer.predicted[p], doc_spans[layer.gold[g].doc_id])
                      for g, p in zip(m.gold.tolist(), m.pred.tolist())], dtype=bool)
    att = np.zeros((n_docs, len(SCHEMES), 3))
    pair_outcome = layer.gold_outcomes[:, m.gold]  # (n_schemes, n_pairs)
    credit = (pair_outcome == CORRECT) + PARTIAL_CREDIT * (pair_outcome == PARTIAL)
    pair_docs = np.array([doc_index[layer.gold[g].doc_id] for g in m.gold.tolist()], dtype=np.int64)
    for s in range(len(SCHEMES)):
        att[:, s, 0] = np.bincount(pair_docs, weights=credit[s] * right, minlength=n_docs)
    gold_docs = [doc_index[s.doc_id] for s in layer.gold]
    pred_docs = [doc_index[p.doc_id] for p in layer.predicted]
    att[:, :, 1] = np.bincount(np.array(gold_docs, dtype=np.int64), minlength=n_docs)[:, None]
    att[:, :, 2] = np.bincount(np.array(pred_docs, dtype=np.int64), minlength=n_docs)[:, None]
    intervals = bootstrap_intervals(att, lambda c: {"f1": attribution_prf(c)[2]},
                                    options.n_resamples, options.seed, options.confidence)
    names = [speaker_name(q, doc_spans[q.doc_id]) for q in layer.gold]
    return SpeakerScores(right, att, intervals, names)


def score_layer(name: str, labels: tuple[str, ...], gold: list[Span], predicted: list[Prediction],
                doc_index: Mapping[str, int], options: ScoreOptions) -> LayerResult:
    """Match and count one layer; `gold`/`predicted` hold only that layer's spans."""
    label_index = {label: i for i, label in enumerate(labels)}
    g, p = _arrays(gold, doc_index, label_index), _arrays(predicted, doc_index, label_index)
    matching = match(g, p, options.min_overlap)
    g_out, p_out = span_outcomes(g, p, matching)
    counts = count_outcomes(g, p, matching, len(doc_index), len(labels))
    intervals = bootstrap_intervals(counts, _f1_statistic, options.n_resamples, options.seed, options.confidence)
    result = LayerResult(name, labels, gold, predicted, matching, g_out, p_out, counts, intervals)
    gold_counts = np.zeros((len(doc_index), len(labels)))
    np.add.at(gold_counts, (g.doc, g.label), 1)
    result.scores_histograms = histograms(predicted, p_out, gold_counts, doc_index, label_index)
    return result


def as_predictions(predictions: Mapping[str, Sequence[object]]) -> Mapping[str, Sequence[Prediction]]:
    """`predictions` with every plain dict (or object with the protocol's attributes) made a
    Prediction, through the same reader as files and extractor output."""
    if all(isinstance(p, Prediction) for preds in predictions.values() for p in preds):
        return predictions
    converted = {doc_id: predictions_from_dicts(doc_id, preds) if not all(isinstance(p, Prediction) for p in preds)
                 else list(preds) for doc_id, preds in predictions.items()}
    return PredictionSet(converted, file=getattr(predictions, "file", ""), lines=getattr(predictions, "lines", {}))


def check_gold(documents: Sequence[Document], gold: Sequence[Span]) -> list[Problem]:
    """The validator's rules on gold handed to `score()` directly (files are checked when loaded)."""
    return validate(documents, [LocatedSpan(s, "", 0) for s in gold], require_canonical=False)


def score(documents: Sequence[Document], gold: Sequence[Span], predictions: Mapping[str, Sequence[object]],
          options: ScoreOptions = ScoreOptions(), *, gold_source: str = "", predictions_source: str = "",
          dropped: Mapping[str, int] | None = None, extractor_errors: Mapping[str, str] | None = None,
          gold_checked: bool = False, doc_fields: Mapping[str, Mapping[str, object]] | None = None) -> Report:
    """Score `predictions` (doc id -> predicted spans: Predictions or plain dicts) against `gold`
    spans of `documents`.

    Raises CorpusError listing every problem with the gold (the validator's rules, unless the
    caller already ran them: `gold_checked`) or the predictions. A document without an entry in
    `predictions` counts as predicting nothing and is listed in `report.missing_predictions`.
    `doc_fields` (doc id -> field -> value) holds document fields beyond `Document`'s, for breakdowns.
    """
    if not gold_checked and (gold_problems := check_gold(documents, gold)):
        raise CorpusError(gold_problems)
    predictions, below = drop_below(as_predictions(predictions), options.threshold)
    # Offset-free predictions are placed in the text here, so every input path gets the same placement.
    predictions = align_predictions({d.id: d.text for d in documents}, predictions, options.align,
                                    options.align_threshold)
    problems = check_predictions(documents, predictions)
    if problems:
        raise CorpusError(problems)
    doc_index = {d.id: i for i, d in enumerate(documents)}
    unknown_gold = [s for s in gold if s.doc_id not in doc_index]
    if unknown_gold:
        raise CorpusError([Problem("gold span refers to a document that does not exist", doc_id=s.doc_id,
                                   span_id=s.id) for s in unknown_gold])
    doc_spans: dict[str, list[Span]] = defaultdict(list)
    for s in gold:
        doc_spans[s.doc_id].append(s)
    all_preds = [p for d in documents for p in predictions.get(d.id, ())]
    layers = {}
    for name, labels in LAYERS.items():
        claims = [p for p in all_preds if p.label in labels]
        # A merged claim (alignment) named spans another claim placed: counted, not scored.
        layer = score_layer(name, labels, [s for s in gold if s.label in labels],
                            [p for p in claims if p.alignment != "merged"], doc_index, options)
        layer.alignment = status_counts(claims, doc_index, len(documents))
        if name == "quote":
            layer.speaker_levels = {level: _speakers(layer, doc_spans, doc_index, len(documents), options, rule)
                                    for level, rule in SPEAKER_LEVELS.items()}
            layer.speakers = layer.speaker_levels["entity"]
        layers[name] = layer
    errors = dict(extractor_errors or {})
    sections = score_sections(documents, doc_spans, predictions, layers, doc_index, options, doc_fields)
    return Report(sections=sections,
        documents=[d.id for d in documents], layers=layers, options=options, gold_source=gold_source,
        predictions_source=predictions_source, dropped=dict(dropped or {}), extractor_errors=errors,
        below_threshold=below,
        missing_predictions=[d.id for d in documents if d.id not in predictions and d.id not in errors])
