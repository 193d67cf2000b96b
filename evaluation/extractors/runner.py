"""Load and run extractors: Python callables, batch models, built-in names, external commands.

Protocol. An extractor maps a document's text to an iterable of prediction dicts (or objects)
with `start`, `end`, `label` and optional `text`, `num_kind`, `speaker` (see `predictions`).
- `module.path:callable`: a function `text -> spans`; a class is instantiated with no
  arguments; an object with `predict_batch(texts) -> list of spans per text` is called in batches.
- a built-in name from the registry (`registry.REGISTRY`), imported only when used.
- a model adapter spec (`spacy:NAME`, `hf:PATH`, `textacy-quotes[:NAME]`; see `registry`).
- a command (`run_command`): any program that reads `{"id", "text"}` JSON lines on stdin and
  writes `{"id", "spans": [...]}` JSON lines on stdout, one per document, in any order.

A document on which the extractor raises or times out is recorded in `ExtractorRun.errors` and
predicts nothing, unless `fail_fast`, which raises `ExtractorFailure` at the first failure.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from time import perf_counter

from newsspans.corpus.errors import CorpusError, Problem
from newsspans.corpus.model import Document

from .process import ExternalProcess, OutputTimeout, exit_cleanly_on_termination
from .registry import (REGISTRY, ExtractorLoadError, import_user, spec_forms, instantiate, load_adapter, split_spec,
                       split_target)
from ..predictions import Prediction, parse_predictions, predictions_from_dicts

DEFAULT_BATCH_SIZE = 16


class ExtractorFailure(CorpusError):
    """The extractor failed on a document and `fail_fast` was asked for: bad input, exit 2."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(Problem(f"extractor failed on {message}"))

    def __reduce__(self):  # raised in worker processes, so it must survive pickling
        return ExtractorFailure, (self.message,)


class ExtractorTimeout(Exception):
    pass


@dataclass
class ExtractorRun:
    """Predictions per document id, the error message of every document that failed, and the
    seconds spent inside the extractor per document (a batch's time split evenly over its
    documents; model loading excluded), for the leaderboard's s/doc and the throughput benchmark."""

    predictions: dict[str, list[Prediction]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    # What the extractor itself dropped before returning spans (an adapter's unmapped labels,
    # from its `dropped` counter), per original label; the report adds these to its `dropped`.
    dropped: dict[str, int] = field(default_factory=dict)

    def add(self, other: ExtractorRun) -> None:
        """Fold another run (other documents) into this one."""
        self.predictions.update(other.predictions)
        self.errors.update(other.errors)
        self.seconds.update(other.seconds)
        for label, n in other.dropped.items():
            self.dropped[label] = self.dropped.get(label, 0) + n


def load_extractor(spec: str) -> object:
    """A callable or batch object from a registry name, a model adapter spec (`spacy:NAME`,
    `hf:PATH`, `textacy-quotes[:NAME]`) or `module.path:attr` (attr may be dotted).

    What loading prints goes to stderr, and a `sys.exit()` in the user's code is a load error."""
    with stdout_to_stderr():
        try:
            return _load(spec)
        except SystemExit as exc:
            raise CorpusError(Problem(f"cannot load extractor {spec!r}: {_describe(exc)}")) from None


def _load(spec: str) -> object:
    entry = REGISTRY.get(spec)
    if entry is not None and entry.kind != "built-in":
        entry = None  # an adapter named without its argument: load_adapter says what it needs
    if entry is None and split_spec(spec) is not None:
        try:
            return load_adapter(spec)
        except (ImportError, ValueError, RuntimeError, OSError) as exc:
            raise CorpusError(Problem(f"cannot load extractor {spec!r}: {exc}")) from None
    path = entry.target if entry is not None else spec
    module_name, attr = split_target(path)
    if ":" not in path or not module_name or not attr:
        raise CorpusError(Problem(f"extractor {spec!r} is not {spec_forms()}"))
    try:
        obj = import_user(path)[1]
        if isinstance(obj, type):
            obj = instantiate(obj, spec)
    except ExtractorLoadError as exc:
        raise CorpusError(Problem(f"cannot load extractor {spec!r}: {exc}")) from None
    if not callable(obj) and not hasattr(obj, "predict_batch"):
        raise CorpusError(Problem(f"extractor {spec!r} is not callable and has no predict_batch method"))
    return obj


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ExtractorTimeout in the block after `seconds` (main thread on Unix; else no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(signum, frame):
        raise ExtractorTimeout(f"timed out after {seconds:g}s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send what an in-process extractor prints to stderr while it runs: stdout is the report's
    (`--format json | jq`). Both Python's `sys.stdout` and file descriptor 1 are redirected, so
    native code and child processes that write to fd 1 are caught too."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    try:
        saved = os.dup(1)
        os.dup2(2, 1)
    except OSError:
        saved = None  # no fd 1 or 2 (a closed stdout): Python's level only
    try:
        with redirect_stdout(sys.stderr):
            yield
    finally:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


@contextmanager
def progress_bar(total: int, enabled: bool, description: str = "documents") -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields `advance(n)`. Disabled, it is a no-op."""
    if not enabled:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)


def _to_predictions(doc_id: str, spans: object, source: str) -> list[Prediction]:
    if spans is None or isinstance(spans, (str, bytes, dict)) or not isinstance(spans, Iterable):
        raise CorpusError(Problem(f"the extractor must return an iterable of spans, got {type(spans).__name__}",
                                  file=source, doc_id=doc_id))
    return predictions_from_dicts(doc_id, spans, source)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"the extractor called sys.exit({exc.code!r})"
    return f"{type(exc).__name__}: {exc}"


def _fail(run: ExtractorRun, doc: Document, exc: BaseException, fail_fast: bool) -> None:
    message = _describe(exc)
    if fail_fast:
        raise ExtractorFailure(f"document {doc.id!r}: {message}") from exc
    run.errors[doc.id] = message


def _call_one(extractor: Callable, doc: Document, timeout: float | None) -> object:
    with _time_limit(timeout):
        # Materialise generators inside the time limit: lazy extractors do their work here.
        result = extractor(doc.text)
        return list(result) if isinstance(result, Iterator) else result


def run_extractor(extractor: object, documents: Sequence[Document], *, timeout: float | None = None,
                  fail_fast: bool = False, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False,
                  source: str = "extractor") -> ExtractorRun:
    """Run `extractor` on every document, capturing per-document errors and timeouts.

    A batch extractor (`predict_batch`) gets up to `batch_size` texts at a time, with a time limit
    of `timeout` per document in the batch; when a batch fails, its documents are retried one at
    a time (through `__call__` if it has one, else as batches of one) so only the failing
    documents are reported.
    """
    run = ExtractorRun()
    counter = getattr(extractor, "dropped", None)
    before = dict(counter) if isinstance(counter, Mapping) else {}
    batched = hasattr(extractor, "predict_batch")
    single = extractor if callable(extractor) else (lambda text: extractor.predict_batch([text])[0])
    size = max(1, batch_size) if batched else 1
    with progress_bar(len(documents), progress) as advance, stdout_to_stderr():
        for first in range(0, len(documents), size):
            batch = documents[first:first + size]
            outputs: list | None = None
            if batched:
                began = perf_counter()
                try:
                    with _time_limit(timeout * len(batch) if timeout else None):
                        outputs = list(extractor.predict_batch([d.text for d in batch]))
                    if len(outputs) != len(batch):
                        raise ValueError(f"predict_batch returned {len(outputs)} results for {len(batch)} texts")
                except (Exception, SystemExit):  # noqa: BLE001 - retried per document below, where reported
                    outputs = None
                share = (perf_counter() - began) / len(batch)
            for k, doc in enumerate(batch):
                began = perf_counter()
                try:
                    spans = outputs[k] if outputs is not None else _call_one(single, doc, timeout)
                except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure, even sys.exit, is reported
                    run.seconds[doc.id] = perf_counter() - began
                    _fail(run, doc, exc, fail_fast)
                    advance(1)
                    continue
                run.seconds[doc.id] = share if outputs is not None else perf_counter() - began
                run.predictions[doc.id] = _to_predictions(doc.id, spans, source)
                advance(1)
    if isinstance(counter, Mapping):
        run.dropped = {k: n - before.get(k, 0) for k, n in counter.items() if n > before.get(k, 0)}
    return run


def _requests(documents: Sequence[Document]) -> Iterator[bytes]:
    for doc in documents:
        # surrogatepass: a text the gold should never hold still reaches the program, not a dead feeder.
        yield (json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")


@dataclass
class _CommandOutput:
    """What a command wrote: its text (undecodable lines blanked, so line numbers stay right)
    and, per undecodable line, a message naming the line and the byte offset of the bad byte."""

    lines: list[str] = field(default_factory=list)
    bad: list[tuple[str | None, str]] = field(default_factory=list)  # (document id if readable, message)
    offset: int = 0

    def add(self, raw: bytes) -> None:
        number = len(self.lines) + 1
        try:
            self.lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            self.lines.append("\n" if raw.endswith(b"\n") else "")
            self.bad.append((_line_id(raw), f"output line {number} is not valid UTF-8: byte 0x{raw[exc.start]:02x} "
                                            f"at byte offset {self.offset + exc.start} of the output"))
        self.offset += len(raw)


def _line_id(raw: bytes) -> str | None:
    """The document id of an undecodable output line, when the rest of the line is readable."""
    try:
        record = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        return None
    doc_id = record.get("id") if isinstance(record, dict) else None
    return doc_id if isinstance(doc_id, str) else None


def _exit_message(code: int, stderr: list[str]) -> str:
    if code < 0:
        try:
            what = f"command was killed by {signal.Signals(-code).name}"
        except ValueError:
            what = f"command was killed by signal {-code}"
    else:
        what = f"command exited with code {code}"
    return what + (f": {' | '.join(stderr)}" if stderr else "")


def run_command(command: str, documents: Sequence[Document], *, timeout: float | None = None,
                fail_fast: bool = False, progress: bool = False) -> ExtractorRun:
    """Run an external extractor over the JSONL stdin/stdout protocol (see module docstring).

    `timeout` bounds the wait for each next output line. Documents without an output line when
    the program exits, crashes or times out are recorded as errors (with the tail of its
    stderr); so is a document whose line is not UTF-8, naming the byte offset. Whatever way this
    returns or raises (Ctrl-C included), the program and everything it started are ended
    (`process.ExternalProcess`).
    """
    source = f"command {command!r} output"
    began = perf_counter()
    output = _CommandOutput()
    failure = ""
    with exit_cleanly_on_termination(), ExternalProcess(command, _requests(documents)) as program, \
            progress_bar(len(documents), progress) as advance:
        try:
            for line in program.lines(timeout):
                output.add(line)
                if line.strip():
                    advance(1)
        except OutputTimeout as exc:
            failure = str(exc)
        code = program.close()
        stderr = program.stderr.lines()
    if not failure and code != 0:
        failure = _exit_message(code, stderr)
    elif failure and stderr:
        failure += f"; its stderr ends: {' | '.join(stderr)}"
    predictions = parse_predictions("".join(output.lines), source)
    # Lines for ids that were never sent are kept, so the scorer reports them as unknown documents;
    # the documents left without a line say which ids came instead.
    # The program's own time per document is unknown: its wall time is split evenly.
    each = (perf_counter() - began) / max(1, len(documents))
    run = ExtractorRun(predictions=predictions, seconds={d.id: each for d in documents})
    sent = {d.id for d in documents}
    bad_lines = {doc_id: message for doc_id, message in output.bad if doc_id in sent}
    unread = [message for doc_id, message in output.bad if doc_id not in sent]
    unknown = [doc_id for doc_id in predictions if doc_id not in sent]
    missing = "the command wrote no output line for this document"
    if unknown:
        shown = ", ".join(repr(i) for i in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        missing += f"; it wrote lines for ids it was not given: {shown}"
    if unread:
        missing += "; " + "; ".join(unread[:3])
    for doc in documents:
        if doc.id in bad_lines:
            predictions.pop(doc.id, None)
            _fail(run, doc, RuntimeError(bad_lines[doc.id]), fail_fast)
        elif doc.id not in predictions:
            _fail(run, doc, RuntimeError(failure or missing), fail_fast)
    return run
