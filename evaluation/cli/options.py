"""CLI options that several evaluation commands share, declared once, in groups.

A command lists the groups it takes with `@takes(GOLD, MAPPING, ...)` and receives one
dataclass per group (`gold: GoldArgs`, ...); the group's options appear in its `--help` as if
declared there. This module imports nothing heavy (no numpy, no extractor code): `--help`
must stay fast.

Exit codes follow `newsspans.corpus.cli.common`: 0 done, 1 a finding, 2 bad input.
"""
from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from newsspans.corpus.errors import CorpusError, Problem

# Defaults also used by the Python API; repeated here (and checked equal by a test) so that
# --help need not import the bootstrap's numpy or the runner.
DEFAULT_RESAMPLES = 1000
DEFAULT_BATCH_SIZE = 16
DEFAULT_ALIGN_THRESHOLD = 80.0
CACHE_ENV = "NEWSSPANS_CACHE"
LLM_URL_ENV = "NEWSSPANS_LLM_URL"  # adapters.llm.URL_ENV


class Scheme(str, Enum):
    strict = "strict"
    exact = "exact"
    partial = "partial"
    type = "type"


class Format(str, Enum):
    table = "table"
    json = "json"


class Offsets(str, Enum):
    codepoints = "codepoints"
    utf16 = "utf16"
    utf8 = "utf8"


class Layer(str, Enum):
    entity = "entity"
    quote = "quote"


class Section(str, Enum):
    """The report sections `--with` asks for: the names of `scoring.sections.SECTIONS` (repeated
    here so that --help imports no numpy; a test checks them equal), or all of them."""

    entities = "entities"
    coreference = "coreference"
    num_kinds = "num_kinds"
    breakdowns = "breakdowns"
    document_average = "document_average"
    all = "all"


@dataclass(frozen=True)
class GoldArgs:
    gold: Optional[Path]
    gold_documents: Optional[Path]


@dataclass(frozen=True)
class MappingArgs:
    label_map: Optional[str]
    ignore_label: list[str]
    drop_unknown: bool


class Align(str, Enum):
    all = "all"
    first = "first"
    ordered = "ordered"


@dataclass(frozen=True)
class InputArgs:
    offsets: Offsets
    allow_empty: bool


@dataclass(frozen=True)
class ScoringArgs:
    scheme: Scheme
    min_overlap: float
    bootstrap: int
    seed: int
    align: Align
    align_threshold: float
    threshold: Optional[float]


@dataclass(frozen=True)
class BreakdownArgs:
    by: list[str]
    beta: float


@dataclass(frozen=True)
class SectionArgs:
    sections: list[Section]

    def names(self, everything: bool = False) -> tuple[str, ...]:
        """The sections asked for (all of them when `everything`: the HTML page draws every one)."""
        return (Section.all.value,) if everything else tuple(s.value for s in self.sections)


@dataclass(frozen=True)
class RunArgs:
    timeout: Optional[float]
    fail_fast: bool
    batch_size: int
    workers: int
    cache: Optional[Path]
    no_cache: bool
    progress: bool
    quiet: bool
    llm_url: Optional[str]


@dataclass(frozen=True)
class Group:
    """A dataclass of options and, per field, its typer option."""

    name: str  # the command's parameter that receives the dataclass
    factory: type
    options: dict[str, Any]

    def parameters(self) -> list[inspect.Parameter]:
        hints = {f.name: f.type for f in fields(self.factory)}
        return [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option,
                                  annotation=_resolve(hints[name])) for name, option in self.options.items()]


def _resolve(hint: Any) -> Any:
    # The dataclasses above are written with `from __future__ import annotations`: evaluate the
    # string hints here, in this module's namespace, so typer sees real types.
    return eval(hint, globals()) if isinstance(hint, str) else hint  # noqa: S307 - our own literal hints


def _export_llm_url(value: str | None) -> str | None:
    # The llm: adapter reads its URL from the environment, so that it reaches worker processes and
    # the cache key by one road; the flag sets that variable for this run.
    if value:
        os.environ[LLM_URL_ENV] = value
    return value


GOLD = Group("gold", GoldArgs, {
    "gold": typer.Option(None, "--gold", help="Gold: a corpus folder, a standoff annotations.jsonl (with "
                         "--gold-documents), or a JSONL of {id, text, spans} documents. Default: the corpus "
                         "`newsspans corpus` works on (./corpus in a checkout, else the bundled one)."),
    "gold_documents": typer.Option(None, "--gold-documents", help="Sources folder or file that a standoff "
                                   "--gold annotates."),
})
MAPPING = Group("mapping", MappingArgs, {
    "label_map": typer.Option(None, "--label-map", help="Presets (spacy, ontonotes, conll) and FOREIGN=LABEL "
                              "pairs, comma-separated, e.g. 'spacy' or 'PERSON=PER,GPE=LOC,MONEY=NUM:money'."),
    "ignore_label": typer.Option([], "--ignore-label", metavar="LABEL",
                                 help="Drop predictions with this label (repeatable); counted in the report."),
    "drop_unknown": typer.Option(False, "--drop-unknown", help="Drop predictions whose label is not mapped, instead of "
                         "failing; counted in the report."),
})
INPUT = Group("inputs", InputArgs, {
    "offsets": typer.Option(Offsets.codepoints, "--offsets", help="What the predicted offsets count: codepoints "
                            "(Python string indices), utf16 (JavaScript, Java) or utf8 (bytes); converted to code "
                            "points before scoring."),
    "allow_empty": typer.Option(False, "--allow-empty", help="Score predictions for no document of the gold (an "
                                "empty file) as predicting nothing, instead of failing."),
})
SCORING = Group("scoring", ScoringArgs, {
    "scheme": typer.Option(Scheme.strict, "--scheme", help="Scheme of the table, of --errors and of --fail-under."),
    "min_overlap": typer.Option(0.0, "--min-overlap", min=0.0, max=1.0,
                                help="Least overlap / union length for a gold and a predicted span to be paired."),
    "bootstrap": typer.Option(DEFAULT_RESAMPLES, "--bootstrap", min=0, help="Bootstrap resamples (0: no intervals)."),
    "seed": typer.Option(0, "--seed", min=0, help="Bootstrap random seed."),
    "align": typer.Option(Align.all, "--align", help="Placement of offset-free predictions (text and label, no "
                          "start/end): all (every whole-word occurrence, longest strings first, no overlaps), first "
                          "(first occurrence) or ordered (occurrences in the order listed, for mention lists)."),
    "align_threshold": typer.Option(DEFAULT_ALIGN_THRESHOLD, "--align-threshold", min=0.0, max=100.0,
                                    help="Least fuzzy-match score (0-100) for placing a string the text does not "
                                    "contain exactly (after case and normalization)."),
    "threshold": typer.Option(None, "--threshold", min=0.0, max=1.0, help="Drop predictions whose confidence "
                              "score is below this before scoring (predictions without a score are kept)."),
})
BREAKDOWN = Group("breakdown", BreakdownArgs, {
    "by": typer.Option([], "--by", metavar="FIELD", help="Also break the scores down by FIELD (repeatable): a "
                       "document field (outlet, agency, dateline, published, or a field of your own gold JSONL) "
                       "or length, shape, seen, quote_length; each bucket with its support and interval."),
    "beta": typer.Option(1.0, "--beta", min=0.0, help="Beta of the F-beta reported next to F1 (2 weighs recall "
                         "twice as much as precision)."),
})

WITH = Group("sections", SectionArgs, {
    "sections": typer.Option([], "--with", metavar="SECTION", help="Also compute this report section "
                             "(repeatable): entities (document-level entity sets), coreference (MUC, B-cubed, "
                             "CEAF-e, CoNLL), num_kinds (number kinds), breakdowns (scores per outlet, agency, "
                             "dateline, length, shape, seen, quote_length), document_average (mean per-document "
                             "F1), or all. The span tables, speakers, alignment and thresholds are always "
                             "computed; in `score`, --by FIELD computes FIELD's breakdown alone and --html every "
                             "section. A setting of partials: merge refuses shards that differ."),
})


def _positive_seconds(value: float | None) -> float | None:
    # 0 or less would mean "no limit" in-process but "give up at once" for --command: neither is asked for.
    import math

    if value is not None and not (value > 0 and math.isfinite(value)):
        raise typer.BadParameter(f"{value:g} is not a number of seconds above 0")
    return value


RUN = Group("run", RunArgs, {
    "timeout": typer.Option(None, "--timeout", callback=_positive_seconds,
                            help="Seconds per document before the extractor is given up on for that document."),
    "fail_fast": typer.Option(False, "--fail-fast", help="Stop at the first document the extractor fails on."),
    "batch_size": typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", min=1,
                               help="Texts per predict_batch call, and documents per worker task."),
    "workers": typer.Option(1, "--workers", min=1, help="Worker processes for --extractor (each loads the "
                            "extractor once and gets chunks of --batch-size documents); results equal one worker's."),
    "cache": typer.Option(None, "--cache", envvar=CACHE_ENV, file_okay=False, help="Cache predictions in this "
                          "folder, keyed by extractor, its version and the SHA-256 of each document's text, so "
                          "re-scoring (say after a gold change) does not rerun the extractor. Default: no cache."),
    "no_cache": typer.Option(False, "--no-cache", help=f"Neither read nor write the cache (overrides ${CACHE_ENV})."),
    "progress": typer.Option(True, "--progress/--no-progress", help="Show a progress bar on stderr."),
    "quiet": typer.Option(False, "--quiet", "-q", help="No progress bar, warnings or notes on stderr; errors only."),
    "llm_url": typer.Option(None, "--llm-url", envvar=LLM_URL_ENV, show_envvar=True, callback=_export_llm_url,
                            help="Base URL of the OpenAI-compatible server an llm:MODEL extractor asks, e.g. "
                            "http://127.0.0.1:8080/v1. Its API key is read from $NEWSSPANS_LLM_API_KEY or "
                            "$OPENAI_API_KEY, never from a flag."),
})

def extractor_help(prefix: str) -> str:
    from ..extractors.registry import spec_forms  # the registry imports nothing heavy

    return f"{prefix}: {spec_forms()}."


FormatOption = typer.Option(Format.table, "--format", help="table (rich) or json (the report) on stdout.")
OutputOption = typer.Option(None, "--output", help="Also write the JSON report to this file (- for standard "
                            "output).")
HtmlOption = typer.Option(None, "--html", help="Also write a self-contained HTML report (every span drawn in its "
                          "document, errors styled by kind) to this file.")


def takes(*groups: Group) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the options of `groups`; it receives each group as one dataclass argument."""

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name not in {g.name for g in groups}]
        shared = [p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for g in groups for p in g.parameters()]

        @functools.wraps(command)
        def wrapper(**values: Any) -> Any:
            for g in groups:
                values[g.name] = g.factory(**{name: values.pop(name) for name in g.options})
            return command(**values)

        del wrapper.__wrapped__  # typer must read the signature below, not the command's own
        wrapper.__signature__ = signature.replace(parameters=[
            p.replace(kind=inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in own] + shared)
        wrapper.__annotations__ = {p.name: p.annotation for p in wrapper.__signature__.parameters.values()}
        return wrapper

    return decorate


def fraction(value: float | None) -> float | None:
    """--fail-under as the table prints it (85) or as a fraction (0.85)."""
    if value is None:
        return None
    if not 0 <= value <= 100:
        raise CorpusError(Problem(f"--fail-under {value:g} is neither a fraction (0-1) nor a percentage (0-100)"))
    return value / 100 if value > 1 else value


def cache_of(run: RunArgs):
    """The prediction cache the options ask for, or None."""
    from ..extractors.cache import open_cache

    return None if run.no_cache else open_cache(run.cache)


def run_settings(run: RunArgs):
    from ..pipeline import RunSettings

    return RunSettings(run.workers, run.batch_size, run.timeout, run.fail_fast, run.progress and not run.quiet)


def warn_unreadable(cache, quiet: bool = False) -> None:
    """Damaged cache entries were recomputed and rewritten; say which, on stderr."""
    for path in cache.stats.unreadable if cache is not None and not quiet else ():
        typer.echo(f"warning: {path}: unreadable cache entry, recomputed", err=True)


def stdout_taken(**outputs: Path | None) -> bool:
    """Whether one of a command's output files is `-` (standard output), which then holds that
    file alone: the command prints its table on stderr and no JSON. Two of them would interleave
    on stdout, so that is a usage error."""
    from newsspans.corpus.atomic import is_stdout

    names = [f"--{name.replace('_', '-')}" for name, path in outputs.items() if is_stdout(path)]
    if len(names) > 1:
        raise CorpusError(Problem(f"{' and '.join(names)} are each - (standard output); give - to one of them only"))
    return bool(names)


def note(message: str, quiet: bool = False) -> None:
    """An informational line on stderr (stdout stays for the report)."""
    if not quiet:
        typer.echo(message, err=True)


def load_gold_of(gold: GoldArgs):
    from .. import load_gold

    return load_gold(gold.gold, gold.gold_documents)


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """--shard I/N as (I, N)."""
    if value is None:
        return None
    try:
        i, n = (int(x) for x in value.split("/"))
    except ValueError:
        raise CorpusError(Problem(f"--shard {value!r}: expected I/N, e.g. 0/4")) from None
    return i, n  # the range is checked by score_run


def score_options(scoring: ScoringArgs, breakdown: BreakdownArgs | None = None, bootstrap: bool = True,
                  sections: tuple[str, ...] = ()):
    """The ScoreOptions of a command's options (no intervals when `bootstrap` is False), computing
    the report `sections` (`SectionArgs.names`) beyond the span tables."""
    from .. import ScoreOptions

    extra = {} if breakdown is None else {"by": tuple(breakdown.by), "beta": breakdown.beta}
    return ScoreOptions(scoring.min_overlap, scoring.bootstrap if bootstrap else 0, scoring.seed,
                        align=scoring.align.value, align_threshold=scoring.align_threshold,
                        threshold=scoring.threshold, sections=sections, **extra)


def _noting_warnings(score, quiet: bool):
    """`score()`, its warnings (offsets that look like another unit) to stderr, once each."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = score()
    for warning in caught:
        note(f"warning: {warning.message}", quiet)
    return report


def score_of(gold, run, source: str, mapping: MappingArgs, scoring: ScoringArgs, inputs: InputArgs,
             bootstrap: bool = True, breakdown: BreakdownArgs | None = None, quiet: bool = False,
             detail: bool = True, shard: tuple[int, int] | None = None, sections: tuple[str, ...] = ()):
    """`score_run` with the options of a command (no intervals when `bootstrap` is False); its
    warnings (offsets that look like another unit) go to stderr, once each."""
    from .. import score_run

    options = score_options(scoring, breakdown, bootstrap, sections)
    return _noting_warnings(lambda: score_run(
        gold, run, source=source, label_map=mapping.label_map, ignore=mapping.ignore_label,
        drop_unknown=mapping.drop_unknown, options=options, offsets=inputs.offsets.value,
        allow_empty=inputs.allow_empty, detail=detail, shard=shard), quiet)


def stream_of(gold: GoldArgs, predictions: Path, mapping: MappingArgs, scoring: ScoringArgs, run: RunArgs,
              inputs: InputArgs, shard: tuple[int, int] | None, breakdown: BreakdownArgs | None = None,
              sections: tuple[str, ...] = (), fingerprint: bool = True):
    """`score_files` (streamed, no per-span detail) with the options of a command."""
    from .. import score_files
    from ..pipeline import check_idle

    check_idle(run_settings(run))
    options = score_options(scoring, breakdown, sections=sections)
    return _noting_warnings(lambda: score_files(
        gold.gold, predictions, gold_documents=gold.gold_documents, label_map=mapping.label_map,
        ignore=mapping.ignore_label, drop_unknown=mapping.drop_unknown, options=options, shard=shard,
        offsets=inputs.offsets.value, allow_empty=inputs.allow_empty, fingerprint=fingerprint), run.quiet)
