"""The one path from gold and an extractor to a report.

`newsspans score`, the leaderboard, the workers and Python users all call these, so a run
scored from Python is the run the command line scores: label maps, what an adapter dropped,
and the rule that an extractor failing on every document is an error, not an all-zero table.

    from newsspans.evaluation import load_gold, run_extractor, score_run
    gold = load_gold()
    run, source = run_extractor(gold, extractor="baseline")
    report = score_run(gold, run, source=source, label_map="spacy")
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import ENTITY_LABELS, Span
from newsspans.corpus.standoff import spans_by_document
from . import collector
from .extractors.cache import PredictionCache
from .extractors.runner import ExtractorRun, stdout_to_stderr
from .extractors.workers import RunSettings, run_source
from .gold import Gold, iter_gold, line_mentions, load_gold
from .labelmap import apply_label_map, parse_label_map
from .packed_ids import PackedIds
from .predictions import (OFFSET_UNITS, PredictionSet, PredictionsFile, convert_offsets, inside_word,
                          read_predictions)
from .scoring.bootstrap import resolved_seed
from .scoring.breakdowns import seen_index
from .scoring.partial import Fingerprint, fingerprint_of, merge, release_freed_memory
from .scoring.report import Report, ScoreOptions
from .scoring.scorer import score_partial
from .scoring.sections import needs_seen

# Documents counted at a time when no per-span detail is kept: their spans are released after.
CHUNK = 2000

__all__ = ["Gold", "ExtractorRun", "OffsetsWarning", "RunSettings", "ScoreOptions", "load_gold", "run_extractor",
           "score_run", "score_files"]


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
        check_idle(settings)
        return ExtractorRun(read_predictions(Path(predictions))), str(predictions)
    # Everything that may import or run the user's code (the cache's version check imports a
    # module:callable) prints to stderr: stdout is the report's.
    with stdout_to_stderr():
        run = run_source(gold.documents, extractor=extractor, command=command, settings=settings, cache=cache)
    return run, f"command: {command}" if command is not None else f"extractor: {extractor}"


def shard_positions(n_docs: int, shard: tuple[int, int] | None) -> range:
    """Gold positions of shard `(i, n)`: the i-th of n contiguous blocks (all documents for None)."""
    if shard is None:
        return range(n_docs)
    i, n = shard
    if not (n >= 1 and 0 <= i < n):
        raise CorpusError(Problem(f"--shard {i}/{n}: expected I/N with 0 <= I < N"))
    return range(i * n_docs // n, (i + 1) * n_docs // n)


@dataclass
class _Chunk:
    """Some consecutive gold documents with their spans, predictions and extractor errors."""

    gold: Gold
    positions: Sequence[int]
    predictions: Mapping[str, Sequence[object]]
    errors: Mapping[str, str]


def _score_chunks(chunks: Iterable[_Chunk], fingerprint: Callable[[], str], n_gold: Callable[[], int], *,
                  label_map: str | None, ignore: Iterable[str], drop_unknown: bool, options: ScoreOptions,
                  detail: bool, source: str, unknown: Callable[[], Mapping[str, Sequence[object]]],
                  seen_in: Callable[[], Mapping[tuple[str, str], int]], dropped: Mapping[str, int] | None = None,
                  ) -> Report:
    """The one scoring loop of `score_run` and `score_files`: map labels, count each chunk into a
    partial (its spans released after), merge the partials. `fingerprint`/`n_gold`/`unknown` are
    asked for once the chunks are consumed (a streamed gold is known only then); `seen_in` (the
    whole gold's `breakdowns.seen_index`) before the first chunk."""
    parsed = parse_label_map(label_map, list(ignore), drop_unknown)
    mapping = {"label_map": label_map, "ignore_label": sorted(ignore), "drop_unknown": drop_unknown}
    options = replace(options, seed=resolved_seed(options.seed))  # one seed for every chunk
    total: dict[str, int] = dict(dropped or {})
    partials, layers, source_gold = [], None, ""
    # Reading and counting make millions of acyclic objects: no collector passes over them.
    with collector.paused():
        context = dict(predictions_source=source, gold_checked=True, mapping=mapping, gold_fingerprint="",
                       seen_in=seen_in() if needs_seen(options) else None)  # a pass over the gold: only for `seen`
        for chunk in chunks:
            mapped, dropped_here = apply_label_map(chunk.predictions, parsed)
            for label, n in dropped_here.items():
                total[label] = total.get(label, 0) + n
            source_gold = chunk.gold.source
            partial, layers = score_partial(chunk.gold.documents, chunk.gold.spans, mapped, options,
                                            positions=chunk.positions, keep_detail=detail, gold_source=source_gold,
                                            extractor_errors=chunk.errors, doc_fields=chunk.gold.fields, **context)
            # Nothing of a chunk may outlive it as an object per document, nor be held while the
            # next is read: such objects lie scattered among each chunk's millions of short-lived
            # ones, and every later chunk runs slower (see packed_ids).
            partial.documents = PackedIds(partial.documents)
            partials.append(partial)
            del chunk, mapped
            release_freed_memory()  # the chunk's spans and texts, freed, back to the system
        # Predictions for documents not in the gold are an error, reported like the chunks' own checks.
        mapped, _ = apply_label_map(unknown(), parsed)
        if mapped or not partials:
            partial, layers = score_partial([], [], mapped, options, positions=[], keep_detail=detail,
                                            gold_source=source_gold, **context)
            partials.append(partial)
        merged = partials[0] if len(partials) == 1 else merge(partials, consume=True)
        merged.gold.update(fingerprint=fingerprint(), documents=n_gold())
        merged.dropped = dict(sorted(total.items()))
        return Report.from_partial(merged, layers if detail else None)


def check_idle(settings: RunSettings) -> None:
    """As with --command and --workers: an option that cannot act is an error, not ignored."""
    used = {"--workers": settings.workers != 1, "--timeout": settings.timeout is not None,
            "--fail-fast": settings.fail_fast}
    idle = [flag for flag, on in used.items() if on]
    if idle:
        raise CorpusError(Problem(f"{', '.join(idle)} act on a running extractor; --predictions runs none"))


def score_run(gold: Gold, run: ExtractorRun, *, source: str = "", label_map: str | None = None,
              ignore: Iterable[str] = (), drop_unknown: bool = False,
              options: ScoreOptions = ScoreOptions(), offsets: str = "codepoints", allow_empty: bool = False,
              detail: bool = True, shard: tuple[int, int] | None = None,
              only: Iterable[str] | None = None) -> Report:
    """Score one run against `gold` exactly as `newsspans score` does.

    `only`: score just these gold documents (a shard of `newsspans run`); ids not in the gold
    are left out.

    `detail=False` keeps no per-span detail (enough for tables, JSON without spans and partials;
    documents are then counted in chunks of CHUNK and their spans released). `shard=(i, n)`
    scores only the i-th of n contiguous blocks of gold documents; `report.partial` is what
    `--partial-out` saves and `newsspans merge` combines.

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
    preds = convert_offsets(run.predictions, texts, offsets)
    _warn_inside_word(*inside_word(preds, texts), source, offsets)
    positions = list(shard_positions(len(gold.documents), shard))
    if only is not None:
        rank = {d.id: i for i, d in enumerate(gold.documents)}
        positions = sorted(rank[i] for i in set(only) if i in rank)
    by_doc = spans_by_document(gold.spans)
    known = set(texts)
    step = max(len(positions) if detail else CHUNK, 1)

    def chunks() -> Iterator[_Chunk]:
        for lo in range(0, len(positions), step):
            part = positions[lo:lo + step]
            docs = [gold.documents[i] for i in part]
            yield _Chunk(Gold(docs, [s for d in docs for s in by_doc.get(d.id, ())], gold.source,
                              {d.id: gold.fields[d.id] for d in docs if d.id in gold.fields}), part,
                         _subset(preds, (d.id for d in docs)), {d.id: run.errors[d.id] for d in docs
                                                                if d.id in run.errors})

    return _score_chunks(chunks(), lambda: fingerprint_of(gold.documents, by_doc), lambda: len(gold.documents),
                         label_map=label_map, ignore=ignore, drop_unknown=drop_unknown, options=options,
                         detail=detail, source=source, dropped=run.dropped,
                         seen_in=lambda: seen_index(s for s in gold.spans if s.label in ENTITY_LABELS),
                         unknown=lambda: _subset(preds, (k for k in preds if k not in known)))


def _subset(predictions: Mapping, ids: Iterable[str]) -> PredictionSet:
    """The predictions of `ids` that have an entry, remembering the file and lines they came from."""
    lines = getattr(predictions, "lines", {})
    out = PredictionSet(file=getattr(predictions, "file", ""))
    for doc_id in ids:
        if doc_id in predictions:
            out[doc_id] = predictions[doc_id]
            if doc_id in lines:
                out.lines[doc_id] = lines[doc_id]
    return out


def score_files(gold: Path | str | None, predictions: Path | str, *, gold_documents: Path | str | None = None,
                label_map: str | None = None, ignore: Iterable[str] = (), drop_unknown: bool = False,
                options: ScoreOptions = ScoreOptions(), shard: tuple[int, int] | None = None,
                chunk: int = CHUNK, offsets: str = "codepoints", allow_empty: bool = False,
                fingerprint: bool = True) -> Report:
    """Score a predictions file against gold files, streaming: the report of `score_run` without
    per-span detail, in memory proportional to `chunk` documents (plus an index of the
    predictions file), whatever the size of the corpus. `gold`/`gold_documents` as in `load_gold`;
    `offsets`, `allow_empty` and the warning about offsets as in `score_run`.

    `fingerprint=False` leaves the gold unhashed (a table shows no fingerprint, and hashing is
    about a twentieth of a table run): the report's `gold_fingerprint` is then empty, and its
    partial cannot be saved for a merge.
    """
    index = PredictionsFile(predictions)
    fp = Fingerprint(hashing=fingerprint)
    seen = PackedIds()  # the gold's ids, for predictions of other documents; packed, as kept to the end
    n_gold = _count_gold(gold, gold_documents) if shard is not None else None
    positions = shard_positions(n_gold, shard) if shard is not None else None
    inside = [0, 0]  # predicted spans that cut a word, spans looked at

    def chunks() -> Iterator[_Chunk]:
        start = 0
        for part in iter_gold(None if gold is None else Path(gold),
                              None if gold_documents is None else Path(gold_documents), chunk):
            by_doc = spans_by_document(part.spans)
            for d in part.documents:
                fp.add(d.id, d.text, by_doc.get(d.id, ()))
            seen.extend(d.id for d in part.documents)
            here = range(start, start + len(part.documents))
            start = here.stop
            if positions is not None:  # keep the documents of this shard only
                lo, hi = max(here.start, positions.start), min(here.stop, positions.stop)
                if lo >= hi:
                    del part, by_doc  # not held while the next chunk is read (see _score_chunks)
                    continue
                docs = part.documents[lo - here.start:hi - here.start]
                kept = {d.id: part.fields[d.id] for d in docs if d.id in part.fields}
                part = Gold(docs, [s for d in docs for s in by_doc.get(d.id, ())], part.source, kept)
                here = range(lo, hi)
            texts = {d.id: d.text for d in part.documents}
            preds = convert_offsets(index.take(d.id for d in part.documents), texts, offsets)
            inside[:] = [a + b for a, b in zip(inside, inside_word(preds, texts))]
            yield _Chunk(part, here, preds, {})
            del part, by_doc, texts, preds  # not held while the next chunk is read (see _score_chunks)
        if not allow_empty and fp.documents and not index.ids():
            raise CorpusError(Problem("no predictions for any document (the predictions are empty); --allow-empty "
                                      "scores them as predicting nothing", file=str(predictions)))
        _warn_inside_word(*inside, str(predictions), offsets)

    def unknown() -> PredictionSet:
        ids = index.ids()
        return index.take(doc_id for doc_id, at in zip(ids, seen.find(ids).tolist()) if at < 0)

    return _score_chunks(chunks(), fp.hexdigest, lambda: fp.documents, label_map=label_map, ignore=ignore,
                         drop_unknown=drop_unknown, options=options, detail=False, source=str(predictions),
                         seen_in=lambda: _seen_of_file(gold, gold_documents, chunk), unknown=unknown)


def _seen_of_file(gold: Path | str | None, documents: Path | str | None, chunk: int) -> dict:
    """The whole gold's `seen_index`, from a first pass over the gold in bounded memory.

    A JSONL gold is only parsed here (each span's label and text), not validated: the scoring
    pass validates every line and stops on any problem, so what this pass counts of a bad line
    is never reported.
    """
    if gold is None or Path(gold).is_dir() or documents is not None or str(gold) == "-":
        return seen_index(s for part in iter_gold(None if gold is None else Path(gold),
                                                  None if documents is None else Path(documents), chunk)
                          for s in part.spans if s.label in ENTITY_LABELS)
    return seen_index(_entity_mentions(Path(gold)))


def _entity_mentions(path: Path) -> Iterator[Span]:
    """A bare Span (doc id, label, text) per distinct entity mention of each document of a JSONL
    gold's well-formed lines: `seen_index` counts documents per mention, so one Span per document
    and mention gives its index (not one per span: most mentions repeat within a document)."""
    return (Span(doc_id, "", 0, 0, label, text) for doc_id, label, text in line_mentions(path, ENTITY_LABELS))


def _count_gold(gold: Path | str | None, documents: Path | str | None) -> int:
    """Number of gold documents (for --shard's blocks): non-blank lines of a JSONL gold file, without parsing."""
    if gold is None or Path(gold).is_dir() or documents is not None:
        return len(load_gold(None if gold is None else Path(gold), documents).documents)
    with open(gold, "rb") as fh:
        return sum(1 for raw in fh if raw.strip())


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


def _warn_inside_word(cut: int, total: int, source: str, unit: str) -> None:
    if cut >= INSIDE_WORD_LEAST and cut >= INSIDE_WORD_SHARE * total:
        other = " or ".join(f"--offsets {u}" for u in OFFSET_UNITS if u != unit)
        warnings.warn(OffsetsWarning(
            f"{source + ': ' if source else ''}{cut} of {total} predicted spans ({100 * cut / total:.0f}%) start or "
            f"end inside a word; if the offsets are not {unit}, say which unit they are ({other})"), stacklevel=3)
