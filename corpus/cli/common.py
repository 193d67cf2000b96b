"""What every part's commands share: exit codes, the corpus option, and one way to fail.

Exit codes, for every command of every part: 0 success; 1 a finding (validator violations,
audit items, a score below --fail-under); 2 bad input, usage or environment; 130 Ctrl-C.
"""
from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

from ..errors import CorpusError
from ..model import Document, Span
from ..store import Corpus, default_corpus_dir

OK = 0
FINDING = 1
BAD_INPUT = 2
INTERRUPTED = 130

CorpusOption = typer.Option(None, "--corpus", help="Corpus folder (sources/ + annotations.jsonl); default: "
                            "./corpus in a checkout, else the bundled corpus.", file_okay=False)


def reading(corpus: Path | None) -> Corpus:
    return Corpus(corpus if corpus is not None else default_corpus_dir())


def fail(error: CorpusError, code: int = BAD_INPUT) -> NoReturn:
    """Print every problem, one per line, and exit with `code`: no traceback for bad input."""
    for problem in error.problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(code)


def loaded(corpus: Path | None) -> tuple[list[Document], list[Span]]:
    """Documents and validated gold of `corpus`; violations are a finding (exit 1)."""
    try:
        return reading(corpus).load()
    except CorpusError as exc:
        fail(exc, FINDING)
