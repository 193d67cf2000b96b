"""Terminal rendering keeps document text literal: brackets in the text are not rich markup."""
from rich.console import Console

from newsspans.evaluation.render import _context


def test_error_context_shows_the_span_in_brackets_and_text_brackets_literally():
    console = Console(width=200, record=True)
    console.print(_context("should one of the two countries", 7, 10))
    console.print(_context("tariffs [on Russia] if [/bold] we", 8, 19))
    out = console.export_text()
    assert "should [one] of the two countries" in out
    assert "tariffs [[on Russia]] if [/bold] we" in out
