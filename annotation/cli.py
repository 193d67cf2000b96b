"""`newsspans annotate ...`: Label Studio config, tasks, push, pull, import and agreement."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from newsspans.corpus.atomic import is_stdout, write_text_atomic
from newsspans.corpus.cli.common import BAD_INPUT, CorpusOption, command, echo_problems, new_app, reading
from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.jsonl import read_utf8

from .client import DEFAULT_TIMEOUT, LabelStudioClient, LabelStudioError, redact_url, resolve_api_key
from .convert import AnnotationImportError, parse_export
from .policies import POLICIES

if TYPE_CHECKING:
    from newsspans.corpus.store import Corpus

annotate_app = new_app("Annotate in Label Studio: labeling config, tasks, push, pull, import, agreement.")
UrlOption = typer.Option(..., "--url", help="Label Studio base URL, e.g. http://127.0.0.1:8080")
ApiKeyOption = typer.Option(None, "--api-key", help="API key; default: the LABEL_STUDIO_API_KEY variable. "
                            "Never printed.", show_default=False)
ProjectOption = typer.Option("newsspans", "--project", help="Project title (or numeric id).")
TimeoutOption = typer.Option(DEFAULT_TIMEOUT, "--timeout", help="Seconds to wait for each server answer.")
# A choice, so --help lists the policies and a wrong one is a usage error.
Policy = Enum("Policy", {name: name for name in POLICIES}, type=str)
PolicyOption = typer.Option("latest", "--policy", help=f"When a task has several completed annotations: "
                            f"{', '.join(POLICIES)}.")
SkipInvalidOption = typer.Option(False, "--skip-invalid", help="Keep the valid annotations, list the invalid "
                                 "ones (default: write nothing while any problem remains).")
AdjudicationOption = typer.Option(None, "--adjudication", help="Also write spans left for adjudication "
                                  "(policy agreement) to this JSONL file.", dir_okay=False)


@contextmanager
def _clean_errors() -> Iterator[None]:
    """Bad input and server failures end with their messages and exit 2 (bad input or
    environment), saying that nothing was written."""
    try:
        yield
    except (AnnotationImportError, CorpusError) as exc:
        echo_problems(exc.problems)
        typer.echo(f"error: {len(exc.problems)} problem(s); nothing was written", err=True)
        raise typer.Exit(BAD_INPUT) from None
    except (LabelStudioError, ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(BAD_INPUT) from None


def _track(items: Sequence, label: str) -> Iterable:
    """A progress bar on stderr (only drawn on a terminal)."""
    with typer.progressbar(items, label=label, file=sys.stderr) as bar:
        yield from bar


def _client(url: str, api_key: str | None, timeout: float) -> LabelStudioClient:
    return LabelStudioClient(url, resolve_api_key(api_key), timeout=timeout)


@command(annotate_app)
def config(out: Path = typer.Option(None, "--out", help="Write the XML here instead of printing it.",
                                    dir_okay=False)) -> None:
    """Print the Label Studio labeling config (paste it under Settings > Labeling Interface > Code).

    Example: newsspans annotate config > labeling_config.xml
    """
    from .config import load_config

    xml = load_config().xml
    if out is None:
        typer.echo(xml, nl=False)
    else:
        with _clean_errors():
            write_text_atomic(out, xml)
        typer.echo(f"wrote {out}", err=is_stdout(out))  # `--out -`: stdout holds the XML only


WithOption = typer.Option("none", "--with", help="Pre-annotate with: none, gold (model version newsspans-gold, "
                          "to correct it), predictions:FILE or extractor:NAME (e.g. extractor:baseline or "
                          "extractor:my.module:extract); always as Label Studio predictions, so that each "
                          "annotator's Submit creates their own annotation.")
ModelVersionOption = typer.Option(None, "--model-version", help="Model version shown for predictions "
                                  "(default: the file stem or extractor name).")


@command(annotate_app)
def tasks(out: Path = typer.Option(..., "--out", help="The tasks JSON file to write.", dir_okay=False),
          with_: str = WithOption, model_version: str = ModelVersionOption, corpus: Path = CorpusOption) -> None:
    """Write a Label Studio import file (tasks JSON) for the UI's own Import button.

    Example: newsspans annotate tasks --out tasks.json --with gold
    """
    from .preannotate import pre_annotations
    from .tasks import build_task

    with _clean_errors():
        store = reading(corpus)
        documents = store.documents()
        pre = pre_annotations(with_, store, documents, model_version)
        built = [build_task(d, pre.predictions.get(d.id) if pre.predictions is not None else None,
                            pre.model_version) for d in documents]
        write_text_atomic(out, json.dumps(built, ensure_ascii=False, indent=1) + "\n")
    for note in pre.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"wrote {len(built)} task(s) to {out}", err=is_stdout(out))  # `--out -`: stdout holds the JSON only


@command(annotate_app)
def push(url: str = UrlOption, api_key: str = ApiKeyOption, project: str = ProjectOption,
         with_: str = WithOption, model_version: str = ModelVersionOption, corpus: Path = CorpusOption,
         timeout: float = TimeoutOption) -> None:
    """Create or update a project with the labeling config and one task per document.

    Tasks are matched to documents by id, so pushing again never duplicates them; annotations are
    never created or changed (pre-annotations are predictions, so each annotator's Submit is theirs).
    Example: LABEL_STUDIO_API_KEY=... newsspans annotate push --url http://127.0.0.1:8080 --with gold
    """
    from .preannotate import pre_annotations
    from .sync import push as run_push

    with _clean_errors():
        store = reading(corpus)
        documents = store.documents()
        pre = pre_annotations(with_, store, documents, model_version)
        report = run_push(_client(url, api_key, timeout), project, documents, pre.predictions,
                          pre.model_version, _track)
    for note in pre.notes + report.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(report.summary())


def _report_outcome(outcome, store: Corpus, adjudication: Path | None, written: bool) -> None:
    for line in outcome.skipped:
        typer.echo(f"skipped: {line}", err=True)
    for line in outcome.notes:
        typer.echo(f"note: {line}", err=True)
    for problem in outcome.problems:
        typer.echo(f"invalid (skipped): {problem}", err=True)
    for item in outcome.adjudication:
        typer.echo(f"adjudicate: {item}")
    if adjudication is not None:
        lines = "".join(json.dumps({"task": a.task_id, "annotators": list(a.annotators), "of": a.of,
                                    **a.span.to_dict()}, ensure_ascii=False) + "\n" for a in outcome.adjudication)
        write_text_atomic(adjudication, lines)
    if written:
        typer.echo(f"wrote {store.annotations}: {len(outcome.spans)} spans; "
                   f"{len(outcome.updated)} document(s) from Label Studio, {len(outcome.kept)} kept as they were"
                   + (f"; {len(outcome.adjudication)} span(s) left for adjudication" if outcome.adjudication else ""))


def _import(exported: object, corpus: Path, policy: str, skip_invalid: bool, adjudication: Path | None,
            users: dict[int, str] | None, source: str) -> None:
    from newsspans.corpus.store import writable_corpus

    from .gold import import_export

    store = writable_corpus(corpus)
    if adjudication is not None and not Path(adjudication).parent.is_dir():
        # Checked before the gold is written, so a bad path cannot leave a half-finished import.
        raise CorpusError(Problem("cannot write the adjudication list: the folder does not exist",
                                  file=str(adjudication)))
    outcome = import_export(exported, store, policy, users, source, skip_invalid)
    _report_outcome(outcome, store, adjudication, written=True)


def _check_policy(policy: str) -> None:
    if policy not in POLICIES:
        raise ValueError(f"--policy {policy!r}: expected one of {', '.join(POLICIES)}")


@command(annotate_app)
def pull(url: str = UrlOption, api_key: str = ApiKeyOption, project: str = ProjectOption,
         policy: Policy = PolicyOption, skip_invalid: bool = SkipInvalidOption, adjudication: Path = AdjudicationOption,
         corpus: Path = CorpusOption, timeout: float = TimeoutOption) -> None:
    """Bring the project's annotations into the gold standoff file, validated; then `newsspans corpus build`.

    Example: newsspans annotate pull --url http://127.0.0.1:8080 --policy latest
    """
    from .sync import pull_export

    with _clean_errors():
        _check_policy(policy)
        exported, users = pull_export(_client(url, api_key, timeout), project, _track)
        _import(exported, corpus, policy, skip_invalid, adjudication, users, f"{redact_url(url)} project {project!r}")


def _read_export(path: Path) -> object:
    try:
        return json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}:{exc.lineno}: not JSON ({exc.msg}); export the project as JSON") from None


@command(annotate_app, "import")
def import_(export: Path = typer.Argument(..., dir_okay=False, help="A JSON export from Label Studio "
                                          "(Export > JSON); - reads standard input."),
            policy: Policy = PolicyOption, skip_invalid: bool = SkipInvalidOption,
            adjudication: Path = AdjudicationOption, corpus: Path = CorpusOption) -> None:
    """Bring annotations from a Label Studio JSON export file into the gold standoff file.

    Example: newsspans annotate import project-1-at-2025-01-01.json --policy ground-truth
    """
    with _clean_errors():
        _check_policy(policy)
        _import(_read_export(export), corpus, policy, skip_invalid, adjudication, None, str(export))


@command(annotate_app)
def agreement(export: Path = typer.Argument(None, dir_okay=False, help="A Label Studio JSON export (or use "
                                            "--url); - reads standard input."),
              url: str = typer.Option(None, "--url", help="Read the annotations from this server instead."),
              api_key: str = ApiKeyOption, project: str = ProjectOption,
              json_out: Path = typer.Option(None, "--json", help="Also write the report as JSON here.",
                                            dir_okay=False),
              corpus: Path = CorpusOption, timeout: float = TimeoutOption) -> None:
    """Pairwise span agreement between annotators: strict and overlap F1 per label, quote speakers.

    Example: newsspans annotate agreement --url http://127.0.0.1:8080
    """
    from .agreement import agreement_report, format_report
    from .sync import pull_export

    with _clean_errors():
        if (export is None) == (url is None):
            raise ValueError("give either an EXPORT.json file or --url")
        if url is not None:
            exported, users = pull_export(_client(url, api_key, timeout), project, _track)
        else:
            exported, users = _read_export(export), None
        source = str(export) if export is not None else redact_url(url)
        parsed = parse_export(exported, reading(corpus).documents(), users, source)
        report = agreement_report(parsed.annotations)
        if json_out is not None:
            write_text_atomic(json_out, json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n")
    for problem in parsed.problems:
        typer.echo(f"invalid (not compared): {problem}", err=True)
    typer.echo(format_report(report))


def register(app: typer.Typer) -> None:
    """Add the `annotate` commands to the root `newsspans` app."""
    app.add_typer(annotate_app, name="annotate")
