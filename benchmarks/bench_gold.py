"""The gold side of `newsspans score` alone: reading, validating and fingerprinting a JSONL gold.

Side by side in one process (CPU seconds, best of --repeat), on the same file:

- floor: `json.loads` of every line, nothing else (what any reader of the file pays);
- bulk: what `score_files` does with the gold: `iter_gold` (lines decoded by msgspec into typed
  objects, each chunk proven valid at once, its spans built without the dataclass __init__),
  spans grouped by document and the gold fingerprint (`Fingerprint.add` per document);
- exact: the same with the proof switched off, so every chunk is read span by span
  (`span_from_dict` per span) and validated rule by rule, as the gold was read before the
  bulk proof (and as it still is when a chunk has a problem, to name it);
- seen pass: the second pass over the gold for the `seen` breakdown (`--with breakdowns` only).

Printed: the seconds and the ratios bulk / floor and exact / bulk.

Run: python benchmarks/bench_gold.py [--gold /tmp/newsspans-bench/n10000/gold.jsonl] [--documents 10000]
(without --gold, or when it does not exist, a corpus of --documents documents is generated:
tests/support/synthetic_corpus.py, about 2,000 characters and 31 spans per document).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from synthetic_corpus import write_corpus  # noqa: E402

from newsspans.corpus import validate as validate_module  # noqa: E402
from newsspans.evaluation import gold as gold_module  # noqa: E402
from newsspans.evaluation.gold import iter_gold, spans_by_document  # noqa: E402
from newsspans.evaluation.pipeline import _seen_of_file  # noqa: E402
from newsspans.evaluation.scoring.partial import Fingerprint  # noqa: E402


def floor(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for raw in fh if json.loads(raw))


def gold_side(path: Path) -> str:
    """iter_gold, grouping and fingerprint, as `score_files` runs them."""
    fp = Fingerprint()
    for part in iter_gold(path):
        by_doc = spans_by_document(part.spans)
        for d in part.documents:
            fp.add(d.id, d.text, by_doc.get(d.id, ()))
    return fp.hexdigest()


@contextmanager
def exact_path():
    """No bulk proof: every chunk goes through the span-by-span reader and validator."""
    saved = gold_module._proven_typed, gold_module._proven_spans, gold_module.validate
    gold_module._proven_typed = gold_module._proven_spans = lambda records: None
    gold_module.validate = lambda docs, located, require_canonical=False: validate_module._problems(
        {d.id: d.text for d in docs}, located, require_canonical)
    try:
        yield
    finally:
        gold_module._proven_typed, gold_module._proven_spans, gold_module.validate = saved


def best(repeat: int, fn, *args):
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn(*args)
        times.append(time.process_time() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("/tmp/newsspans-bench/n10000/gold.jsonl"))
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.gold
        if not path.exists():
            path = Path(tmp) / "gold.jsonl"
            write_corpus(Path(tmp), args.documents)
        lines = floor(path)
        t_floor, _ = best(args.repeat, floor, path)
        t_bulk, digest = best(args.repeat, gold_side, path)
        with exact_path():
            t_exact, digest_exact = best(args.repeat, gold_side, path)
        assert digest == digest_exact, "the bulk and exact readers must give the same gold"
        t_seen, _ = best(args.repeat, _seen_of_file, path, None, 2000)
    spans = sum(len(p.spans) for p in iter_gold(path))
    print(f"gold: {path} ({lines} documents, {spans} spans), CPU seconds, best of {args.repeat}")
    print(f"  floor (json.loads only)          {t_floor:6.2f} s")
    print(f"  bulk  (iter_gold + fingerprint)  {t_bulk:6.2f} s   {t_bulk / t_floor:4.1f}x the floor")
    print(f"  exact (span by span)             {t_exact:6.2f} s   {t_exact / t_bulk:4.1f}x bulk")
    print(f"  seen pass (--with breakdowns)    {t_seen:6.2f} s")


if __name__ == "__main__":
    main()
