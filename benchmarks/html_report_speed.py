"""How long `render_html` takes, and how big the page gets, as the corpus grows.

The bundled corpus is repeated COPIES times (documents renamed), the baseline's predictions
are scored on it (no bootstrap), and the JSON report is drawn as HTML.

Run:  python benchmarks/html_report_speed.py [COPIES ...]      (default: 1 10 100)
"""
from __future__ import annotations

import sys
import time
from dataclasses import replace

from newsspans.corpus.store import Corpus
from newsspans.evaluation.baseline.extract import extract
from newsspans.evaluation.extractors.runner import run_extractor
from newsspans.evaluation.html.page import render_html
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score


def main(copies: list[int]) -> None:
    documents, spans = Corpus().load()
    predictions = run_extractor(extract, documents).predictions
    print("copies documents spans(gold+pred) render_s page_MB")
    for n in copies:
        docs = [replace(d, id=f"{d.id}-{k}") for k in range(n) for d in documents]
        gold = [replace(s, doc_id=f"{s.doc_id}-{k}") for k in range(n) for s in spans]
        preds = {f"{doc_id}-{k}": [replace(p, doc_id=f"{doc_id}-{k}") for p in ps]
                 for k in range(n) for doc_id, ps in predictions.items()}
        report = score(docs, gold, preds, ScoreOptions(n_resamples=0)).to_dict()
        n_spans = sum(len(layer[side]) for layer in report["layers"].values() for side in ("gold", "predicted"))
        texts = {d.id: d.text for d in docs}
        started = time.perf_counter()
        page = render_html(report, texts)
        elapsed = time.perf_counter() - started
        print(f"{n} {len(docs)} {n_spans} {elapsed:.2f} {len(page.encode()) / 1e6:.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 10, 100])
