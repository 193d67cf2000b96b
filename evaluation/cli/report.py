"""`newsspans report REPORT.json --html FILE`: draw a saved JSON report as an HTML page."""
from __future__ import annotations

from pathlib import Path

import typer

from newsspans.corpus.errors import CorpusError, Problem

from .options import GOLD, GoldArgs, Scheme, takes


@takes(GOLD)
def report_command(
    gold: GoldArgs,
    report: Path = typer.Argument(..., help="A JSON report written by `newsspans score --output` or --format "
                                  "json; - reads standard input."),
    html: Path = typer.Option(..., "--html", help="Write the HTML report here."),
    scheme: Scheme = typer.Option(Scheme.strict, "--scheme", help="Scheme of the summary tables."),
) -> None:
    """Draw a saved JSON report as a self-contained HTML page: scores, label confusion, and every document with its gold and predicted spans.

    The gold defaults to the report's `gold` field (the corpus folder or JSONL file it names).

    Example: `newsspans score --extractor baseline --output report.json && newsspans report report.json --html report.html`
    """  # noqa: E501 - typer keeps docstring line breaks, so each paragraph is one line
    from ..gold import load_gold
    from ..html.files import BUNDLED, read_report, write_report_html

    data = read_report(report)
    gold_path = gold.gold
    if gold_path is None and data.get("gold") != BUNDLED:
        gold_path = Path(str(data.get("gold", "")))
        if not gold_path.exists():
            raise CorpusError(Problem(f"the report's gold {str(gold_path)!r} is not found; give it with --gold",
                                      file=str(report)))
    documents = load_gold(gold_path, gold.gold_documents).documents
    try:
        write_report_html(html, data, documents, scheme.value)
    except (KeyError, TypeError, IndexError) as exc:
        # read_report checks the top level only; a damaged inner field surfaces while drawing.
        raise CorpusError(Problem(f"not a complete newsspans score report: missing or malformed field {exc}",
                                  file=str(report))) from None
    typer.echo(f"wrote {html}", err=True)
