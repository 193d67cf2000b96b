# Shared pytest fixtures, registered once here so that every module shares one instance:
# the Label Studio server (labelstudio_server.py), the headless Chromium (browser.py) and the
# llama-cpp-python model server (llm_server.py).
# A session fixture imported into two test modules would be two fixtures, and a second
# Playwright instance cannot start while the first one runs.
import json
import signal

import pytest
from browser import browser  # noqa: F401
from labelstudio_server import label_studio  # noqa: F401
from llm_server import llama_server, no_llm_env  # noqa: F401


# A shell starts a background job (`pytest &`, some CI runners) with SIGINT ignored, and an ignored
# signal stays ignored across fork and exec: every CLI a test interrupts would ignore Ctrl-C and
# hang. A handled signal is reset to the default at exec, so the children start as a terminal's do.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# A small gold of a user's own (its own rules, not the corpus guidelines), with hand-worked scores
# in test_score_cli.py and test_leaderboard.py.
TEXT_A = "Olaf Scholz visited Paris on Monday."
TEXT_B = "\"Prices rose 5%,\" said Lagarde."


@pytest.fixture
def own_gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": TEXT_A, "spans": [
            {"start": 0, "end": 11, "label": "PER"}, {"start": 20, "end": 25, "label": "LOC"},
            {"start": 29, "end": 35, "label": "NUM", "num_kind": "date"}]},
        {"id": "b", "text": TEXT_B, "spans": [
            {"id": "Q", "start": 0, "end": 17, "label": "QUOTE", "speaker": "L"},
            {"start": 13, "end": 15, "label": "NUM", "num_kind": "percent"},
            {"id": "L", "start": 23, "end": 30, "label": "PER"}]},
    ]) + "\n")
    return path


# Markers by what a test starts, so `pytest -m "not server and not browser and not models"` is
# the fast loop: a test using the Label Studio fixture or in SERVER_MODULES is `server`, one
# using Chromium is `browser`, and the adapter test modules (spaCy, transformers, textacy
# pipelines) and tests using the model server are `models`.
MODEL_MODULES = {"test_adapter_spacy.py", "test_adapter_hf.py", "test_adapter_textacy.py",
                 "test_leaderboard_adapters.py"}
# Modules that start a real server of their own (a local Ray cluster) are `server` tests too.
SERVER_MODULES = {"test_run_ray.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "label_studio" in fixtures or item.path.name in SERVER_MODULES:
            item.add_marker(pytest.mark.server)
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if item.path.name in MODEL_MODULES or "llama_server" in fixtures:
            item.add_marker(pytest.mark.models)
