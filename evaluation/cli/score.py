"""`newsspans score`, `newsspans compare` and `newsspans score-tokens`.

Exit codes: 0 done, 1 below `--fail-under`, 2 bad input or an extractor failure with --fail-fast.
"""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

from newsspans.corpus.atomic import write_text_atomic
from .options import (BatchSizeOption, Scheme, BootstrapOption, CacheOption, DropUnknownOption,
                                              FailFastOption, Format, GoldDocsOption, GoldOption, HtmlOption,
                                              IgnoreOption, LabelMapOption, Layer, MinOverlapOption, NoCacheOption,
                                              ProgressOption, SchemeOption, SeedOption, SplitOption, TimeoutOption,
                                              WorkersOption, bad_input, cache_of, warn_unreadable)
from .report import write_compare_html, write_report_html
from ..pipeline import ExtractorRun, RunSettings, ScoreOptions, load_gold, run_extractor, score_run
from ..predictions import read_predictions, write_predictions
from ..render import render_errors, render_report
from ..scoring.bootstrap import paired_bootstrap
from ..scoring.counts import SCHEMES
from ..scoring.metrics import prf
from ..scoring.scorer import LAYERS


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
        data = load_gold(gold, gold_documents, split)
        settings = RunSettings(workers, batch_size, timeout, fail_fast, progress)
        store = cache_of(cache, no_cache)
        run, source = run_extractor(data, extractor=extractor, command=command, predictions=predictions,
                                    settings=settings, cache=store)
        warn_unreadable(store)
        if save_predictions is not None:
            write_predictions(save_predictions, run.predictions)
        report = score_run(data, run, source=source, label_map=label_map, ignore=ignore_label,
                           drop_unknown=drop_unknown, options=ScoreOptions(min_overlap, bootstrap, seed))
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
        data = load_gold(gold, gold_documents, split)
        options = ScoreOptions(min_overlap, 0, seed)  # intervals come from the paired test below
        reports = [score_run(data, ExtractorRun(read_predictions(p)), source=str(p), label_map=label_map,
                             ignore=ignore_label, drop_unknown=drop_unknown, options=options) for p in (a, b)]
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

    from ..tokens_score import gold_sentences, read_tag_predictions
    from ..scoring.seqeval_check import score_token_tags

    with bad_input():
        data = load_gold(gold, gold_documents, split)
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
