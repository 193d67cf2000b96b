"""Swap person or place names in gold documents, shifting every gold offset exactly.

Swap types: `person` replaces PER entities, `place` LOC entities. Each gold entity (its
mentions grouped by `canonical`, else by text) gets one replacement from the bundled list
(`data/persons.txt`, `data/places.txt`), chosen by a seeded random draw among the names that
are not already a name in the document, so one entity keeps one new name throughout:

- place: every mention becomes the new name;
- person: a mention equal to the canonical name becomes the new full name, one equal to its
  last (first) word the new last (first) name. An entity with any other kind of mention
  ("Mr Scholz" as one span, say) is left as it is, so a document never mixes old and new.

A trailing possessive ('s, ’s) of a mention is kept after the new name. A replacement that
would cut another gold span's boundary is skipped with its whole entity. Every other gold span
keeps its characters; its offsets move by the length change of the replacements before it, and
a span containing a replaced mention (a quote) grows or shrinks by theirs.
"""
from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from newsspans.corpus.model import Document, Span
from newsspans.corpus.standoff import spans_by_document

SWAP_LABELS: dict[str, str] = {"person": "PER", "place": "LOC"}
LISTS: dict[str, str] = {"person": "persons.txt", "place": "places.txt"}
_POSSESSIVES = ("'s", "’s")


@cache
def replacement_names(swap: str) -> tuple[str, ...]:
    """The bundled replacement list of a swap type."""
    text = files("newsspans.evaluation.probes").joinpath("data", LISTS[swap]).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _split_possessive(text: str) -> tuple[str, str]:
    for suffix in _POSSESSIVES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[:-len(suffix)], suffix
    return text, ""


def _new_mention(swap: str, mention: str, canonical: str, new: str) -> str | None:
    """The replacement text of one mention, or None when the mention cannot be mapped."""
    bare, suffix = _split_possessive(mention)
    if swap == "place":
        return new + suffix
    old_words, new_words = canonical.split(), new.split()
    if bare == canonical:
        return new + suffix
    if len(old_words) > 1 and bare == old_words[-1]:
        return new_words[-1] + suffix
    if len(old_words) > 1 and bare == old_words[0]:
        return new_words[0] + suffix
    return None


@dataclass(frozen=True)
class Swapped:
    """A probed gold: documents with new texts, their shifted spans, and what was changed."""

    documents: list[Document]
    spans: list[Span]
    entities: int  # entities renamed
    mentions: int  # mentions rewritten
    documents_changed: int


def _shift(position: int, edits: Sequence[tuple[int, int, str]]) -> int:
    """Where `position` of the old text is in the new one (edits sorted, not overlapping)."""
    return position + sum(len(new) - (end - start) for start, end, new in edits if end <= position)


def swap_document(doc: Document, spans: Sequence[Span], swap: str,
                  rng: random.Random) -> tuple[Document, list[Span], int, int]:
    """One document with the entities of `swap`'s label renamed; returns (document, spans, entities, mentions)."""
    label = SWAP_LABELS[swap]
    entities: dict[str, list[Span]] = defaultdict(list)
    for s in spans:
        if s.label == label:
            entities[s.canonical or s.text].append(s)
    taken = {s.text.casefold() for s in spans} | {(s.canonical or "").casefold() for s in spans}
    pool = [n for n in replacement_names(swap) if n.casefold() not in taken]
    boundaries = {p for s in spans for p in (s.start, s.end)}
    edits: list[tuple[int, int, str]] = []
    renamed: dict[str, str] = {}
    for canonical in sorted(entities):
        if not pool:
            break
        new = pool.pop(rng.randrange(len(pool)))
        mentions = entities[canonical]
        texts = [_new_mention(swap, m.text, canonical, new) for m in mentions]
        cuts = any(m.start < b < m.end for m in mentions for b in boundaries)
        if any(t is None for t in texts) or cuts:
            continue
        edits += [(m.start, m.end, t) for m, t in zip(mentions, texts)]
        renamed[canonical] = new
    if not edits:
        return doc, list(spans), 0, 0
    edits.sort()
    pieces, last = [], 0
    for start, end, new in edits:
        pieces += [doc.text[last:start], new]
        last = end
    text = "".join(pieces) + doc.text[last:]
    out = []
    for s in spans:
        start, end = _shift(s.start, edits), _shift(s.end, edits)
        canonical = renamed.get(s.canonical or s.text, s.canonical) if s.label == label else s.canonical
        out.append(dataclasses.replace(s, start=start, end=end, text=text[start:end], canonical=canonical))
    # Segments say where the original characters came from; the probed text has no such source.
    return dataclasses.replace(doc, text=text, segments=()), out, len(renamed), len(edits)


def swap_names(documents: Sequence[Document], spans: Sequence[Span], swap: str, seed: int = 0) -> Swapped:
    """Every document with `swap`'s entities renamed (see the module docstring)."""
    if swap not in SWAP_LABELS:
        raise ValueError(f"unknown swap type {swap!r} (known: {', '.join(SWAP_LABELS)})")
    rng = random.Random(seed)
    by_doc = spans_by_document(spans)
    docs, new_spans, n_entities, n_mentions, changed = [], [], 0, 0, 0
    for doc in documents:
        new_doc, doc_spans, e, m = swap_document(doc, by_doc.get(doc.id, []), swap, rng)
        docs.append(new_doc)
        new_spans += doc_spans
        n_entities, n_mentions, changed = n_entities + e, n_mentions + m, changed + (e > 0)
    return Swapped(docs, new_spans, n_entities, n_mentions, changed)
