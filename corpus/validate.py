"""The gold validator: every rule is checked and every violation reported at once."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np

from .errors import Problem
from .graphemes import cluster_at, describe_cluster, grapheme_bounds, one_per_code_point
from .model import CANONICAL_LABELS, LABELS, NUM_KINDS, SPEAKER_LABELS, Document
from .standoff import LocatedSpan


def _where(ls: LocatedSpan) -> dict:
    return dict(file=ls.file, line=ls.line, doc_id=ls.span.doc_id, span_id=ls.span.id)


def _cluster_problems(ls: LocatedSpan, text: str, bounds: Container[int]) -> list[str]:
    """A span boundary must fall between user-perceived characters (grapheme clusters), never inside one."""
    out = []
    for side, offset in (("start", ls.span.start), ("end", ls.span.end)):
        if offset not in bounds:
            a, b = cluster_at(text, offset)
            out.append(f"span {side} {offset} splits the character {describe_cluster(text[a:b])} at [{a}, {b}); "
                       f"move it to {a} or {b}")
    return out


def _span_problems(ls: LocatedSpan, text: str) -> list[str]:
    """Rules about one span on its own."""
    s = ls.span
    out = []
    if s.label not in LABELS:
        out.append(f"unknown label {s.label!r} (known: {', '.join(LABELS)})")
    if not (0 <= s.start < s.end <= len(text)):
        out.append(f"offsets [{s.start}, {s.end}) are not inside the text (length {len(text)}) "
                   "or start >= end")
        return out
    actual = text[s.start:s.end]
    if actual != s.text:
        out.append(f"text {s.text!r} does not match text[{s.start}:{s.end}] = {actual!r}")
    if actual[:1].isspace() or actual[-1:].isspace():
        out.append(f"span starts or ends on whitespace: {actual!r}")
    if s.num_kind is not None and s.label != "NUM":
        out.append(f"num_kind is only for NUM spans, found on {s.label}")
    if s.label == "NUM" and s.num_kind not in NUM_KINDS:
        out.append(f"NUM span needs num_kind in {', '.join(NUM_KINDS)}, found {s.num_kind!r}")
    if s.canonical is not None and s.label not in CANONICAL_LABELS:
        out.append(f"canonical is only for {'/'.join(sorted(CANONICAL_LABELS))} spans, found on {s.label}")
    if s.canonical is not None and not s.canonical.strip():
        out.append("canonical is empty; use null for no canonical name")
    if s.speaker is not None and s.label != "QUOTE":
        out.append(f"speaker is only for QUOTE spans, found on {s.label}")
    return out


def _overlaps(spans: list[LocatedSpan]) -> Iterable[tuple[LocatedSpan, LocatedSpan]]:
    """Pairs of overlapping spans (touching spans do not overlap), by a sweep over sorted starts."""
    ordered = sorted(spans, key=lambda ls: (ls.span.start, ls.span.end))
    active: list[LocatedSpan] = []
    for ls in ordered:
        active = [a for a in active if a.span.end > ls.span.start]
        for a in active:
            yield a, ls
        active.append(ls)


@dataclass(frozen=True)
class SpanColumns:
    """The fields `validate` reads of some spans, one list per field (index i is span i)."""

    doc_id: Sequence[object]
    id: Sequence[object]
    start: Sequence[object]
    end: Sequence[object]
    label: Sequence[object]
    text: Sequence[object]
    canonical: Sequence[object]
    num_kind: Sequence[object]
    speaker: Sequence[object]

    @classmethod
    def of(cls, spans: Sequence) -> SpanColumns:
        """The columns of Span objects (comprehensions: their attribute loads are specialised)."""
        return cls([s.doc_id for s in spans], [s.id for s in spans], [s.start for s in spans],
                   [s.end for s in spans], [s.label for s in spans], [s.text for s in spans],
                   [s.canonical for s in spans], [s.num_kind for s in spans], [s.speaker for s in spans])


_LABELS = frozenset(LABELS)
# (label, num_kind) of a span that breaks neither num_kind rule.
_NUM_PAIRS = frozenset([("NUM", kind) for kind in NUM_KINDS] + [(label, None) for label in LABELS if label != "NUM"])
_IS_QUOTE = {label: int(label == "QUOTE") for label in LABELS}  # the layer of a label: 1 quote, 0 entity


def proven_valid(texts: Mapping[str, str], columns: SpanColumns, require_canonical: bool = False,
                 slices: Sequence[str] | None = None) -> bool:
    """True only if `validate` would find nothing wrong with these spans (of the documents
    `texts`: id -> text), checked for all spans at once; False when any rule might be broken.
    `slices`: each span's `text[start:end]`, when the caller has cut them already.

    The fast path of reading gold: `validate` then runs only when this fails, to explain what is
    wrong, so its messages are the only ones users ever see. Each check below is one of
    `validate`'s rules, in bulk (tests/corpus/test_validate_fast.py checks that both agree).
    The rules compare values as `validate` does (==, hashing): a value of an odd type is judged
    alike, and one that cannot be compared, hashed or sliced is simply not proven valid.
    """
    try:
        return _proven(texts, columns, require_canonical, slices)
    except (TypeError, AttributeError, OverflowError):
        return False


def _proven(texts: Mapping[str, str], c: SpanColumns, require_canonical: bool, slices: Sequence[str] | None) -> bool:
    n = len(c.doc_id)
    if n == 0:
        return True
    # Offsets are ints (not bools or floats, which slicing or numpy would take), inside the text, start < end.
    if not (set(map(type, c.start)) | set(map(type, c.end)) <= {int}
            and set(c.label) <= _LABELS and set(c.doc_id) <= texts.keys()):
        return False
    start, end = np.array(c.start, dtype=np.int64), np.array(c.end, dtype=np.int64)  # OverflowError past 64 bits
    lengths = {d: len(t) for d, t in texts.items()}
    length = np.fromiter(map(lengths.__getitem__, c.doc_id), dtype=np.int64, count=n)
    if not bool(np.all((0 <= start) & (start < end) & (end <= length))):
        return False
    # The text is the slice, which neither starts nor ends on whitespace (strip removes exactly
    # what str.isspace calls whitespace).
    actual = [texts[d][a:b] for d, a, b in zip(c.doc_id, c.start, c.end)] if slices is None else slices
    if actual != c.text or list(map(str.strip, actual)) != actual:
        return False
    # num_kind, canonical and speaker only where their labels allow them.
    if not set(zip(c.label, c.num_kind)) <= _NUM_PAIRS:
        return False
    if any(name is not None for name in c.canonical):
        named = [(label, name) for label, name in zip(c.label, c.canonical) if name is not None]
        if not {label for label, _ in named} <= CANONICAL_LABELS or not all(name.strip() for _, name in named):
            return False
    if require_canonical and any(name is None for label, name in zip(c.label, c.canonical)
                                 if label in CANONICAL_LABELS):
        return False
    # Span ids unique within a document; each speaker a PER/ORG span of its own document.
    keys = list(zip(c.doc_id, c.id))
    if len(set(keys)) != n:
        return False
    speakers = [(d, who, label) for d, who, label in zip(c.doc_id, c.speaker, c.label) if who is not None]
    if speakers:
        if {label for _, _, label in speakers} != {"QUOTE"}:
            return False
        speakable = set(compress(keys, map(SPEAKER_LABELS.__contains__, c.label)))
        if not all((d, who) in speakable for d, who, _ in speakers):
            return False
    # No overlap within a layer of a document: sorted by start, each start is at or after the
    # largest end before it (spans with equal starts overlap in either order). Group g (document
    # and layer) has its offsets shifted by g * (longest text + 1), so one sort and one running
    # maximum serve every group.
    rank = {d: i for i, d in enumerate(texts)}
    quote = np.fromiter(map(_IS_QUOTE.__getitem__, c.label), dtype=np.int64, count=n)
    shift = (np.fromiter(map(rank.__getitem__, c.doc_id), dtype=np.int64, count=n) * 2 + quote) \
        * (int(length.max()) + 1)
    start, end = start + shift, end + shift
    order = np.argsort(start, kind="stable")  # spans mostly come sorted: a stable sort runs through them
    if not bool(np.all(start[order][1:] >= np.maximum.accumulate(end[order])[:-1])):
        return False
    # Boundaries between grapheme clusters: nothing to check in a text of one cluster per code point.
    bounds = {d: grapheme_bounds(texts[d]) for d in set(c.doc_id) if not one_per_code_point(texts[d])}
    return not bounds or all(a in bounds[d] and b in bounds[d] for d, a, b in zip(c.doc_id, c.start, c.end)
                             if d in bounds)


def validate(documents: Sequence[Document], spans: Sequence[LocatedSpan],
             require_canonical: bool = False) -> list[Problem]:
    """All rule violations of `spans` against `documents` (an empty list means valid).

    `require_canonical` also demands a canonical name on every PER/LOC/ORG span (the gold rule);
    it is off for partial annotation work in progress.
    """
    texts = {d.id: d.text for d in documents}
    if proven_valid(texts, SpanColumns.of([ls.span for ls in spans]), require_canonical):
        return []
    return _problems(texts, spans, require_canonical)


def _problems(texts: Mapping[str, str], spans: Sequence[LocatedSpan], require_canonical: bool) -> list[Problem]:
    """`validate`'s answer, span by span: every problem with its message."""
    bounds: dict[str, frozenset[int]] = {}
    problems: list[Problem] = []
    by_doc: dict[str, list[LocatedSpan]] = defaultdict(list)
    for ls in spans:
        if ls.span.doc_id not in texts:
            problems.append(Problem("span refers to a document that does not exist", **_where(ls)))
            continue
        text = texts[ls.span.doc_id]
        own = _span_problems(ls, text)
        if 0 <= ls.span.start < ls.span.end <= len(text):  # offsets inside the text: check the clusters
            if ls.span.doc_id not in bounds:
                bounds[ls.span.doc_id] = grapheme_bounds(text)
            own += _cluster_problems(ls, text, bounds[ls.span.doc_id])
        problems += [Problem(m, **_where(ls)) for m in own]
        if require_canonical and ls.span.label in CANONICAL_LABELS and ls.span.canonical is None:
            problems.append(Problem(f"{ls.span.label} span needs a canonical name", **_where(ls)))
        by_doc[ls.span.doc_id].append(ls)

    for doc_id, doc_spans in by_doc.items():
        ids: dict[str, LocatedSpan] = {}
        for ls in doc_spans:
            if ls.span.id in ids:
                problems.append(Problem(f"duplicate span id (first at line {ids[ls.span.id].line})", **_where(ls)))
            else:
                ids[ls.span.id] = ls
        for layer_labels, layer in ((set(LABELS) - {"QUOTE"}, "entity"), ({"QUOTE"}, "quote")):
            layer_spans = [ls for ls in doc_spans if ls.span.label in layer_labels]
            for a, b in _overlaps(layer_spans):
                problems.append(Problem(
                    f"{layer}-layer spans overlap: {b.span.label} [{b.span.start}, {b.span.end}) and "
                    f"{a.span.label} {a.span.id!r} [{a.span.start}, {a.span.end}) at line {a.line}", **_where(b)))
        for ls in doc_spans:
            if ls.span.speaker is None:
                continue
            target = ids.get(ls.span.speaker)
            if target is None:
                problems.append(Problem(f"speaker {ls.span.speaker!r} is not a span of this document", **_where(ls)))
            elif target.span.label not in SPEAKER_LABELS:
                problems.append(Problem(f"speaker {ls.span.speaker!r} is a {target.span.label} span; "
                                        "a speaker must be PER or ORG", **_where(ls)))
    return sorted(problems, key=lambda p: (p.file, p.line or 0))
