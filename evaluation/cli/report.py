"""Command-line edges of the HTML report: `newsspans report REPORT.json --html FILE`, and the
writers behind `score --html` and `compare --html`.

A saved JSON report holds offsets and span texts but not the documents, so `report` reloads
the gold named in the report (or `--gold`) and checks every span's text against it before
drawing anything: a report from other texts fails with the document and span at fault.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import typer

from newsspans.corpus.atomic import write_text_atomic
from newsspans.corpus.cli.common import fail
from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import read_utf8
from newsspans.corpus.model import Document

from ..scoring.counts import SCHEMES
from ..gold import load_gold
from ..html.page import render_compare_html, render_html
from ..scoring.report import SCHEMA_VERSION

BUNDLED = "bundled corpus"  # the `gold` field of reports scored on the bundled corpus


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
    """A saved JSON report (`score --output` or `--format json`); CorpusError naming the file if it is not one."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(Problem("report file not found", file=str(path)))
    try:
        data = json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise CorpusError(Problem(f"not a JSON report: {exc}", file=str(path))) from None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION \
            or not isinstance(data.get("layers"), dict) or not isinstance(data.get("documents"), list):
        raise CorpusError(Problem(f"not a newsspans score report (schema_version {SCHEMA_VERSION} with documents "
                                  "and layers)", file=str(path)))
    return data


def report_command(
    report: Path = typer.Argument(..., help="A JSON report written by `newsspans score --output` or --format json."),
    html: Path = typer.Option(..., "--html", help="Write the HTML report here."),
    gold: Path = typer.Option(None, "--gold", help="The gold the report was scored on. Default: the report's "
                              "`gold` field (the bundled corpus, or the corpus folder or JSONL file it names)."),
    gold_documents: Path = typer.Option(None, "--gold-documents", help="Sources folder or file that a standoff "
                                        "--gold annotates."),
    split: str = typer.Option("test", "--split", help="Split of the bundled corpus."),
    scheme: str = typer.Option("strict", "--scheme", help="Scheme of the summary tables: strict, exact, "
                               "partial or type."),
) -> None:
    """Draw a saved JSON report as a self-contained HTML page: scores, label confusion, and every document with its gold and predicted spans.

    Example: `newsspans score --extractor baseline --output report.json && newsspans report report.json --html report.html`
    """  # noqa: E501 - typer keeps docstring line breaks, so each paragraph is one line
    try:
        if scheme not in SCHEMES:
            raise CorpusError(Problem(f"unknown scheme {scheme!r} (known: {', '.join(SCHEMES)})"))
        data = read_report(report)
        if gold is None and data.get("gold") != BUNDLED:
            gold = Path(str(data.get("gold", "")))
            if not gold.exists():
                raise CorpusError(Problem(f"the report's gold {str(gold)!r} is not found; give it with --gold",
                                          file=str(report)))
        documents = load_gold(gold, gold_documents, split).documents
        try:
            write_report_html(html, data, documents, scheme)
        except (KeyError, TypeError, IndexError) as exc:
            # read_report checks the top level only; a damaged inner field surfaces while drawing.
            raise CorpusError(Problem(f"not a complete newsspans score report: missing or malformed field {exc}",
                                      file=str(report))) from None
    except CorpusError as exc:
        fail(exc, 2)
    typer.echo(f"wrote {html}")
