"""Interval quality: the Poisson bootstrap (mergeable, keyed by document id) against the classic
multinomial bootstrap (n documents drawn with replacement), on the same per-document counts.

A generated corpus (tests/support/synthetic_corpus.py, 4,000 documents by default) is scored once;
then every F1 that gets an interval (per label, micro, macro, weighted; every scheme; both layers;
speaker attribution) gets a 95% percentile interval from each method with the same number of
resamples. Printed: the micro F1 intervals side by side, the largest difference between the two
methods' bounds over all intervals (target <= 0.002), and each method's time.

Run: python benchmarks/bench_bootstrap.py [--documents 4000] [--resamples 2000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from synthetic_corpus import write_corpus  # noqa: E402

from newsspans.evaluation import ScoreOptions, score_files  # noqa: E402
from newsspans.evaluation.scoring.bootstrap import (  # noqa: E402
    document_keys, intervals_from_sums, multinomial_weights, weighted_sums)
from newsspans.evaluation.scoring.partial import STATISTICS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=4000)
    parser.add_argument("--resamples", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        gold, preds = write_corpus(Path(tmp), args.documents, seed=7)
        partial = score_files(gold, preds, options=ScoreOptions(n_resamples=0)).partial
    tables = {k: v for k, v in partial.tables.items() if k in STATISTICS}
    start = time.perf_counter()
    poisson = weighted_sums(tables, document_keys(partial.documents, 0), args.resamples)
    t_poisson = time.perf_counter() - start
    start = time.perf_counter()
    w = multinomial_weights(len(partial.documents), args.resamples, 0).astype(np.float64)
    multinomial = {k: (w @ v.reshape(len(v), -1)).reshape((args.resamples,) + v.shape[1:]) for k, v in tables.items()}
    t_multi = time.perf_counter() - start
    worst, where = 0.0, ""
    for name, statistic in ((k, STATISTICS[k]) for k in tables):
        a, b = intervals_from_sums(poisson[name], statistic), intervals_from_sums(multinomial[name], statistic)
        for key in a:
            for bound in (0, 1):
                diff = np.abs(a[key][bound] - b[key][bound])
                if diff.max() > worst:
                    worst, where = float(diff.max()), f"{name} {key}"
        if name in ("entity", "quote"):
            lo_p, hi_p = a["micro_f1"][0][0], a["micro_f1"][1][0]
            lo_m, hi_m = b["micro_f1"][0][0], b["micro_f1"][1][0]
            print(f"{name:>7} strict micro F1 95% interval: poisson {lo_p:.4f}-{hi_p:.4f}   "
                  f"multinomial {lo_m:.4f}-{hi_m:.4f}")
    print(f"largest difference between the methods' bounds over all intervals: {worst:.4f} ({where}); "
          f"target <= 0.002")
    print(f"{args.resamples} resamples of {len(partial.documents)} documents: poisson {t_poisson:.2f} s, "
          f"multinomial {t_multi:.2f} s")


if __name__ == "__main__":
    main()
