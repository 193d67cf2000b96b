"""`newsspans corpus ...`: build, validate, audit, summarise and extend the gold corpus."""
from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from .common import FINDING, CorpusOption, command, folder_out, loaded, new_app, reading
from ..errors import CorpusError, Problem

corpus_app = new_app("Build, validate, audit and extend the gold corpus.")


@command(corpus_app)
def validate(corpus: Path = CorpusOption,
             allow_empty: bool = typer.Option(False, "--allow-empty", help="Accept a corpus with no "
                                              "annotations.jsonl (a new corpus not annotated yet).")) -> None:
    """Check the gold annotations against every rule; list all violations.

    Example: newsspans corpus validate
    """
    gold = reading(corpus).annotations
    if not allow_empty and not gold.exists():
        # Most likely a wrong --corpus or a lost file: "ok: 0 spans" would hide it.
        raise CorpusError(Problem("the gold file does not exist; pass --allow-empty to validate a corpus "
                                  "with no annotations yet", file=str(gold)))
    docs, spans = loaded(corpus)
    typer.echo(f"ok: {len(spans)} spans in {len(docs)} documents pass the validator")


@command(corpus_app)
def build(corpus: Path = CorpusOption,
          out: Path = typer.Option(None, "--out", help="Write the dataset here instead of into the corpus folder."),
          check: bool = typer.Option(False, "--check", help="Build into a temporary folder and fail if the "
                                     "committed dataset differs from it.")) -> None:
    """Validate, then write the Hugging Face dataset (Parquet per config + card README.md).

    Example: newsspans corpus build && python -c "import datasets; print(datasets.load_dataset('corpus'))"
    """
    from ..build import build as run_build
    from ..build import recover
    from ..stale import stale_files

    out = folder_out(out)
    if check:
        with tempfile.TemporaryDirectory() as tmp:
            source = reading(corpus)
            recover(Path(source.root))  # finish a swap an earlier build could not, before comparing
            run_build(source, Path(tmp))
            stale = stale_files(Path(source.root), Path(tmp))
        if stale:
            for name in stale:
                typer.echo(f"error: {name} differs from what the build produces; run `newsspans corpus build`",
                           err=True)
            raise typer.Exit(FINDING)
        typer.echo("ok: the committed dataset is what the build produces")
        return
    from ..store import writable_corpus

    source = reading(corpus)
    result = run_build(source, out) if out is not None else run_build(writable_corpus(source.root))
    typer.echo(f"built {result.out_dir}: {result.documents} documents, {result.spans} spans, "
               f"{result.sentences} sentences")


@command(corpus_app)
def publish(out: Path = typer.Option(None, "--out", file_okay=False, help="Write the dataset folder here: a new "
                                     "or empty folder, or one an earlier publish wrote (it is replaced)."),
            repo_id: str = typer.Option(None, "--repo-id", help="Also upload the folder to this Hugging Face "
                                        "dataset repository (created if missing); needs a token in HF_TOKEN."),
            private: bool = typer.Option(False, "--private", help="Create the repository as private."),
            corpus: Path = CorpusOption) -> None:
    """Validate, then write a clean Hugging Face dataset folder (data, card, guidelines, licence).

    Example: newsspans corpus publish --out dist/newsspans --repo-id USER/newsspans
    """
    from ..errors import CorpusError, Problem
    from ..publish import publish as run_publish, upload

    out = folder_out(out)
    if out is None and repo_id is None:
        raise CorpusError(Problem("give --out DIR, --repo-id ID, or both"))
    token = None
    if repo_id is not None:
        from huggingface_hub import get_token
        from huggingface_hub.utils import HFValidationError, validate_repo_id

        try:  # checked before anything is built, as the token is: a bad id would fail only after the folder
            validate_repo_id(repo_id)
        except HFValidationError as exc:
            raise CorpusError(Problem(f"--repo-id {repo_id!r} is not a Hugging Face repository id (USER/NAME): "
                                      f"{str(exc).split(':')[0]}; nothing was written or uploaded")) from None

        token = get_token()  # HF_TOKEN, else the token saved by `hf auth login`
        if not token:
            raise CorpusError(Problem("--repo-id needs a Hugging Face token: set HF_TOKEN (a token with write "
                                      "access) or log in with `hf auth login`; nothing was written or uploaded"))
    with tempfile.TemporaryDirectory() as scratch:
        result = run_publish(reading(corpus), out if out is not None else Path(scratch) / "newsspans")
        built = result.build
        where = result.out_dir if out is not None else "a temporary folder (removed after the upload)"
        typer.echo(f"published {where}: {built.documents} documents, {built.spans} spans, "
                   f"{built.sentences} sentences; files: {', '.join(result.files)}")
        if repo_id is not None:
            typer.echo(f"uploaded to {upload(result.out_dir, repo_id, token, private=private)}")


@command(corpus_app)
def add(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="A scraped page (.txt) or a "
                                    "JSONL file of {\"title\", \"text\", ...} records."),
        corpus: Path = CorpusOption) -> None:
    """Ingest another page or JSONL file as new documents; existing ones are untouched.

    Example: newsspans corpus add new_page.txt && newsspans corpus build
    """
    from ..add import add_source
    from ..store import writable_corpus

    docs = add_source(writable_corpus(reading(corpus).root), path)
    for doc in docs:
        typer.echo(f"added {doc.id} ({len(doc.text)} characters) from {doc.source}")


@command(corpus_app)
def summary(corpus: Path = CorpusOption) -> None:
    """Print the documents with their outlet and span counts per label.

    Example: newsspans corpus summary
    """
    from collections import Counter

    from ..model import LABELS

    # Violations are validate's finding (exit 1); here, as for audit, build and score, they are bad input.
    docs, spans = reading(corpus).load()
    counts = Counter((s.doc_id, s.label) for s in spans)
    typer.echo(f"{'document':62} {'outlet':14} " + " ".join(f"{lab:>5}" for lab in LABELS))
    for d in docs:
        typer.echo(f"{d.id:62} {(d.outlet or '-'):14} " + " ".join(f"{counts[d.id, lab]:5d}" for lab in LABELS))
    typer.echo(f"{len(docs)} documents, {len(spans)} spans")


def _default_explained() -> Path:
    return Path(__file__).resolve().parents[1] / "audit_explained.tsv"


@command(corpus_app)
def audit(corpus: Path = CorpusOption,
          explained: Path = typer.Option(None, "--explained", help="Reviewed exclusions (TSV: doc_id, token, "
                                         "where, rule); default: corpus/audit_explained.tsv."),
          show_all: bool = typer.Option(False, "--all", help="Also list items the exclusions explain.")) -> None:
    """List capitalized words, numbers and quotation marks that no gold span covers.

    Each listed item must be annotated or explained by a guideline rule in the exclusions file;
    exits 1 while unexplained items remain, so it can gate CI.

    Example: newsspans corpus audit --all | grep russia-claims
    """
    from ..audit import audit as run_audit
    from ..audit import format_audit, load_explained

    docs, spans = reading(corpus).load()
    reviewed = [] if show_all else load_explained(explained or _default_explained())
    items = run_audit(docs, spans, explained=reviewed)
    typer.echo(format_audit(items), nl=False)
    if items and not show_all:
        raise typer.Exit(FINDING)


def register(root: typer.Typer) -> None:
    root.add_typer(corpus_app, name="corpus")
