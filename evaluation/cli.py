"""`newsspans score` and `newsspans compare`: score an extractor, or compare two, against gold.

Exit codes: 0 done, 1 below `--fail-under`, 2 bad input or an extractor failure with --fail-fast.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console

from newsspans.corpus.atomic import write_text_atomic
from newsspans.corpus.cli import fail
from newsspans.corpus.errors import CorpusError, Problem

from .bootstrap import DEFAULT_RESAMPLES, paired_bootstrap
from .cache import CACHE_ENV, PredictionCache, open_cache
from .counts import SCHEMES
from .extractors import DEFAULT_BATCH_SIZE, ExtractorFailure, ExtractorRun
from .gold import Gold, load_gold
from .html_cli import report_command, write_compare_html, write_report_html
from .labelmap import apply_label_map, parse_label_map
from .metrics import prf
from .predictions import read_predictions, write_predictions
from .render import render_errors, render_report
from .report import Report, ScoreOptions
from .scorer import LAYERS, score
from .workers import RunSettings, run_source

BAD_INPUT = 2


class Scheme(str, Enum):
    strict = "strict"
    exact = "exact"
    partial = "partial"
    type = "type"


class Format(str, Enum):
    table = "table"
    json = "json"


class Layer(str, Enum):
    entity = "entity"
    quote = "quote"


GoldOption = typer.Option(None, "--gold", help="Gold: a corpus folder, a standoff annotations.jsonl (with "
                          "--gold-documents), or a JSONL of {id, text, spans} documents. Default: the bundled corpus.")
GoldDocsOption = typer.Option(None, "--gold-documents", help="Sources folder or file that a standoff --gold annotates.")
SplitOption = typer.Option("test", "--split", help="Split of the bundled corpus (it has one: test).")
LabelMapOption = typer.Option(None, "--label-map", help="Presets (spacy, ontonotes, conll) and FOREIGN=LABEL pairs, "
                              "comma-separated, e.g. 'spacy' or 'PERSON=PER,GPE=LOC,MONEY=NUM:money'.")
IgnoreOption = typer.Option([], "--ignore-label",
                            help="Drop predictions with this label (repeatable); counted in the report.")
DropUnknownOption = typer.Option(False, "--drop-unknown", help="Drop predictions whose label is not mapped, "
                                 "instead of failing; counted in the report.")
SchemeOption = typer.Option(Scheme.strict, "--scheme", help="Scheme of the table and of --fail-under.")
BootstrapOption = typer.Option(DEFAULT_RESAMPLES, "--bootstrap", min=0, help="Bootstrap resamples (0: no intervals).")
SeedOption = typer.Option(0, "--seed", help="Bootstrap random seed.")
HtmlOption = typer.Option(None, "--html", help="Also write a self-contained HTML report (every span drawn in "
                          "its document, errors styled by kind) to this file.")
WorkersOption = typer.Option(1, "--workers", min=1, help="Worker processes for --extractor (each loads the "
                             "extractor once and gets chunks of --batch-size documents); results equal one worker's.")
BatchSizeOption = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1,
                               help="Texts per predict_batch call, and documents per worker task.")
CacheOption = typer.Option(None, "--cache", envvar=CACHE_ENV, file_okay=False, help="Cache predictions in this "
                           "folder, keyed by extractor, its version and the SHA-256 of each document's text, so "
                           "re-scoring (say after a gold change) does not rerun the extractor. Default: no cache.")
NoCacheOption = typer.Option(False, "--no-cache", help=f"Neither read nor write the cache (overrides ${CACHE_ENV}).")
TimeoutOption = typer.Option(None, "--timeout", help="Seconds per document before the extractor is given up on "
                             "for that document.")
FailFastOption = typer.Option(False, "--fail-fast", help="Stop at the first document the extractor fails on.")
ProgressOption = typer.Option(True, "--progress/--no-progress", help="Show a progress bar on stderr.")
MinOverlapOption = typer.Option(0.0, "--min-overlap", min=0.0, max=1.0,
                                help="Least overlap / union length for a gold and a predicted span to be paired.")


def _os_problem(exc: OSError) -> CorpusError:
    """A file that cannot be read or written, as a one-line problem naming it."""
    return CorpusError(Problem(exc.strerror or str(exc), file=str(exc.filename or "")))


def _gold(gold: Path | None, gold_documents: Path | None, split: str) -> Gold:
    return load_gold(gold, gold_documents, split)


def cache_of(folder: Path | None, no_cache: bool) -> PredictionCache | None:
    return None if no_cache else open_cache(folder)


def warn_unreadable(cache: PredictionCache | None) -> None:
    """Damaged cache entries were recomputed and rewritten; say which, on stderr."""
    for path in cache.stats.unreadable if cache is not None else ():
        typer.echo(f"warning: {path}: unreadable cache entry, recomputed", err=True)


def _predictions(gold: Gold, extractor: str | None, command: str | None, predictions: Path | None,
                 settings: RunSettings, cache: PredictionCache | None) -> tuple[ExtractorRun, str]:
    chosen = [x for x in (extractor, command, predictions) if x is not None]
    if len(chosen) != 1:
        raise CorpusError(Problem("give exactly one of --extractor, --command or --predictions"))
    if predictions is not None:
        # As with --command and --workers: an option that cannot act is an error, not ignored.
        used = {"--workers": settings.workers != 1, "--timeout": settings.timeout is not None,
                "--fail-fast": settings.fail_fast}
        idle = [flag for flag, on in used.items() if on]
        if idle:
            raise CorpusError(Problem(f"{', '.join(idle)} act on a running extractor; --predictions runs none"))
        return ExtractorRun(read_predictions(predictions)), str(predictions)
    run = run_source(gold.documents, extractor=extractor, command=command, settings=settings, cache=cache)
    return run, f"command: {command}" if command is not None else f"extractor: {extractor}"


@contextmanager
def bad_input() -> Iterator[None]:
    """Bad input, a failed extractor or an unreadable or unwritable file: one line per problem, exit 2."""
    try:
        yield
    except CorpusError as exc:
        fail(exc, BAD_INPUT)
    except ExtractorFailure as exc:
        fail(CorpusError(Problem(f"extractor failed on {exc}")), BAD_INPUT)
    except OSError as exc:
        fail(_os_problem(exc), BAD_INPUT)


def _score(gold: Gold, run: ExtractorRun, source: str, label_map: str | None, ignore: list[str],
           drop_unknown: bool, options: ScoreOptions) -> Report:
    mapped, dropped = apply_label_map(run.predictions, parse_label_map(label_map, ignore, drop_unknown))
    for label, n in run.dropped.items():
        dropped[label] = dropped.get(label, 0) + n
    return score(gold.documents, gold.spans, mapped, options, gold_source=gold.source, predictions_source=source,
                 dropped=dropped, extractor_errors=run.errors)


def score_command(
    gold: Path = GoldOption,
    gold_documents: Path = GoldDocsOption,
    split: str = SplitOption,
    extractor: str = typer.Option(None, "--extractor", help="A built-in name (baseline), a model adapter "
                                  "(spacy:NAME, hf:PATH, textacy-quotes) or module.path:callable."),
    command: str = typer.Option(None, "--command", help="An external program speaking JSONL on stdin/stdout."),
    predictions: Path = typer.Option(None, "--predictions", help="A predictions JSONL file ({id, spans} per line)."),
    label_map: str = LabelMapOption,
    ignore_label: list[str] = IgnoreOption,
    drop_unknown: bool = DropUnknownOption,
    save_predictions: Path = typer.Option(None, "--save-predictions", help="Write the extractor's predictions "
                                          "(labels as predicted) to this JSONL file, to re-score later."),
    scheme: Scheme = SchemeOption,
    fmt: Format = typer.Option(Format.table, "--format", help="table (rich) or json (the full report) on stdout."),
    output: Path = typer.Option(None, "--output", help="Also write the full JSON report to this file."),
    html: Path = HtmlOption,
    errors: bool = typer.Option(False, "--errors", help="List every strict-scheme error with its text context."),
    fail_under: float = typer.Option(None, "--fail-under", help="Exit 1 when the micro F1 of --layer under "
                                     "--scheme is below this (0-1), for CI."),
    layer: Layer = typer.Option(Layer.entity, "--layer", help="Layer checked by --fail-under."),
    min_overlap: float = MinOverlapOption,
    bootstrap: int = BootstrapOption,
    seed: int = SeedOption,
    timeout: float = TimeoutOption,
    fail_fast: bool = FailFastOption,
    batch_size: int = BatchSizeOption,
    workers: int = WorkersOption,
    cache: Path = CacheOption,
    no_cache: bool = NoCacheOption,
    progress: bool = ProgressOption,
) -> None:
    """Score an extractor or a predictions file against the gold spans.

    Prints, per layer (entities; quotes with speakers), precision, recall and F1 per label with a 95% bootstrap interval over documents, micro/macro/weighted averages under --scheme, and the micro F1 under the other schemes.

    Examples: `newsspans score --extractor baseline`; `newsspans score --predictions preds.jsonl --label-map spacy --format json`; `newsspans score --command "python my_ner.py" --save-predictions preds.jsonl --fail-under 0.85`; `newsspans score --extractor baseline --workers 2 --cache ~/.cache/newsspans`
    """  # noqa: E501 - typer keeps docstring line breaks, so each paragraph is one line
    with bad_input():
        data = _gold(gold, gold_documents, split)
        settings = RunSettings(workers, batch_size, timeout, fail_fast, progress)
        store = cache_of(cache, no_cache)
        run, source = _predictions(data, extractor, command, predictions, settings, store)
        warn_unreadable(store)
        if data.documents and len(run.errors) == len(data.documents):
            # Nothing was extracted at all: an all-zero score would hide a broken setup.
            first = next(iter(run.errors.items()))
            raise CorpusError(Problem(f"the extractor failed on every document; first, {first[0]!r}: {first[1]}"))
        if save_predictions is not None:
            write_predictions(save_predictions, run.predictions)
        report = _score(data, run, source, label_map, ignore_label, drop_unknown,
                        ScoreOptions(min_overlap, bootstrap, seed))
    payload = json.dumps(report.to_dict(), ensure_ascii=False, indent=1)
    if output is not None:
        with bad_input():
            write_text_atomic(output, payload + "\n")
    if html is not None:
        with bad_input():
            write_report_html(html, report.to_dict(), data.documents, scheme.value)
    if fmt is Format.json:
        typer.echo(payload)
    else:
        console = Console()
        render_report(report, scheme.value, console)
        if errors:
            render_errors(report, {d.id: d.text for d in data.documents}, console)
    if fail_under is not None:
        f1 = report.micro_f1(layer.value, scheme.value)
        if f1 < fail_under:
            typer.echo(f"micro F1 {f1:.4f} ({layer.value}, {scheme.value}) is below --fail-under {fail_under}",
                       err=True)
            raise typer.Exit(1)


def compare_command(
    a: Path = typer.Argument(..., help="Predictions JSONL of system A."),
    b: Path = typer.Argument(..., help="Predictions JSONL of system B."),
    gold: Path = GoldOption,
    gold_documents: Path = GoldDocsOption,
    split: str = SplitOption,
    label_map: str = LabelMapOption,
    ignore_label: list[str] = IgnoreOption,
    drop_unknown: bool = DropUnknownOption,
    scheme: Scheme = SchemeOption,
    min_overlap: float = MinOverlapOption,
    bootstrap: int = BootstrapOption,
    seed: int = SeedOption,
    fmt: Format = typer.Option(Format.table, "--format", help="table or json on stdout."),
    html: Path = HtmlOption,
) -> None:
    """Paired bootstrap test of two prediction files on the same gold: is A's micro F1 really better?

    Both systems are scored on the same resampled documents; prints per layer each system's micro F1, the difference A - B, its 95% interval and a two-sided p-value.

    Example: `newsspans compare run_a.jsonl run_b.jsonl --scheme partial --bootstrap 5000`
    """  # noqa: E501
    with bad_input():
        data = _gold(gold, gold_documents, split)
        options = ScoreOptions(min_overlap, 0, seed)  # intervals come from the paired test below
        reports = [_score(data, ExtractorRun(read_predictions(p)), str(p), label_map, ignore_label, drop_unknown,
                          options) for p in (a, b)]
    s = SCHEMES.index(scheme.value)
    results = {}
    for name in LAYERS:
        counts_a, counts_b = (r.layers[name].counts[:, s] for r in reports)
        results[name] = paired_bootstrap(counts_a, counts_b, lambda c: prf(c.sum(axis=-2))[2], bootstrap, seed)
    if html is not None:
        with bad_input():
            write_compare_html(html, [r.to_dict() for r in reports], data.documents, [str(a), str(b)], scheme.value,
                               {k: v.to_dict() for k, v in results.items()})
    if fmt is Format.json:
        typer.echo(json.dumps({"a": str(a), "b": str(b), "scheme": scheme.value,
                               "layers": {k: v.to_dict() for k, v in results.items()}}, indent=1))
        return
    for name, t in results.items():
        typer.echo(f"{name} ({scheme.value}, micro F1): A {100 * t.f1_a:.1f}  B {100 * t.f1_b:.1f}  "
                   f"A-B {100 * t.difference:+.1f} [{100 * t.low:+.1f}, {100 * t.high:+.1f}]  "
                   f"p = {t.p_value:.3g} ({t.n_resamples} paired resamples)")


def score_tokens_command(
    predictions: Path = typer.Argument(..., help="JSONL: {id: sentence id, ner_tags: [...], quote_tags: [...]}."),
    gold: Path = GoldOption,
    gold_documents: Path = GoldDocsOption,
    split: str = SplitOption,
    fmt: Format = typer.Option(Format.table, "--format", help="table or json on stdout."),
) -> None:
    """Score IOB2 tags on the `tokens` config with seqeval (strict mode, IOB2) and the span scorer.

    Prints seqeval's own classification report, exactly as seqeval prints it, then the span scorer's strict precision, recall and F1 per label, which are the same numbers (the macro row differs by definition: seqeval averages over labels seen in gold or predictions, newsspans over gold labels). Tags may be strings or the dataset's ClassLabel ids.

    Example: `newsspans score-tokens tags.jsonl`
    """  # noqa: E501
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    from .tokens_score import gold_sentences, read_tag_predictions
    from .seqeval_check import score_token_tags

    with bad_input():
        data = _gold(gold, gold_documents, split)
        pairs = read_tag_predictions(predictions, gold_sentences(data.documents, data.spans))
    results = {field: score_token_tags(true, pred) for field, (true, pred) in pairs.items()}
    if fmt is Format.json:
        typer.echo(json.dumps(results, indent=1))
        return
    for field, (true, pred) in pairs.items():
        typer.echo(f"{field}: seqeval classification_report(mode='strict', scheme=IOB2)")
        typer.echo(classification_report(true, pred, mode="strict", scheme=IOB2, digits=4, zero_division=0))
        ours = results[field]["newsspans"]
        typer.echo(f"{field}: newsspans span scorer, strict scheme")
        for label, row in ours.items():
            typer.echo(f"{label:>12} {row['precision']:.4f} {row['recall']:.4f} {row['f1-score']:.4f} "
                       f"{row['support']:>6}")
        typer.echo()


def register(app: typer.Typer) -> None:
    """Add `score`, `compare`, `report` (HTML from a saved JSON report), `score-tokens`, `leaderboard`
    and `extractors` to the root app."""
    # Imported here: leaderboard_cli reuses this module's options and helpers.
    from .leaderboard_cli import extractors_command, leaderboard_command

    app.command("score")(score_command)
    app.command("compare")(compare_command)
    app.command("report")(report_command)
    app.command("score-tokens")(score_tokens_command)
    app.command("leaderboard")(leaderboard_command)
    app.command("extractors")(extractors_command)
