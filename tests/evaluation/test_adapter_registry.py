"""The extractor registry: spec parsing, availability without heavy imports, install hints, code fingerprints."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newsspans.evaluation.extractors.registry import (REGISTRY, adapters, available_adapters, code_fingerprint,
                                                      load_adapter, split_spec)


def test_split_spec():
    assert split_spec("spacy:en_core_web_sm") == (REGISTRY["spacy"], "en_core_web_sm")
    assert split_spec("hf:/models/ner:v2") == (REGISTRY["hf"], "/models/ner:v2")  # only the first colon splits
    assert split_spec("textacy-quotes") == (REGISTRY["textacy-quotes"], None)
    assert split_spec("textacy-quotes:") == (REGISTRY["textacy-quotes"], None)
    assert split_spec("baseline") is None
    assert split_spec("my_pkg.ner:extract") is None  # a module path, not an adapter


def test_listing_adapters_imports_no_model_package():
    code = ("import sys, json; from newsspans.evaluation.extractors.registry import available_adapters; "
            "s = available_adapters(); "
            "print(json.dumps([[a.entry.name, a.available, list(a.missing)] for a in s] + "
            "[sorted(m for m in ('spacy', 'torch', 'transformers', 'textacy') if m in sys.modules)]))")
    out = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                    text=True).stdout)
    *rows, imported = out
    assert imported == []
    assert [r[0] for r in rows] == [e.name for e in adapters()]
    for prefix, available, missing in rows:
        assert available == (not missing)
        assert set(missing) <= set(REGISTRY[prefix].packages)


def test_a_missing_package_is_reported_with_its_install_command(monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr("importlib.util.find_spec", lambda name, *a: None if name == "torch" else object())
        status = {s.entry.name: s for s in available_adapters()}
    assert not status["hf"].available and status["hf"].missing == ("torch",)
    assert status["hf"].entry.install == "pip install 'newsspans[hf]'"
    assert status["spacy"].available
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ImportError, match=r"'transformers' is not installed.*pip install 'newsspans\[hf\]'"):
        load_adapter("hf:/models/ner")


def test_bad_specs():
    with pytest.raises(ValueError, match="needs a local Hugging Face"):
        load_adapter("hf")
    with pytest.raises(ValueError, match="names no adapter"):
        load_adapter("flair:ner")


def test_code_fingerprint_changes_with_the_mapping_code(monkeypatch, tmp_path):
    import importlib.util

    before = code_fingerprint(REGISTRY["spacy"])
    assert before == code_fingerprint(REGISTRY["spacy"]) and len(before) == 16
    assert before != code_fingerprint(REGISTRY["hf"])  # each adapter's own module counts
    edited = tmp_path / "adapter_labels.py"
    real = importlib.util.find_spec("newsspans.evaluation.adapters.labels").origin
    edited.write_text(open(real, encoding="utf-8").read() + "\n# a changed rule\n", encoding="utf-8")
    find_spec = importlib.util.find_spec

    def patched(name, *args):
        spec = find_spec(name, *args)
        if name == "newsspans.evaluation.adapters.labels":
            spec = importlib.util.spec_from_file_location(name, edited)
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", patched)
    assert code_fingerprint(REGISTRY["spacy"]) != before


def test_hf_spec_device_is_split_off_the_path_and_checked():
    from newsspans.evaluation.adapters.hf import split_device

    assert split_device("/models/ner@cuda:1") == ("/models/ner", "cuda:1")
    assert split_device("/models/ner@0") == ("/models/ner", 0)
    assert split_device("/models/ner") == ("/models/ner", -1)
    assert split_device("/data/user@host/ner") == ("/data/user@host/ner", -1)  # an @ inside the path
    with pytest.raises(ValueError, match="bad device 'gpu'"):
        split_device("/models/ner@gpu")
