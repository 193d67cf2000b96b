"""Where gold comes from: the bundled corpus, another corpus folder, a standoff file with its
documents, or a JSONL file of `{"id", "text", "spans": [...]}` documents (bring your own data).
"""
from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice, repeat, starmap
from operator import itemgetter
from pathlib import Path
from typing import Any

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import BAD, json_line
from newsspans.corpus.model import Document, Span, build_span
from newsspans.corpus.sources import parse_source, read_documents
from newsspans.corpus.standoff import LocatedSpan, read_spans, span_from_dict, spans_by_document
from newsspans.corpus.store import CORPUS_DIR, Corpus, default_corpus_dir
from newsspans.corpus.validate import SpanColumns, proven_valid, validate

from . import collector
from .packed_ids import PackedIds

# The `gold` field of a report scored on the corpus installed with the package.
BUNDLED = "bundled corpus"


@dataclass(frozen=True)
class Gold:
    documents: list[Document]
    spans: list[Span]
    source: str
    # Fields of a gold JSONL record beyond id/text/spans and Document's own (doc id -> name -> value),
    # so `--by FIELD` can break scores down by a field of a user's own gold.
    fields: dict[str, dict[str, object]] = field(default_factory=dict)


# Record keys that are Document attributes; any other scalar key is kept in Gold.fields.
_DOCUMENT_KEYS = ("title", "outlet", "agency", "dateline", "published")


def _documents_from(path: Path) -> list[Document]:
    return read_documents(path) if path.is_dir() else parse_source(path)


def _jsonl_lines(path: Path, problems: list[Problem], typed: bool = False) -> Iterator[tuple[int, object]]:
    """(line number, parsed record) per non-blank line, read line by line (not the whole file).

    `typed`: a line is decoded by msgspec straight into typed objects when it can be (see
    `_typed_decoder`), any other line parsed by json, which names what is wrong with it.
    msgspec decodes strictly (no NaN, infinity, BOM or lone surrogate; an integer is not 3.0 or
    true), so what it accepts json reads alike (tests/corpus/test_validate_fast.py).
    """
    decode, error = (_typed_decoder()[0].decode, _typed_decoder()[1]) if typed else (None, ())
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise CorpusError(Problem(f"cannot read: {exc.strerror}", file=str(path))) from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            if decode is not None:
                try:
                    record = decode(raw)
                except (error, RecursionError):  # RecursionError: deep nesting inside `annotation_id`
                    record = BAD
                if record is not BAD:
                    yield number, record
                    continue
            if raw.strip():
                record = json_line(raw, str(path), number, problems)
                if record is not BAD:
                    yield number, record


def _shaped(record: object, number: int, path: Path, problems: list[Problem]) -> str | None:
    """The id of a parsed line that is a `{"id", "text", "spans"}` document (else None, its problem named)."""
    if type(record) is not dict and _TYPED is not None and type(record) is _TYPED[2]:
        return record.id  # a typed line has the shape by its type
    if not isinstance(record, dict) or not isinstance(record.get("id"), str) \
            or not isinstance(record.get("text"), str) or not isinstance(record.get("spans", []), list):
        problems.append(Problem('expected {"id": str, "text": str, "spans": [...]}', file=str(path), line=number))
        return None
    return record["id"]


def _first_of_each(pending: list[tuple[int, object, int, str]], seen: PackedIds, path: Path,
                   problems: list[Problem]) -> list[tuple[int, object, int]]:
    """The lines of `pending` whose id neither an earlier chunk (`seen`, which gets the rest) nor an
    earlier line had; each other line is a duplicate, named where reading line by line names it."""
    earlier = seen.find([doc_id for *_, doc_id in pending])
    here: dict[str, int] = {}
    kept, added = [], 0
    for (number, record, at, doc_id), position in zip(pending, earlier.tolist()):
        first = seen.value(position) if position >= 0 else here.get(doc_id)
        if first is not None:
            problems.insert(at + added, Problem(f"duplicate document id (first at line {first})", file=str(path),
                                                line=number, doc_id=doc_id))
            added += 1
            continue
        here[doc_id] = number
        kept.append((number, record, at + added))
    seen.extend(here, here.values())
    return kept


def _located(record: dict, number: int, file: str, problems: list[Problem]) -> list[LocatedSpan]:
    """An accepted line's spans, one by one (span ids default to T1, T2, ...), each problem named."""
    doc_id = record["id"]
    located = []
    for i, span in enumerate(record.get("spans", [])):
        if not isinstance(span, dict):
            problems.append(Problem("a span must be a JSON object", file=file, line=number, doc_id=doc_id))
            continue
        full = {"doc_id": doc_id, "id": f"T{i + 1}", **span}
        if "text" not in full and isinstance(full.get("start"), int) and isinstance(full.get("end"), int):
            full["text"] = record["text"][full["start"]:full["end"]]
        try:
            located.append(LocatedSpan(span_from_dict(full, file, number), file, number))
        except CorpusError as exc:
            problems.extend(exc.problems)
    return located


def _document(record: dict, path: Path) -> tuple[Document, dict[str, object]]:
    """An accepted line's document and its fields beyond id/text/spans and Document's own (for `Gold.fields`)."""
    if type(record) is not dict:  # a typed line: no field beyond Document's
        own = {k: v for k in _DOCUMENT_KEYS if isinstance(v := getattr(record, k), str)}
        return Document(id=record.id, text=record.text, source=path.name, **{"title": "", **own}), {}
    own = {k: record[k] for k in _DOCUMENT_KEYS if isinstance(record.get(k), str)}
    extra = {k: v for k, v in record.items() if k not in _NOT_FIELDS and isinstance(v, (str, int, float, bool))}
    return Document(id=record["id"], text=record["text"], source=path.name, **{"title": "", **own}), extra


_NOT_FIELDS = frozenset({"id", "text", "spans", *_DOCUMENT_KEYS})
# Keys of a span in a JSONL gold that the fast path takes (a span's own "doc_id" goes the slow way).
_FAST_KEYS = frozenset(f for f in Span.__dataclass_fields__ if f != "doc_id")
_OPTIONAL = ("canonical", "num_kind", "speaker", "annotator", "annotation_id", "annotated_at")
_MAYBE_STR = {str, type(None)}
_MISSING = object()


def _column(spans: list[dict], key: str, keys: set[str], default: object = None) -> tuple[list, bool]:
    """`span.get(key, default)` of every span, and whether every span has `key` (C loops only:
    no bytecode runs per span)."""
    if key not in keys:
        return [default] * len(spans), False
    try:
        return list(map(itemgetter(key), spans)), True
    except KeyError:
        return list(map(dict.get, spans, repeat(key), repeat(default))), False


def _proven_spans(records: list[dict]) -> list[Span] | None:
    """The spans of accepted lines, all at once, if every span is well-formed and breaks no rule
    of `validate`: what `_located` and `validate` would give without a problem. None when
    anything might be wrong (then those explain it, word for word)."""
    lists = [r.get("spans", ()) for r in records]
    flat = list(chain.from_iterable(lists))
    if not flat:
        return []
    if set(map(type, flat)) != {dict}:
        return None
    keys = set(chain.from_iterable(flat))
    if not keys <= _FAST_KEYS or not {"start", "end", "label"} <= keys:
        return None
    try:
        start, end, label = (list(map(itemgetter(k), flat)) for k in ("start", "end", "label"))
    except KeyError:
        return None
    if not set(map(type, start)) | set(map(type, end)) <= {int}:
        return None
    counts = list(map(len, lists))
    ids, complete = _column(flat, "id", keys, _MISSING)
    text, text_complete = _column(flat, "text", keys, _MISSING)
    optional = {k: _column(flat, k, keys)[0] for k in _OPTIONAL}
    # What span_from_dict checks beyond validate: ids are strings, the other string fields strings or null
    # (a label equal to a known one, a text equal to its slice and a num_kind or speaker as validate
    # accepts them can only be strings in JSON).
    if not set(map(type, ids)) <= {str, type(_MISSING)} \
            or not all(type(v) is str for v in optional["canonical"] if v is not None) \
            or not set(map(type, optional["annotator"])) | set(map(type, optional["annotated_at"])) <= _MAYBE_STR:
        return None
    return _spans_of([r["id"] for r in records], [r["text"] for r in records], counts, start, end, label,
                     ids, None if complete else _MISSING, text, None if text_complete else _MISSING, optional)


def _spans_of(doc_ids: list[str], doc_texts: list[str], counts: list[int], start: list, end: list, label: list,
              ids: list, ids_missing: object, text: list, text_missing: object, optional: dict[str, list]
              ) -> list[Span] | None:
    """The spans of some lines from their fields' columns (`counts`: spans per line) if
    `proven_valid`; ids equal to `ids_missing` are T1, T2, ... by position in the line, as
    `_located` numbers them, and texts equal to `text_missing` the span's slice of its text."""
    doc_id = list(chain.from_iterable(map(repeat, doc_ids, counts)))
    texts = list(chain.from_iterable(map(repeat, doc_texts, counts)))
    actual = [t[a:b] for t, a, b in zip(texts, start, end)]
    if ids_missing is not None:
        defaults = [f"T{i}" for n in counts for i in range(1, n + 1)]
        ids = [d if x is ids_missing else x for x, d in zip(ids, defaults)]
    if text_missing is not None:
        text = [a if x is text_missing else x for x, a in zip(text, actual)]
    columns = SpanColumns(doc_id, ids, start, end, label, text, optional["canonical"], optional["num_kind"],
                          optional["speaker"])
    # User gold need not carry canonical names; speakers then match by their own span only.
    if not proven_valid(dict(zip(doc_ids, doc_texts)), columns, require_canonical=False, slices=actual):
        return None
    # Positional, and without the frozen __init__ (the columns are proven valid: nothing to convert).
    return list(starmap(build_span, zip(doc_id, ids, start, end, label, text, *optional.values())))


_TYPED = None


def _typed_decoder():
    """msgspec's decoder of a gold line holding nothing but what the fast path reads (built on
    first use): id, text, Document fields and spans of Span's fields, every type checked while
    decoding. Unknown keys are refused, so a line with fields of the user's own, a span with a
    `doc_id` or an unknown key goes the json way."""
    global _TYPED
    if _TYPED is None:
        import msgspec
        from msgspec import UNSET, UnsetType

        maybe = str | None
        span = msgspec.defstruct("GoldSpan", [
            ("start", int), ("end", int), ("label", str), ("id", str | UnsetType, UNSET), ("text", str | UnsetType, UNSET),
            ("canonical", maybe, None), ("num_kind", maybe, None), ("speaker", maybe, None), ("annotator", maybe, None),
            ("annotation_id", Any, None), ("annotated_at", maybe, None)], forbid_unknown_fields=True)
        line = msgspec.defstruct("GoldLine", [("id", str), ("text", str), ("spans", list[span], [])]
                                 + [(k, Any, UNSET) for k in _DOCUMENT_KEYS], forbid_unknown_fields=True)
        _TYPED = msgspec.json.Decoder(line), msgspec.MsgspecError, line, UNSET
    return _TYPED


def line_mentions(path: Path, labels: Collection[str]) -> Iterator[tuple[str, str, str]]:
    """(doc id, label, text) once per document and distinct mention with one of `labels`, from
    the well-formed lines of a JSONL gold, read but not validated (a line that cannot be read
    this way is left out: the validating pass reports it)."""
    _, _, line, unset = _typed_decoder()
    for _, record in _jsonl_lines(path, [], typed=True):
        try:
            if type(record) is line:
                doc_id, text = record.id, record.text
                pairs = [(s.label, text[s.start:s.end] if s.text is unset else s.text) for s in record.spans
                         if s.label in labels]
            else:
                doc_id, text = record["id"], record["text"]
                pairs = [(span["label"], span["text"] if "text" in span else text[span["start"]:span["end"]])
                         for span in record.get("spans", ()) if span.get("label") in labels]
            mentions = dict.fromkeys(pairs)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        if isinstance(doc_id, str):
            yield from ((doc_id, label, mention) for label, mention in mentions if isinstance(mention, str))


def _plain(record: object) -> object:
    """A typed line as a dict of what json parses from it (a json record as it is): the span
    fields it left out are null, which `span_from_dict` reads alike; nothing else differs."""
    _, _, line, unset = _typed_decoder()
    if type(record) is not line:
        return record
    fields = ("id", "start", "end", "label", "text", *_OPTIONAL)
    out = {"id": record.id, "text": record.text,
           "spans": [{k: v for k in fields if (v := getattr(s, k)) is not unset} for s in record.spans]}
    out.update((k, v) for k in _DOCUMENT_KEYS if (v := getattr(record, k)) is not unset)
    return out


def _proven_typed(lines: list) -> list[Span] | None:
    """`_proven_spans` of typed lines: their types were checked while decoding."""
    _, _, _, unset = _typed_decoder()
    lists = [line.spans for line in lines]
    flat = list(chain.from_iterable(lists))
    if not flat:
        return []
    start, end, label = [s.start for s in flat], [s.end for s in flat], [s.label for s in flat]
    ids, text = [s.id for s in flat], [s.text for s in flat]
    optional = {"canonical": [s.canonical for s in flat], "num_kind": [s.num_kind for s in flat],
                "speaker": [s.speaker for s in flat], "annotator": [s.annotator for s in flat],
                "annotation_id": [s.annotation_id for s in flat], "annotated_at": [s.annotated_at for s in flat]}
    return _spans_of([line.id for line in lines], [line.text for line in lines], list(map(len, lists)),
                     start, end, label, ids, unset, text, unset, optional)


def iter_gold(path: Path | None = None, documents: Path | None = None, chunk: int = 2000) -> Iterator[Gold]:
    """The gold of `load_gold(path, documents)` in validated chunks of `chunk` documents.

    A JSONL file of documents with spans is read line by line, so only one chunk's objects are
    alive at a time; other gold is loaded whole and then cut. Every problem of the whole file is
    collected: the iteration ends with a CorpusError naming all of them (and yields nothing more
    once one is found), so a consumer never finishes on bad gold.

    Lines are decoded by msgspec into typed objects where they can be (`_jsonl_lines`), and a
    chunk is first proven valid all at once (`_proven_typed`, or `_proven_spans` of the lines as
    json parses them); only a chunk that fails the proof is read span by span and validated
    (`_explained`), which names each problem.
    """
    if path is None or Path(path).is_dir() or documents is not None or str(path) == "-":
        gold = load_gold(path, documents)  # `-` is refused there
        by_doc = spans_by_document(gold.spans)
        for lo in range(0, len(gold.documents), chunk):
            docs = gold.documents[lo:lo + chunk]
            yield Gold(docs, [s for d in docs for s in by_doc.get(d.id, ())], gold.source,
                       {d.id: gold.fields[d.id] for d in docs if d.id in gold.fields})
        return
    path = Path(path)
    if not path.exists():
        raise CorpusError(Problem("gold file not found", file=str(path)))
    problems: list[Problem] = []
    # Every accepted id with its line, for the duplicates of later chunks: packed, as it is kept
    # to the end (see packed_ids).
    seen = PackedIds()
    # The well-shaped lines: (line number, record, len(problems) once it is read, id).
    shaped = ((number, record, len(problems), doc_id) for number, record in _jsonl_lines(path, problems, typed=True)
              if (doc_id := _shaped(record, number, path, problems)) is not None)
    done = False
    while not done:
        # The accepted lines of one chunk: (line number, record, len(problems) when read). Parsing
        # and proving them make no reference cycle: the collector is paused (its collections set
        # off by the chunk's objects walked every live one: half the time of building the spans),
        # and runs again before the chunk is handed on (only this generator's code runs meanwhile).
        pending: list[tuple[int, object, int]] = []
        with collector.paused():
            while not done and len(pending) < chunk:  # until `chunk` lines, duplicates left out
                wanted = chunk - len(pending)
                batch = list(islice(shaped, wanted))
                done = len(batch) < wanted
                pending += _first_of_each(batch, seen, path, problems)
            part = _chunk(pending, path, problems) if pending else None
        if done and problems:
            raise CorpusError(problems)
        if part is not None:
            yield part
        del part, pending, batch  # this chunk is not held while the next is read (see pipeline._score_chunks)


def _chunk(pending: list[tuple[int, dict, int]], path: Path, problems: list[Problem]) -> Gold | None:
    """The Gold of some accepted lines (None once there is any problem): proven valid at once,
    or read span by span when the proof fails, which names each problem."""
    records = [record for _, record, _ in pending]
    line = _TYPED[2] if _TYPED is not None else None
    spans = _proven_typed(records) if all(type(r) is line for r in records) else None
    if spans is None:  # not all typed, or not proven: the json way, which may still prove them
        records = [_plain(r) for r in records]
        pending = [(number, record, at) for (number, _, at), record in zip(pending, records)]
        spans = _proven_spans(records)
    if spans is None:
        return _explained(pending, path, problems)
    docs, fields = [], {}
    for record in records:
        doc, extra = _document(record, path)
        docs.append(doc)
        if extra:
            fields[doc.id] = extra
    return None if problems else Gold(docs, spans, str(path), fields)


def _explained(pending: list[tuple[int, dict, int]], path: Path, problems: list[Problem]) -> Gold | None:
    """A chunk read span by span and validated, each problem put into `problems` where reading
    line by line finds it (a line's span problems before the problems of the lines after it);
    the Gold when there is no problem at all."""
    docs, located, fields = [], [], {}
    added = 0
    for number, record, at in pending:
        here: list[Problem] = []
        located.extend(_located(record, number, str(path), here))
        problems[at + added:at + added] = here
        added += len(here)
        doc, extra = _document(record, path)
        docs.append(doc)
        if extra:
            fields[doc.id] = extra
    # User gold need not carry canonical names; speakers then match by their own span only.
    problems.extend(validate(docs, located, require_canonical=False))
    return None if problems else Gold(docs, [ls.span for ls in located], str(path), fields)


def _jsonl_documents(path: Path, chunk: int = 2000) -> Gold:
    """Read `{"id", "text", "spans": [{start, end, label, ...}]}` lines, all at once.

    Read in chunks, so that only one chunk's parsed lines are held beside the spans built so
    far; bad gold is read again as a single chunk, which lists its problems in the order of one
    validation of the whole file (each chunk's own order otherwise). Both readings find the
    same problems: every rule is about one line or one document, and document ids are tracked
    across chunks.
    """
    try:
        chunks = list(iter_gold(path, chunk=chunk))
    except CorpusError as chunked:
        try:
            list(iter_gold(path, chunk=1 << 62))
        except CorpusError as whole:
            raise whole from None
        raise chunked from None
    return Gold([d for g in chunks for d in g.documents], [s for g in chunks for s in g.spans], str(path),
                {k: v for g in chunks for k, v in g.fields.items()})


def _checked(docs: list[Document], located: list[LocatedSpan], source: str,
             fields: dict[str, dict[str, object]] | None = None) -> Gold:
    # User gold need not carry canonical names; speakers then match by their own span only.
    problems = validate(docs, located, require_canonical=False)
    if problems:
        raise CorpusError(problems)
    return Gold(docs, [ls.span for ls in located], source, dict(fields or {}))


def load_gold(path: Path | None = None, documents: Path | None = None) -> Gold:
    """Documents and gold spans, validated; raises CorpusError naming every problem.

    `path` None: the corpus `newsspans corpus ...` works on (./corpus in a checkout, else the
    bundled corpus). A folder: a corpus folder (`sources/` + `annotations.jsonl`).
    A `.jsonl` file with `documents` given: a standoff annotation file, with `documents` the
    sources folder or file it annotates. Any other `.jsonl` file: documents with their spans.
    """
    if path is None or Path(path).is_dir():
        root = default_corpus_dir() if path is None else Path(path)
        corpus = Corpus(root)
        if not corpus.sources.is_dir():
            raise CorpusError(Problem("not a corpus folder: it has no sources/ folder", file=str(corpus.root)))
        docs, spans = corpus.load()
        return Gold(docs, spans, BUNDLED if root.resolve() == CORPUS_DIR else str(root))
    if str(path) == "-":  # predictions take `-`; the gold is read by name (its kind comes from the path)
        raise CorpusError(Problem("the gold is not read from standard input: give a corpus folder or a file",
                                  file="-"))
    path = Path(path)
    if not path.exists():
        raise CorpusError(Problem("gold file not found", file=str(path)))
    if documents is not None:
        if not Path(documents).exists():
            raise CorpusError(Problem("documents not found", file=str(documents)))
        return _checked(_documents_from(Path(documents)), read_spans(path), str(path))
    return _jsonl_documents(path)
