"""The Ray runner against the local pool and a bare loop: start-up and per-document overhead.

One generated input of {id, text} documents (default 2,000, about 2,000 characters each) goes
through the baseline extractor three ways, side by side in one run:

- a bare loop calling `extract(text)` in this process;
- `newsspans run --engine local` (in-process: the same code path as the CLI);
- `newsspans run --engine ray` on a local Ray cluster started here (2 CPUs, loopback), the
  extractor in a pool of `--workers` actors.

Printed: wall time of each, the Ray cluster's start-up (ray.init), and the overhead per document
of each runner over the bare loop ((runner - bare) / documents), the ray figure once with and
once without the cluster start-up.

Run: python benchmarks/bench_ray.py [--documents 2000] [--workers 2]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
from synthetic_corpus import records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    import ray

    from newsspans.evaluation.baseline.extract import extract
    from newsspans.evaluation.extractors.distributed import RunPlan, run_to_dir

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        docs = tmp / "docs.jsonl"
        texts = []
        with open(docs, "w", encoding="utf-8") as fh:
            for record, _ in records(args.documents, seed=11):
                fh.write(json.dumps({"id": record["id"], "text": record["text"]}) + "\n")
                texts.append(record["text"])
        start = time.perf_counter()
        for t in texts:
            extract(t)
        bare = time.perf_counter() - start

        start = time.perf_counter()
        run_to_dir(RunPlan("baseline", docs, tmp / "local", "local", 1, 16, 0.0, 500))
        local = time.perf_counter() - start

        start = time.perf_counter()
        ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False)
        startup = time.perf_counter() - start
        start = time.perf_counter()
        run_to_dir(RunPlan("baseline", docs, tmp / "ray", "ray", args.workers, 16, 0.0, 500))
        on_ray = time.perf_counter() - start
        ray.shutdown()
        shards = range(-(-args.documents // 500))
        same = all((tmp / "local" / f"predictions-{k:05d}.jsonl").read_text()
                   == (tmp / "ray" / f"predictions-{k:05d}.jsonl").read_text() for k in shards)
    n = args.documents
    print(f"{n} documents, baseline extractor")
    print(f"bare loop                       {bare:7.2f} s  {n / bare:7.1f} docs/s")
    print(f"run --engine local (1 process)  {local:7.2f} s  {n / local:7.1f} docs/s  overhead "
          f"{1000 * (local - bare) / n:6.2f} ms/doc")
    print(f"ray.init (2 CPUs)               {startup:7.2f} s")
    print(f"run --engine ray ({args.workers} actors)     {on_ray:7.2f} s  {n / on_ray:7.1f} docs/s  overhead "
          f"{1000 * (on_ray - bare) / n:6.2f} ms/doc without start-up, "
          f"{1000 * (on_ray + startup - bare) / n:6.2f} ms/doc with it")
    print(f"predictions identical on both engines: {same}")


if __name__ == "__main__":
    main()
