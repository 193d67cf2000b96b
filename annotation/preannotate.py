"""What `--with` pre-annotates tasks with: nothing, the gold, or an extractor's predictions.

All of them become Label Studio *predictions* of a model version, never annotations: an
annotator who opens the task gets the prediction as a starting point, and Submit creates the
annotator's own annotation (`completed_by` = the annotator, `parent_prediction` = the gold).
So every span pulled back is credited to the person who drew or kept it; pushing the gold as an
annotation made every later edit an edit of the pusher's annotation, credited to the pusher.
The gold is the model version `newsspans-gold`; a document without gold gets no prediction
(so annotators start from an empty task, not from an empty annotation that would vote).
Whatever cannot be shown is listed in `notes`, never dropped silently.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from newsspans.corpus.model import Document
from newsspans.corpus.standoff import spans_by_document
from newsspans.corpus.store import Corpus

from .tasks import gold_result, prediction_result

WITH_CHOICES = "none, gold, predictions:FILE or extractor:NAME"
GOLD_MODEL_VERSION = "newsspans-gold"


@dataclass
class PreAnnotations:
    predictions: dict[str, list[dict]] | None = None   # doc id -> Label Studio result
    model_version: str | None = None
    notes: list[str] = field(default_factory=list)


def _predicted(kind: str, arg: str, documents: list[Document]) -> dict:
    """Predictions per document id from a predictions file or an extractor run."""
    if kind == "predictions":
        from newsspans.evaluation.predictions import read_predictions

        return read_predictions(Path(arg))
    from newsspans.evaluation.extractors.runner import load_extractor, run_extractor

    run = run_extractor(load_extractor(arg), documents, progress=sys.stderr.isatty())
    if run.errors:
        raise ValueError("the extractor failed on: " + "; ".join(f"{k}: {v}" for k, v in run.errors.items()))
    return run.predictions


def pre_annotations(spec: str, corpus: Corpus, documents: list[Document],
                    model_version: str | None = None) -> PreAnnotations:
    """Resolve a `--with` value against the corpus."""
    kind, _, arg = spec.partition(":")
    if spec == "none":
        return PreAnnotations()
    if spec == "gold":
        _, spans = corpus.load()
        gold = spans_by_document(spans)
        return PreAnnotations(predictions={d.id: gold_result(d, gold[d.id]) for d in documents if d.id in gold},
                              model_version=model_version or GOLD_MODEL_VERSION)
    if kind not in ("predictions", "extractor") or not arg:
        raise ValueError(f"--with {spec!r}: expected {WITH_CHOICES}")
    predicted = _predicted(kind, arg, documents)
    unknown = sorted(set(predicted) - {d.id for d in documents})
    if unknown:
        raise ValueError(f"predictions for documents not in the corpus: {', '.join(unknown)}")
    out = PreAnnotations(predictions={}, model_version=model_version or (Path(arg).stem if kind == "predictions" else arg))
    for doc in documents:
        if doc.id in predicted:
            shown = prediction_result(doc, predicted[doc.id])
            out.predictions[doc.id] = shown.result
            out.notes += shown.skipped
    return out
