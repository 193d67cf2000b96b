"""The prediction cache: keys, hits and misses, damaged entries, versions, and the score CLI."""
from __future__ import annotations

import json
import sys
from pathlib import Path
import textwrap

import pytest
from cli_app import make_app
from typer.testing import CliRunner

from newsspans.corpus.model import Document
from newsspans.evaluation.baseline.extract import BASELINE_VERSION
from newsspans.evaluation.extractors.cache import (CACHE_ENV, CacheKey, PredictionCache, command_key, extractor_version,
                                        run_cached, spec_key)
from newsspans.evaluation.extractors.runner import ExtractorRun, run_extractor
from newsspans.evaluation.predictions import Prediction

DOCS = [Document("a", "t", "Paris is big."), Document("b", "t", "Rome is old."), Document("c", "t", "BOOM here.")]
KEY = CacheKey("my:extract", "1.0")


class Counting:
    """An extractor that counts the texts it is called on, and fails on 'BOOM'."""

    def __init__(self):
        self.calls: list[str] = []

    def __call__(self, text: str) -> list[dict]:
        self.calls.append(text)
        if "BOOM" in text:
            raise ValueError("cannot parse")
        end = text.index(" ")
        return [{"start": 0, "end": end, "label": "LOC", "text": text[:end]}]


def cached_run(cache, extractor, documents, key=KEY) -> ExtractorRun:
    return run_cached(cache, key, documents, lambda docs: run_extractor(extractor, docs))


def test_second_run_is_served_from_the_cache_and_failures_are_retried(tmp_path):
    cache, model = PredictionCache(tmp_path), Counting()
    first = cached_run(cache, model, DOCS)
    assert len(model.calls) == 3 and first.errors == {"c": "ValueError: cannot parse"}
    assert cache.stats.stored == 2  # the failed document is not cached
    second = cached_run(PredictionCache(tmp_path), model, DOCS)
    assert model.calls[3:] == ["BOOM here."]  # only the failed document ran again
    assert second.predictions == first.predictions and list(second.predictions) == ["a", "b"]
    assert second.errors == first.errors and second.seconds["a"] == first.seconds["a"]


def test_key_is_extractor_version_and_text(tmp_path):
    cache, model = PredictionCache(tmp_path), Counting()
    cached_run(cache, model, DOCS[:2])
    # Same text under another id: a hit, with the new id on the predictions.
    renamed = [Document("z", "t", DOCS[0].text)]
    assert cached_run(cache, model, renamed).predictions == {"z": [Prediction("z", 0, 5, "LOC", "Paris")]}
    assert len(model.calls) == 2
    cached_run(cache, model, [Document("a", "t", "Paris is bigger.")])  # a changed text
    cached_run(cache, model, DOCS[:1], CacheKey("my:extract", "1.1"))  # a new version
    cached_run(cache, model, DOCS[:1], CacheKey("other:extract", "1.0"))  # another extractor
    assert len(model.calls) == 5


def test_a_damaged_entry_is_recomputed_and_rewritten(tmp_path):
    cache, model = PredictionCache(tmp_path), Counting()
    cached_run(cache, model, DOCS[:1])
    path = cache.path(KEY, DOCS[0].text)
    path.write_text('{"format": 1, "spans": [')
    again = PredictionCache(tmp_path)
    run = cached_run(again, model, DOCS[:1])
    assert len(model.calls) == 2 and again.stats.unreadable == [str(path)]
    assert run.predictions["a"] == [Prediction("a", 0, 5, "LOC", "Paris")]
    assert json.loads(path.read_text())["spans"] == [{"start": 0, "end": 5, "label": "LOC", "text": "Paris"}]
    assert not list(path.parent.glob(".*.tmp"))  # atomic writes leave no temp files


def test_no_cache_or_no_key_runs_everything(tmp_path):
    model = Counting()
    cached_run(None, model, DOCS[:2])
    run_cached(PredictionCache(tmp_path), None, DOCS[:2], lambda docs: run_extractor(model, docs))
    assert len(model.calls) == 4 and not list(tmp_path.iterdir())


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """Extractor modules: one declaring __version__, one not; and a counter of calls per process."""
    folder = tmp_path / "mods"
    folder.mkdir()
    (folder / "versioned_ext.py").write_text("__version__ = '2.5'\ndef extract(text):\n    return []\n")
    (folder / "plain_ext.py").write_text("def extract(text):\n    return []\n")
    (folder / "counted_ext.py").write_text(textwrap.dedent("""
        CALLS = []

        def extract(text):
            CALLS.append(text)
            i = text.index("Paris")
            return [{"start": i, "end": i + 5, "label": "LOC"}]
    """))
    monkeypatch.syspath_prepend(str(folder))
    for name in ("versioned_ext", "plain_ext", "counted_ext"):
        sys.modules.pop(name, None)
    yield folder
    for name in ("versioned_ext", "plain_ext", "counted_ext"):
        sys.modules.pop(name, None)


def test_versions(plugin):
    version, fingerprint = extractor_version("baseline").split("+")
    assert version == BASELINE_VERSION and len(fingerprint) == 16
    assert extractor_version("versioned_ext:extract") == "2.5"
    before = extractor_version("plain_ext:extract")
    assert before.startswith("source-")
    (plugin / "plain_ext.py").write_text("def extract(text):\n    return [] # edited\n")
    assert extractor_version("plain_ext:extract") != before  # an edited module is a new version
    assert extractor_version("no_such_module_xyz:f") is None and spec_key("no_such_module_xyz:f") is None
    # A model that is not installed has no version (loading it then says what to install).
    assert extractor_version("spacy:no_such_pipeline_xyz") is None
    assert command_key("python ner.py") == CacheKey("command: python ner.py", "python ner.py")


def test_adapter_model_folder_version_changes_when_the_folder_does(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    first = extractor_version(f"hf:{model}")
    assert first is not None and f"{model}=folder-" in first and "code=" in first
    (model / "weights.bin").write_bytes(b"\0" * 10)
    assert extractor_version(f"hf:{model}") != first


# --- The score command ---------------------------------------------------------------------------

runner = CliRunner()


APP = make_app()


def write_gold(path, label: str) -> None:
    text = "Talks in Paris ended."
    path.write_text(json.dumps({"id": "d1", "text": text, "spans": [{"start": 9, "end": 14, "label": label}]})
                    + "\n" + json.dumps({"id": "d2", "text": "Paris again.", "spans": []}) + "\n")


def score(*args) -> dict:
    result = runner.invoke(APP, ["score", "--format", "json", "--bootstrap", "0", "--no-progress",
                                 *map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rescoring_after_a_gold_change_does_not_rerun_the_extractor(plugin, tmp_path):
    import counted_ext

    gold, cache = tmp_path / "gold.jsonl", tmp_path / "cache"
    write_gold(gold, "LOC")
    first = score("--gold", gold, "--extractor", "counted_ext:extract", "--cache", cache)
    assert len(counted_ext.CALLS) == 2
    assert first["layers"]["entity"]["schemes"]["strict"]["micro"]["correct"] == 1
    write_gold(gold, "ORG")  # the gold changes; the documents' texts do not
    second = score("--gold", gold, "--extractor", "counted_ext:extract", "--cache", cache)
    assert len(counted_ext.CALLS) == 2  # not run again
    micro = second["layers"]["entity"]["schemes"]["strict"]["micro"]
    assert (micro["correct"], micro["incorrect"]) == (0, 1)  # but scored against the new gold
    score("--gold", gold, "--extractor", "counted_ext:extract", "--cache", cache, "--no-cache")
    assert len(counted_ext.CALLS) == 4  # --no-cache runs it


def test_cache_folder_from_the_environment_and_no_cache_overrides_it(plugin, tmp_path, monkeypatch):
    import counted_ext

    gold, cache = tmp_path / "gold.jsonl", tmp_path / "env-cache"
    write_gold(gold, "LOC")
    monkeypatch.setenv(CACHE_ENV, str(cache))
    score("--gold", gold, "--extractor", "counted_ext:extract")
    score("--gold", gold, "--extractor", "counted_ext:extract")
    assert len(counted_ext.CALLS) == 2 and cache.is_dir()
    score("--gold", gold, "--extractor", "counted_ext:extract", "--no-cache")
    assert len(counted_ext.CALLS) == 4


def test_a_cache_path_that_is_a_file_is_a_clear_error(tmp_path):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("")
    result = runner.invoke(APP, ["score", "--extractor", "baseline", "--cache", str(not_a_folder)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(not_a_folder) in result.stderr


def test_an_edited_baseline_rule_file_is_a_new_version(tmp_path, monkeypatch):
    """The fingerprint covers every file of the baseline's package, data files included."""
    import dataclasses
    import shutil

    from newsspans.evaluation import baseline
    from newsspans.evaluation.extractors.registry import REGISTRY, code_fingerprint

    shutil.copytree(Path(baseline.__file__).resolve().parent, tmp_path / "baseline_copy")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = dataclasses.replace(REGISTRY["baseline"], code=("baseline_copy",))
    before = code_fingerprint(entry)
    with open(tmp_path / "baseline_copy" / "data" / "cities.txt", "a", encoding="utf-8") as f:
        f.write("Tromsø\n")
    assert code_fingerprint(entry) != before
    # A file beside the package (say a new evaluation/baseline_x.py) is not part of it.
    (tmp_path / "baseline_x.py").write_text("X = 1\n")
    assert code_fingerprint(entry) == code_fingerprint(entry)
