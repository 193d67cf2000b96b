"""The built-in `baseline` extractor: rules and a small shipped gazetteer, no model, no network.

`extract(text)` returns prediction dicts (the cross-part contract): PER/LOC/ORG from
`names`, NUM with `num_kind` from `numbers`, QUOTE with a `speaker` span from
`quotes`. Entity spans never overlap each other, nor do quote spans; entities may lie
inside quotes (separate layers).
"""
from __future__ import annotations

from .intervals import Ranges
from .names import OTHER, Entity, find_names
from .numbers import find_numbers
from .quotes import find_quotes
from .tokens import tokenize

# Bump when a rule or a gazetteer changes, so cached predictions are recomputed.
BASELINE_VERSION = "1.1.0"


def _span(text: str, start: int, end: int, label: str, **extra) -> dict:
    return {"start": start, "end": end, "label": label, "text": text[start:end], **extra}


def _without_overlaps(names: list[Entity], numbers: list) -> tuple[list[Entity], list]:
    """Drop numbers inside a name ("Act of 2025": the number is part of a law's name) and the
    OTHER names themselves; names never overlap each other by construction."""
    taken = Ranges([(e.start, e.end) for e in names])
    kept = [n for n in numbers if not taken.overlaps(n.start, n.end)]
    return [e for e in names if e.label != OTHER], kept


def extract(text: str) -> list[dict]:
    """Prediction dicts for one document text, sorted by start offset."""
    tokens = tokenize(text)
    names, numbers = _without_overlaps(find_names(text, tokens), find_numbers(text))
    quotes = find_quotes(text, tokens, names)
    spans = [_span(text, e.start, e.end, e.label) for e in names]
    spans += [_span(text, n.start, n.end, "NUM", num_kind=n.kind) for n in numbers]
    for q in quotes:
        extra = {"speaker": {"start": q.speaker[0], "end": q.speaker[1]}} if q.speaker else {}
        spans.append(_span(text, q.start, q.end, "QUOTE", **extra))
    return sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))
