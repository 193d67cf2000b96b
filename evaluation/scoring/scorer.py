"""Score predictions against gold spans: check, split into layers, match, count, bootstrap.

`score()` is the entry point from Python; the command line calls it too. Entities (PER, LOC,
ORG, NUM) and quotes (QUOTE) are scored as separate layers because quotes contain entities.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import groupby
from operator import attrgetter

import numpy as np

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import ENTITY_LABELS, LABELS, QUOTE_LABELS, Document, Span
from newsspans.corpus.standoff import LocatedSpan, spans_by_document
from newsspans.corpus.validate import SpanColumns, proven_valid, validate

from .. import collector
from ..alignment import align_predictions, STATUSES
from .bootstrap import document_keys, resolved_seed, weighted_sums
from .counts import CORRECT, PARTIAL, SCHEMES, count_outcomes, span_outcomes
from .matching import SpanArrays, match
from .partial import Partial, fingerprint_of, has_sums, sparse_sums
from ..predictions import Prediction, PredictionSet, predictions_from_dicts
from .speakers import SPEAKER_LEVELS, GoldSpeaker, entity_level, gold_speaker_name, gold_speakers
from .sections import count_sections, section_tables
from .report import (ATT_ACTUAL, ATT_FULL, ATT_HALF, ATT_POSSIBLE, LayerResult, Report, ScoreOptions,
                     SpeakerScores, alignment_table_names, speaker_table_names,
                     threshold_table_names)
from .thresholds import drop_below, histograms

LAYERS: dict[str, tuple[str, ...]] = {"entity": ENTITY_LABELS, "quote": QUOTE_LABELS}


def _where(p: Prediction, index: int) -> dict:
    return dict(file=p.file, line=p.line, doc_id=p.doc_id, span_id=f"prediction {index}")


def prediction_problems(p: Prediction, index: int, text: str, labels: Sequence[str]) -> list[Problem]:
    """Every problem of prediction number `index` of a document with `text`."""
    where = _where(p, index)
    problems = []
    if p.label not in labels:
        problems.append(Problem(f"unknown label {p.label!r} (known: {', '.join(labels)}); map it with "
                                "--label-map, or drop it with --ignore-label/--drop-unknown", **where))
    if p.alignment in ("unaligned", "merged"):
        return problems  # placed nowhere: scored as spurious, without offsets to check
    if p.start is None:
        return problems + [Problem("offset-free prediction was not aligned (call alignment.align_predictions "
                                   "first)", **where)]
    if not 0 <= p.start < p.end <= len(text):
        return problems + [Problem(f"offsets [{p.start}, {p.end}) are outside the text (length {len(text)}) "
                                   "or start >= end", **where)]
    if p.text is not None and p.text != text[p.start:p.end]:
        problems.append(Problem(f"text {p.text!r} does not match text[{p.start}:{p.end}] = "
                                f"{text[p.start:p.end]!r}", **where))
    if p.speaker is not None and p.label not in QUOTE_LABELS:
        problems.append(Problem(f"speaker is only for QUOTE predictions, found on {p.label}", **where))
    if isinstance(p.speaker, tuple) and not 0 <= p.speaker[0] < p.speaker[1] <= len(text):
        problems.append(Problem(f"speaker offsets [{p.speaker[0]}, {p.speaker[1]}) are outside the text "
                                "or start >= end", **where))
    return problems


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
        text, n = texts[doc_id], len(texts[doc_id])
        # The common case of a prediction with no problem, in one expression with no error location
        # built and no call (this runs for every prediction); anything else takes the rules.
        for i in [i for i, p in enumerate(preds) if not (
                p.speaker is None and p.start is not None and p.label in labels and 0 <= p.start < p.end <= n
                and (p.text is None or p.text == text[p.start:p.end]))]:
            problems += prediction_problems(preds[i], i, text, labels)
    return problems


def _arrays(spans: Sequence[Span | Prediction], doc_index: Mapping[str, int],
            label_index: Mapping[str, int]) -> SpanArrays:
    # An unaligned prediction has no offsets: the empty span [0, 0) overlaps nothing, so it is spurious.
    # Comprehensions (specialised attribute loads), not map/attrgetter: these run over every span.
    starts, ends = [s.start for s in spans], [s.end for s in spans]
    if None in starts:
        starts, ends = [x or 0 for x in starts], [x or 0 for x in ends]
    return SpanArrays.build([doc_index[s.doc_id] for s in spans], starts, ends, [label_index[s.label] for s in spans])


def count_speakers(layer: LayerResult, golds: Sequence[GoldSpeaker | None], names: Sequence[str | None],
                   n_docs: int, is_right=entity_level) -> SpeakerScores:
    """Speaker correctness per matched quote pair, and per document the attribution table
    (n_docs, n_schemes, 4: see report.ATT_*) and the speakers table (matched pairs, right speakers),
    under one rule of `speakers.SPEAKER_LEVELS` (the entity level by default); `golds` holds the
    `speakers.gold_speakers` of the layer's gold quotes, in their order, and `names` their
    `speakers.gold_speaker_name`."""
    m = layer.matching
    right = np.array([is_right(golds[g], layer.predicted[p]) for g, p in zip(m.gold.tolist(), m.pred.tolist())],
                     dtype=bool)
    att = np.zeros((n_docs, len(SCHEMES), 4), np.int64)
    pair_outcome = layer.gold_outcomes[:, m.gold]  # (n_schemes, n_pairs)
    gold_docs = layer.gold_doc
    pair_docs = gold_docs[m.gold]
    for s in range(len(SCHEMES)):
        for slot, outcome in ((ATT_FULL, CORRECT), (ATT_HALF, PARTIAL)):
            att[:, s, slot] = np.bincount(pair_docs[(pair_outcome[s] == outcome) & right], minlength=n_docs)
    att[:, :, ATT_POSSIBLE] = np.bincount(gold_docs, minlength=n_docs)[:, None]
    att[:, :, ATT_ACTUAL] = np.bincount(layer.pred_doc, minlength=n_docs)[:, None]
    matched = np.stack([np.bincount(pair_docs, minlength=n_docs), np.bincount(pair_docs[right], minlength=n_docs)],
                       axis=1).astype(np.int64)
    return SpeakerScores(att, matched, right=right, gold_names=list(names))


def layer_gold_speakers(quotes: Sequence[Span], doc_spans: Mapping[str, Sequence[Span]]) -> list[GoldSpeaker | None]:
    """`speakers.gold_speakers` of a layer's gold quotes, in their order, one run of a document at a time."""
    return [gold for doc_id, run in groupby(quotes, key=attrgetter("doc_id"))
            for gold in gold_speakers(list(run), doc_spans[doc_id])]


def count_layer(name: str, labels: tuple[str, ...], gold: list[Span], predicted: list[Prediction],
                doc_index: Mapping[str, int], min_overlap: float = 0.0) -> LayerResult:
    """Match and count one layer; `gold`/`predicted` hold only that layer's spans. No intervals:
    those come from the bootstrap sums of the partial (see `score_partial`)."""
    label_index = {label: i for i, label in enumerate(labels)}
    g, p = _arrays(gold, doc_index, label_index), _arrays(predicted, doc_index, label_index)
    matching = match(g, p, min_overlap)
    g_out, p_out = span_outcomes(g, p, matching)
    counts = count_outcomes(g, p, matching, len(doc_index), len(labels))
    result = LayerResult(name, labels, counts, gold=gold, predicted=predicted, matching=matching,
                         gold_outcomes=g_out, pred_outcomes=p_out, gold_doc=g.doc, pred_doc=p.doc)
    gold_counts = np.bincount(g.doc * len(labels) + g.label, minlength=len(doc_index) * len(labels)) \
        .reshape(len(doc_index), len(labels))
    result.scores_histograms = histograms(p.doc, p.label, [q.score for q in predicted], p_out, gold_counts)
    return result


def _status_counts(predicted: Sequence[Prediction], doc_index: Mapping[str, int], n_docs: int,
                   given: np.ndarray | None = None) -> np.ndarray:
    """Per-document counts of predictions by alignment status (n_docs, len(STATUSES)), in one
    bincount; `given`: the predictions' document indices when every one gave its offsets."""
    if given is not None:
        counts = np.zeros((n_docs, len(STATUSES)), np.int64)
        counts[:, STATUSES.index("offsets")] = np.bincount(given, minlength=n_docs)
        return counts
    column = {s: k for k, s in enumerate(STATUSES)}
    column[None] = column["offsets"]  # `status_of` inline: no alignment means the extractor gave offsets
    cells = np.array([doc_index[p.doc_id] * len(STATUSES) + column[p.alignment] for p in predicted], np.int64)
    return np.bincount(cells, minlength=n_docs * len(STATUSES)).reshape(n_docs, len(STATUSES))


def layer_tables(layers: Mapping[str, LayerResult], positions: np.ndarray) -> tuple[dict, dict, dict]:
    """The per-document tables of counted layers by their names in a Partial, their per-document
    lists (unaligned texts) and points (confidence scores, keyed by the gold `positions` of the rows)."""
    tables, lists, points = {}, {}, {}
    for name, layer in layers.items():
        tables[name] = layer.counts
        counts_name, texts_name = alignment_table_names(name)
        tables[counts_name], lists[texts_name] = layer.alignment, layer.unaligned
        h = layer.scores_histograms
        points_name, unscored_name, gold_name = threshold_table_names(name)
        points[points_name] = np.stack([positions[h.doc].astype(float), h.label, h.bin, h.correct, h.score], axis=1) \
            if len(h.doc) else np.zeros((0, 5))
        tables[unscored_name], tables[gold_name] = h.unscored.astype(np.int64), h.gold.astype(np.int64)
        for level, speakers in layer.speaker_levels.items():
            att_name, sp_name = speaker_table_names(name, level)
            tables[att_name], tables[sp_name] = speakers.attribution, speakers.matched
    return tables, lists, points


def partial_settings(options: ScoreOptions, mapping: Mapping | None = None) -> dict:
    """The settings a Partial records and a merge requires equal (the seed already resolved)."""
    return {"min_overlap": options.min_overlap,
            "bootstrap": {"resamples": options.n_resamples, "seed": options.seed, "confidence": options.confidence,
                          "method": "poisson"},
            "mapping": dict(mapping or {}), "schemes": list(SCHEMES),
            "layers": {name: list(labels) for name, labels in LAYERS.items()},
            "by": list(options.by), "beta": options.beta, "sections": list(options.sections),
            "align": options.align, "align_threshold": options.align_threshold, "threshold": options.threshold}


def make_partial(doc_ids: Sequence[str], tables: Mapping[str, np.ndarray], settings: dict, gold: dict,
                 positions: Sequence[int] | None = None, **fields) -> Partial:
    """A Partial of counted documents: the tables and their Poisson bootstrap sums."""
    boot = settings["bootstrap"]
    with_stat = {k: v for k, v in tables.items() if has_sums(k)}
    sums = weighted_sums(with_stat, document_keys(doc_ids, boot["seed"]), boot["resamples"],
                         sparse=[k for k in with_stat if sparse_sums(k)]) \
        if boot["resamples"] > 0 else {k: np.zeros((0,) + v.shape[1:], np.int64) for k, v in with_stat.items()}
    pos = np.arange(len(doc_ids), dtype=np.int64) if positions is None else np.asarray(positions, np.int64)
    return Partial(settings, gold, list(doc_ids), pos, dict(tables), sums, **fields)


def as_predictions(predictions: Mapping[str, Sequence[object]]) -> Mapping[str, Sequence[Prediction]]:
    """`predictions` with every plain dict (or object with the protocol's attributes) made a
    Prediction, through the same reader as files and extractor output."""
    if all(isinstance(p, Prediction) for preds in predictions.values() for p in preds):
        return predictions
    converted = {doc_id: predictions_from_dicts(doc_id, preds) if not all(isinstance(p, Prediction) for p in preds)
                 else list(preds) for doc_id, preds in predictions.items()}
    return PredictionSet(converted, file=getattr(predictions, "file", ""), lines=getattr(predictions, "lines", {}))


def check_gold(documents: Sequence[Document], gold: Sequence[Span]) -> list[Problem]:
    """The validator's rules on gold handed to `score()` directly (files are checked when loaded).
    The bulk proof runs on the spans themselves: they are wrapped with a location only to explain."""
    if proven_valid({d.id: d.text for d in documents}, SpanColumns.of(gold)):
        return []
    return validate(documents, [LocatedSpan(s, "", 0) for s in gold], require_canonical=False)


def score_partial(documents: Sequence[Document], gold: Sequence[Span], predictions: Mapping[str, Sequence[object]],
                  options: ScoreOptions = ScoreOptions(), *, gold_source: str = "", predictions_source: str = "",
                  dropped: Mapping[str, int] | None = None, extractor_errors: Mapping[str, str] | None = None,
                  gold_checked: bool = False, mapping: Mapping | None = None, gold_fingerprint: str | None = None,
                  gold_documents: int | None = None, positions: Sequence[int] | None = None,
                  keep_detail: bool = False, doc_fields: Mapping[str, Mapping[str, object]] | None = None,
                  seen_in: Mapping[tuple[str, str], int] | None = None,
                  ) -> tuple[Partial, dict[str, LayerResult] | None]:
    """Check and count `predictions` on `documents`: their Partial and, with `keep_detail`, the
    counted layers with their spans (for a detailed report, --errors, --html).

    `gold_fingerprint`, `gold_documents` and `positions` describe the whole gold when
    `documents` are one shard of it (default: these documents are the whole gold).
    `doc_fields` (doc id -> field -> value) holds document fields beyond `Document`'s, for breakdowns.
    `seen_in`: `breakdowns.seen_index` of the whole gold, when `documents` are part of it.
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
    doc_spans = spans_by_document(gold)
    all_preds = [p for d in documents for p in predictions.get(d.id, ())]
    placed = any(p.alignment is not None for p in all_preds)  # some were offset-free, and aligned
    layers = {}
    for name, labels in LAYERS.items():
        members = frozenset(labels)
        claims = [p for p in all_preds if p.label in members]
        # A merged claim (alignment) named spans another claim placed: counted, not scored.
        layer = count_layer(name, labels, [s for s in gold if s.label in members],
                            [p for p in claims if p.alignment != "merged"] if placed else claims, doc_index,
                            options.min_overlap)
        layer.alignment = _status_counts(claims, doc_index, len(documents), None if placed else layer.pred_doc)
        # One shared empty tuple for the many documents with none: a list per document would
        # outlive the chunk in its partial, one object each (see `_score_chunks` on survivors).
        layer.unaligned = [()] * len(documents)
        for p in layer.predicted if placed else ():
            if p.alignment == "unaligned":
                i = doc_index[p.doc_id]
                if not layer.unaligned[i]:
                    layer.unaligned[i] = []
                layer.unaligned[i].append([p.label, p.text])
        if name == "quote":
            golds = layer_gold_speakers(layer.gold, doc_spans)
            names = [gold_speaker_name(g) for g in golds]
            layer.speaker_levels = {level: count_speakers(layer, golds, names, len(documents), rule)
                                    for level, rule in SPEAKER_LEVELS.items()}
            layer.speakers = layer.speaker_levels["entity"]
        layers[name] = layer
    del all_preds
    # The sections beyond the span tables need the matching, which exists only while counting
    # (only those `options.sections` and `options.by` ask for are counted).
    tables, axes, lists = section_tables(count_sections(documents, doc_spans, predictions, layers, doc_index, options,
                                                        doc_fields, seen_in))
    errors = dict(extractor_errors or {})
    options = replace(options, seed=resolved_seed(options.seed))
    if gold_fingerprint is None:
        gold_fingerprint = fingerprint_of(documents, doc_spans)
    pos = np.arange(len(documents), dtype=np.int64) if positions is None else np.asarray(positions, np.int64)
    spans_tables, spans_lists, points = layer_tables(layers, pos)
    partial = make_partial(
        [d.id for d in documents], spans_tables | tables, partial_settings(options, mapping),
        {"source": gold_source, "fingerprint": gold_fingerprint,
         "documents": len(documents) if gold_documents is None else gold_documents}, positions,
        sources=[predictions_source] if predictions_source else [], extractor_errors=errors,
        missing_predictions=[d.id for d in documents if d.id not in predictions and d.id not in errors],
        dropped=dict(sorted((dropped or {}).items())), axes=axes, lists=spans_lists | lists, points=points,
        below_threshold=dict(sorted(below.items())))
    return partial, layers if keep_detail else None


def score(documents: Sequence[Document], gold: Sequence[Span], predictions: Mapping[str, Sequence[object]],
          options: ScoreOptions = ScoreOptions(), *, detail: bool = True, **context) -> Report:
    """Score `predictions` (doc id -> predicted spans: Predictions or plain dicts) against `gold`
    spans of `documents`.

    Raises CorpusError listing every problem with the gold (the validator's rules, unless the
    caller already ran them: `gold_checked`) or the predictions. A document without an entry in
    `predictions` counts as predicting nothing and is listed in `report.missing_predictions`.
    `detail=False` keeps no per-span detail (the report's tables and JSON without spans).
    `context`: the keyword arguments of `score_partial`.
    """
    with collector.paused():
        partial, layers = score_partial(documents, gold, predictions, options, keep_detail=detail, **context)
        return Report.from_partial(partial, layers)
