"""Where the CPU of a table run goes: `score_files` on a generated corpus, by phase.

Each phase is a function of the pipeline, timed (process CPU) by wrapping it in this process;
phases nest (the bootstrap sums are inside `make_partial`, which is inside `score_partial`),
so the figures do not add up to the total. Start-up is the imports of the scoring modules.
Also printed: the CPU of the first and last chunks read and counted, which do the same work
(a growing figure is a slowdown of long runs).
With `--api`, the same for the public `score()` on the micro benchmark's workload
(bench_scoring.py: 1,000 documents, 48,554 gold spans), best of 5 runs.

Run: python benchmarks/bench_phases.py [--size 10000] [--dir /tmp/newsspans-bench] [--api]
"""
from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # as the console script sets it, before numpy
START = time.process_time()
from newsspans.evaluation import pipeline  # noqa: E402
from newsspans.evaluation.predictions import PredictionsFile  # noqa: E402
from newsspans.evaluation.scoring import scorer  # noqa: E402
from newsspans.evaluation.scoring.report import Report  # noqa: E402

IMPORTED = time.process_time()
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from synthetic_corpus import write_corpus  # noqa: E402

# (owner, attribute, what the row says); iter_gold is a generator: its time is spent as it is consumed.
PHASES = [
    (pipeline, "iter_gold", "reading and proving the gold (iter_gold)"),
    (pipeline.Fingerprint, "add", "the gold fingerprint (counted, not hashed)"),
    (PredictionsFile, "take", "reading predictions (PredictionsFile.take)"),
    (pipeline, "convert_offsets", "offsets to code points"),
    (pipeline, "inside_word", "the offsets-unit warning's count"),
    (pipeline, "apply_label_map", "label map"),
    (pipeline, "score_partial", "counting the chunks (score_partial), in all"),
    (scorer, "check_predictions", "  checking predictions against the text"),
    (scorer, "count_layer", "  matching and counting both layers"),
    (scorer, "count_speakers", "  speakers, both levels"),
    (scorer, "make_partial", "  bootstrap sums (make_partial)"),
    (pipeline, "merge", "merging the chunks' partials"),
    (Report, "from_partial", "the report from the merged partial"),
]
# The phases of `score()` (bench_scoring.api_report) that touch every span.
API_PHASES = [
    (scorer, "score_partial", "score_partial, in all"),
    (scorer, "check_gold", "  proving the gold valid"),
    (scorer, "fingerprint_of", "  the gold fingerprint"),
    (scorer, "check_predictions", "  checking predictions against the text"),
    (scorer, "count_layer", "  matching and counting both layers"),
    (scorer, "_arrays", "    span arrays from the objects"),
    (scorer, "layer_gold_speakers", "  gold speakers"),
    (scorer, "count_speakers", "  speakers, both levels"),
    (scorer, "_status_counts", "  alignment status counts"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "newsspans-bench")
    parser.add_argument("--api", action="store_true", help="time the phases of score() on the micro benchmark")
    args = parser.parse_args()
    spent: dict[str, float] = {}
    calls: dict[str, list[float]] = {}  # each call's (or item's) CPU, to compare early and late chunks

    def count(label: str, seconds: float) -> None:
        spent[label] = spent.get(label, 0.0) + seconds
        calls.setdefault(label, []).append(seconds)

    def timed(label, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                count(label, time.process_time() - t)
        return wrapper

    def timed_iterator(label, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            items = fn(*a, **k)
            while True:
                t = time.process_time()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    count(label, time.process_time() - t)
                yield item
                del item  # not held while the next is read: the pipeline holds nothing then (packed_ids)
        return wrapper

    for owner, name, label in API_PHASES if args.api else PHASES:
        wrap = timed_iterator if name == "iter_gold" else timed
        setattr(owner, name, wrap(label, getattr(owner, name)))
    if args.api:
        return api_phases(spent)
    here = args.dir / f"n{args.size}"
    gold, preds = here / "gold.jsonl", here / "predictions.jsonl"
    if not (gold.exists() and preds.exists()):
        write_corpus(here, args.size, seed=args.size)
    t = time.process_time()
    pipeline.score_files(gold, preds, fingerprint=False)  # as `newsspans score` prints a table
    total = time.process_time() - t
    print(f"{args.size} documents; CPU seconds (process time)")
    print(f"  start-up: importing the scoring modules       {IMPORTED - START:6.2f}")
    print(f"  score_files, in all                           {total:6.2f}")
    for _, _, label in PHASES:
        print(f"    {label:44}{spent.get(label, 0.0):6.2f}")
    # Each chunk does the same work: a growing figure is a slowdown of long runs, not more work.
    for label in (PHASES[0][2], "counting the chunks (score_partial), in all"):
        each = calls.get(label, [])[:-1]  # the last chunk is smaller, or the unknown documents' check
        if len(each) >= 8:
            print(f"  per chunk of {pipeline.CHUNK} documents, {label.split(' (')[0]}: first 3 "
                  f"{sum(each[:3]) / 3:.3f} s, last 3 {sum(each[-3:]) / 3:.3f} s ({len(each)} chunks)")


def api_phases(spent: dict[str, float]) -> None:
    """The phases of the fastest of 5 `score()` calls on bench_scoring's workload."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_scoring as micro

    sentences = micro.workload(20_000, 0)
    inputs = micro.api_inputs(micro.to_rows(sentences, 0, 20), micro.to_rows(sentences, 1, 20), 1_000)
    best: tuple[float, dict[str, float]] | None = None
    for _ in range(5):
        spent.clear()
        t = time.process_time()
        micro.api_report(*inputs)
        total = time.process_time() - t
        if best is None or total < best[0]:
            best = (total, dict(spent))
    print(f"score() on {len(inputs[0]):,} documents, {len(inputs[1]):,} gold spans; CPU seconds (process time), "
          "best of 5")
    print(f"  score() and the report's tables, in all       {best[0]:6.3f}")
    for _, _, label in API_PHASES:
        print(f"    {label:44}{best[1].get(label, 0.0):6.3f}")


if __name__ == "__main__":
    main()
