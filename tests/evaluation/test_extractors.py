"""Loading and running extractors: callables, classes, batch models, commands, errors, timeouts."""
from __future__ import annotations

import importlib.util
import json
import sys
import textwrap
import time
from types import SimpleNamespace

import pytest

from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document
from newsspans.evaluation.extractors.runner import (ExtractorFailure, load_extractor, run_command,
                                             run_extractor)
from newsspans.evaluation.predictions import Prediction

DOCS = [Document("a", "t", "Paris is big."), Document("b", "t", "Rome is old."), Document("c", "t", "BOOM here.")]


def first_word(text: str) -> list[dict]:
    end = text.index(" ")
    return [{"start": 0, "end": end, "label": "LOC", "text": text[:end]}]


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """An importable module `my_extractors` with a function, a class and a batch model."""
    (tmp_path / "my_extractors.py").write_text(textwrap.dedent("""
        class Model:
            def __init__(self):
                self.calls = []
            def __call__(self, text):
                return [{"start": 0, "end": text.index(" "), "label": "LOC"}]

        class Batch:
            batches = []
            def predict_batch(self, texts):
                Batch.batches.append(len(texts))
                if any("BOOM" in t for t in texts):
                    raise RuntimeError("boom")
                return [[{"start": 0, "end": t.index(" "), "label": "LOC"}] for t in texts]

        def extract(text):
            return [{"start": 0, "end": text.index(" "), "label": "LOC"}]
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("my_extractors", None)
    yield
    sys.modules.pop("my_extractors", None)


def test_load_function_class_and_batch(plugin):
    assert callable(load_extractor("my_extractors:extract"))
    model = load_extractor("my_extractors:Model")  # a class is instantiated
    assert model("Paris is big.") == [{"start": 0, "end": 5, "label": "LOC"}]
    assert hasattr(load_extractor("my_extractors:Batch"), "predict_batch")


@pytest.mark.parametrize("spec, message", [
    ("nonsense", "is not a built-in or adapter"),
    ("no_such_module_xyz:f", "cannot load extractor"),
    ("json:no_such_attr", "cannot load extractor"),
    ("json:__doc__", "not callable"),
    ("hf", "cannot load extractor 'hf'"),  # an adapter spec without its model path
])
def test_load_errors(spec, message):
    with pytest.raises(CorpusError, match=message):
        load_extractor(spec)


def test_builtin_registry_names_the_baseline():
    from newsspans.evaluation.extractors.registry import REGISTRY

    assert REGISTRY["baseline"].target == "newsspans.evaluation.baseline.extract:extract"
    if importlib.util.find_spec("newsspans.evaluation.baseline.extract") is not None:
        assert callable(load_extractor("baseline"))


def test_run_callable_with_dicts_objects_and_generators():
    def objects(text):
        yield SimpleNamespace(start=0, end=4, label="LOC", text=None, num_kind=None, speaker=None)

    run = run_extractor(first_word, DOCS[:2])
    assert run.predictions["a"] == [Prediction("a", 0, 5, "LOC", "Paris")] and not run.errors
    assert run_extractor(objects, DOCS[:1]).predictions["a"] == [Prediction("a", 0, 4, "LOC")]


def test_errors_are_recorded_per_document_or_raised_with_fail_fast():
    def flaky(text):
        if "BOOM" in text:
            raise ValueError("cannot parse")
        return first_word(text)

    run = run_extractor(flaky, DOCS)
    assert set(run.predictions) == {"a", "b"} and run.errors == {"c": "ValueError: cannot parse"}
    with pytest.raises(ExtractorFailure, match="'c': ValueError: cannot parse"):
        run_extractor(flaky, DOCS, fail_fast=True)


def test_timeout():
    def slow(text):
        if "Rome" in text:
            time.sleep(5)
        return first_word(text)

    start = time.monotonic()
    run = run_extractor(slow, DOCS, timeout=0.3)
    assert time.monotonic() - start < 3
    assert run.errors == {"b": "ExtractorTimeout: timed out after 0.3s"} and set(run.predictions) == {"a", "c"}


def test_batch_failure_is_narrowed_to_the_failing_document(plugin):
    model = load_extractor("my_extractors:Batch")
    run = run_extractor(model, DOCS, batch_size=3)
    assert type(model).batches[0] == 3  # one batch first, then one document at a time
    assert set(run.predictions) == {"a", "b"} and run.errors == {"c": "RuntimeError: boom"}


def test_bad_extractor_output_is_an_error_naming_document_and_span():
    with pytest.raises(CorpusError, match=r"document 'a', span 'prediction 0': 'end' must be an integer"):
        run_extractor(lambda text: [{"start": 0, "end": None, "label": "LOC"}], DOCS[:1])
    with pytest.raises(CorpusError, match="must return an iterable of spans"):
        run_extractor(lambda text: None, DOCS[:1])


SCRIPT = textwrap.dedent("""
    import json, sys
    for line in sys.stdin:
        doc = json.loads(line)
        if "BOOM" in doc["text"]:
            sys.exit("crashed on " + doc["id"])
        end = doc["text"].index(" ")
        print(json.dumps({"id": doc["id"], "spans": [{"start": 0, "end": end, "label": "LOC"}]}), flush=True)
""")


def test_command_protocol(tmp_path):
    script = tmp_path / "ner.py"
    script.write_text(SCRIPT)
    run = run_command(f"{sys.executable} {script}", DOCS[:2])
    assert run.predictions == {"a": [Prediction("a", 0, 5, "LOC")], "b": [Prediction("b", 0, 4, "LOC")]}
    assert not run.errors


def test_command_crash_is_reported_for_the_documents_without_output(tmp_path):
    script = tmp_path / "ner.py"
    script.write_text(SCRIPT)
    run = run_command(f"{sys.executable} {script}", DOCS)
    assert set(run.predictions) == {"a", "b"}
    assert run.errors == {"c": "RuntimeError: command exited with code 1: crashed on c"}
    with pytest.raises(ExtractorFailure, match="crashed on c"):
        run_command(f"{sys.executable} {script}", DOCS, fail_fast=True)


def test_command_timeout(tmp_path):
    script = tmp_path / "slow.py"
    script.write_text("import time, sys\nsys.stdin.read()\ntime.sleep(30)\n")
    start = time.monotonic()
    run = run_command(f"{sys.executable} {script}", DOCS[:1], timeout=0.5)
    assert time.monotonic() - start < 10
    assert run.errors == {"a": "RuntimeError: timed out after 0.5s waiting for output"}


def test_command_bad_output_names_the_line(tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("import sys\nsys.stdin.read()\nprint('not json')\n")
    with pytest.raises(CorpusError, match=r"output:1: malformed JSON"):
        run_command(f"{sys.executable} {script}", DOCS[:1])


def test_command_output_round_trips_json(tmp_path):
    # Speakers as spans and names, num_kind and text all survive the protocol.
    spans = [{"start": 0, "end": 5, "label": "QUOTE", "speaker": {"start": 6, "end": 8}},
             {"start": 0, "end": 5, "label": "QUOTE", "speaker": "Anna"},
             {"start": 0, "end": 1, "label": "NUM", "num_kind": "cardinal", "text": "P"}]
    script = tmp_path / "echo.py"
    script.write_text("import json, sys\nfor line in sys.stdin:\n"
                      f"    print(json.dumps({{'id': json.loads(line)['id'], 'spans': {json.dumps(spans)}}}))\n")
    preds = run_command(f"{sys.executable} {script}", DOCS[:1]).predictions["a"]
    assert [p.speaker for p in preds] == [(6, 8), "Anna", None] and preds[2].num_kind == "cardinal"
    assert [p.to_dict() for p in preds] == spans
    assert json.loads(json.dumps(spans)) == spans


class _DroppingExtractor:
    """Like a model adapter: returns what it can map and counts what it dropped per label."""

    def __init__(self):
        from collections import Counter

        self.dropped = Counter({"EARLIER": 5})  # counts from before this run are not reported

    def __call__(self, text):
        self.dropped["NORP"] += 1
        return [{"start": 0, "end": 1, "label": "PER"}]


def test_an_extractors_own_drops_reach_the_report():
    from newsspans.corpus import Corpus
    from newsspans.evaluation import ScoreOptions, load_gold, score_run

    documents = Corpus().documents()
    run = run_extractor(_DroppingExtractor(), documents)
    assert run.dropped == {"NORP": len(documents)}
    report = score_run(load_gold(), run, source="test", options=ScoreOptions(n_resamples=0))
    assert report.to_dict()["dropped"] == {"NORP": len(documents)}
