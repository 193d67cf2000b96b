"""The `newsspans` command line: a root typer app to which each part adds its commands."""
from __future__ import annotations

import sys
import tempfile
from importlib.metadata import entry_points
from pathlib import Path

import typer

from .errors import CorpusError
from .model import Document, Span
from .store import Corpus, default_corpus_dir, writable_corpus

app = typer.Typer(help="newsspans: a gold-annotated news span corpus and an honest extractor scorer.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
corpus_app = typer.Typer(help="Build, validate, audit and extend the gold corpus.", no_args_is_help=True)

CorpusOption = typer.Option(None, "--corpus", help="Corpus folder (sources/ + annotations.jsonl); default: "
                            "./corpus in a checkout, else the bundled corpus.", file_okay=False)


def reading(corpus: Path | None) -> Corpus:
    return Corpus(corpus if corpus is not None else default_corpus_dir())


def loaded(corpus: Path | None) -> tuple[list[Document], list[Span]]:
    """Documents and validated gold of `corpus`, or every problem printed and exit 1."""
    try:
        return reading(corpus).load()
    except CorpusError as exc:
        fail(exc)


def fail(error: CorpusError, code: int = 1) -> None:
    """Print every problem, one per line, and exit non-zero: no traceback for bad input."""
    for problem in error.problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(code)


@corpus_app.command()
def validate(corpus: Path = CorpusOption) -> None:
    """Check the gold annotations against every rule; list all violations.

    Example: newsspans corpus validate
    """
    docs, spans = loaded(corpus)
    typer.echo(f"ok: {len(spans)} spans in {len(docs)} documents pass the validator")


@corpus_app.command()
def build(corpus: Path = CorpusOption,
          out: Path = typer.Option(None, "--out", help="Write the dataset here instead of into the corpus folder."),
          check: bool = typer.Option(False, "--check", help="Build into a temporary folder and fail if the "
                                     "committed dataset differs from it.")) -> None:
    """Validate, then write the Hugging Face dataset (Parquet per config + card README.md).

    Example: newsspans corpus build && python -c "import datasets; print(datasets.load_dataset('corpus'))"
    """
    from .build import build as run_build
    from .stale import stale_files

    try:
        if check:
            with tempfile.TemporaryDirectory() as tmp:
                source = reading(corpus)
                run_build(source, Path(tmp))
                stale = stale_files(Path(source.root), Path(tmp))
            if stale:
                for name in stale:
                    typer.echo(f"error: {name} differs from what the build produces; run `newsspans corpus build`",
                               err=True)
                raise typer.Exit(1)
            typer.echo("ok: the committed dataset is what the build produces")
            return
        result = run_build(reading(corpus), out) if out is not None else run_build(writable_corpus(corpus))
    except CorpusError as exc:
        fail(exc)
    typer.echo(f"built {result.out_dir}: {result.documents} documents, {result.spans} spans, "
               f"{result.sentences} sentences")


@corpus_app.command()
def add(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A scraped page (.txt) or a "
                                    "JSONL file of {\"title\", \"text\", ...} records."),
        corpus: Path = CorpusOption) -> None:
    """Ingest another page or JSONL file as new documents; existing ones are untouched.

    Example: newsspans corpus add new_page.txt && newsspans corpus build
    """
    from .add import add_source

    try:
        docs = add_source(writable_corpus(corpus), path)
    except CorpusError as exc:
        fail(exc, 2)
    for doc in docs:
        typer.echo(f"added {doc.id} ({len(doc.text)} characters) from {doc.source}")


@corpus_app.command()
def summary(corpus: Path = CorpusOption) -> None:
    """Print the documents with their outlet and span counts per label.

    Example: newsspans corpus summary
    """
    from collections import Counter

    from .model import LABELS

    docs, spans = loaded(corpus)
    counts = Counter((s.doc_id, s.label) for s in spans)
    typer.echo(f"{'document':62} {'outlet':14} " + " ".join(f"{lab:>5}" for lab in LABELS))
    for d in docs:
        typer.echo(f"{d.id:62} {(d.outlet or '-'):14} " + " ".join(f"{counts[d.id, lab]:5d}" for lab in LABELS))
    typer.echo(f"{len(docs)} documents, {len(spans)} spans")


def _default_explained() -> Path:
    from newsspans import annotation

    return Path(annotation.__file__).resolve().parent / "audit_explained.tsv"


@corpus_app.command()
def audit(corpus: Path = CorpusOption,
          explained: Path = typer.Option(None, "--explained", help="Reviewed exclusions (TSV: doc_id, token, "
                                         "where, rule); default: annotation/audit_explained.tsv."),
          show_all: bool = typer.Option(False, "--all", help="Also list items the exclusions explain.")) -> None:
    """List capitalized words, numbers and quotation marks that no gold span covers.

    Each listed item must be annotated or explained by a guideline rule in the exclusions file;
    exits 1 while unexplained items remain, so it can gate CI.

    Example: newsspans corpus audit --all | grep russia-claims
    """
    from .audit import audit as run_audit
    from .audit import format_audit, load_explained

    try:
        docs, spans = reading(corpus).load()
        reviewed = [] if show_all else load_explained(explained or _default_explained())
    except CorpusError as exc:
        fail(exc)
    items = run_audit(docs, spans, explained=reviewed)
    typer.echo(format_audit(items), nl=False)
    if items and not show_all:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    root.add_typer(corpus_app, name="corpus")


def _load_plugins(root: typer.Typer) -> None:
    for ep in sorted(entry_points(group="newsspans.cli"), key=lambda e: e.name):
        ep.load()(root)


def main() -> None:
    _load_plugins(app)
    app()


if __name__ == "__main__":
    sys.exit(main())
