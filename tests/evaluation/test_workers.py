"""Worker processes: the same predictions, errors and timeouts as one process, and clean failures."""
from __future__ import annotations

import dataclasses
import sys
import textwrap
import threading
from concurrent.futures.process import _ExecutorManagerThread  # what a pool's manager thread is

import pytest

from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document
from newsspans.corpus.store import Corpus
from newsspans.evaluation.extractors.runner import ExtractorFailure
from newsspans.evaluation.extractors.workers import RunSettings, chunks, run_spec

EXTRACTOR = textwrap.dedent("""
    import os, time

    def extract(text):
        if "BOOM" in text:
            raise ValueError("cannot parse")
        if "SLOW" in text:
            time.sleep(5)
        if "DIE" in text:
            os._exit(3)  # the worker process dies, as on a native crash or the OOM killer
        end = text.index(" ")
        return [{"start": 0, "end": end, "label": "LOC", "text": text[:end]}]

    def bad(text):
        return [{"start": 0, "end": None, "label": "LOC"}] if "bad" in text else []
""")


@pytest.fixture
def worker_module(tmp_path, monkeypatch):
    """A module importable by name in this process and, through the parent's sys.path, in workers."""
    (tmp_path / "worker_extractors.py").write_text(EXTRACTOR)
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("worker_extractors", None)
    yield
    sys.modules.pop("worker_extractors", None)


def pool_threads() -> set[threading.Thread]:
    """The live threads of process pools: their manager threads and queue feeders (other
    threads of the test process, a server fixture's, come and go on their own)."""
    return {t for t in threading.enumerate() if isinstance(t, _ExecutorManagerThread) or t.name == "QueueFeederThread"}


def docs(*texts: str) -> list[Document]:
    return [Document(f"d{k}", "t", text) for k, text in enumerate(texts)]


def test_baseline_with_two_workers_equals_one_worker():
    corpus, _ = Corpus().load()
    # Distinct ids, several chunks, a last chunk shorter than the others.
    many = [dataclasses.replace(corpus[k % len(corpus)], id=f"doc{k}") for k in range(11)]
    one = run_spec("baseline", many, RunSettings(workers=1, batch_size=3))
    two = run_spec("baseline", many, RunSettings(workers=2, batch_size=3))
    assert one.predictions and sum(len(p) for p in one.predictions.values()) > 100
    assert two.predictions == one.predictions and not one.errors and not two.errors
    assert list(two.predictions) == [d.id for d in many]  # document order kept
    assert set(two.seconds) == {d.id for d in many} and all(s > 0 for s in two.seconds.values())


def test_errors_and_timeouts_in_workers_are_per_document(worker_module):
    documents = docs("Paris is big.", "BOOM here.", "Rome is old.", "SLOW down now.", "Oslo is cold.")
    settings = RunSettings(workers=2, batch_size=2, timeout=0.5)
    one = run_spec("worker_extractors:extract", documents, dataclasses.replace(settings, workers=1))
    two = run_spec("worker_extractors:extract", documents, settings)
    assert two.errors == one.errors == {"d1": "ValueError: cannot parse",
                                        "d3": "ExtractorTimeout: timed out after 0.5s"}
    assert two.predictions == one.predictions and set(two.predictions) == {"d0", "d2", "d4"}


def test_fail_fast_in_a_worker_raises(worker_module):
    threads = pool_threads()
    with pytest.raises(ExtractorFailure, match="'d1': ValueError: cannot parse"):
        run_spec("worker_extractors:extract", docs("Paris is big.", "BOOM here.", "Rome is old."),
                 RunSettings(workers=2, batch_size=1, fail_fast=True))
    assert pool_threads() <= threads  # the pool's threads ended with it (see below)


def test_a_dead_worker_fails_its_documents_not_the_run(worker_module):
    documents = docs("Paris is big.", "DIE now.", "Rome is old.", "Oslo is cold.")
    threads = pool_threads()
    run = run_spec("worker_extractors:extract", documents, RunSettings(workers=2, batch_size=2))
    assert "d1" in run.errors and "worker process died" in run.errors["d1"]
    # Chunks that finished before the crash keep their predictions; none is silently lost.
    assert set(run.predictions) | set(run.errors) == {d.id for d in documents}
    # The broken pool's threads ended with the run: left running, they closed its pipes while
    # the next run's pool started (EBADF in the forkserver).
    assert pool_threads() <= threads


def test_a_spec_that_cannot_load_is_one_clear_error():
    with pytest.raises(CorpusError, match="cannot load extractor 'no_such_module_xyz:f'"):
        run_spec("no_such_module_xyz:f", docs("a b", "c d", "e f"), RunSettings(workers=2, batch_size=1))


def test_bad_extractor_output_in_a_worker_names_document_and_span(worker_module):
    with pytest.raises(CorpusError, match=r"document 'd1', span 'prediction 0': 'end' must be an integer"):
        run_spec("worker_extractors:bad", docs("fine here", "bad here", "fine too"),
                 RunSettings(workers=2, batch_size=1))


def test_chunks_cover_every_document_once_in_order():
    documents = docs(*"abcdefg")
    parts = chunks(documents, 3)
    assert [len(p) for p in parts] == [3, 3, 1] and [d for p in parts for d in p] == documents


def test_workers_with_a_command_is_an_error_not_ignored():
    from newsspans.evaluation.extractors.workers import run_source

    with pytest.raises(CorpusError, match="--workers applies to --extractor"):
        run_source(docs("a b"), command="cat", settings=RunSettings(workers=2))
