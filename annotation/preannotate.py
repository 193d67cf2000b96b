"""What `--with` pre-annotates tasks with: nothing, the gold, or an extractor's predictions.

Gold becomes Label Studio annotations (to correct); predictions, read from a predictions file
or computed by an extractor, become Label Studio predictions of a model version (to accept or
fix). Whatever cannot be shown is listed in `notes`, never dropped silently.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from newsspans.corpus.model import Document, Span
from newsspans.corpus.store import Corpus

from .tasks import prediction_result

WITH_CHOICES = "none, gold, predictions:FILE or extractor:NAME"


@dataclass
class PreAnnotations:
    gold: dict[str, list[Span]] | None = None          # doc id -> gold spans
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
        gold: dict[str, list[Span]] = {d.id: [] for d in documents}
        for s in spans:
            gold[s.doc_id].append(s)
        return PreAnnotations(gold=gold)
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
