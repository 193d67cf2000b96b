"""Reading one very long predictions line: newsspans vs the JSON parser alone and its general path.

One synthetic predictions file: a single line for one document with --spans spans (default
1,200,000: about 48 MB, a model's token-level output dumped as spans) of `start`, `end` and
`label`. Each reader runs in a fresh Python process, so its wall time and peak memory (max RSS,
the interpreter's ~20 MB included) are its own:

- `json.loads`: parse the line into dicts and nothing else, the floor for any reader;
- `tuples`: json.loads, then one (start, end, label) tuple per span, no checks: a lean peer;
- `general path`: json.loads, then `predictions_from_dicts`, the checked conversion extractor
  outputs go through (and which read every predictions line before `parsed_line_predictions`);
- `read_predictions`: what `newsspans score --predictions` runs.

Ratios are against `json.loads`, measured side by side on the same machine.

Run: python benchmarks/bench_predictions.py [--spans 1200000] [--seed 0]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

READERS = {
    "json.loads": "import json\ndata = json.loads(open(PATH, encoding='utf-8').read())\nn = len(data['spans'])",
    "tuples": "import json\nline = json.loads(open(PATH, encoding='utf-8').read())\n"
              "spans = [(d['start'], d['end'], d['label']) for d in line['spans']]\nn = len(spans)",
    "general path": "import json\nfrom newsspans.evaluation.predictions import predictions_from_dicts\n"
                    "line = json.loads(open(PATH, encoding='utf-8').read())\n"
                    "n = len(predictions_from_dicts(line['id'], line['spans'], PATH, 1))",
    "read_predictions": "from newsspans.evaluation.predictions import read_predictions\n"
                        "n = sum(map(len, read_predictions(PATH).values()))",
}
HARNESS = """
import resource, sys, time
PATH = sys.argv[1]
began = time.perf_counter()
{code}
seconds = time.perf_counter() - began
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, n)
"""


def write_line(path: Path, n: int, seed: int) -> int:
    rng = random.Random(seed)
    spans = []
    for _ in range(n):
        start = rng.randrange(0, 5000)
        label = rng.choice(("PER", "LOC", "ORG", "NUM"))
        spans.append({"start": start, "end": start + rng.randrange(1, 20), "label": label})
    line = json.dumps({"id": "doc", "spans": spans}) + "\n"
    path.write_text(line, encoding="utf-8")
    return len(line.encode())


def measure(code: str, path: Path) -> tuple[float, int, int]:
    out = subprocess.run([sys.executable, "-c", HARNESS.format(code=code), str(path)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=1_200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long_line.jsonl"
        size = write_line(path, args.spans, args.seed)
        print(f"one line, {args.spans:,} spans, {size / 1e6:.1f} MB")
        results = {name: measure(code, path) for name, code in READERS.items()}
    floor_s, floor_mem, _ = results["json.loads"]
    print(f"{'reader':<18} {'seconds':>8} {'x json':>7} {'peak MB':>8} {'x json':>7}")
    for name, (seconds, peak, n) in results.items():
        assert n == args.spans, f"{name} read {n} spans"
        print(f"{name:<18} {seconds:8.2f} {seconds / floor_s:7.2f} {peak / 1e6:8.0f} {peak / floor_mem:7.2f}")


if __name__ == "__main__":
    main()
