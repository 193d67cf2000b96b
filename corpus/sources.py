"""Read raw sources (scraped news pages and JSONL records) into documents.

A scraped page has this layout (blank lines separate blocks):

    <main title>
    <dateline>              optional: a short line with no sentence punctuation
    <paragraph> ...         one per line, up to the first blank line
    <page chrome>           ignored up to the line "Related Articles"
    <outlet>                then, per related article: outlet,
    <N hours ago>           relative time as printed,
    - <outlet>              the outlet again after a dash,
    <title>                 the title,
    <body>                  and the body, one or more lines.

A document's `text` is its title, a blank line, then its body, copied verbatim; `segments`
record the source line and column of every copied run so each character can be traced back.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError, Problem
from .jsonl import jsonl_records, surrogate_problem
from .model import Document, Segment

RELATED_MARKER = "Related Articles"
AGENCIES = ("DPA", "AFP", "AP", "Reuters", "ANSA", "EFE", "Xinhua", "TASS", "UPI", "PA")
_RELATIVE_TIME = re.compile(r"^(?:an?|\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
                            r"(?:second|minute|hour|day|week|month|year)s?\s+ago$", re.IGNORECASE)
# A dateline after an agency: one capitalised place word, or several joined by "/" ("Kiev/Moscow").
_AGENCY_DATELINE = re.compile(
    r"^(?P<agency>%s)\s+(?P<dateline>[A-Z][\w.'-]*(?:/[A-Z][\w.'-]*)*)\s" % "|".join(AGENCIES))
_SENTENCE_END = re.compile(r"[.!?:;,\"'\u2019\u201d)]$")


def read_text_file(path: Path) -> str:
    """Decode a UTF-8 file strictly: no BOM, no CRLF, no bad bytes, not empty."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError(Problem("file is empty", file=str(path)))
    if data.startswith(b"\xef\xbb\xbf"):
        raise CorpusError(Problem("file starts with a UTF-8 byte-order mark; save it without BOM",
                                  file=str(path), line=1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(Problem(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                                  file=str(path), line=line)) from None
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        raise CorpusError(Problem("carriage return (CRLF or CR line ending); convert the file to LF "
                                  "line endings, offsets are counted on LF text", file=str(path), line=line))
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise CorpusError(Problem(f"{_describe(bad.group())} at column {column}; remove it (only line breaks "
                                  "and tabs may appear in a source)", file=str(path), line=line))
    return text


# Control characters (Unicode category Cc) other than line feed and tab; \r is reported on its own.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NAMES = {"\x00": "NUL character", "\r": "carriage return", "\n": "line break", "\t": "tab"}
# An explicit document id: letters, digits, '.', '_' and '-', starting and ending with a letter or
# digit; so no '/', no '..' and no spaces: ids name files and URLs downstream.
_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def _describe(char: str) -> str:
    name = _NAMES.get(char) or unicodedata.name(char, "control character")
    return f"{name.lower() if name.isupper() else name} (U+{ord(char):04X})"


def _field_problem(key: str, value: object) -> str | None:
    """What is wrong with one field of a JSONL record, or None."""
    if key == "id":
        if not isinstance(value, str):
            return f"'id' must be a string, got {value!r}"
        if not _ID.fullmatch(value) or ".." in value:
            return (f"'id' {value!r} is not a valid document id: use letters, digits, '.', '_' and '-' "
                    "(no '/', no '..', no spaces)")
        return None
    if not isinstance(value, str):
        return f"{key!r} must be a string, got {value!r}"
    if surrogate := surrogate_problem(key, value):
        return surrogate
    if "\r" in value:
        return (f"{key!r} has a carriage return at character {value.index(chr(13))}; use \\n line breaks "
                "(offsets are counted on LF text)")
    allowed = "\n\t" if key == "text" else ""
    bad = next((i for i, c in enumerate(value) if unicodedata.category(c) == "Cc" and c not in allowed), None)
    if bad is not None:
        where = "" if key == "text" else " (it must be a single line)"
        return f"{key!r} has a {_describe(value[bad])} at character {bad}{where}"
    return None


def slugify(title: str, max_len: int = 60) -> str:
    """A stable, readable id from a title: ascii, lower case, words joined by '-'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = re.sub(r"['\u2019]", "", ascii_title)
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_len:
            break
        slug = candidate
    return slug or "document"


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    text: str


class _DocumentBuilder:
    """Assembles `title + "\\n\\n" + body lines joined by "\\n"` while recording segments."""

    def __init__(self, title: _Line, field: str = ""):
        self.text = title.text
        self.segments = [Segment(0, len(title.text), title.number, 0, field)]
        self.sep = "\n\n"

    def add(self, line: _Line, column: int = 0, field: str = "") -> None:
        self.text += self.sep
        start = len(self.text)
        self.text += line.text[column:]
        self.segments.append(Segment(start, len(self.text), line.number, column, field))
        self.sep = "\n"


def _blocks(text: str) -> list[list[_Line]]:
    """Split into runs of non-blank lines, keeping 1-based line numbers."""
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            current.append(_Line(number, raw))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _agency_and_dateline(body: str) -> tuple[str, str]:
    m = _AGENCY_DATELINE.match(body)
    return (m.group("agency"), m.group("dateline")) if m else ("", "")


def parse_page(path: Path) -> list[Document]:
    """Parse one scraped page into its main article and related articles."""
    path = Path(path)
    name = path.name
    blocks = _blocks(read_text_file(path))
    main = blocks[0]
    if len(main) < 2:
        raise CorpusError(Problem("expected a title line followed by the article's paragraphs",
                                  file=str(path), line=main[0].number))
    title = main[0]
    dateline = ""
    body_lines = main[1:]
    first = body_lines[0].text
    if len(body_lines) > 1 and len(first) <= 40 and not _SENTENCE_END.search(first.strip()):
        dateline = first.strip()
    doc = _DocumentBuilder(title)
    for line in body_lines:
        doc.add(line)
    agency, _ = _agency_and_dateline(body_lines[0].text)
    docs = [_make_document(doc, title.text, name, agency=agency, dateline=dateline)]

    related = [i for i, b in enumerate(blocks) if any(line.text.strip() == RELATED_MARKER for line in b)]
    for block in blocks[related[0] + 1:] if related else []:
        docs.append(_parse_related(block, path, name))
    return docs


def _parse_related(block: list[_Line], path: Path, name: str) -> Document:
    if len(block) < 5:
        raise CorpusError(Problem(
            f"a related article needs 5 lines (outlet, time, '- outlet', title, body), found {len(block)}",
            file=str(path), line=block[0].number))
    outlet, published, dashed, title = (line for line in block[:4])
    if not _RELATIVE_TIME.match(published.text.strip()):
        raise CorpusError(Problem(f"expected a relative time such as '5 hours ago', found {published.text!r}",
                                  file=str(path), line=published.number))
    if dashed.text.strip() != f"- {outlet.text.strip()}":
        raise CorpusError(Problem(f"expected '- {outlet.text.strip()}', found {dashed.text!r}",
                                  file=str(path), line=dashed.number))
    doc = _DocumentBuilder(title)
    for line in block[4:]:
        doc.add(line)
    agency, dateline = _agency_and_dateline(block[4].text)
    return _make_document(doc, title.text, name, outlet=outlet.text.strip(), agency=agency,
                          dateline=dateline, published=published.text.strip())


def _make_document(doc: _DocumentBuilder, title: str, source: str, **fields: str) -> Document:
    return Document(id=slugify(title), title=title, text=doc.text, source=source,
                    segments=tuple(doc.segments), **fields)


_RECORD_FIELDS = {"id", "title", "text", "outlet", "agency", "dateline", "published"}


def parse_jsonl(path: Path) -> list[Document]:
    """Read `{"title", "text", ...}` records; `text` is the body, as on a page."""
    path = Path(path)
    docs = []
    problems = []
    for number, record in jsonl_records(read_text_file(path), str(path), problems):
        if not isinstance(record, dict):
            problems.append(Problem("expected a JSON object per line", file=str(path), line=number))
            continue
        missing = [k for k in ("title", "text") if not isinstance(record.get(k), str) or not record[k].strip()]
        unknown = sorted(set(record) - _RECORD_FIELDS)
        wrong = [w for k in sorted(set(record) & _RECORD_FIELDS) if (w := _field_problem(k, record[k]))]
        if missing or unknown or wrong:
            what = []
            if missing:
                what.append("missing or empty " + ", ".join(repr(k) for k in missing))
            if unknown:
                what.append("unknown field " + ", ".join(repr(k) for k in unknown))
            problems.append(Problem("; ".join(what + wrong), file=str(path), line=number))
            continue
        title, body = record["title"], record["text"]
        doc = _DocumentBuilder(_Line(number, title), field="title")
        doc.add(_Line(number, body), field="text")
        agency, dateline = _agency_and_dateline(body)
        docs.append(Document(
            id=record.get("id") or slugify(title), title=title, text=doc.text, source=path.name,
            segments=tuple(doc.segments), outlet=record.get("outlet", ""),
            agency=record.get("agency", agency), dateline=record.get("dateline", dateline),
            published=record.get("published", "")))
    if problems:
        raise CorpusError(problems)
    return docs


PAGE_SUFFIXES = (".txt", "")


def parse_source(path: Path) -> list[Document]:
    """Documents of one source file, by its kind: `.jsonl` records or a scraped page (`.txt`)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl":
        return parse_jsonl(path)
    if suffix in PAGE_SUFFIXES:
        return parse_page(path)
    raise CorpusError(Problem(f"unsupported source type {suffix!r}: expected a scraped page (.txt) or JSON Lines "
                              "records (.jsonl); convert other formats to JSONL records first", file=str(path)))


def source_files(sources_dir: Path) -> list[Path]:
    """Source files in the order they were added (their names start with a sequence number)."""
    return sorted(p for p in Path(sources_dir).iterdir() if p.is_file() and not p.name.startswith("."))


def read_documents(sources_dir: Path) -> list[Document]:
    """Every document of every source, in order; duplicate ids are an error."""
    docs: list[Document] = []
    seen: dict[str, str] = {}
    problems = []
    for path in source_files(sources_dir):
        for doc in parse_source(path):
            if doc.id in seen:
                problems.append(Problem(f"duplicate document id (also in {seen[doc.id]}); give the record "
                                        "an explicit 'id' or change its title", file=str(path),
                                        line=doc.segments[0].line, doc_id=doc.id))
            seen[doc.id] = path.name
            docs.append(doc)
    if problems:
        raise CorpusError(problems)
    return docs
