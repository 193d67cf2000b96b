"""Deterministic tokenization and sentence splitting for the `tokens` config.

Tokens (first matching alternative wins, whitespace separates nothing else):
  1. a number with separators or decimals: ``21,692``, ``0.7``;
  2. a run of letters, digits and underscores, each with its combining marks: ``Lavrov``, ``3bn``,
     ``G7``, ``Zu\u0308rich``;
  3. a possessive clitic after a word: ``'s`` / ``’s`` (so "Russia's" -> "Russia", "'s");
  4. any other single user-perceived character (grapheme cluster) that is not space: punctuation,
     quotation marks, ``$``, ``–``, a flag, an emoji ZWJ sequence such as a family.
No token boundary falls inside a grapheme cluster (see graphemes.py), so none splits an accent
from its letter or cuts a ZWJ sequence.
Sentences: the title is one sentence; a new sentence starts after every line break and after
``.``, ``!``, ``?`` or ``…`` (plus any closing quotes/brackets) followed by whitespace, unless
that position is inside an annotated span: no span is ever cut by a sentence boundary. A span
boundary that falls inside a token is an error, reported by the build.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from .errors import Problem
from .model import Span

# `regex`, not `re`: \p{M} (combining marks) and \X (a grapheme cluster) are needed; a word's
# letters may carry marks and joiners, and a lone symbol is taken as its whole cluster.
_TOKEN = regex.compile(r"\d+(?:[.,]\d+)+|(?:\w[\p{M}\u200d]*)+|(?<=\w)['\u2019]s\b|(?=\S)\X")
_SENTENCE_END = re.compile(r"[.!?\u2026]['\"\u2018\u2019\u201c\u201d)\]]*(?=\s)|\n+")


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    tokens: tuple[tuple[int, int], ...]  # (start, end) per token


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Token offsets of `text[start:end]`, as offsets into `text`."""
    end = len(text) if end is None else end
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def sentence_bounds(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets; candidate boundaries inside any span are skipped."""
    inside = [(s.start, s.end) for s in spans]
    bounds, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        cut = m.end()
        if any(a < cut < b for a, b in inside):
            continue
        if text[start:cut].strip():
            bounds.append((start, cut))
        start = cut
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def sentences(doc_id: str, text: str, spans: Sequence[Span]) -> list[Sentence]:
    return [Sentence(doc_id, i, tuple(tokenize(text, a, b)))
            for i, (a, b) in enumerate(sentence_bounds(text, spans))]


def iob2(tokens: Sequence[tuple[int, int]], spans: Sequence[Span]) -> tuple[list[str], list[Problem]]:
    """IOB2 tags for `tokens` from non-overlapping `spans`; misaligned span boundaries are problems."""
    tags = ["O"] * len(tokens)
    problems = []
    starts = {a: i for i, (a, _) in enumerate(tokens)}
    ends = {b: i for i, (_, b) in enumerate(tokens)}
    for s in spans:
        first, last = starts.get(s.start), ends.get(s.end)
        if first is None or last is None:
            side = "start" if first is None else "end"
            problems.append(Problem(f"span {side} falls inside a token; the tokens config cannot represent it",
                                    doc_id=s.doc_id, span_id=s.id))
            continue
        tags[first] = f"B-{s.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{s.label}"
    return tags, problems
