"""Scoring speed: newsspans vs seqeval (strict) vs nervaluate vs a bare set intersection.

One synthetic workload for every tool: 20,000 sentences x 25 tokens with IOB2 tags over the five
labels; about 85% of gold entities are predicted exactly, the rest dropped, mistyped, shifted or
split. seqeval gets the sentences; nervaluate gets the same tags grouped into 1,000 documents
(and, for the long-document row, 100); newsspans and the set intersection get the same entities
as a list of (document, start, end, label name) tuples with token offsets. Building each tool's
input is outside the timing; anything a tool does with its input (newsspans: label lookup and
conversion to arrays) is inside it.

Timed: `score()`, the public scoring API (input checks, gold validation, both layers,
speakers, the report's tables; no bootstrap, no per-span detail) on the same spans as
Documents, Spans and Predictions, and again with `gold_checked=True` (gold validated once
before, as a sweep or a leaderboard scores it again); newsspans' full report (one-to-one matching, all four schemes, per label, micro, macro
and weighted: the core functions `scorer.score` calls, without its input checks, speaker scoring
and JSON building) with and without 1,000 bootstrap resamples; seqeval's strict classification
report; nervaluate's evaluate(); the bare exact-match count `len(set(gold) & set(pred))`
(building the sets from the tuples included). Fast tools: best of 5 runs; slow ones: one run.

Run: .venv/bin/python benchmarks/bench_scoring.py [--sentences 20000] [--seed 0]
"""
from __future__ import annotations

import argparse
import os
import random
import time
import warnings
from collections.abc import Callable

import numpy as np

from newsspans.evaluation.scoring.bootstrap import bootstrap_intervals
from newsspans.evaluation.scoring.counts import count_outcomes
from newsspans.evaluation.scoring.iob import spans_to_iob2
from newsspans.evaluation.scoring.matching import SpanArrays, match
from newsspans.evaluation.scoring.metrics import averages

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


def to_rows(sentences, side: int, per_doc: int) -> list[tuple[int, int, int, str]]:
    """Entities as (document, start, end, label) tuples, `per_doc` sentences per document."""
    return [(k // per_doc, (k % per_doc) * TOKENS + a, (k % per_doc) * TOKENS + b, lab)
            for k, sent in enumerate(sentences) for a, b, lab in sent[side]]


LABEL_INDEX = {lab: i for i, lab in enumerate(LABELS)}


def to_arrays(rows: list[tuple[int, int, int, str]]) -> SpanArrays:
    """What the scorer does with its input (see `scorer._arrays`): one list per column, labels to indices."""
    return SpanArrays.build([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                            [LABEL_INDEX[r[3]] for r in rows])


def full_report(gold_rows, pred_rows, n_docs: int, resamples: int = 0) -> dict:
    """The full report from span tuples, conversion to arrays included (timed like the others)."""
    return report_from_arrays(to_arrays(gold_rows), to_arrays(pred_rows), n_docs, resamples)


def report_from_arrays(gold: SpanArrays, pred: SpanArrays, n_docs: int, resamples: int = 0) -> dict:
    counts = count_outcomes(gold, pred, match(gold, pred), n_docs, len(LABELS))
    scores = averages(counts.sum(axis=0))
    if resamples:
        scores["intervals"] = bootstrap_intervals(
            counts, lambda c: {k: v for k, v in averages(c).items() if k.endswith("_f1")},
            [str(d) for d in range(n_docs)], resamples, 0)
    return scores


def api_inputs(gold_rows, pred_rows, n_docs: int):
    """The same spans as the public API takes them: Documents, gold Spans and Predictions (one
    character per token, so offsets are the tuples' offsets and every span's text checks)."""
    from newsspans.corpus.model import Document, Span
    from newsspans.evaluation.predictions import Prediction

    length = max(r[2] for r in gold_rows + pred_rows) + 1
    docs = [Document(id=f"d{i}", title="", text="a" * length) for i in range(n_docs)]
    gold = [Span(f"d{d}", f"T{k}", a, b, lab, "a" * (b - a), num_kind="cardinal" if lab == "NUM" else None)
            for k, (d, a, b, lab) in enumerate(gold_rows)]
    preds: dict[str, list] = {doc.id: [] for doc in docs}
    for d, a, b, lab in pred_rows:
        preds[f"d{d}"].append(Prediction(f"d{d}", a, b, lab))
    return docs, gold, preds


def api_report(docs, gold, preds, gold_checked: bool = False) -> dict:
    """`score()`, the public scoring API: input checks, both layers, speakers, the report's tables;
    with `gold_checked`, as a caller who validated the gold once scores it again (a sweep, a leaderboard)."""
    from newsspans.evaluation import ScoreOptions, score

    return score(docs, gold, preds, ScoreOptions(n_resamples=0), detail=False,
                 gold_checked=gold_checked).to_dict(spans=False, documents=False)


def set_intersection(gold_rows, pred_rows) -> int:
    return len(set(gold_rows) & set(pred_rows))


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
    # Every tool starts from its native input built outside the timing: tag sequences for seqeval
    # and nervaluate, (document, start, end, label) tuples for newsspans and the set intersection.
    rows = {n: (to_rows(sentences, 0, args.sentences // n), to_rows(sentences, 1, args.sentences // n))
            for n in (short_docs, long_docs)}
    gold, pred = rows[short_docs]
    print("load average: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()) + "; fast tools best of 5 runs, "
          "slow ones one run")
    print(f"workload: {args.sentences} sentences x {TOKENS} tokens, {len(gold)} gold / {len(pred)} predicted "
          f"entities, {set_intersection(gold, pred) / len(gold):.1%} predicted exactly")

    def grouped(tags, n_docs):
        per = len(tags) // n_docs
        return [sum(tags[i * per:(i + 1) * per], []) for i in range(n_docs)]

    times = {}
    times["newsspans full report"], report = timed(lambda: full_report(gold, pred, short_docs), 5)
    times["newsspans + 1000 bootstrap"], _ = timed(lambda: full_report(gold, pred, short_docs, 1000), 3)
    shuffled = [pred[i] for i in np.random.default_rng(args.seed).permutation(len(pred))]
    times["newsspans, predictions shuffled"], _ = timed(lambda: full_report(gold, shuffled, short_docs), 5)
    lg, lp = rows[long_docs]
    times["newsspans, 100 long documents"], _ = timed(lambda: full_report(lg, lp, long_docs), 5)
    gold_arrays, pred_arrays = to_arrays(gold), to_arrays(pred)
    times["newsspans, input already arrays"], _ = timed(lambda: report_from_arrays(gold_arrays, pred_arrays,
                                                                                  short_docs), 5)
    times["set intersection"], _ = timed(lambda: set_intersection(gold, pred), 5)
    api = api_inputs(gold, pred, short_docs)
    times["newsspans score() public API"], _ = timed(lambda: api_report(*api), 3)
    times["score(), gold already checked"], _ = timed(lambda: api_report(*api, gold_checked=True), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times["seqeval strict"], theirs = timed(lambda: classification_report(
            true_tags, pred_tags, mode="strict", scheme=IOB2, output_dict=True, zero_division=0), 1)
        times["nervaluate, 1000 documents"], _ = timed(lambda: Evaluator(
            grouped(true_tags, short_docs), grouped(pred_tags, short_docs), tags=list(LABELS),
            loader="list").evaluate(), 1)
        times["nervaluate, 100 long documents"], _ = timed(lambda: Evaluator(
            grouped(true_tags, long_docs), grouped(pred_tags, long_docs), tags=list(LABELS),
            loader="list").evaluate(), 1)
    assert abs(float(report["micro_f1"][0]) - theirs["micro avg"]["f1-score"]) < 1e-9, "strict F1 differs from seqeval"

    ours = times["newsspans full report"]
    print(f"{'tool':34} {'seconds':>9} {'x newsspans':>12}")
    for name, seconds in times.items():
        print(f"{name:34} {seconds:9.4f} {seconds / ours:12.2f}")
    print(f"strict micro F1 (newsspans = seqeval): {float(report['micro_f1'][0]):.4f}")
    print(f"seqeval strict / newsspans:        {times['seqeval strict'] / ours:8.1f}x  (target >= 20)")
    print(f"nervaluate / newsspans:            {times['nervaluate, 1000 documents'] / ours:8.1f}x  (target >= 20)")
    api_t = times["newsspans score() public API"]
    print(f"seqeval strict / score() API:      {times['seqeval strict'] / api_t:8.1f}x  (target >= 20)")
    print(f"nervaluate / score() API:          {times['nervaluate, 1000 documents'] / api_t:8.1f}x  (target >= 20)")
    checked = times["score(), gold already checked"]
    print(f"  the same, gold already checked:  {times['seqeval strict'] / checked:8.1f}x seqeval, "
          f"{times['nervaluate, 1000 documents'] / checked:.1f}x nervaluate")
    print(f"newsspans / set intersection:      {ours / times['set intersection']:8.2f}x  (target <= 2)")
    print(f"  same, input already arrays:      "
          f"{times['newsspans, input already arrays'] / times['set intersection']:8.2f}x")
    print(f"newsspans 100 long / 1000 short:   {times['newsspans, 100 long documents'] / ours:8.2f}x  (target <= 1.2)")


if __name__ == "__main__":
    main()
