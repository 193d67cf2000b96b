"""Corpus documents and spans -> Label Studio tasks (JSON import format).

One region per span. The region id is the span id, so a span keeps its id through a push and
pull (Label Studio's editor keeps a prediction's region ids when it turns the prediction into an
annotator's annotation); a region drawn in the browser gets Label Studio's random id, which
becomes the new span's id. Attributes ride on the same region id: `num_kind` as a per-region Choices result,
`canonical` as a per-region TextArea result, the speaker as a relation QUOTE -> PER/ORG.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsspans.corpus.model import LABELS, SPEAKER_LABELS, Document, Span

from .config import CANONICAL_TAG, LABEL_TAG, NUM_KIND_TAG, SPEAKER_RELATION, TEXT_TAG


def _region_value(span_start: int, span_end: int, text: str) -> dict:
    return {"start": span_start, "end": span_end, "text": text[span_start:span_end]}


def region_results(region_id: str, start: int, end: int, label: str, text: str,
                   canonical: str | None = None, num_kind: str | None = None) -> list[dict]:
    """The results of one region: its label, plus num_kind and canonical when set."""
    base = {"id": region_id, "to_name": TEXT_TAG}
    value = _region_value(start, end, text)
    out = [{**base, "from_name": LABEL_TAG, "type": "labels", "value": {**value, "labels": [label]}}]
    if num_kind is not None:
        out.append({**base, "from_name": NUM_KIND_TAG, "type": "choices", "value": {**value, "choices": [num_kind]}})
    if canonical is not None:
        # A per-region TextArea stores its lines under value.text (a list), next to the offsets.
        out.append({**base, "from_name": CANONICAL_TAG, "type": "textarea",
                    "value": {"start": start, "end": end, "text": [canonical]}})
    return out


def speaker_relation(quote_region: str, speaker_region: str) -> dict:
    """A relation drawn from a QUOTE region to the region of its speaker."""
    return {"from_id": quote_region, "to_id": speaker_region, "type": "relation",
            "direction": "right", "labels": [SPEAKER_RELATION]}


def gold_result(doc: Document, spans: Iterable[Span]) -> list[dict]:
    """Label Studio results for the gold spans of one document (ids and links kept)."""
    spans = list(spans)
    out = [r for s in spans for r in region_results(s.id, s.start, s.end, s.label, doc.text, s.canonical, s.num_kind)]
    out += [speaker_relation(s.id, s.speaker) for s in spans if s.speaker is not None]
    return out


@dataclass
class PredictionResult:
    """Results for one document's predictions, and what could not be shown (never silent)."""

    result: list[dict]
    skipped: list[str] = field(default_factory=list)


def prediction_result(doc: Document, predictions: Sequence) -> PredictionResult:
    """Label Studio results for predictions (objects with start/end/label/num_kind/speaker).

    Regions are numbered `p1, p2, ...` in order. A speaker given as offsets is drawn as a
    relation when a predicted PER/ORG region has exactly those offsets; a speaker given as a
    name, or pointing at no predicted region, cannot be drawn and is listed in `skipped`.
    """
    out = PredictionResult(result=[])
    regions: dict[tuple[int, int], tuple[str, str]] = {}
    quotes: list[tuple[str, object]] = []
    for i, p in enumerate(sorted(predictions, key=lambda p: (p.start, -p.end, p.label)), start=1):
        where = f"document {doc.id!r}: predicted {p.label} [{p.start}, {p.end})"
        if p.label not in LABELS:
            out.skipped.append(f"{where}: unknown label (known: {', '.join(LABELS)})")
            continue
        if not (0 <= p.start < p.end <= len(doc.text)):
            out.skipped.append(f"{where}: offsets outside the text (length {len(doc.text)})")
            continue
        region_id = f"p{i}"
        num_kind = p.num_kind if p.label == "NUM" else None
        out.result += region_results(region_id, p.start, p.end, p.label, doc.text, None, num_kind)
        regions.setdefault((p.start, p.end), (region_id, p.label))
        if p.label == "QUOTE" and p.speaker is not None:
            quotes.append((region_id, p.speaker))
    for region_id, speaker in quotes:
        target = regions.get(tuple(speaker)) if isinstance(speaker, (tuple, list)) else None
        if target is not None and target[1] in SPEAKER_LABELS:
            out.result.append(speaker_relation(region_id, target[0]))
        else:
            out.skipped.append(f"document {doc.id!r}: speaker {speaker!r} of predicted quote {region_id} "
                               "is not a predicted PER/ORG region, so no relation is drawn")
    return out


def task_data(doc: Document) -> dict:
    """The task's data: `text` is what annotators see; `doc_id` matches tasks to documents."""
    return {"text": doc.text, "doc_id": doc.id, "title": doc.title}


def build_task(doc: Document, prediction: list[dict] | None = None, model_version: str | None = None) -> dict:
    """One import task: data, plus a prediction result (the gold or an extractor's) when given."""
    task: dict = {"data": task_data(doc)}
    if prediction is not None:
        task["predictions"] = [{"result": prediction, "model_version": model_version or "predictions"}]
    return task
