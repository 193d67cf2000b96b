"""The adapter table: spec parsing, availability without heavy imports, install hints."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newsspans.evaluation.adapters import ADAPTERS, available_adapters, load_adapter, split_spec


def test_split_spec():
    assert split_spec("spacy:en_core_web_sm") == ("spacy", "en_core_web_sm")
    assert split_spec("hf:/models/ner:v2") == ("hf", "/models/ner:v2")  # only the first colon splits
    assert split_spec("textacy-quotes") == ("textacy-quotes", None)
    assert split_spec("textacy-quotes:") == ("textacy-quotes", None)
    assert split_spec("baseline") is None
    assert split_spec("my_pkg.ner:extract") is None  # a module path, not an adapter


def test_listing_adapters_imports_no_model_package():
    code = ("import sys, json; from newsspans.evaluation.adapters import available_adapters; "
            "s = available_adapters(); "
            "print(json.dumps([[a.prefix, a.available, list(a.missing)] for a in s] + "
            "[sorted(m for m in ('spacy', 'torch', 'transformers', 'textacy') if m in sys.modules)]))")
    out = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                    text=True).stdout)
    *rows, imported = out
    assert imported == []
    assert [r[0] for r in rows] == list(ADAPTERS)
    for prefix, available, missing in rows:
        assert available == (not missing)
        assert set(missing) <= set(ADAPTERS[prefix].packages)


def test_a_missing_package_is_reported_with_its_install_command(monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr("importlib.util.find_spec", lambda name, *a: None if name == "torch" else object())
        status = {s.prefix: s for s in available_adapters()}
    assert not status["hf"].available and status["hf"].missing == ("torch",)
    assert status["hf"].install == "pip install 'newsspans[hf]'"
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


def test_code_version_changes_with_the_mapping_code(monkeypatch, tmp_path):
    import importlib.util

    from newsspans.evaluation import adapters

    before = adapters.code_version("spacy")
    assert before == adapters.code_version("spacy") and len(before) == 16
    assert before != adapters.code_version("hf")  # each adapter's own module counts
    edited = tmp_path / "adapter_labels.py"
    real = importlib.util.find_spec("newsspans.evaluation.adapter_labels").origin
    edited.write_text(open(real, encoding="utf-8").read() + "\n# a changed rule\n", encoding="utf-8")
    find_spec = importlib.util.find_spec

    def patched(name, *args):
        spec = find_spec(name, *args)
        if name == "newsspans.evaluation.adapter_labels":
            spec = importlib.util.spec_from_file_location(name, edited)
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", patched)
    assert adapters.code_version("spacy") != before
