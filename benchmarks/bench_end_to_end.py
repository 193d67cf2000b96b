"""End to end at scale: `newsspans score` against nervaluate on generated corpora, whole processes.

Corpora (tests/support/synthetic_corpus.py): documents of about 2,000 characters and 31 gold
spans (PER, LOC, ORG, NUM, QUOTE with speakers); about 85% of predictions exact. Each tool runs
as its own process, side by side in one run, and is measured by the kernel (os.wait4: user +
system CPU seconds and peak RSS of that process); newsspans' modules are byte-compiled first,
as an installed copy has them. With `--runs N` the tools take turns N times and each one's
median run (by CPU) is printed:

- newsspans: `newsspans score --gold gold.jsonl --predictions predictions.jsonl` (the table,
  1,000 bootstrap resamples, every scheme, speakers);
- nervaluate: a script reading the same two files and scoring the same spans from dicts
  (`Evaluator(true, pred, tags, loader="default").evaluate()`; no intervals, no speakers);
- the floor: a script that only starts, imports numpy and parses both files with the standard
  library's json, reading each span's offsets and label (what any Python scorer of these
  files does at the least), so the CPU ratios can be read against it;
- the typed floor: the fastest reading known here, msgspec decoding each line straight into typed
  structs (the collector off, as newsspans reads), then the columns a scorer needs at the least
  (document, start, end, label; the speaker and the text beside the spans) as numpy arrays and
  lists. No Python reading of these files known here spends less, so it shows what the 5x
  target leaves for checking, matching, counting and the bootstrap.

Both floors let OpenBLAS's idle threads sleep as newsspans' console script does
(OPENBLAS_THREAD_TIMEOUT=4), so they stay the least; nervaluate runs as its users run it.

Also measured: one predictions line of 1.2 M spans (about 50 MB) scored against a small gold,
and merging 8 shards of the largest corpus (`newsspans merge`, a whole process, and
the merge + report inside one process), scored with the default sections and, with
`--with all`, also with every report section (`newsspans score --with all`: entity sets,
coreference, number kinds, breakdowns, document average), whose scoring and merge are then
measured too. Printed: CPU and RSS per tool and size, the ratios, and the exponent of
newsspans' CPU time from the smallest to the largest size.

Run: python benchmarks/bench_end_to_end.py [--sizes 10000 100000] [--runs 3] [--dir /tmp/newsspans-bench] [--with all]
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from synthetic_corpus import write_corpus  # noqa: E402

from installed import byte_compile  # noqa: E402

# The least any Python tool scoring these files does: start, import numpy, parse every line with
# the standard library's json and read each span's offsets and label. No checks, no matching.
FLOOR = textwrap.dedent("""
    import json, os, sys
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # idle BLAS threads asleep, as newsspans has them
    import numpy
    n = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                spans = json.loads(line)["spans"]
                n += len([(s["start"], s["end"], s["label"]) for s in spans])
    print(n)
""")

# The least with the fastest decoder: typed structs, then one column per field a scorer reads.
TYPED_FLOOR = textwrap.dedent("""
    import gc, os, sys
    from itertools import chain
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")  # idle BLAS threads asleep, as newsspans has them
    import msgspec, numpy
    gc.disable()
    class Speaker(msgspec.Struct):
        start: int
        end: int
    class Span(msgspec.Struct):
        start: int
        end: int
        label: str
        text: str | None = None
        speaker: str | Speaker | None = None
        id: str | None = None
    class Line(msgspec.Struct):
        id: str
        spans: list[Span] = []
        text: str = ""
    decoder, n = msgspec.json.Decoder(Line), 0
    for path in sys.argv[1:]:
        with open(path, "rb") as fh:
            lines = [decoder.decode(raw) for raw in fh]
        doc = numpy.repeat(numpy.arange(len(lines)), [len(line.spans) for line in lines])
        spans = list(chain.from_iterable(line.spans for line in lines))
        start, end = numpy.array([s.start for s in spans]), numpy.array([s.end for s in spans])
        label, text, speaker = [s.label for s in spans], [s.text for s in spans], [s.speaker for s in spans]
        n += len(doc) + len(start) + len(end) + len(label) + len(text) + len(speaker)
    print(n)
""")

NERVALUATE = textwrap.dedent("""
    import json, sys
    from nervaluate import Evaluator
    def spans(path, key):
        out = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                out[r["id"]] = [{"label": s["label"], "start": s["start"], "end": s["end"] - 1} for s in r[key]]
        return out
    gold, pred = spans(sys.argv[1], "spans"), spans(sys.argv[2], "spans")
    ids = list(gold)
    results = Evaluator([gold[i] for i in ids], [pred.get(i, []) for i in ids],
                        tags=["PER", "LOC", "ORG", "NUM", "QUOTE"], loader="default").evaluate()
    print(len(results))
""")


def measured(args: list[str]) -> tuple[float, float, float]:
    """(CPU seconds, peak RSS in MB, wall seconds) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall


def corpus(folder: Path, n: int) -> tuple[Path, Path]:
    here = folder / f"n{n}"
    gold, preds = here / "gold.jsonl", here / "predictions.jsonl"
    if not (gold.exists() and preds.exists()):
        print(f"generating {n} documents in {here} ...", flush=True)
        write_corpus(here, n, seed=n)
    return gold, preds


def shards(gold: Path, preds: Path, out: Path, n: int = 8, sections: tuple[str, ...] = ()) -> list[Path]:
    """8 partials of the corpus: one streamed pass (computing `sections`), its tables cut into 8
    blocks, each with its own sums."""
    from newsspans.evaluation import ScoreOptions, score_files
    from newsspans.evaluation.scoring.scorer import make_partial

    whole = score_files(gold, preds, options=ScoreOptions(sections=sections)).partial
    paths = []
    for i in range(n):
        lo, hi = i * len(whole.documents) // n, (i + 1) * len(whole.documents) // n
        first, last = whole.positions[lo], whole.positions[hi - 1]
        part = make_partial(whole.documents[lo:hi], {k: v[lo:hi] for k, v in whole.tables.items()}, whole.settings,
                            whole.gold, whole.positions[lo:hi], sources=whole.sources, axes=whole.axes,
                            lists={k: v[lo:hi] for k, v in whole.lists.items()},
                            points={k: v[(v[:, 0] >= first) & (v[:, 0] <= last)] for k, v in whole.points.items()})
        path = out / f"shard{i}.npz"
        part.save(path)
        paths.append(path)
    return paths


def shards_apart(gold: Path, preds: Path, out: Path, sections: tuple[str, ...] = (), n: int = 8) -> list[Path]:
    """`shards`, made in a fresh process (spawned, not forked) so that this one stays small."""
    import multiprocessing

    out.mkdir(parents=True)
    child = multiprocessing.get_context("spawn").Process(target=shards, args=(gold, preds, out, n, sections))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"making the shards of {gold} failed (exit {child.exitcode})")
    return [out / f"shard{i}.npz" for i in range(n)]


def big_line(folder: Path, n_spans: int = 1_200_000) -> tuple[Path, Path]:
    """One document whose predictions line holds `n_spans` spans (about 48 MB), against a small gold."""
    import json

    gold, preds = folder / "big-gold.jsonl", folder / "big-predictions.jsonl"
    if not preds.exists():
        text = "ab " * n_spans
        gold.write_text(json.dumps({"id": "big", "text": text, "spans": [
            {"start": 3 * i, "end": 3 * i + 2, "label": "ORG"} for i in range(0, n_spans, 1000)]}) + "\n")
        preds.write_text(json.dumps({"id": "big", "spans": [
            {"start": 3 * i, "end": 3 * i + 2, "label": "ORG"} for i in range(n_spans)]}) + "\n")
    return gold, preds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "newsspans-bench")
    parser.add_argument("--runs", type=int, default=1, help="runs of each tool per size (the median is printed)")
    parser.add_argument("--with", dest="sections", action="append", default=[], metavar="SECTION",
                        help="Also measure scoring and merging the largest corpus with these sections (all: every one).")
    args = parser.parse_args()
    byte_compile()  # as installed: no module compiled in a timed run
    newsspans = str(Path(sys.executable).with_name("newsspans"))
    script, floor, typed = args.dir / "nervaluate_score.py", args.dir / "parse_floor.py", args.dir / "typed_floor.py"
    args.dir.mkdir(parents=True, exist_ok=True)
    script.write_text(NERVALUATE)
    floor.write_text(FLOOR)
    typed.write_text(TYPED_FLOOR)
    rows = {}
    for n in args.sizes:
        gold, preds = corpus(args.dir, n)
        commands = [[newsspans, "score", "--gold", str(gold), "--predictions", str(preds), "--bootstrap", "1000"],
                    [sys.executable, str(script), str(gold), str(preds)],
                    [sys.executable, str(floor), str(gold), str(preds)],
                    [sys.executable, str(typed), str(gold), str(preds)]]
        # Interleaved runs, the median run of each command (by CPU): one slow or lucky run moves nothing.
        runs = [[measured(c) for c in commands] for _ in range(args.runs)]
        ours, theirs, least, fastest = (sorted(r[k] for r in runs)[len(runs) // 2] for k in range(len(commands)))
        rows[n] = ours, theirs
        print(f"{n:>8} documents  newsspans score: {ours[0]:7.1f} s CPU {ours[1]:7.0f} MB peak RSS | "
              f"nervaluate: {theirs[0]:7.1f} s CPU {theirs[1]:7.0f} MB | CPU ratio nervaluate/newsspans "
              f"{theirs[0] / ours[0]:5.2f}x (target >= 5)", flush=True)
        print(f"{'':>8}            parsing both files with json, nothing else: {least[0]:.1f} s CPU "
              f"(nervaluate / that: {theirs[0] / least[0]:.2f}x; the target allows newsspans "
              f"{theirs[0] / 5:.1f} s)", flush=True)
        print(f"{'':>8}            typed floor (msgspec structs, then columns): {fastest[0]:.2f} s CPU, "
              f"{fastest[0] / (theirs[0] / 5):.0%} of what the target allows", flush=True)
    small, large = min(rows), max(rows)
    if small != large:
        exponent = math.log(rows[large][0][0] / rows[small][0][0]) / math.log(large / small)
        print(f"newsspans CPU exponent {small} -> {large} documents: {exponent:.3f} (target <= 1.05)")
    print(f"newsspans peak RSS at {large} documents: {rows[large][0][1]:.0f} MB (target <= 1536)")
    gold, preds = big_line(args.dir)
    cpu, rss, _ = measured([newsspans, "score", "--gold", str(gold), "--predictions", str(preds)])
    print(f"one predictions line of 1.2 M spans ({preds.stat().st_size / 1e6:.0f} MB): newsspans score "
          f"{cpu:.1f} s CPU, {rss:.0f} MB peak RSS (was 4.5 GB)")
    gold, preds = corpus(args.dir, large)
    if args.sections:
        flags = [a for s in args.sections for a in ("--with", s)]
        cpu, rss, _ = measured([newsspans, "score", "--gold", str(gold), "--predictions", str(preds), "--bootstrap",
                                "1000", *flags])
        print(f"{large:>8} documents  newsspans score {' '.join(flags)}: {cpu:7.1f} s CPU {rss:7.0f} MB peak RSS",
              flush=True)
    variants = [()] + ([tuple(args.sections)] if args.sections else [])
    with tempfile.TemporaryDirectory() as tmp:
        # The peak RSS the kernel reports for a child includes this process's peak when it forked,
        # so the shards are made in a fresh process, and every merge process is measured before
        # the in-process merges below grow this one.
        made = [shards_apart(gold, preds, Path(tmp) / f"v{k}", sections) for k, sections in enumerate(variants)]
        processes = [measured([newsspans, "merge", *map(str, paths)]) for paths in made]
        from newsspans.evaluation.scoring.partial import load_and_merge
        from newsspans.evaluation.scoring.report import Report

        for sections, paths, (cpu, rss, wall) in zip(variants, made, processes):
            start = time.perf_counter()
            Report.from_partial(load_and_merge(paths)).to_dict(documents=False)
            inside = time.perf_counter() - start
            what = f"with {', '.join(sections)}" if sections else "default sections"
            print(f"merge of 8 shards of {large} documents ({what}): {wall:.2f} s wall, {cpu:.2f} s CPU, {rss:.0f} "
                  f"MB peak RSS as a process (including start-up), {inside:.3f} s merge + report in-process "
                  "(target < 1 s)")

if __name__ == "__main__":
    main()
