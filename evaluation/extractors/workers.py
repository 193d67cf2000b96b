"""Run an extractor spec or command over documents: batched, optionally in worker processes, cached.

`run_source` is what `newsspans score` and `newsspans leaderboard` call. With `workers > 1`, a
process pool gets the documents in chunks of `batch_size`; every worker loads the extractor spec
once (specs, not objects, cross process boundaries: an extractor object given from Python runs
in-process with `run_extractor`). Each chunk runs through `run_extractor`, so per-document
errors, timeouts (SIGALRM works in a worker's main thread) and batch retries behave exactly as
with one worker, and the merged result is the same, in document order.

Workers start with `forkserver` (see START_METHOD), which, like `spawn`, re-imports the main
script in each worker: call `run_spec` with workers from a script file (guarded by
`if __name__ == "__main__"`), a notebook or `python -c`, not from a script fed on stdin.
"""
from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import Document

from .cache import PredictionCache, command_key, run_cached, spec_key
from .process import GRACE_SECONDS, exit_cleanly_on_termination
from .runner import (DEFAULT_BATCH_SIZE, ExtractorFailure, ExtractorRun, load_extractor, progress_bar,
                         run_command, run_extractor)

# forkserver: workers fork from a clean single-threaded server, never from a parent that may hold
# locks in threads (a progress bar, a torch thread pool); spawn where fork is unavailable.
START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


@dataclass(frozen=True)
class RunSettings:
    """How to run an extractor: processes, texts per batch, per-document time limit, error policy."""

    workers: int = 1
    batch_size: int = DEFAULT_BATCH_SIZE
    timeout: float | None = None
    fail_fast: bool = False
    progress: bool = False


# --- Inside a worker process ---------------------------------------------------------------------

_loaded: dict[str, object] = {}


def _worker_run(spec: str, sys_path: list[str], documents: list[Document], settings: RunSettings,
                source: str) -> ExtractorRun | list[Problem]:
    """Run one chunk in a worker; bad input comes back as its problems (CorpusError does not
    survive pickling: its constructor takes problems, its args hold the joined message)."""
    # The parent's import path, so a `module:callable` importable there is importable here.
    sys.path[:0] = [p for p in sys_path if p not in sys.path]
    try:
        if spec not in _loaded:
            _loaded[spec] = load_extractor(spec)
        return run_extractor(_loaded[spec], documents, timeout=settings.timeout, fail_fast=settings.fail_fast,
                             batch_size=settings.batch_size, source=source)
    except ExtractorFailure:
        raise  # pickles whole (see its __reduce__); the parent stops at it
    except CorpusError as exc:
        return exc.problems


def _ignore_interrupts() -> None:
    """Pool initializer: Ctrl-C reaches the whole foreground group, workers included; the parent
    alone handles it (it ends the workers), so no worker prints a KeyboardInterrupt traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# --- In the parent -------------------------------------------------------------------------------

def _end_workers(pool: ProcessPoolExecutor, grace: float = GRACE_SECONDS) -> None:
    """Stop a pool now: cancel what has not started, SIGTERM every worker (a chunk that is still
    running is abandoned, not awaited), SIGKILL those still alive after `grace` seconds, and
    wait for the pool's manager thread to end."""
    # No public API for either before 3.14.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(grace)
    # shutdown(wait=False) lets the manager thread run on, closing the pool's pipes, after the run
    # has returned; the next pool's start then raced it (a forkserver spawn failed with EBADF in CI).
    # Its workers are gone now, so it ends at once.
    if manager is not None and manager.is_alive():
        manager.join(grace)


def chunks(documents: Sequence[Document], size: int) -> list[list[Document]]:
    size = max(1, size)
    return [list(documents[i:i + size]) for i in range(0, len(documents), size)]


def merge(runs: Sequence[ExtractorRun]) -> ExtractorRun:
    """One run from the runs of consecutive chunks (their dicts keep the chunks' order)."""
    out = ExtractorRun()
    for run in runs:
        out.add(run)
    return out


def _chunk_failure(part: list[Document], exc: BaseException, fail_fast: bool) -> ExtractorRun:
    """A chunk whose worker process died (killed, out of memory, a crash in native code)."""
    message = f"a worker process died: {exc}"
    if fail_fast:
        raise ExtractorFailure(f"document {part[0].id!r}: {message}") from exc
    return ExtractorRun(errors={d.id: message for d in part})


def run_pool(spec: str, documents: Sequence[Document], settings: RunSettings, source: str) -> ExtractorRun:
    """Run `spec` in `settings.workers` processes over chunks of `settings.batch_size` documents."""
    parts = chunks(documents, settings.batch_size)
    context = multiprocessing.get_context(START_METHOD)
    if START_METHOD == "forkserver":
        context.set_forkserver_preload([__name__])  # imported once in the server, not per worker
    results = []
    with exit_cleanly_on_termination(), \
            ProcessPoolExecutor(min(settings.workers, len(parts)), mp_context=context,
                                initializer=_ignore_interrupts) as pool, \
            progress_bar(len(documents), settings.progress) as advance:
        futures = [pool.submit(_worker_run, spec, list(sys.path), part, settings, source) for part in parts]
        for future, part in zip(futures, parts):
            future.add_done_callback(lambda f, n=len(part): advance(n))
        try:
            for future, part in zip(futures, parts):
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    # A dead worker breaks the whole pool. Python 3.11 then joins the live
                    # workers, which wait on the call queue forever: end them here, now.
                    _end_workers(pool)
                    result = _chunk_failure(part, exc, settings.fail_fast)
                if isinstance(result, list):
                    raise CorpusError(result)
                results.append(result)
        except BaseException:
            # Stop at the first bad input or fail-fast failure, as one process would, and at Ctrl-C
            # or SIGTERM: no worker outlives the run.
            _end_workers(pool)
            raise
    return merge(results)


def run_spec(spec: str, documents: Sequence[Document], settings: RunSettings = RunSettings(),
             source: str | None = None) -> ExtractorRun:
    """Load extractor `spec` and run it: in this process with one worker, else in a pool."""
    source = source or f"extractor {spec}"
    if settings.workers <= 1 or len(documents) <= 1:
        return run_extractor(load_extractor(spec), documents, timeout=settings.timeout, fail_fast=settings.fail_fast,
                             batch_size=settings.batch_size, progress=settings.progress, source=source)
    return run_pool(spec, documents, settings, source)


def run_source(documents: Sequence[Document], *, extractor: str | None = None, command: str | None = None,
               settings: RunSettings = RunSettings(), cache: PredictionCache | None = None) -> ExtractorRun:
    """Predictions of an extractor spec or an external command, served from `cache` where it can.

    An external command is one process reading all documents (it does its own parallelism), so
    `settings.workers` applies to extractor specs only; asking for workers with a command is an
    error rather than a silently ignored option.
    """
    if (extractor is None) == (command is None):
        raise CorpusError(Problem("give exactly one of an extractor spec or a command"))
    if command is not None and settings.workers > 1:
        raise CorpusError(Problem("--workers applies to --extractor; a --command runs as one process that reads "
                                  "every document (parallelise inside it)"))
    if command is not None:
        return run_cached(cache, command_key(command), documents, lambda docs: run_command(
            command, docs, timeout=settings.timeout, fail_fast=settings.fail_fast, progress=settings.progress))
    return run_cached(cache, spec_key(extractor) if cache is not None else None, documents,
                      lambda docs: run_spec(extractor, docs, settings))
