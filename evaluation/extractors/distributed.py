"""`newsspans run`: an extractor over a corpus of any size, in shards that resume and merge.

Documents stream from the input (a corpus folder, a Hugging Face dataset folder, JSONL or
Parquet of `{id, text}`) through an engine, in input order, and every `shard_size` documents
the runner writes, atomically, `predictions-NNNNN.jsonl` (the predictions format),
`errors-NNNNN.json` (documents the extractor failed on) and, with a gold, `partial-NNNNN.npz`
(`newsspans merge` combines those). A rerun skips the documents of shards already written.

Engines, one code path (`run_to_dir`) for both:
- `local`: this machine, through `workers.run_spec` (the process pool of `--workers`);
- `ray`: Ray Data (`pip install 'newsspans[ray]'`). The extractor runs in an actor pool
  (`map_batches` with a class: loaded once per actor; `num_gpus` per actor for models), and
  errors are captured per document inside the batch function: an exception escaping a batch
  would make Ray lose or retry the whole block. Pitfalls handled: the input is read with
  Ray's own JSONL/Parquet readers (`from_huggingface` needs aiohttp, which datasets 5 no longer
  installs); a small input is one block, so it is repartitioned into blocks of `batch_size`;
  actors ask for a fraction of a CPU (`num_cpus=0.5`), since actors claiming whole CPUs leave
  none for the readers on a small machine and the job hangs.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsspans.corpus.atomic import write_text_atomic
from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import Document

from .runner import DEFAULT_BATCH_SIZE, ExtractorRun, load_extractor, run_extractor
from .workers import RunSettings, run_spec
from ..predictions import dumps_predictions, predictions_from_dicts

ACTOR_CPUS = 0.5


@dataclass(frozen=True)
class RunPlan:
    """What `newsspans run` does: extractor, input, output folder, engine and its resources."""

    extractor: str
    input: Path
    out: Path
    engine: str = "local"
    workers: int = 1
    batch_size: int = DEFAULT_BATCH_SIZE
    num_gpus: float = 0.0
    shard_size: int = 1000


# --- Reading the input -----------------------------------------------------------------------------

def input_kind(path: Path) -> str:
    """corpus | hf | jsonl | parquet, from what the path holds."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(Problem("input not found", file=str(path)))
    if path.is_dir():
        if (path / "sources").is_dir():
            return "corpus"
        if _parquet_files(path) or (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
            return "hf"
        raise CorpusError(Problem("not a corpus folder (no sources/) nor a Hugging Face dataset folder",
                                  file=str(path)))
    if path.suffix in (".jsonl", ".json"):
        return "jsonl"
    if path.suffix == ".parquet":
        return "parquet"
    raise CorpusError(Problem("input must be a corpus folder, a Hugging Face dataset folder, .jsonl or .parquet",
                              file=str(path)))


def _parquet_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.parquet"))


def _row(record: object, where: str, number: int | None = None) -> tuple[str, str]:
    if not isinstance(record, dict) or not isinstance(record.get("id"), str) or not isinstance(record.get("text"), str):
        raise CorpusError(Problem('expected {"id": str, "text": str}', file=where, line=number))
    return record["id"], record["text"]


def iter_documents(path: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of every input document, in order, read as a stream."""
    kind, path = input_kind(path), Path(path)
    if kind == "corpus":
        from newsspans.corpus.sources import read_documents

        for d in read_documents(path / "sources"):
            yield d.id, d.text
    elif kind == "jsonl":
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                if line.strip():
                    try:
                        yield _row(json.loads(line), str(path), number)
                    except json.JSONDecodeError as exc:
                        raise CorpusError(Problem(f"malformed JSON: {exc.msg}", file=str(path), line=number)) from None
    else:
        import pyarrow.parquet as pq

        files = [path] if kind == "parquet" else _parquet_files(path)
        if not files:  # a dataset saved with save_to_disk: Arrow files
            from datasets import load_from_disk

            for r in load_from_disk(str(path)).select_columns(["id", "text"]):
                yield _row(r, str(path))
            return
        for f in files:
            for batch in pq.ParquetFile(f).iter_batches(columns=["id", "text"]):
                for r in batch.to_pylist():
                    yield _row(r, str(f))


# --- Engines: documents in, (document, spans | None, error | None) out, in input order ----------------

Result = tuple[str, list[dict], str | None]  # doc id, spans as dicts, error message


def _results(run: ExtractorRun, ids: Iterable[str]) -> list[Result]:
    return [(i, [p.to_dict() for p in run.predictions.get(i, [])], run.errors.get(i)) for i in ids]


def local_engine(plan: RunPlan, documents: Iterator[tuple[str, str]]) -> Iterator[Result]:
    """This machine: chunks of a shard through `run_spec` (one process or the --workers pool)."""
    settings = RunSettings(workers=plan.workers, batch_size=plan.batch_size)
    extractor = load_extractor(plan.extractor) if plan.workers <= 1 else None
    for part in _groups(documents, plan.shard_size):
        docs = [Document(id=i, title="", text=t) for i, t in part]
        run = run_extractor(extractor, docs, batch_size=plan.batch_size) if extractor is not None \
            else run_spec(plan.extractor, docs, settings)
        yield from _results(run, (d.id for d in docs))


class ExtractorActor:
    """A Ray Data actor: loads the extractor once, runs batches, never raises for one document."""

    def __init__(self, spec: str, batch_size: int):
        self.extractor = load_extractor(spec)
        self.batch_size = batch_size

    def __call__(self, batch: dict) -> dict:
        ids, texts = list(batch["id"]), list(batch["text"])
        docs = [Document(id=str(i), title="", text=str(t)) for i, t in zip(ids, texts)]
        run = run_extractor(self.extractor, docs, batch_size=self.batch_size)
        results = _results(run, (d.id for d in docs))
        return {"id": [r[0] for r in results], "spans": [json.dumps(r[1], ensure_ascii=False) for r in results],
                "error": [r[2] or "" for r in results]}


def ray_dataset(path: Path, skip: set[str]):
    """The input as a Ray dataset of {id, text}, read by Ray's own readers where it has one."""
    import ray.data

    kind, path = input_kind(path), Path(path)
    if kind == "jsonl":
        ds = ray.data.read_json(str(path), lines=True)
    elif kind == "parquet" or (kind == "hf" and _parquet_files(path)):
        ds = ray.data.read_parquet([str(p) for p in ([path] if kind == "parquet" else _parquet_files(path))])
    else:  # a corpus folder or a save_to_disk dataset: read here, handed to Ray in blocks
        ds = ray.data.from_items([{"id": i, "text": t} for i, t in iter_documents(path) if i not in skip])
        return ds.select_columns(["id", "text"])
    ds = ds.select_columns(["id", "text"])
    if skip:
        ds = ds.filter(lambda r: r["id"] not in skip)
    return ds


def ray_engine(plan: RunPlan, skip: set[str]) -> Iterator[Result]:
    """Ray Data: an actor pool of `workers` extractors over blocks of `batch_size` documents, in order."""
    import ray

    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False)
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # shards are written in input order, so they resume
    ds = ray_dataset(plan.input, skip)
    ds = ds.repartition(max(1, -(-ds.count() // plan.batch_size)))  # a small input is one block otherwise
    out = ds.map_batches(ExtractorActor, fn_constructor_kwargs={"spec": plan.extractor, "batch_size": plan.batch_size},
                         batch_size=plan.batch_size, concurrency=plan.workers, num_gpus=plan.num_gpus or None,
                         num_cpus=ACTOR_CPUS, batch_format="numpy")
    for batch in out.iter_batches(batch_size=None, batch_format="numpy"):
        for i, spans, error in zip(batch["id"], batch["spans"], batch["error"]):
            yield str(i), json.loads(str(spans)), str(error) or None


# --- The one loop: shards written in order, resumable ------------------------------------------------

def _groups(items: Iterable, size: int) -> Iterator[list]:
    group: list = []
    for item in items:
        group.append(item)
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group


def done_shards(out: Path) -> tuple[int, set[str]]:
    """The shards already written (a prefix 0..k-1: they are written in order) and their documents."""
    k, ids = 0, set()
    while (out / f"predictions-{k:05d}.jsonl").exists() and (out / f"errors-{k:05d}.json").exists():
        with open(out / f"predictions-{k:05d}.jsonl", encoding="utf-8") as fh:
            ids.update(json.loads(line)["id"] for line in fh if line.strip())
        ids.update(json.loads((out / f"errors-{k:05d}.json").read_text(encoding="utf-8")))
        k += 1
    return k, ids


def run_to_dir(plan: RunPlan, score: Callable[[ExtractorRun, int], None] | None = None) -> dict:
    """Run `plan`, writing shards from the first one not yet written; `score(run, k)` writes shard k's
    partial. Returns {"shards", "skipped_shards", "documents", "errors"} of this run."""
    if plan.engine not in ("local", "ray"):
        raise CorpusError(Problem(f"--engine {plan.engine!r}: expected local or ray"))
    if plan.out.exists() and not plan.out.is_dir():
        raise CorpusError(Problem("--out must be a folder", file=str(plan.out)))
    plan.out.mkdir(parents=True, exist_ok=True)
    first, skip = done_shards(plan.out)
    if plan.engine == "ray":
        results = ray_engine(plan, skip)
    else:
        results = local_engine(plan, ((i, t) for i, t in iter_documents(plan.input) if i not in skip))
    k, documents, failed = first, 0, 0
    for group in _groups(results, plan.shard_size):
        run = ExtractorRun()
        for doc_id, spans, error in group:
            if error is not None:
                run.errors[doc_id] = error
            else:
                run.predictions[doc_id] = predictions_from_dicts(doc_id, spans)
        # Predictions first, errors last: a shard counts as written only once both files exist.
        write_text_atomic(plan.out / f"predictions-{k:05d}.jsonl", dumps_predictions(run.predictions))
        if score is not None:
            score(run, k)
        write_text_atomic(plan.out / f"errors-{k:05d}.json", json.dumps(run.errors, ensure_ascii=False, indent=1))
        k, documents, failed = k + 1, documents + len(group), failed + len(run.errors)
    return {"shards": k - first, "skipped_shards": first, "documents": documents, "errors": failed}
