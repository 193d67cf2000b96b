"""How big the HTML report gets and how fast it is in headless Chromium, at 2,000 and 10,000 documents.

A corpus is generated (seeded): news-like documents of about 1,300 characters with 30 gold
spans each (25 entities, 5 quotes of which some carry a speaker), and predictions that get
about 85% right (the rest missed, shifted, relabelled or spurious). It is scored (no bootstrap),
drawn with `render_html`, and opened in Debian's Chromium at 1280x800. Measured:

    page_MB      size of the file
    summary_ms   navigation start to the summary painted (first contentful paint)
    ready_ms     navigation start to the script done (document list and filters usable; the
                 script's performance mark "newsspans:ready")
    filter_ms    median of switching the "Show" filter (all -> only errors -> only missed -> all)
    jump_ms      median of "next error" (draw the document if need be, scroll, focus)

and each figure against the target of issue 15 (30 MB, 1 s, 200 ms) as a ratio.

Run:  python benchmarks/html_report_speed.py [DOCUMENTS ...]      (default: 2000 10000)
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))

from browser import LAUNCH_ARGS, find_chromium  # noqa: E402 - the test setup's browser helper

from newsspans.corpus.model import Document, Span  # noqa: E402
from newsspans.evaluation.html.page import render_html  # noqa: E402
from newsspans.evaluation.predictions import Prediction  # noqa: E402
from newsspans.evaluation.scoring.report import ScoreOptions  # noqa: E402
from newsspans.evaluation.scoring.scorer import score  # noqa: E402

TARGET_MB, TARGET_SUMMARY_MS, TARGET_STEP_MS = 30, 1000, 200
WORDS = ("the minister said talks would continue next week while officials in the capital "
         "denied reports of a deal and markets rose on the news of an agreement").split()
NAMES = ("Angela Merkel", "Olaf Scholz", "Paris", "Berlin", "Siemens", "the Bundestag", "Lagarde", "Madrid")
LABELS = ("PER", "PER", "LOC", "LOC", "ORG", "ORG", "PER", "LOC")


def corpus(n_docs: int, seed: int = 0):
    rng = random.Random(seed)
    docs, gold, preds = [], [], {}
    for d in range(n_docs):
        doc_id = f"doc-{d:05d}"
        parts, spans, length = [], [], 0

        def add(piece: str) -> tuple[int, int]:
            nonlocal length
            start = length
            parts.append(piece)
            length += len(piece)
            return start, length

        add(f"Report {d} on the talks\n\n")
        person = None
        for k in range(25):
            add(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))) + " ")
            j = rng.randrange(len(NAMES))
            s, e = add(NAMES[j])
            spans.append(Span(doc_id, f"T{k}", s, e, LABELS[j], NAMES[j]))
            if LABELS[j] == "PER":
                person = f"T{k}"
            add(". " if k % 5 == 4 else " ")
            if k % 5 == 4:
                s, e = add('"' + " ".join(rng.choice(WORDS) for _ in range(8)) + '"')
                spans.append(Span(doc_id, f"Q{k}", s, e, "QUOTE", None, speaker=person))
                add(" said the minister. ")
        text = "".join(parts)
        spans = [Span(x.doc_id, x.id, x.start, x.end, x.label, text[x.start:x.end], speaker=x.speaker) for x in spans]
        docs.append(Document(doc_id, f"Report {d}", text))
        gold += spans
        out = []
        for x in spans:
            r = rng.random()
            if r < 0.85:
                out.append(Prediction(doc_id, x.start, x.end, x.label, x.text))
            elif r < 0.9:
                continue  # missed
            elif r < 0.95:
                out.append(Prediction(doc_id, x.start, x.end, "ORG" if x.label != "ORG" else "PER", x.text))
            else:
                out.append(Prediction(doc_id, max(0, x.start - 4), x.end, x.label, text[max(0, x.start - 4):x.end]))
        s = rng.randrange(0, len(text) - 10)
        out.append(Prediction(doc_id, s, s + 3, "LOC", text[s:s + 3]))  # one spurious per document
        preds[doc_id] = out
    return docs, gold, preds


def measure(page_path: Path, chromium: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(page_path.as_uri(), timeout=300_000)
        page.wait_for_selector("body[data-ready]", state="attached", timeout=300_000)
        summary = page.evaluate("() => performance.getEntriesByName('first-contentful-paint')[0].startTime")
        ready = page.evaluate("() => performance.getEntriesByName('newsspans:ready')[0].startTime")
        steps = []
        for value in ("errors", "missed", "all", "errors", "missed", "all"):
            steps.append(page.evaluate("""(v) => { const s = document.getElementById('f-outcome');
                const t0 = performance.now(); s.value = v; s.dispatchEvent(new Event('change'));
                document.body.offsetHeight; return performance.now() - t0; }""", value))
        page.select_option("#f-outcome", "errors")
        jumps = [page.evaluate("""() => { const t0 = performance.now();
                 document.getElementById('f-next').click(); document.body.offsetHeight;
                 return performance.now() - t0; }""") for _ in range(10)]
        browser.close()
    return {"summary_ms": summary, "ready_ms": ready, "filter_ms": statistics.median(steps),
            "jump_ms": statistics.median(jumps)}


def main(sizes: list[int]) -> None:
    chromium, reason = find_chromium()
    if chromium is None:
        sys.exit(reason)
    print("documents spans(gold+pred) render_s page_MB summary_ms ready_ms filter_ms jump_ms"
          "  | ratios to target: size summary filter jump")
    for n in sizes:
        docs, gold, preds = corpus(n)
        report = score(docs, gold, preds, ScoreOptions(n_resamples=0)).to_dict()
        n_spans = sum(len(layer[side]) for layer in report["layers"].values() for side in ("gold", "predicted"))
        started = time.perf_counter()
        page = render_html(report, {d.id: d.text for d in docs})
        elapsed = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "report.html"
            path.write_text(page, encoding="utf-8")
            mb = path.stat().st_size / 1e6
            m = measure(path, chromium)
        print(f"{n} {n_spans} {elapsed:.1f} {mb:.1f} {m['summary_ms']:.0f} {m['ready_ms']:.0f} "
              f"{m['filter_ms']:.0f} {m['jump_ms']:.0f}  | {mb / TARGET_MB:.2f} {m['summary_ms'] / TARGET_SUMMARY_MS:.2f} "
              f"{m['filter_ms'] / TARGET_STEP_MS:.2f} {m['jump_ms'] / TARGET_STEP_MS:.2f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 10000])
