"""The one path from gold and an extractor to a report.

`newsspans score`, the leaderboard, the workers and Python users all call these, so a run
scored from Python is the run the command line scores: label maps, what an adapter dropped,
and the rule that an extractor failing on every document is an error, not an all-zero table.

    from newsspans.evaluation import load_gold, run_extractor, score_run
    gold = load_gold()
    run = run_extractor(gold, extractor="baseline")
    report = score_run(gold, run, label_map="spacy")
"""
from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from newsspans.corpus.errors import CorpusError, Problem
from .extractors.cache import PredictionCache
from .extractors.runner import ExtractorRun, stdout_to_stderr
from .extractors.workers import RunSettings, run_source
from .gold import Gold, load_gold
from .labelmap import apply_label_map, parse_label_map
from .predictions import OFFSET_UNITS, convert_offsets, inside_word, read_predictions
from .scoring.report import Report, ScoreOptions
from .scoring.scorer import score

__all__ = ["Gold", "ExtractorRun", "OffsetsWarning", "RunSettings", "ScoreOptions", "load_gold", "run_extractor",
           "score_run"]


def run_extractor(gold: Gold, *, extractor: str | None = None, command: str | None = None,
                  predictions: Path | str | None = None, settings: RunSettings = RunSettings(),
                  cache: PredictionCache | None = None) -> tuple[ExtractorRun, str]:
    """Predictions for every gold document from exactly one source, and a name for that source.

    `extractor`: a registry name, an adapter spec or `module:callable`; `command`: an external
    program speaking JSONL; `predictions`: a predictions JSONL file.
    """
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
        return ExtractorRun(read_predictions(Path(predictions))), str(predictions)
    # Everything that may import or run the user's code (the cache's version check imports a
    # module:callable) prints to stderr: stdout is the report's.
    with stdout_to_stderr():
        run = run_source(gold.documents, extractor=extractor, command=command, settings=settings, cache=cache)
    return run, f"command: {command}" if command is not None else f"extractor: {extractor}"


def score_run(gold: Gold, run: ExtractorRun, *, source: str = "", label_map: str | None = None,
              ignore: Iterable[str] = (), drop_unknown: bool = False,
              options: ScoreOptions = ScoreOptions(), offsets: str = "codepoints",
              allow_empty: bool = False) -> Report:
    """Score one run against `gold` exactly as `newsspans score` does.

    `offsets` is the unit the run's offsets count (`codepoints`, `utf16` or `utf8`): they are
    converted to code points first. Raises CorpusError when the extractor failed on every
    document (an all-zero score would hide a broken setup), when the run has predictions for
    no document at all (an empty predictions file; unless `allow_empty`), or when the
    predictions do not fit the gold. Warns (`OffsetsWarning`) when many predicted spans start
    or end inside a word, the sign of offsets in another unit.
    """
    if gold.documents and len(run.errors) == len(gold.documents):
        doc_id, message = next(iter(run.errors.items()))
        raise CorpusError(Problem(f"the extractor failed on every document; first, {doc_id!r}: {message}"))
    if not allow_empty:
        _check_not_empty(gold, run, source)
    texts = {d.id: d.text for d in gold.documents}
    predictions = convert_offsets(run.predictions, texts, offsets)
    _warn_inside_word(predictions, texts, source, offsets)
    mapped, dropped = apply_label_map(predictions, parse_label_map(label_map, list(ignore), drop_unknown))
    for label, n in run.dropped.items():
        dropped[label] = dropped.get(label, 0) + n
    return score(gold.documents, gold.spans, mapped, options, gold_source=gold.source, predictions_source=source,
                 dropped=dropped, extractor_errors=run.errors, gold_checked=True, doc_fields=gold.fields)


class OffsetsWarning(UserWarning):
    """Many predicted spans start or end inside a word: offsets counted in another unit?"""


# Warn when at least this share of predicted spans (and this many) cut a word: a real model cuts
# few (a subword tokenizer's stray piece); offsets in the wrong unit cut most after the first
# non-ASCII character.
INSIDE_WORD_SHARE = 0.1
INSIDE_WORD_LEAST = 3


def _check_not_empty(gold: Gold, run: ExtractorRun, source: str) -> None:
    # Ids that are none of the gold's are not checked here: the scorer names each of them.
    if gold.documents and not run.predictions and not run.errors:
        raise CorpusError(Problem("no predictions for any document (the predictions are empty); --allow-empty "
                                  "scores them as predicting nothing", file=source))


def _warn_inside_word(predictions, texts: dict[str, str], source: str, unit: str) -> None:
    cut, total = inside_word(predictions, texts)
    if cut >= INSIDE_WORD_LEAST and cut >= INSIDE_WORD_SHARE * total:
        other = " or ".join(f"--offsets {u}" for u in OFFSET_UNITS if u != unit)
        warnings.warn(OffsetsWarning(
            f"{source + ': ' if source else ''}{cut} of {total} predicted spans ({100 * cut / total:.0f}%) start or "
            f"end inside a word; if the offsets are not {unit}, say which unit they are ({other})"), stacklevel=3)
