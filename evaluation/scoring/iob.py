"""IOB2 tag sequences <-> token spans, with the two readings tools disagree on.

- `strict` (seqeval `mode="strict", scheme=IOB2`): an entity is a `B-X` followed by any `I-X`;
  an `I-` tag without a `B-` before it belongs to no entity, and `B-PER I-LOC` is a one-token
  PER followed by a stray `I-LOC`.
- `conlleval` (seqeval's default mode and conlleval.pl): an `I-X` after `O` or after another
  type starts a new entity, so `I-PER I-PER` is one PER and `B-PER I-LOC` is PER then LOC.

Spans are `(start, end, label)` in token indices, end exclusive.
"""
from __future__ import annotations

from collections.abc import Sequence

TokenSpan = tuple[int, int, str]


def _split(tag: str) -> tuple[str, str]:
    if tag == "O":
        return "O", ""
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in ("B", "I") or not label:
        raise ValueError(f"not an IOB2 tag: {tag!r} (expected O, B-LABEL or I-LABEL)")
    return prefix, label


def iob2_to_spans(tags: Sequence[str], mode: str = "strict") -> list[TokenSpan]:
    """Entities of one tag sequence under `mode` ("strict" or "conlleval"); see module docstring."""
    if mode not in ("strict", "conlleval"):
        raise ValueError(f"mode must be 'strict' or 'conlleval', got {mode!r}")
    spans: list[TokenSpan] = []
    start, label = None, ""
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, lab = _split(tag)
        continues = prefix == "I" and start is not None and lab == label
        if continues:
            continue
        if start is not None:
            spans.append((start, i, label))
            start = None
        if prefix == "B" or (prefix == "I" and mode == "conlleval"):
            start, label = i, lab
    return spans


def spans_to_iob2(spans: Sequence[TokenSpan], n_tokens: int) -> list[str]:
    """IOB2 tags for non-overlapping token spans."""
    tags = ["O"] * n_tokens
    for start, end, label in sorted(spans):
        if not 0 <= start < end <= n_tokens or any(t != "O" for t in tags[start:end]):
            raise ValueError(f"span ({start}, {end}, {label}) is outside the sentence or overlaps another")
        tags[start] = f"B-{label}"
        tags[start + 1:end] = [f"I-{label}"] * (end - start - 1)
    return tags
