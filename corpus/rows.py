"""Dataset rows for each config, from documents and gold spans (pure functions)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from .errors import Problem
from .model import ENTITY_LABELS, Document, Span
from .standoff import spans_by_document
from .tokens import iob2, sentences

_SPAN_KEYS = ("id", "start", "end", "label", "text", "canonical", "num_kind", "speaker")
# Metadata a document may lack: "" in the model, null in the dataset (what `datasets` users test
# for with `is None`), as the span attributes already are.
_OPTIONAL_DOC_KEYS = ("outlet", "agency", "dateline", "published")


def _null_if_empty(row: dict, keys: Sequence[str]) -> dict:
    return {**row, **{k: row[k] or None for k in keys}}


def document_rows(documents: Sequence[Document], spans: Sequence[Span]) -> list[dict]:
    """One row per document with its spans ordered by offset."""
    grouped = spans_by_document(spans)
    rows = []
    for doc in documents:
        row = _null_if_empty(doc.to_dict(), _OPTIONAL_DOC_KEYS)
        # `field` names the JSONL record field a run was copied from; a scraped page has none.
        row["segments"] = [_null_if_empty(asdict(s), ("field",)) for s in doc.segments]
        ordered = sorted(grouped.get(doc.id, []), key=lambda s: (s.start, -s.end, s.label, s.id))
        row["spans"] = [{k: getattr(s, k) for k in _SPAN_KEYS} for s in ordered]
        rows.append(row)
    return rows


def token_rows(documents: Sequence[Document], spans: Sequence[Span]) -> tuple[list[dict], list[Problem]]:
    """One row per sentence with IOB2 tags for the entity and quote layers."""
    grouped = spans_by_document(spans)
    rows, problems = [], []
    for doc in documents:
        doc_spans = grouped.get(doc.id, [])
        for sent in sentences(doc.id, doc.text, doc_spans):
            if not sent.tokens:
                continue
            lo, hi = sent.tokens[0][0], sent.tokens[-1][1]
            inside = [s for s in doc_spans if lo <= s.start and s.end <= hi]
            ner, p1 = iob2(sent.tokens, [s for s in inside if s.label in ENTITY_LABELS])
            quote, p2 = iob2(sent.tokens, [s for s in inside if s.label == "QUOTE"])
            problems += p1 + p2
            rows.append({
                "id": f"{doc.id}-{sent.index}",
                "doc_id": doc.id,
                "sentence": sent.index,
                "tokens": [doc.text[a:b] for a, b in sent.tokens],
                "token_starts": [a for a, _ in sent.tokens],
                "token_ends": [b for _, b in sent.tokens],
                "ner_tags": ner,
                "quote_tags": quote,
            })
    return rows, problems
