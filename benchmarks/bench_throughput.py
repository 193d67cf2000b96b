"""Extractor throughput: documents per second for the baseline with 1 and 2 workers, and the
harness overhead (time outside the extractor) against the extractor's own time.

Workload: the bundled corpus's documents repeated to --documents (default 400) with distinct ids.
Timed, best of --repeats interleaved rounds (the machine is shared; the best run of each is the
least disturbed):
- bare loop: `extract(text)` over every text, nothing else: the extractor's own time;
- 1 worker: `run_spec("baseline", docs)` (in-process `run_extractor`: per-document time limit
  frame, output validation into `Prediction`s, error capture), model loading excluded; its
  overhead is (wall time - time measured inside the extractor) / time inside the extractor,
  and, as a cross-check, (wall time - bare loop) / bare loop;
- 2 workers: `run_spec` with a 2-process pool, wall time including the pool's start-up and each
  worker loading the extractor, results checked identical to 1 worker (they differ only if the
  extractor's code changes on disk while the benchmark runs: workers import it afresh).

Run: .venv/bin/python benchmarks/bench_throughput.py [--documents 400] [--repeats 3]
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import time

from newsspans.corpus.store import Corpus
from newsspans.evaluation.extractors.runner import load_extractor
from newsspans.evaluation.extractors.workers import RunSettings, run_spec

TARGET_OVERHEAD = 0.05


def workload(n: int) -> list:
    docs, _ = Corpus().load()
    return [dataclasses.replace(docs[k % len(docs)], id=f"{docs[k % len(docs)].id}#{k}") for k in range(n)]


def best_interleaved(repeats: int, runs: dict) -> dict:
    """{name: (shortest wall seconds, result of that run)} over `repeats` rounds; each round runs
    every function once, so a burst of load from other processes hits all of them alike."""
    times: dict = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            began = time.perf_counter()
            result = fn()
            times[name].append((time.perf_counter() - began, result))
    return {name: min(t, key=lambda r: r[0]) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    docs = workload(args.documents)
    chars = sum(len(d.text) for d in docs)
    # The load average says how much other work shared the CPUs (it moves every number below).
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"workload: {len(docs)} documents, {chars:,} characters; {os.cpu_count()} CPUs; load average {load}")

    began = time.perf_counter()
    extract = load_extractor("baseline")
    print(f"loading the baseline: {time.perf_counter() - began:.3f} s")

    timed = best_interleaved(args.repeats, {
        "bare": lambda: [extract(d.text) for d in docs],
        "one": lambda: run_spec("baseline", docs, RunSettings(workers=1)),
        "two": lambda: run_spec("baseline", docs, RunSettings(workers=2)),
        "startup": lambda: run_spec("baseline", docs[:2], RunSettings(workers=2, batch_size=1)),
    })
    (bare, _), (one, run1), (two, run2), (startup, _) = (timed[k] for k in ("bare", "one", "two", "startup"))
    print(f"bare loop:  {bare:7.3f} s  {len(docs) / bare:7.1f} docs/s")
    inside = sum(run1.seconds.values())
    print(f"1 worker:   {one:7.3f} s  {len(docs) / one:7.1f} docs/s  (inside the extractor {inside:.3f} s)")
    overhead = (one - inside) / inside
    print(f"  harness overhead: {one - inside:.3f} s = {100 * overhead:.1f}% of the extractor's time "
          f"(vs the bare loop: {100 * (one - bare) / bare:+.1f}%); target < {100 * TARGET_OVERHEAD:.0f}%: "
          f"{'met' if overhead < TARGET_OVERHEAD else 'NOT met'}")
    same = run2.predictions == run1.predictions and run2.errors == run1.errors
    print(f"2 workers:  {two:7.3f} s  {len(docs) / two:7.1f} docs/s  (speed-up {one / two:.2f}x, "
          f"pool start-up included; predictions identical to 1 worker: {same})")
    print(f"  pool start-up (2 workers, each loading the baseline, on 2 documents): {startup:.3f} s")
    if not same:
        errors = sorted(set(run2.errors.values()))[:3]
        raise SystemExit(f"2 workers gave different predictions than 1 worker; errors: {errors}")


if __name__ == "__main__":
    main()
