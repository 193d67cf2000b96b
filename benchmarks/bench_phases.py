"""Where the CPU of a table run goes: `score_files` on a generated corpus, by phase.

Each phase is a function of the pipeline, timed (process CPU) by wrapping it in this process;
phases nest (the bootstrap sums are inside `make_partial`, which is inside `score_partial`),
so the figures do not add up to the total. Start-up is the imports of the scoring modules.

Run: python benchmarks/bench_phases.py [--size 10000] [--dir /tmp/newsspans-bench]
"""
from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from pathlib import Path

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
    (pipeline.Fingerprint, "add", "the gold fingerprint"),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "newsspans-bench")
    args = parser.parse_args()
    here = args.dir / f"n{args.size}"
    gold, preds = here / "gold.jsonl", here / "predictions.jsonl"
    if not (gold.exists() and preds.exists()):
        write_corpus(here, args.size, seed=args.size)
    spent: dict[str, float] = {}

    def timed(label, fn):
        @functools.wraps(fn)
        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - t
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
                    spent[label] = spent.get(label, 0.0) + time.process_time() - t
                yield item
        return wrapper

    for owner, name, label in PHASES:
        wrap = timed_iterator if name == "iter_gold" else timed
        setattr(owner, name, wrap(label, getattr(owner, name)))
    t = time.process_time()
    pipeline.score_files(gold, preds)
    total = time.process_time() - t
    print(f"{args.size} documents; CPU seconds (process time)")
    print(f"  start-up: importing the scoring modules       {IMPORTED - START:6.2f}")
    print(f"  score_files, in all                           {total:6.2f}")
    for _, _, label in PHASES:
        print(f"    {label:44}{spent.get(label, 0.0):6.2f}")


if __name__ == "__main__":
    main()
