"""Predicted spans and the JSONL predictions format (one line per document: `{"id", "spans"}`).

A prediction is what an extractor returns for one span: offsets into the document text, a label
and, for quotes, an optional speaker given either as a mention span `(start, end)` or as a name.

Offset-free predictions (what language models answer) give `text` and `label` without `start`
and `end`, optionally with a `context` (a few words around the mention); `alignment` places them
in the text before scoring (see `alignment.py`). Any prediction may carry a confidence `score` in
[0, 1], and a quote a `speaker_score`.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from newsspans.corpus.atomic import write_text_atomic
from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import BAD, json_line, jsonl_records, read_utf8, surrogate_problem
from newsspans.corpus.model import NUM_KINDS, fast_constructor

from . import collector


# slots: one instance per span an extractor returns; without a per-instance dict, millions of
# them (and the `canonical` field entity sets need) still fit where they did before.
@dataclass(frozen=True, slots=True)
class Prediction:
    """One predicted span; `file`/`line` say where it was read from, for error messages only."""

    doc_id: str
    start: int | None  # None (with `end`) for an offset-free prediction not yet placed, or unaligned
    end: int | None
    label: str
    text: str | None = None
    num_kind: str | None = None
    speaker: str | tuple[int, int] | None = None
    # The extractor's own name for the entity a mention refers to: it groups predictions into
    # entities (entity-set and coreference scores); absent, a mention's normalized text does.
    canonical: str | None = None
    score: float | None = None  # the extractor's confidence in [0, 1]; None when it gives none
    speaker_score: float | None = None
    context: str | None = None  # words around an offset-free mention, to tell its occurrences apart
    # How offsets were found: None (given by the extractor), or an `alignment.STATUSES` value.
    alignment: str | None = None
    file: str = field(default="", compare=False, repr=False)
    line: int | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        """The prediction dict of the cross-part contract (doc id and provenance left out)."""
        d: dict = {"start": self.start, "end": self.end, "label": self.label} if self.start is not None else \
            {"label": self.label}
        if isinstance(self.speaker, tuple):
            d["speaker"] = {"start": self.speaker[0], "end": self.speaker[1]}
        elif self.speaker is not None:
            d["speaker"] = self.speaker
        for key in ("text", "num_kind", "canonical", "score", "speaker_score", "context"):
            if (value := getattr(self, key)) is not None:
                d[key] = value
        return d

    @property
    def offset_free(self) -> bool:
        return self.start is None


# `Prediction(...)` without the frozen __init__ (its object.__setattr__ per field made building
# Predictions the largest cost of reading a predictions file), for fields already checked.
_built: Callable[..., Prediction] = fast_constructor(Prediction)


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


def _score(key: str, value: object) -> str | None:
    """The problem with a confidence score, or None: a number in [0, 1] (or null)."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1):
        return None
    return f"{key!r} must be a number in [0, 1] or null, got {value!r}"


def _offset_problems(start: object, end: object, text: object) -> list[str]:
    """Offsets are two integers, or both absent when a non-empty `text` says what to place."""
    if type(start) is int and type(end) is int:  # the common case, first: this runs for every span
        return []
    if start is None and end is None:
        return [] if isinstance(text, str) and text.strip() else \
            ["an offset-free prediction (no 'start'/'end') needs a non-empty 'text' to place"]
    return [f"{key!r} must be an integer, got {value!r}" for key, value in (("start", start), ("end", end))
            if not _is_int(value)]


def _surrogate_problems(**fields: object) -> list[str]:
    """The problems of the string fields holding a lone surrogate (JSON files cannot carry one: their
    readers refuse it; Python extractors, or an LLM's `\\u` escapes, can). Every output would fail
    to write such a string."""
    return [p for key, value in fields.items() if isinstance(value, str) and (p := surrogate_problem(
        key, value, fix="not text (a \\u escape or a string cut between the halves of a pair); fix the extractor"))]


def prediction_from_dict(doc_id: str, d: object, file: str = "", line: int | None = None,
                         index: int | None = None) -> Prediction:
    """Check the fields of one prediction dict (or object) and build a `Prediction`.

    Raises CorpusError naming the file, line, document and prediction index on bad fields.
    """
    # The common case first: a dict with well-typed offsets and fields, a name, `{"start", "end"}`
    # span or no speaker, and no score or context (those take the checks below). `type(x) is int`
    # sends booleans and floats such as 3.0 to the full rules.
    if type(d) is dict:
        get = d.get
        start, end, label, text, num_kind, speaker, canonical = (
            get("start"), get("end"), get("label"), get("text"), get("num_kind"), get("speaker"), get("canonical"))
        # Only a name or a span of two ints: any other speaker (a tuple from Python code included)
        # takes `_speaker`'s rules below.
        plain_speaker = speaker is None or type(speaker) is str
        if type(speaker) is dict and type(speaker.get("start")) is int and type(speaker.get("end")) is int:
            speaker, plain_speaker = (speaker["start"], speaker["end"]), True
        if type(start) is int and type(end) is int and type(label) is str and label \
                and (text is None or type(text) is str) \
                and (num_kind is None or type(num_kind) is str and num_kind in _NUM_KINDS) \
                and plain_speaker \
                and (canonical is None or type(canonical) is str) \
                and get("score") is None and get("speaker_score") is None and get("context") is None \
                and (label.isascii() and (text is None or text.isascii()) and (canonical is None or canonical.isascii())
                     and (type(speaker) is not str or speaker.isascii())
                     or not _surrogate_problems(label=label, text=text, canonical=canonical, speaker=speaker)):
            return _built(doc_id, start, end, label, text, num_kind, speaker, canonical, file=file, line=line)
    # One accessor per prediction, and the error location built only on error: this runs for every
    # span an extractor returns, and was most of the harness's overhead over the baseline's time.
    get = d.get if isinstance(d, Mapping) else (lambda key: getattr(d, key, None))
    start, end, label = get("start"), get("end"), get("label")
    text, num_kind, context = get("text"), get("num_kind"), get("context")
    problems = _offset_problems(start, end, text)
    if not isinstance(label, str) or not label:
        problems.append(f"'label' must be a non-empty string, got {label!r}")
    canonical = get("canonical")
    for key, value in (("text", text), ("num_kind", num_kind), ("context", context), ("canonical", canonical)):
        if value is not None and type(value) is not str and not isinstance(value, str):
            problems.append(f"{key!r} must be a string or null, got {value!r}")
    score, speaker_score = get("score"), get("speaker_score")
    if score is not None or speaker_score is not None:
        problems += [m for m in (_score("score", score), _score("speaker_score", speaker_score)) if m]
    if isinstance(num_kind, str) and num_kind not in NUM_KINDS:
        problems.append(f"unknown num_kind {num_kind!r} (known: {', '.join(NUM_KINDS)})")
    speaker = None
    try:
        speaker = _speaker(get("speaker"))
    except ValueError as exc:
        problems.append(str(exc))
    problems += _surrogate_problems(label=label, text=text, context=context, canonical=canonical, speaker=speaker)
    if problems:
        where = dict(file=file, line=line, doc_id=doc_id, span_id=None if index is None else f"prediction {index}")
        raise CorpusError([Problem(m, **where) for m in problems])
    offsets = (None, None) if start is None else (int(start), int(end))
    return Prediction(doc_id, *offsets, label, text, num_kind, speaker, canonical,
                      None if score is None else float(score), None if speaker_score is None else float(speaker_score),
                      context, file=file, line=line)


def _record_predictions(record: object, file: str, line: int) -> tuple[str, list[Prediction]]:
    if not isinstance(record, dict):
        raise CorpusError(Problem('expected a JSON object {"id": ..., "spans": [...]}', file=file, line=line))
    doc_id, spans = record.get("id"), record.get("spans")
    if not isinstance(doc_id, str):
        raise CorpusError(Problem(f"'id' must be a document id string, got {doc_id!r}", file=file, line=line))
    if not isinstance(spans, list):
        raise CorpusError(Problem(f"'spans' must be a list, got {spans!r}", file=file, line=line, doc_id=doc_id))
    return doc_id, parsed_line_predictions(doc_id, spans, file, line)


def predictions_from_dicts(doc_id: str, spans: Iterable[object], file: str = "",
                           line: int | None = None, first: int = 0) -> list[Prediction]:
    """Every span of one document as a Prediction; all bad spans are reported together.
    `first`: the index of the first of `spans` among the document's predictions (for messages)."""
    preds, problems = [], []
    for i, d in enumerate(spans, start=first):
        try:
            preds.append(prediction_from_dict(doc_id, d, file, line, i))
        except CorpusError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CorpusError(problems)
    return preds


def parsed_line_predictions(doc_id: str, spans: list, file: str = "", line: int | None = None) -> list[Prediction]:
    """The spans of one parsed predictions line (a list this module owns: it is emptied) as
    Predictions, lean for long lines (a million spans on one line): each parsed dict is released
    as soon as its Prediction exists, so a line's dicts and its Predictions are not all held at
    once, and the cyclic garbage collector is paused meanwhile (millions of new objects would
    only make it rescan them; it finds no cycles here). At the first bad span, the rest of the
    line goes through `predictions_from_dicts`, so every problem of the line is reported (the
    spans before it had none).
    """
    with collector.paused():
        preds: list[Prediction] = []
        spans.reverse()  # popped from the end: in order, and each dict freed once converted
        for i in range(len(spans)):
            try:
                preds.append(prediction_from_dict(doc_id, spans[-1], file, line, i))
            except CorpusError:
                spans.reverse()
                predictions_from_dicts(doc_id, spans, file, line, first=i)  # raises, naming every problem
                raise
            spans.pop()
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


_LINE_DECODER = None


def _line_decoder():
    """msgspec's decoder of a line whose spans are all common (see `common_line`), built on first use."""
    global _LINE_DECODER
    if _LINE_DECODER is None:
        import msgspec

        # defstruct, not class statements: this module's annotations are strings, which msgspec
        # cannot resolve for classes local to a function. forbid_unknown_fields: a span with a
        # score, a context or any other key is not common.
        speaker_span = msgspec.defstruct("SpeakerSpan", [("start", int), ("end", int)])
        span = msgspec.defstruct("CommonSpan", [
            ("start", int), ("end", int), ("label", str), ("text", str | None, None), ("num_kind", str | None, None),
            ("speaker", str | speaker_span | None, None), ("canonical", str | None, None)], forbid_unknown_fields=True)
        line = msgspec.defstruct("CommonLine", [("id", str), ("spans", list[span])])
        _LINE_DECODER = msgspec.json.Decoder(line), msgspec.MsgspecError
    return _LINE_DECODER


def common_line(raw: bytes, file: str, line: int) -> tuple[str, list[Prediction]] | None:
    """A predictions line's id and Predictions when every span is common (integer offsets, a
    non-empty label, maybe a text, a known num_kind, a speaker name or span and a canonical
    name), decoded by msgspec straight into typed objects; None for any other line, which then
    goes through `json_line` and `_record_predictions`: they build the same Predictions from
    any valid line and name every problem of a bad one. msgspec decodes strictly (an integer
    is not 3.0 or true, text is UTF-8, no NaN), so what it accepts the json path reads alike.
    """
    decoder, error = _line_decoder()
    try:
        record = decoder.decode(raw)
    except error:
        return None
    doc_id, kinds, out = record.id, _NUM_KINDS, []
    for s in record.spans:
        if not s.label or (s.num_kind is not None and s.num_kind not in kinds):
            return None
        speaker = s.speaker if s.speaker is None or type(s.speaker) is str else (s.speaker.start, s.speaker.end)
        out.append(_built(doc_id, s.start, s.end, s.label, s.text, s.num_kind, speaker, s.canonical, file=file,
                          line=line))
    return doc_id, out


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
        common = common_line(raw, self.file, number)
        if common is not None:
            return common
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


# --- Offsets in other units ----------------------------------------------------------------------
# Offsets are code points (Python string indices). Node, Java and browsers count UTF-16 code units;
# byte-oriented tools count UTF-8 bytes. Both agree with code points on ASCII text and drift after
# the first character outside it (a typographic quote is 1 code point, 1 UTF-16 unit, 3 bytes).

OFFSET_UNITS = ("codepoints", "utf16", "utf8")
_UNIT_NAMES = {"codepoints": "code points", "utf16": "UTF-16 code units", "utf8": "UTF-8 bytes"}


def _width(ch: str, unit: str) -> int:
    o = ord(ch)
    if unit == "utf16":
        return 2 if o > 0xFFFF else 1
    return 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4


def unit_offsets(text: str, unit: str) -> dict[int, int] | None:
    """Code-point index for every `unit` offset that falls between two characters of `text`
    (0 and the end included); None when the units agree on this text (all ASCII, or no
    character beyond the BMP for UTF-16), so the common case costs one scan."""
    if unit == "codepoints" or text.isascii() or (unit == "utf16" and all(ord(c) <= 0xFFFF for c in text)):
        return None
    table, offset = {0: 0}, 0
    for i, ch in enumerate(text, start=1):
        offset += _width(ch, unit)
        table[offset] = i
    return table


def _to_codepoint(offset: int, table: dict[int, int], text: str, unit: str) -> int:
    if offset in table:
        return table[offset]
    length = max(table)
    if not 0 <= offset <= length:
        raise ValueError(f"{unit} offset {offset} is outside the text ({length} {_UNIT_NAMES[unit]} long)")
    inside = max(i for o, i in table.items() if o < offset)
    raise ValueError(f"{unit} offset {offset} falls inside the character {text[inside]!r} (code point {inside})")


def convert_offsets(predictions: Mapping[str, Iterable[Prediction]], texts: Mapping[str, str],
                    unit: str) -> PredictionSet:
    """Predictions with offsets (span and speaker span) in `unit` turned into code points.

    An offset that falls inside a character, or beyond the text, is an error naming the file,
    line, document and prediction. Documents not in `texts` are left to the scorer to report.
    """
    if unit not in OFFSET_UNITS:
        raise CorpusError(Problem(f"--offsets must be one of {', '.join(OFFSET_UNITS)}, got {unit!r}"))
    out = PredictionSet(file=getattr(predictions, "file", ""), lines=getattr(predictions, "lines", None))
    problems: list[Problem] = []
    for doc_id, preds in predictions.items():
        table = unit_offsets(texts[doc_id], unit) if doc_id in texts else None
        if table is None:
            out[doc_id] = list(preds)
            continue
        converted = []
        for i, p in enumerate(preds):
            try:
                # Offset-free predictions (placed later, by their text) have nothing to convert.
                start, end = (None, None) if p.start is None else \
                    (_to_codepoint(o, table, texts[doc_id], unit) for o in (p.start, p.end))
                speaker = p.speaker if not isinstance(p.speaker, tuple) else \
                    tuple(_to_codepoint(o, table, texts[doc_id], unit) for o in p.speaker)
            except ValueError as exc:
                problems.append(Problem(str(exc), file=p.file, line=p.line, doc_id=doc_id, span_id=f"prediction {i}"))
                continue
            converted.append(replace(p, start=start, end=end, speaker=speaker))
        out[doc_id] = converted
    if problems:
        raise CorpusError(problems)
    return out


def inside_word(predictions: Mapping[str, Iterable[Prediction]], texts: Mapping[str, str]) -> tuple[int, int]:
    """(predicted spans that start or end inside a word, predicted spans looked at).

    Gold spans never cut a run of letters and digits (the tokens config would fail to build), so
    many predictions that do are the sign of offsets counted in another unit."""
    cut = total = 0
    for doc_id, preds in predictions.items():
        text = texts.get(doc_id)
        if text is None:
            continue
        n = len(text)
        # Offset o falls inside a word when the characters on both sides are letters or digits
        # (0 < start and end < n hold for every span inside the text). Looked up per span offset,
        # not per character of the text: this runs on every scored run, and spans are far fewer.
        for p in preds:
            start, end = p.start, p.end
            if start is not None and 0 <= start < end <= n:  # offset-free ones are placed later
                total += 1
                if (start and text[start - 1].isalnum() and text[start].isalnum()) \
                        or (end < n and text[end - 1].isalnum() and text[end].isalnum()):
                    cut += 1
    return cut, total
