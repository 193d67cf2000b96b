"""`newsspans score`, `newsspans compare` and `newsspans score-tokens`.

Exit codes: 0 done, 1 below `--fail-under`, 2 bad input (an extractor failure with --fail-fast too).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from newsspans.corpus.cli.common import FINDING, console

from .options import (BREAKDOWN, GOLD, INPUT, MAPPING, RUN, SCORING, BreakdownArgs, Format, GoldArgs, HtmlOption,
                      InputArgs, Layer, MappingArgs, RunArgs, ScoringArgs, cache_of, extractor_help, fraction,
                      load_gold_of, note, run_settings, score_of, stdout_taken, takes, warn_unreadable)


@takes(GOLD, INPUT, MAPPING, SCORING, BREAKDOWN, RUN)
def score_command(
    gold: GoldArgs, inputs: InputArgs, mapping: MappingArgs, scoring: ScoringArgs, breakdown: BreakdownArgs,
    run: RunArgs,
    extractor: Optional[str] = typer.Option(None, "--extractor", help=extractor_help("The extractor to run")),
    command: Optional[str] = typer.Option(None, "--command", help="An external program speaking JSONL on "
                                          "stdin/stdout."),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="A predictions JSONL file ({id, spans} "
                                               "per line); - reads standard input."),
    save_predictions: Optional[Path] = typer.Option(None, "--save-predictions", help="Write the extractor's "
                                                    "predictions (labels as predicted) to this JSONL file, to "
                                                    "re-score later."),
    fmt: Format = typer.Option(Format.table, "--format", help="table (rich) or json (the full report) on stdout."),
    output: Optional[Path] = typer.Option(None, "--output", help="Also write the full JSON report to this file "
                                          "(- for standard output)."),
    html: Optional[Path] = HtmlOption,
    errors: bool = typer.Option(False, "--errors", help="List every error under --scheme (and every speaker "
                                "error) with its text context."),
    fail_under: Optional[float] = typer.Option(None, "--fail-under", help="Exit 1 when the micro F1 of --layer "
                                               "under --scheme is below this: 85 (as the table prints it) or 0.85."),
    layer: Layer = typer.Option(Layer.entity, "--layer", help="Layer checked by --fail-under."),
    sweep: bool = typer.Option(False, "--sweep", help="Also print, per layer and label, the confidence-score "
                               "threshold with the best strict F1, average precision, the precision-recall curve "
                               "and calibration (the JSON report always has them under `thresholds`)."),
) -> None:
    """Score an extractor or a predictions file against the gold spans.

    Prints, per layer (entities; quotes with speakers), precision, recall and F1 per label with a 95% bootstrap interval over documents, micro/macro/weighted averages under --scheme, and the micro F1 under the other schemes.

    Predictions may come without offsets (`{"text": "Putin", "label": "PER"}`, as language models answer): they are placed in the text by --align (exact, then ignoring case, then normalized quotes/dashes/spaces, then fuzzy at --align-threshold); a string found nowhere counts as spurious. A `score` in [0, 1] on a prediction feeds --threshold and --sweep.

    Examples: `newsspans score --extractor baseline`; `newsspans score --predictions preds.jsonl --label-map spacy --format json`; `newsspans score --command "python my_ner.py" --save-predictions preds.jsonl --fail-under 85`; `newsspans score --extractor baseline --workers 2 --cache ~/.cache/newsspans`
    """  # noqa: E501 - typer keeps docstring line breaks, so each paragraph is one line
    from newsspans.corpus.atomic import write_text_atomic

    from .. import run_extractor
    from ..predictions import write_predictions
    from ..render import render_errors, render_report, render_sweep
    from ..html.files import write_report_html

    threshold = fraction(fail_under)
    taken = stdout_taken(output=output, html=html, save_predictions=save_predictions)
    data = load_gold_of(gold)
    store = cache_of(run)
    extractor_run, source = run_extractor(data, extractor=extractor, command=command, predictions=predictions,
                                          settings=run_settings(run), cache=store)
    warn_unreadable(store, run.quiet)
    if save_predictions is not None:
        write_predictions(save_predictions, extractor_run.predictions)
    report = score_of(data, extractor_run, source, mapping, scoring, inputs, breakdown=breakdown, quiet=run.quiet)
    payload = json.dumps(report.to_dict(), ensure_ascii=False, indent=1)
    if output is not None:
        write_text_atomic(output, payload + "\n")
    if html is not None:
        write_report_html(html, report.to_dict(), data.documents, scoring.scheme.value)
        note(f"wrote {html}", run.quiet)
    if fmt is Format.json:
        if not taken:  # `--output -` has already printed it; after `--html -` it would corrupt the page
            typer.echo(payload)
    else:
        out = console(stderr=taken)
        render_report(report, scoring.scheme.value, out, breakdown.by)
        if sweep:
            render_sweep(report, out)
        if errors:
            render_errors(report, {d.id: d.text for d in data.documents}, scoring.scheme.value, out)
    if threshold is not None:
        f1 = report.micro_f1(layer.value, scoring.scheme.value)
        if f1 < threshold:
            typer.echo(f"micro F1 {100 * f1:.1f} ({layer.value}, {scoring.scheme.value}) is below --fail-under "
                       f"{100 * threshold:g}", err=True)
            raise typer.Exit(FINDING)


@takes(GOLD, INPUT, MAPPING, SCORING, BREAKDOWN)
def compare_command(
    gold: GoldArgs, inputs: InputArgs, mapping: MappingArgs, scoring: ScoringArgs, breakdown: BreakdownArgs,
    a: Path = typer.Argument(..., help="Predictions JSONL of system A."),
    b: Path = typer.Argument(..., help="Predictions JSONL of system B."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json on stdout."),
    html: Optional[Path] = HtmlOption,
) -> None:
    """Paired bootstrap test of two prediction files on the same gold: is A's micro F1 really better?

    Both systems are scored on the same resampled documents; prints per layer each system's micro F1, the difference A - B, its 95% interval and a two-sided p-value; with --by FIELD, the same per bucket of FIELD ("where is A better than B").

    Examples: `newsspans compare run_a.jsonl run_b.jsonl --scheme partial --bootstrap 5000`; `newsspans compare run_a.jsonl run_b.jsonl --by outlet --by length`
    """  # noqa: E501
    from .. import run_extractor
    from ..scoring.bootstrap import paired_bootstrap
    from ..scoring.breakdowns import compare_buckets
    from ..scoring.counts import SCHEMES
    from ..scoring.metrics import prf
    from ..scoring.scorer import LAYERS
    from ..html.files import write_compare_html

    taken = stdout_taken(html=html)
    data = load_gold_of(gold)
    # Intervals come from the paired test below, not from each report.
    reports = [score_of(data, run_extractor(data, predictions=p)[0], str(p), mapping, scoring, inputs, bootstrap=False,
                        breakdown=breakdown) for p in (a, b)]
    scheme = scoring.scheme.value
    s = SCHEMES.index(scheme)
    results = {}
    for name in LAYERS:
        counts_a, counts_b = (r.layers[name].counts[:, s] for r in reports)
        results[name] = paired_bootstrap(counts_a, counts_b, lambda c: prf(c.sum(axis=-2))[2], scoring.bootstrap,
                                         scoring.seed)
    by = {dimension: compare_buckets(reports[0].sections["breakdowns"].counted.breakdowns,
                                     reports[1].sections["breakdowns"].counted.breakdowns,
                                     dimension, scheme, scoring.bootstrap, scoring.seed) for dimension in breakdown.by}
    if html is not None:
        write_compare_html(html, [r.to_dict() for r in reports], data.documents, [str(a), str(b)], scheme,
                           {k: v.to_dict() for k, v in results.items()})
        note(f"wrote {html}")
    if fmt is Format.json:
        if not taken:
            typer.echo(json.dumps({"a": str(a), "b": str(b), "scheme": scheme,
                                   "layers": {k: v.to_dict() for k, v in results.items()}, "breakdowns": by},
                                  indent=1))
        return
    for name, t in results.items():
        typer.echo(f"{name} ({scheme}, micro F1): A {100 * t.f1_a:.1f}  B {100 * t.f1_b:.1f}  "
                   f"A-B {100 * t.difference:+.1f} [{100 * t.low:+.1f}, {100 * t.high:+.1f}]  "
                   f"p = {t.p_value:.3g} ({t.n_resamples} paired resamples)", err=taken)
    for dimension, buckets in by.items():
        typer.echo(f"by {dimension} ({scheme}, F1 per bucket):", err=taken)
        for bucket, layers in buckets.items():
            for name, t in layers.items():
                where = t["note"] if "note" in t else \
                    f"[{100 * t['interval'][0]:+.1f}, {100 * t['interval'][1]:+.1f}]  p = {t['p_value']:.3g}"
                typer.echo(f"  {bucket} · {name} (n {t['possible']}, {t['documents']} docs): A {100 * t['f1_a']:.1f}  "
                           f"B {100 * t['f1_b']:.1f}  A-B {100 * t['difference']:+.1f} {where}", err=taken)


@takes(GOLD)
def score_tokens_command(
    gold: GoldArgs,
    predictions: Path = typer.Argument(..., help="JSONL: {id: sentence id, ner_tags: [...], quote_tags: [...]}; "
                                       "- reads standard input."),
    fmt: Format = typer.Option(Format.table, "--format", help="table or json on stdout."),
) -> None:
    """Score IOB2 tags on the `tokens` config with seqeval (strict mode, IOB2) and the span scorer.

    Prints seqeval's own classification report, exactly as seqeval prints it, then the span scorer's strict precision, recall and F1 per label, which are the same numbers (the macro row differs by definition: seqeval averages over labels seen in gold or predictions, newsspans over gold labels). Tags may be strings or the dataset's ClassLabel ids.

    Example: `newsspans score-tokens tags.jsonl`
    """  # noqa: E501
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    from ..scoring.seqeval_check import score_token_tags
    from ..tokens_score import gold_sentences, read_tag_predictions

    data = load_gold_of(gold)
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
