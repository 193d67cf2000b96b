"""Scoring speed: newsspans vs seqeval (strict) vs nervaluate vs a bare set intersection.

One synthetic workload for every tool: 20,000 sentences x 25 tokens with IOB2 tags over the five
labels; about 85% of gold entities are predicted exactly, the rest dropped, mistyped, shifted or
split. seqeval gets the sentences; nervaluate gets the same tags grouped into 1,000 documents
(and, for the long-document row, 100); newsspans and the set intersection get the same entities
as (document, start, end, label) integer arrays with token offsets.

Timed: newsspans' full report (one-to-one matching, all four schemes, per label, micro, macro
and weighted) with and without 1,000 bootstrap resamples; seqeval's strict classification
report; nervaluate's evaluate(); the bare exact-match count `len(set(gold) & set(pred))`
(building the sets from the arrays included). Fast tools: best of 5 runs; slow ones: one run.

Run: /work/venv/bin/python benchmarks/bench_scoring.py [--sentences 20000] [--seed 0]
"""
from __future__ import annotations

import argparse
import random
import time
import warnings
from collections.abc import Callable

import numpy as np

from newsspans.evaluation.bootstrap import bootstrap_intervals
from newsspans.evaluation.counts import count_outcomes
from newsspans.evaluation.iob import spans_to_iob2
from newsspans.evaluation.matching import SpanArrays, match
from newsspans.evaluation.metrics import averages

LABELS = ("PER", "LOC", "ORG", "NUM", "QUOTE")
TOKENS = 25


def make_sentence(rng: random.Random) -> tuple[list, list]:
    """Gold and predicted token spans of one sentence."""
    gold, i = [], 0
    while i < TOKENS:
        if rng.random() < 0.12:
            n = min(rng.choice((1, 1, 2, 2, 3, 4)), TOKENS - i)
            gold.append((i, i + n, rng.choice(LABELS)))
            i += n + 1  # leave a gap so a shifted prediction cannot run into the next entity
        else:
            i += 1
    pred = []
    for a, b, lab in gold:
        r = rng.random()
        if r < 0.85:
            pred.append((a, b, lab))
        elif r < 0.89:
            continue  # dropped
        elif r < 0.93:
            pred.append((a, b, rng.choice([x for x in LABELS if x != lab])))  # mistyped
        elif r < 0.97:
            pred.append((a, b + 1, lab) if b < TOKENS else (a + 1, b, lab) if b - a > 1 else (a, b, lab))  # shifted
        elif b - a >= 2:
            pred += [(a, a + 1, lab), (a + 1, b, lab)]  # split
        else:
            pred.append((a, b, lab))
    return gold, pred


def workload(n_sentences: int, seed: int):
    rng = random.Random(seed)
    return [make_sentence(rng) for _ in range(n_sentences)]


def to_arrays(sentences, side: int, per_doc: int) -> SpanArrays:
    """Entities as arrays, `per_doc` sentences per document, token offsets within the document."""
    label_index = {lab: i for i, lab in enumerate(LABELS)}
    rows = [(k // per_doc, (k % per_doc) * TOKENS + a, (k % per_doc) * TOKENS + b, label_index[lab])
            for k, sent in enumerate(sentences) for a, b, lab in sent[side]]
    return SpanArrays.build(*zip(*rows))


def full_report(gold: SpanArrays, pred: SpanArrays, n_docs: int, resamples: int = 0) -> dict:
    counts = count_outcomes(gold, pred, match(gold, pred), n_docs, len(LABELS))
    scores = averages(counts.sum(axis=0))
    if resamples:
        scores["intervals"] = bootstrap_intervals(
            counts, lambda c: {k: v for k, v in averages(c).items() if k.endswith("_f1")}, resamples, 0)
    return scores


def set_intersection(gold: SpanArrays, pred: SpanArrays) -> int:
    g = set(zip(gold.doc.tolist(), gold.start.tolist(), gold.end.tolist(), gold.label.tolist()))
    p = set(zip(pred.doc.tolist(), pred.start.tolist(), pred.end.tolist(), pred.label.tolist()))
    return len(g & p)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from nervaluate import Evaluator
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    sentences = workload(args.sentences, args.seed)
    true_tags = [spans_to_iob2(g, TOKENS) for g, _ in sentences]
    pred_tags = [spans_to_iob2(p, TOKENS) for _, p in sentences]
    short_docs, long_docs = args.sentences // 20, args.sentences // 200  # 1,000 and 100 documents
    arrays = {n: (to_arrays(sentences, 0, args.sentences // n), to_arrays(sentences, 1, args.sentences // n))
              for n in (short_docs, long_docs)}
    gold, pred = arrays[short_docs]
    print(f"workload: {args.sentences} sentences x {TOKENS} tokens, {len(gold)} gold / {len(pred)} predicted "
          f"entities, {set_intersection(gold, pred) / len(gold):.1%} predicted exactly")

    def grouped(tags, n_docs):
        per = len(tags) // n_docs
        return [sum(tags[i * per:(i + 1) * per], []) for i in range(n_docs)]

    rows = {}
    rows["newsspans full report"], report = timed(lambda: full_report(gold, pred, short_docs), 5)
    rows["newsspans + 1000 bootstrap"], _ = timed(lambda: full_report(gold, pred, short_docs, 1000), 3)
    shuffled = pred.take(np.random.default_rng(args.seed).permutation(len(pred)))
    rows["newsspans, predictions shuffled"], _ = timed(lambda: full_report(gold, shuffled, short_docs), 5)
    lg, lp = arrays[long_docs]
    rows["newsspans, 100 long documents"], _ = timed(lambda: full_report(lg, lp, long_docs), 5)
    rows["set intersection"], _ = timed(lambda: set_intersection(gold, pred), 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows["seqeval strict"], theirs = timed(lambda: classification_report(
            true_tags, pred_tags, mode="strict", scheme=IOB2, output_dict=True, zero_division=0), 1)
        rows["nervaluate, 1000 documents"], _ = timed(lambda: Evaluator(
            grouped(true_tags, short_docs), grouped(pred_tags, short_docs), tags=list(LABELS),
            loader="list").evaluate(), 1)
        rows["nervaluate, 100 long documents"], _ = timed(lambda: Evaluator(
            grouped(true_tags, long_docs), grouped(pred_tags, long_docs), tags=list(LABELS),
            loader="list").evaluate(), 1)
    assert abs(float(report["micro_f1"][0]) - theirs["micro avg"]["f1-score"]) < 1e-9, "strict F1 differs from seqeval"

    ours = rows["newsspans full report"]
    print(f"{'tool':34} {'seconds':>9} {'x newsspans':>12}")
    for name, seconds in rows.items():
        print(f"{name:34} {seconds:9.4f} {seconds / ours:12.2f}")
    print(f"strict micro F1 (newsspans = seqeval): {float(report['micro_f1'][0]):.4f}")
    print(f"seqeval strict / newsspans:        {rows['seqeval strict'] / ours:8.1f}x  (target >= 20)")
    print(f"nervaluate / newsspans:            {rows['nervaluate, 1000 documents'] / ours:8.1f}x  (target >= 20)")
    print(f"newsspans / set intersection:      {ours / rows['set intersection']:8.2f}x  (target <= 2)")
    print(f"newsspans 100 long / 1000 short:   {rows['newsspans, 100 long documents'] / ours:8.2f}x  (target <= 1.2)")


if __name__ == "__main__":
    main()
