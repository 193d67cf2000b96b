"""Predicted spans and the JSONL predictions format (one line per document: `{"id", "spans"}`).

A prediction is what an extractor returns for one span: offsets into the document text, a label
and, for quotes, an optional speaker given either as a mention span `(start, end)` or as a name.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsspans.corpus.atomic import write_text_atomic
from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import BAD, json_line, jsonl_records, read_utf8
from newsspans.corpus.model import NUM_KINDS


# slots: one instance per span an extractor returns; without a per-instance dict, millions of
# them (and the `canonical` field entity sets need) still fit where they did before.
@dataclass(frozen=True, slots=True)
class Prediction:
    """One predicted span; `file`/`line` say where it was read from, for error messages only."""

    doc_id: str
    start: int
    end: int
    label: str
    text: str | None = None
    num_kind: str | None = None
    speaker: str | tuple[int, int] | None = None
    # The extractor's own name for the entity a mention refers to: it groups predictions into
    # entities (entity-set and coreference scores); absent, a mention's normalized text does.
    canonical: str | None = None
    file: str = field(default="", compare=False, repr=False)
    line: int | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        """The prediction dict of the cross-part contract (doc id and provenance left out)."""
        d: dict = {"start": self.start, "end": self.end, "label": self.label}
        if self.text is not None:
            d["text"] = self.text
        if self.num_kind is not None:
            d["num_kind"] = self.num_kind
        if self.canonical is not None:
            d["canonical"] = self.canonical
        if isinstance(self.speaker, tuple):
            d["speaker"] = {"start": self.speaker[0], "end": self.speaker[1]}
        elif self.speaker is not None:
            d["speaker"] = self.speaker
        return d


class PredictionSet(dict):
    """Predictions per document id (a plain dict) that also remembers where each document's
    line was read from, so errors about a document with no spans can still name file and line."""

    def __init__(self, *args, file: str = "", lines: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file = file
        self.lines = dict(lines or {})


def _get(d: object, key: str):
    """Read a field from a dict or an object with attributes (extractors may return either)."""
    if isinstance(d, Mapping):
        return d.get(key)
    return getattr(d, key, None)


def _is_int(value: object) -> bool:
    # JSON numbers such as 3.0 are accepted as integers; booleans and NaN are not.
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


def _speaker(value: object) -> str | tuple[int, int] | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(_is_int(v) for v in value):
        return int(value[0]), int(value[1])
    start, end = _get(value, "start"), _get(value, "end")
    if _is_int(start) and _is_int(end):
        return int(start), int(end)
    raise ValueError(f"speaker must be a name string or a {{'start', 'end'}} span, got {value!r}")


_NUM_KINDS = frozenset(NUM_KINDS)


def prediction_from_dict(doc_id: str, d: object, file: str = "", line: int | None = None,
                         index: int | None = None) -> Prediction:
    """Check the fields of one prediction dict (or object) and build a `Prediction`.

    Raises CorpusError naming the file, line, document and prediction index on bad fields.
    """
    # The common case first: a dict with well-typed fields and a name (or no) speaker.
    if type(d) is dict:
        get = d.get
        start, end, label, text, num_kind, speaker, canonical = (
            get("start"), get("end"), get("label"), get("text"), get("num_kind"), get("speaker"), get("canonical"))
        if type(start) is int and type(end) is int and type(label) is str and label \
                and (text is None or type(text) is str) and (num_kind is None or num_kind in _NUM_KINDS) \
                and (speaker is None or type(speaker) is str) and (canonical is None or type(canonical) is str):
            return Prediction(doc_id, start, end, label, text, num_kind, speaker, canonical, file=file, line=line)
    # One accessor per prediction, and the error location built only on error: this runs for every
    # span an extractor returns, and was most of the harness's overhead over the baseline's time.
    get = d.get if isinstance(d, Mapping) else (lambda key: getattr(d, key, None))
    problems = []
    start, end, label = get("start"), get("end"), get("label")
    for key, value in (("start", start), ("end", end)):
        if not _is_int(value):
            problems.append(f"{key!r} must be an integer, got {value!r}")
    if not isinstance(label, str) or not label:
        problems.append(f"'label' must be a non-empty string, got {label!r}")
    text, num_kind, canonical = get("text"), get("num_kind"), get("canonical")
    for key, value in (("text", text), ("num_kind", num_kind), ("canonical", canonical)):
        if value is not None and not isinstance(value, str):
            problems.append(f"{key!r} must be a string or null, got {value!r}")
    if isinstance(num_kind, str) and num_kind not in NUM_KINDS:
        problems.append(f"unknown num_kind {num_kind!r} (known: {', '.join(NUM_KINDS)})")
    speaker = None
    try:
        speaker = _speaker(get("speaker"))
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        where = dict(file=file, line=line, doc_id=doc_id, span_id=None if index is None else f"prediction {index}")
        raise CorpusError([Problem(m, **where) for m in problems])
    return Prediction(doc_id, int(start), int(end), label, text, num_kind, speaker, canonical, file=file, line=line)


def _record_predictions(record: object, file: str, line: int) -> tuple[str, list[Prediction]]:
    if not isinstance(record, dict):
        raise CorpusError(Problem('expected a JSON object {"id": ..., "spans": [...]}', file=file, line=line))
    doc_id, spans = record.get("id"), record.get("spans")
    if not isinstance(doc_id, str):
        raise CorpusError(Problem(f"'id' must be a document id string, got {doc_id!r}", file=file, line=line))
    if not isinstance(spans, list):
        raise CorpusError(Problem(f"'spans' must be a list, got {spans!r}", file=file, line=line, doc_id=doc_id))
    return doc_id, predictions_from_dicts(doc_id, spans, file, line)


def predictions_from_dicts(doc_id: str, spans: Iterable[object], file: str = "",
                           line: int | None = None) -> list[Prediction]:
    """Every span of one document as a Prediction; all bad spans are reported together."""
    preds, problems, unplaced = [], [], []
    for i, d in enumerate(spans):
        try:
            preds.append(prediction_from_dict(doc_id, d, file, line, i))
        except CorpusError as exc:
            # Offset-free spans (text and label, no start/end, as LLMs answer) cannot be placed in
            # the text yet: said once per document below rather than twice per span. Only when the
            # missing offsets are all that is wrong, so this stays inert once they may be missing.
            if _get(d, "start") is None and _get(d, "end") is None and isinstance(_get(d, "text"), str) and \
                    all(p.message.startswith(("'start' ", "'end' ")) for p in exc.problems):
                unplaced.append(d)
            else:
                problems.extend(exc.problems)
    if unplaced:
        first = unplaced[0]
        problems.insert(0, Problem(
            f"{len(unplaced)} of {len(preds) + len(unplaced) + len({p.span_id for p in problems})} predicted spans "
            f"have text and label but no start/end offsets (first: {_get(first, 'label')} {_get(first, 'text')!r}); "
            "newsspans cannot place offset-free spans in the text yet", file=file, line=line, doc_id=doc_id))
    if problems:
        raise CorpusError(problems)
    return preds


def parse_predictions(text: str, file: str = "") -> PredictionSet:
    """Parse JSONL predictions text; every bad line is reported, and a document twice is an error."""
    out = PredictionSet(file=file)
    problems: list[Problem] = []
    for number, record in jsonl_records(text, file, problems):
        try:
            doc_id, preds = _record_predictions(record, file, number)
        except CorpusError as exc:
            problems.extend(exc.problems)
            continue
        if doc_id in out.lines:
            problems.append(Problem(f"document listed twice (first at line {out.lines[doc_id]})",
                                    file=file, line=number, doc_id=doc_id))
            continue
        out.lines[doc_id] = number
        out[doc_id] = preds
    if problems:
        raise CorpusError(problems)
    return out


def read_predictions(path: Path) -> PredictionSet:
    """Read a predictions JSONL file: `{"id": doc id, "spans": [prediction dict, ...]}` per line."""
    path = Path(path)
    return parse_predictions(read_utf8(path), str(path))


def dumps_predictions(predictions: Mapping[str, Iterable[Prediction]]) -> str:
    return "".join(json.dumps({"id": doc_id, "spans": [p.to_dict() for p in preds]}, ensure_ascii=False) + "\n"
                   for doc_id, preds in predictions.items())


def write_predictions(path: Path, predictions: Mapping[str, Iterable[Prediction]]) -> None:
    """Write predictions as JSONL, atomically, so they can be re-scored without the extractor."""
    write_text_atomic(Path(path), dumps_predictions(predictions))


# A line as our writers (and most others) write it starts with its id: read that without parsing the line.
_ID_AT_START = re.compile(rb'\{\s*"id"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,')


class PredictionsFile:
    """A predictions JSONL file read on demand, for scoring at any scale: one pass indexes where
    each document's line is (no span is parsed), `take` parses the lines of some documents only.
    Memory is the index plus the documents taken, not the whole file as objects."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.file = str(self.path)
        self.lines: dict[str, int] = {}
        self._where: dict[str, tuple[int, int]] = {}
        problems: list[Problem] = []
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            raise CorpusError(Problem("file not found", file=self.file)) from None
        except OSError as exc:
            raise CorpusError(Problem(f"cannot read: {exc.strerror}", file=self.file)) from None
        with fh:
            offset = 0
            for number, raw in enumerate(fh, start=1):
                start, offset = offset, offset + len(raw)
                if not raw.strip():
                    continue
                doc_id = self._id_of(raw, number, problems)
                if doc_id is None:
                    continue
                if doc_id in self.lines:
                    if self._id_of(raw, number, problems, fast=False) is None:
                        continue  # the line is broken as well: that is what to fix first
                    problems.append(Problem(f"document listed twice (first at line {self.lines[doc_id]})",
                                            file=self.file, line=number, doc_id=doc_id))
                    continue
                self.lines[doc_id] = number
                self._where[doc_id] = (start, len(raw))
        if problems:
            raise CorpusError(problems)

    def _id_of(self, raw: bytes, number: int, problems: list[Problem], fast: bool = True) -> str | None:
        m = _ID_AT_START.match(raw) if fast else None
        if m is not None:
            try:
                return json.loads(b'"' + m.group(1) + b'"')
            except (UnicodeDecodeError, json.JSONDecodeError):
                pass  # the full parse below names the problem
        parsed = self._parse(raw, number, problems)
        return None if parsed is None else parsed[0]

    def _parse(self, raw: bytes, number: int, problems: list[Problem]) -> tuple[str, list[Prediction]] | None:
        """One line's document id and predictions, or None with its problems appended."""
        record = json_line(raw, self.file, number, problems)
        if record is BAD:
            return None
        try:
            return _record_predictions(record, self.file, number)
        except CorpusError as exc:
            problems.extend(exc.problems)
        return None

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._where

    def ids(self) -> list[str]:
        return list(self._where)

    def take(self, doc_ids: Iterable[str]) -> PredictionSet:
        """The predictions of those of `doc_ids` that have a line, parsed and checked as `read_predictions` does."""
        out = PredictionSet(file=self.file)
        problems: list[Problem] = []
        with open(self.path, "rb") as fh:
            for doc_id in doc_ids:
                if doc_id not in self._where:
                    continue
                start, length = self._where[doc_id]
                fh.seek(start)
                number = self.lines[doc_id]
                parsed = self._parse(fh.read(length), number, problems)
                if parsed is not None:
                    out[doc_id] = parsed[1]
                    out.lines[doc_id] = number
        if problems:
            raise CorpusError(problems)
        return out
