"""The gold validator: every rule is checked and every violation reported at once."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Sequence

from .errors import Problem
from .graphemes import cluster_at, describe_cluster, grapheme_bounds
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


def validate(documents: Sequence[Document], spans: Sequence[LocatedSpan],
             require_canonical: bool = False) -> list[Problem]:
    """All rule violations of `spans` against `documents` (an empty list means valid).

    `require_canonical` also demands a canonical name on every PER/LOC/ORG span (the gold rule);
    it is off for partial annotation work in progress.
    """
    texts = {d.id: d.text for d in documents}
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
