"""The HTML report's files: reading a saved JSON report, writing report and compare pages.

A saved JSON report holds offsets and span texts but not the documents, so `newsspans report`
reloads the gold named in the report (or `--gold`) and checks every span's text against it
before drawing anything: a report from other texts fails with the document and span at fault.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from newsspans.corpus.atomic import write_text_atomic
from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import STDIN, read_utf8
from newsspans.corpus.model import Document

from ..gold import BUNDLED
from ..scoring.report import SCHEMA_VERSION
from .page import render_compare_html, render_html
from .schema import validate_report


def texts_of(documents: Sequence[Document]) -> dict[str, str]:
    return {d.id: d.text for d in documents}


def write_html(path: Path, page: str) -> None:
    """Write a page atomically; a path that cannot be written is a CorpusError naming it."""
    try:
        write_text_atomic(Path(path), page)
    except OSError as exc:
        raise CorpusError(Problem(f"cannot write the HTML report: {exc.strerror or exc}", file=str(path))) from None


def write_report_html(path: Path, report: Mapping, documents: Sequence[Document], scheme: str = "strict") -> None:
    """Render one report and write it atomically to `path`."""
    write_html(path, render_html(report, texts_of(documents), scheme=scheme))


def write_compare_html(path: Path, reports: Sequence[Mapping], documents: Sequence[Document], names: Sequence[str],
                       scheme: str = "strict", paired: Mapping[str, Mapping] | None = None) -> None:
    """Render two reports side by side and write the page atomically to `path`."""
    write_html(path, render_compare_html(reports[0], reports[1], texts_of(documents), names, scheme=scheme,
                                         paired=paired))


def read_report(path: Path) -> dict:
    """A saved JSON report (`score --output` or `--format json`; `-` reads standard input);
    CorpusError naming the file if it is not one."""
    path = Path(path)
    if str(path) != STDIN and not path.is_file():
        raise CorpusError(Problem("report file not found", file=str(path)))
    try:
        data = json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise CorpusError(Problem(f"not a JSON report: {exc}", file=str(path))) from None
    # Schema 2 only adds sections and schema 3 makes them optional, so saved schema-1 and -2 reports still draw.
    if not isinstance(data, dict) or data.get("schema_version") not in (1, 2, SCHEMA_VERSION) \
            or not isinstance(data.get("layers"), dict) or not isinstance(data.get("documents"), list):
        raise CorpusError(Problem(f"not a newsspans score report (schema_version 1 to {SCHEMA_VERSION} with documents "
                                  "and layers)", file=str(path)))
    validate_report(data, str(path))
    return data
