"""Where gold comes from: the bundled corpus, another corpus folder, a standoff file with its
documents, or a JSONL file of `{"id", "text", "spans": [...]}` documents (bring your own data).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import jsonl_records, read_utf8
from newsspans.corpus.model import Document, Span
from newsspans.corpus.sources import parse_source, read_documents
from newsspans.corpus.standoff import LocatedSpan, read_spans, span_from_dict
from newsspans.corpus.store import CORPUS_DIR, Corpus, default_corpus_dir
from newsspans.corpus.validate import validate

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


def _jsonl_documents(path: Path) -> Gold:
    """Read `{"id", "text", "spans": [{start, end, label, ...}]}` lines; span ids default to T1, T2, ..."""
    docs, located, problems = [], [], []
    fields: dict[str, dict[str, object]] = {}
    seen: dict[str, int] = {}
    text = read_utf8(path)
    for number, record in jsonl_records(text, str(path), problems):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str) \
                or not isinstance(record.get("text"), str) or not isinstance(record.get("spans", []), list):
            problems.append(Problem('expected {"id": str, "text": str, "spans": [...]}', file=str(path), line=number))
            continue
        doc_id = record["id"]
        if doc_id in seen:
            problems.append(Problem(f"duplicate document id (first at line {seen[doc_id]})", file=str(path),
                                    line=number, doc_id=doc_id))
            continue
        seen[doc_id] = number
        own = {k: record[k] for k in _DOCUMENT_KEYS if isinstance(record.get(k), str)}
        docs.append(Document(id=doc_id, text=record["text"], source=path.name, **{"title": "", **own}))
        extra = {k: v for k, v in record.items() if k not in {"id", "text", "spans", *_DOCUMENT_KEYS}
                 and isinstance(v, (str, int, float, bool))}
        if extra:
            fields[doc_id] = extra
        for i, span in enumerate(record.get("spans", [])):
            if not isinstance(span, dict):
                problems.append(Problem("a span must be a JSON object", file=str(path), line=number, doc_id=doc_id))
                continue
            full = {"doc_id": doc_id, "id": f"T{i + 1}", **span}
            if "text" not in full and isinstance(full.get("start"), int) and isinstance(full.get("end"), int):
                full["text"] = record["text"][full["start"]:full["end"]]
            try:
                located.append(LocatedSpan(span_from_dict(full, str(path), number), str(path), number))
            except CorpusError as exc:
                problems.extend(exc.problems)
    if problems:
        raise CorpusError(problems)
    return _checked(docs, located, str(path), fields)


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
