"""`newsspans score`, `newsspans compare` and `newsspans score-tokens`.

Exit codes: 0 done, 1 below `--fail-under`, 2 bad input (an extractor failure with --fail-fast too).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from newsspans.corpus.cli.common import FINDING, console as policy_console
from newsspans.corpus.errors import CorpusError, Problem

from .options import (BREAKDOWN, DEFAULT_RESAMPLES, GOLD, INPUT, MAPPING, RUN, SCORING, WITH, BreakdownArgs,
                      Format, FormatOption, GoldArgs, HtmlOption, InputArgs, Layer, MappingArgs, OutputOption, RunArgs,
                      ScoringArgs, SectionArgs, cache_of, extractor_help, fraction, load_gold_of, note, parse_shard,
                      run_settings, score_of, stdout_taken, stream_of, takes, warn_unreadable)


@takes(GOLD, INPUT, MAPPING, SCORING, BREAKDOWN, WITH, RUN)
def score_command(
    gold: GoldArgs, inputs: InputArgs, mapping: MappingArgs, scoring: ScoringArgs, breakdown: BreakdownArgs,
    sections: SectionArgs, run: RunArgs,
    extractor: Optional[str] = typer.Option(None, "--extractor", help=extractor_help("The extractor to run")),
    command: Optional[str] = typer.Option(None, "--command", help="An external program speaking JSONL on "
                                          "stdin/stdout."),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="A predictions JSONL file ({id, spans} "
                                               "per line); - reads standard input."),
    save_predictions: Optional[Path] = typer.Option(None, "--save-predictions", help="Write the extractor's "
                                                    "predictions (labels as predicted) to this JSONL file, to "
                                                    "re-score later."),
    fmt: Format = FormatOption,
    output: Optional[Path] = OutputOption,
    no_spans: bool = typer.Option(False, "--no-spans", help="Leave the per-span lists out of the JSON report "
                                  "(--format json, --output): counts and scores only, small at any scale."),
    partial_out: Optional[Path] = typer.Option(None, "--partial-out", help="Also write this run's partial result "
                                               "(per-document counts and bootstrap sums) for `newsspans merge`."),
    shard: Optional[str] = typer.Option(None, "--shard", metavar="I/N", help="Score only the I-th (from 0) of N "
                                        "contiguous blocks of gold documents; merge the N partials later."),
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
    from .. import run_extractor
    from ..predictions import write_predictions
    from ..render import render_errors, render_sweep

    threshold = fraction(fail_under)
    taken = stdout_taken(output=output, html=html, save_predictions=save_predictions)
    part = parse_shard(shard)
    # Per-span detail only for what shows spans: --errors, --html, and a JSON report with spans.
    detail = errors or html is not None or (not no_spans and (fmt is Format.json or output is not None))
    asked = sections.names(everything=html is not None)
    as_json = fmt is Format.json or output is not None
    if predictions is not None and str(predictions) != "-" and not detail and save_predictions is None \
            and extractor is None and command is None:
        # Nothing needs the spans once counted: stream the files in bounded memory. Only the JSON
        # report and a partial hold the gold's fingerprint: a table run does not hash the gold.
        report = stream_of(gold, predictions, mapping, scoring, run, inputs, part, breakdown, asked,
                           fingerprint=as_json or partial_out is not None)
    else:
        data = load_gold_of(gold)
        store = cache_of(run)
        extractor_run, source = run_extractor(data, extractor=extractor, command=command, predictions=predictions,
                                              settings=run_settings(run), cache=store)
        warn_unreadable(store, run.quiet)
        if save_predictions is not None:
            write_predictions(save_predictions, extractor_run.predictions)
        report = score_of(data, extractor_run, source, mapping, scoring, inputs, breakdown=breakdown,
                          quiet=run.quiet, detail=detail, shard=part, sections=asked)
    if partial_out is not None:
        from ..scoring.sections import restricted

        # Only the sections asked for: the page's own (all of them) would refuse to merge.
        (restricted(report.partial, sections.names()) if html is not None else report.partial).save(partial_out)
        note(f"wrote {partial_out}", run.quiet)
    # The JSON report is built at most once (the HTML page draws the same dict when it has spans).
    full = report.to_dict() if html is not None else None
    if html is not None:
        from ..html.files import write_report_html  # only here: a table run does without the page's code

        write_report_html(html, full, data.documents, scoring.scheme.value)
        note(f"wrote {html}", run.quiet)
    if as_json:
        full = full if full is not None and not no_spans else report.to_dict(spans=not no_spans)
    console = emit_report(full if as_json else report, fmt, output, scoring.scheme.value, breakdown.by, taken)
    if sweep and console is not None:
        render_sweep(report, console)
    if errors and console is not None:
        render_errors(report, {d.id: d.text for d in data.documents}, scoring.scheme.value, console)
    check_fail_under(report, threshold, layer, scoring)


@takes(SCORING)
def merge_command(
    scoring: ScoringArgs,
    partials: list[Path] = typer.Argument(..., help="Partial results written by `newsspans score --partial-out`, "
                                          "or folders of `newsspans run --score`."),
    fmt: Format = FormatOption,
    output: Optional[Path] = OutputOption,
    fail_under: Optional[float] = typer.Option(None, "--fail-under", help="Exit 1 when the merged micro F1 of "
                                               "--layer under --scheme is below this: 85 or 0.85."),
    layer: Layer = typer.Option(Layer.entity, "--layer", help="Layer checked by --fail-under."),
) -> None:
    """Merge partial results of shards into the report of one pass over all their documents.

    Every count, P/R/F1 and bootstrap interval (per label, micro, macro, weighted, every scheme, speakers and attribution, and the sections the shards were scored --with) equals a single `newsspans score` over the same documents, whatever the number and order of the shards; per-span detail is not kept in partials. Partials of different gold, seeds, schemes, sections or settings are refused (exit 2). --scheme picks the table's scheme; --bootstrap, --seed and --min-overlap were fixed when the partials were scored and must not be given here.

    Example: `newsspans score --predictions part1.jsonl --shard 0/2 --partial-out p0.npz` on one machine, `... --shard 1/2 --partial-out p1.npz` on another, then `newsspans merge p0.npz p1.npz`
    """  # noqa: E501
    from ..scoring.partial import load_and_merge
    from ..scoring.report import Report

    fixed = {"--bootstrap": scoring.bootstrap != DEFAULT_RESAMPLES, "--seed": scoring.seed != 0,
             "--min-overlap": scoring.min_overlap != 0.0, "--threshold": scoring.threshold is not None}
    idle = [flag for flag, on in fixed.items() if on]
    if idle:
        raise CorpusError(Problem(f"{', '.join(idle)} were fixed when the partials were scored; merge cannot "
                                  "change them"))
    # A folder stands for the partial files `newsspans run --score` wrote into it.
    files = [f for p in partials for f in (sorted(p.glob("partial-*.npz")) if p.is_dir() else [p])]
    if not files:
        raise CorpusError(Problem("no partial-*.npz files in the folder(s) given", file=str(partials[0])))
    merged = load_and_merge(files)
    if len(merged.documents) < merged.gold["documents"]:
        note(f"warning: the partials cover {len(merged.documents)} of the gold's {merged.gold['documents']} "
             "documents")
    report = Report.from_partial(merged)
    emit_report(report.to_dict(spans=False) if fmt is Format.json or output is not None else report,
                fmt, output, scoring.scheme.value, report.options.by)
    check_fail_under(report, fraction(fail_under), layer, scoring)


def emit_report(report, fmt: Format, output: Path | None, scheme: str, by=(), taken: bool = False):
    """Write the JSON report to `output` (`-`: standard output) and/or stdout, or print the table
    (on stderr when `taken`: an output file is standard output); returns the table's Console."""
    import sys

    from newsspans.corpus.atomic import write_atomic

    from ..render import render_report
    from ..scoring.report import write_json

    if output is not None:
        def write(tmp: Path) -> None:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                write_json(report, fh)

        write_atomic(output, write)
    if fmt is Format.json:
        if not taken:  # `--output -` has already printed it; after `--html -` it would corrupt the page
            write_json(report, sys.stdout)
        return None
    out = policy_console(stderr=taken)
    render_report(report, scheme, out, by)
    return out


def check_fail_under(report, threshold: float | None, layer: Layer, scoring: ScoringArgs) -> None:
    if threshold is None:
        return
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
                        breakdown=breakdown, detail=html is not None,
                        # The page draws every section; the paired tests need none but --by's breakdowns.
                        sections=("all",) if html is not None else ()) for p in (a, b)]
    scheme = scoring.scheme.value
    s = SCHEMES.index(scheme)
    results = {}
    for name in LAYERS:
        counts_a, counts_b = (r.layers[name].counts[:, s] for r in reports)
        results[name] = paired_bootstrap(counts_a, counts_b, lambda c: prf(c.sum(axis=-2))[2],
                                         reports[0].documents, scoring.bootstrap, scoring.seed)
    ids = reports[0].documents
    by = {dimension: compare_buckets(reports[0].sections["breakdowns"].counted.breakdowns,
                                     reports[1].sections["breakdowns"].counted.breakdowns,
                                     dimension, scheme, ids, scoring.bootstrap, scoring.seed)
          for dimension in breakdown.by}
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
        head = f"{name} ({scheme}, micro F1): A {100 * t.f1_a:.1f}  B {100 * t.f1_b:.1f}  A-B {100 * t.difference:+.1f}"
        if t.low is None:
            typer.echo(f"{head}  no interval, no p-value: {t.note}", err=taken)
        else:
            typer.echo(f"{head} [{100 * t.low:+.1f}, {100 * t.high:+.1f}]  {t.p_text()} "
                       f"({t.n_resamples} paired resamples of {t.n_documents} documents)", err=taken)
    for dimension, buckets in by.items():
        typer.echo(f"by {dimension} ({scheme}, F1 per bucket):", err=taken)
        for bucket, layers in buckets.items():
            for name, t in layers.items():
                where = t["note"] if t.get("note") else \
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
