"""CLI options and helpers that several evaluation commands share, declared once.

Exit codes follow `newsspans.corpus.cli.common`: 0 done, 1 a finding, 2 bad input.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path

import typer

from newsspans.corpus.cli.common import BAD_INPUT, fail
from newsspans.corpus.errors import CorpusError, Problem
from ..extractors.cache import CACHE_ENV, PredictionCache, open_cache
from ..extractors.runner import DEFAULT_BATCH_SIZE, ExtractorFailure
from ..scoring.bootstrap import DEFAULT_RESAMPLES


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


def os_problem(exc: OSError) -> CorpusError:
    """A file that cannot be read or written, as a one-line problem naming it."""
    return CorpusError(Problem(exc.strerror or str(exc), file=str(exc.filename or "")))


def cache_of(folder: Path | None, no_cache: bool) -> PredictionCache | None:
    return None if no_cache else open_cache(folder)


def warn_unreadable(cache: PredictionCache | None) -> None:
    """Damaged cache entries were recomputed and rewritten; say which, on stderr."""
    for path in cache.stats.unreadable if cache is not None else ():
        typer.echo(f"warning: {path}: unreadable cache entry, recomputed", err=True)


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
        fail(os_problem(exc), BAD_INPUT)
