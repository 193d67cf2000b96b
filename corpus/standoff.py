"""The gold standoff file: JSON Lines, one span per line, sorted by document order and offset.

One span per line keeps diffs reviewable: adding, removing or correcting a span touches one line.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from pathlib import Path

from .atomic import write_text_atomic
from .errors import CorpusError, Problem
from .jsonl import jsonl_records, read_utf8
from .model import PROVENANCE_FIELDS, SPAN_FIELDS, Span

_REQUIRED_ORDER = ("doc_id", "id", "start", "end", "label", "text")
_REQUIRED = frozenset(_REQUIRED_ORDER)
_KNOWN = set(SPAN_FIELDS) | set(PROVENANCE_FIELDS)
_OPTIONAL_STR = ("canonical", "num_kind", "speaker", "annotator", "annotated_at")


@dataclass(frozen=True)
class LocatedSpan:
    """A span with the file and line it was read from, so every error can point at it."""

    span: Span
    file: str
    line: int


def span_from_dict(record: dict, file: str = "", line: int | None = None) -> Span:
    """Build a span from a standoff record, checking field presence and types."""
    if not isinstance(record, dict):
        raise CorpusError(Problem("expected a JSON object", file=file, line=line))
    # The common case first, without building an error location: this runs for every gold span.
    get = record.get
    if _REQUIRED <= record.keys() <= _KNOWN and type(record["start"]) is int and type(record["end"]) is int \
            and type(record["doc_id"]) is str and type(record["id"]) is str and type(record["label"]) is str \
            and type(record["text"]) is str and (get("canonical") is None or type(get("canonical")) is str):
        if (get("num_kind") is None or type(get("num_kind")) is str) \
                and (get("speaker") is None or type(get("speaker")) is str) \
                and (get("annotator") is None or type(get("annotator")) is str) \
                and (get("annotated_at") is None or type(get("annotated_at")) is str):
            return Span(**record)
    doc_id, span_id = record.get("doc_id"), record.get("id")
    where = dict(file=file, line=line, doc_id=doc_id if isinstance(doc_id, str) else None,
                 span_id=span_id if isinstance(span_id, str) else None)
    problems = []
    missing = [k for k in _REQUIRED_ORDER if k not in record]
    if missing:
        problems.append(Problem("missing field " + ", ".join(repr(k) for k in missing), **where))
    unknown = sorted(set(record) - _KNOWN)
    if unknown:
        problems.append(Problem("unknown field " + ", ".join(repr(k) for k in unknown), **where))
    for key in ("start", "end"):
        if key in record and (not isinstance(record[key], int) or isinstance(record[key], bool)):
            problems.append(Problem(f"{key!r} must be an integer, got {record[key]!r}", **where))
    for key in ("doc_id", "id", "label", "text"):
        if key in record and not isinstance(record[key], str):
            problems.append(Problem(f"{key!r} must be a string, got {record[key]!r}", **where))
    for key in _OPTIONAL_STR:
        if record.get(key) is not None and not isinstance(record[key], str):
            problems.append(Problem(f"{key!r} must be a string or null, got {record[key]!r}", **where))
    if problems:
        raise CorpusError(problems)
    return Span(**{k: record.get(k) for k in _KNOWN})


def read_spans(path: Path) -> list[LocatedSpan]:
    """Read a standoff file; every malformed line is reported, with its line number."""
    path = Path(path)
    located, problems = [], []
    text = read_utf8(path) if path.exists() else ""
    for number, record in jsonl_records(text, str(path), problems):
        try:
            located.append(LocatedSpan(span_from_dict(record, str(path), number), str(path), number))
        except CorpusError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CorpusError(problems)
    return located


def spans_by_document(spans: Iterable[Span]) -> dict[str, list[Span]]:
    """{doc id: its spans, in their order}: the grouping every gold pass and the scorer need, a C loop over
    each document's run of spans (gold spans come grouped by document) rather than a step per span."""
    out: dict[str, list[Span]] = {}
    for doc_id, run in groupby(spans, key=attrgetter("doc_id")):
        if doc_id in out:
            out[doc_id].extend(run)
        else:
            out[doc_id] = list(run)
    return out


def sort_spans(spans: Iterable[Span], doc_order: Sequence[str]) -> list[Span]:
    """Canonical order: document order, then start, longer span first, then label and id."""
    rank = {doc_id: i for i, doc_id in enumerate(doc_order)}
    return sorted(spans, key=lambda s: (rank.get(s.doc_id, len(rank)), s.doc_id, s.start, -s.end, s.label, s.id))


def dumps_spans(spans: Iterable[Span]) -> str:
    return "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in spans)


def write_spans(path: Path, spans: Iterable[Span], doc_order: Sequence[str]) -> None:
    """Write the standoff file in canonical order, atomically."""
    write_text_atomic(Path(path), dumps_spans(sort_spans(spans, doc_order)))
