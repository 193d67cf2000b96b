"""The leaderboard (rows, "–" for layers not produced, Markdown/JSON, agreement with `score`) and
the `extractors` listing (availability without heavy imports)."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest
from cli_app import make_app
from typer.testing import CliRunner

from newsspans.evaluation.extractors.registry import REGISTRY, adapters, extractor_layers
from newsspans.evaluation.baseline.extract import BASELINE_VERSION
from newsspans.evaluation.leaderboard import (COLUMNS, DASH, 
                                              leaderboard_markdown)

runner = CliRunner()


APP = make_app()


def invoke(*args):
    return runner.invoke(APP, [str(a) for a in args], catch_exceptions=False)


def board_json(*args) -> dict:
    result = invoke("leaderboard", "--format", "json", "--no-progress", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """`board_ext.quotes` (declares layers = ("quote",)) and `board_ext.people` (declares nothing)."""
    (tmp_path / "board_ext.py").write_text(textwrap.dedent("""
        def quotes(text):
            if text.startswith('"'):
                return [{"start": 0, "end": 17, "label": "QUOTE", "speaker": "Lagarde"}]
            return []
        quotes.layers = ("quote",)

        def people(text):
            return [{"start": 0, "end": 11, "label": "PER"}] if text.startswith("Olaf") else []

        def broken_layers(text):
            return []
        broken_layers.layers = ("entities",)  # not a layer name: ignored, every layer assumed
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("board_ext", None)
    yield
    sys.modules.pop("board_ext", None)


def test_extractor_layers(plugin):
    assert extractor_layers("baseline") == ("entity", "quote")
    assert extractor_layers("spacy:anything") == ("entity",) and extractor_layers("hf:/some/model") == ("entity",)
    assert extractor_layers("textacy-quotes") == ("quote",) == extractor_layers("textacy-quotes:en_core_web_sm")
    assert extractor_layers("board_ext:quotes") == ("quote",)
    assert extractor_layers("board_ext:people") == ("entity", "quote")
    assert extractor_layers("board_ext:broken_layers") == ("entity", "quote")
    assert all(entry.layers for entry in REGISTRY.values())  # every entry declares its layers


def test_rows_with_hand_worked_numbers_and_dashes(own_gold, plugin, tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "a", "spans": [{"start": 20, "end": 25, "label": "LOC"}]}) + "\n")
    board = board_json("--gold", own_gold, "--extractor", "board_ext:quotes", "--extractor", "board_ext:people",
                       "--predictions", preds, "--bootstrap", "0")
    quotes, people, file_row = board["rows"]
    # Quotes only: the quote is exact, the speaker name is right; the entity layer is not produced.
    assert quotes["entity"] is None and quotes["quote"]["micro"]["f1"] == 1.0
    assert quotes["quote"]["attribution"]["f1"] == 1.0 and quotes["seconds_per_document"] >= 0
    # People declares no layers, so both are scored: 1 of 5 gold entities (P 1, R 0.2), no quotes.
    assert people["entity"]["micro"]["f1"] == pytest.approx(2 * 0.2 / 1.2)
    assert people["entity"]["labels"]["PER"]["f1"] == pytest.approx(2 * 0.5 / 1.5)
    assert people["quote"]["micro"]["f1"] == 0.0
    # Entity sets: "Olaf Scholz" names 1 of the 3 gold entities (Olaf Scholz, Paris, Lagarde): P 1, R 1/3.
    assert people["entity"]["entity_sets"]["f1"] == pytest.approx(0.5)
    assert file_row["extractor"] == str(preds) and file_row["seconds_per_document"] is None
    assert file_row["entity"]["labels"]["LOC"]["f1"] == 1.0
    markdown = invoke("leaderboard", "--gold", own_gold, "--extractor", "board_ext:quotes", "--bootstrap", "0",
                      "--format", "markdown", "--no-progress").stdout
    lines = markdown.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| extractor"))
    row = [c.strip() for c in lines[header + 2].strip("|").split("|")]
    assert len(row) == len(COLUMNS) and row[0] == "board_ext:quotes"
    assert row[1:7] == [DASH] * 6 and row[7] == "100.0" and row[8] == "100.0"
    assert "strict scheme" in lines[0] and "no intervals" in lines[0]


def test_baseline_row_agrees_with_score_and_workers_do_not_change_it(tmp_path):
    board = board_json("--extractor", "baseline", "--bootstrap", "200", "--output", tmp_path / "board.json")
    result = invoke("score", "--extractor", "baseline", "--format", "json", "--bootstrap", "200", "--no-progress",
                    "--with", "entities")
    report = json.loads(result.stdout)
    row = board["rows"][0]
    for layer in ("entity", "quote"):
        micro = report["layers"][layer]["schemes"]["strict"]["micro"]
        assert row[layer]["micro"] == {"f1": micro["f1"], "f1_ci": micro["f1_ci"]}
    assert row["entity"]["entity_sets"] == {"f1": report["entities"]["micro"]["f1"],
                                            "f1_ci": report["entities"]["micro"]["f1_ci"]}
    assert row["quote"]["attribution"]["f1"] == report["layers"]["quote"]["speakers"]["attribution"]["strict"]["f1"]
    assert row["documents"] == 4 and 0 < row["seconds_per_document"] < 5
    assert json.loads((tmp_path / "board.json").read_text()) == board
    parallel = board_json("--extractor", "baseline", "--bootstrap", "200", "--workers", "2", "--batch-size", "1")
    for key in ("entity", "quote", "extractor_errors"):
        assert parallel["rows"][0][key] == row[key]


def test_cached_rows_say_so(tmp_path):
    cache = tmp_path / "cache"
    first = board_json("--extractor", "baseline", "--bootstrap", "0", "--cache", cache)["rows"][0]
    second = board_json("--extractor", "baseline", "--bootstrap", "0", "--cache", cache)["rows"][0]
    assert first["cached_documents"] == 0 and second["cached_documents"] == 4
    assert second["entity"] == first["entity"]
    # s/doc is the time measured when the predictions were computed.
    assert second["seconds_per_document"] == pytest.approx(first["seconds_per_document"])
    table = invoke("leaderboard", "--extractor", "baseline", "--bootstrap", "0", "--cache", cache, "--no-progress")
    assert "4 of 4 documents from the prediction cache" in table.stdout


@pytest.mark.parametrize("args, message", [
    ((), "give at least one --extractor or --predictions"),
    (("--extractor", "no_such_module_xyz:f"), "cannot load extractor 'no_such_module_xyz:f'"),
    (("--extractor", "spacy"), "cannot load extractor 'spacy'"),
])
def test_bad_leaderboard_input_is_a_clear_error(args, message):
    result = invoke("leaderboard", "--no-progress", *args)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_markdown_escapes_pipes_in_names():
    row = {"extractor": "a|b", "entity": None, "quote": None, "seconds_per_document": None, "documents": 1,
           "cached_documents": 0, "extractor_errors": {}}
    text = leaderboard_markdown({"gold": "g", "scheme": "strict", "bootstrap": None, "rows": [row]})
    assert "| a\\|b | – |" in text


def test_extractors_listing_matches_installed_packages():
    result = invoke("extractors", "--format", "json")
    assert result.exit_code == 0
    rows = {r["spec"].split(":")[0].split("[")[0]: r for r in json.loads(result.stdout)}
    assert rows["baseline"]["available"] and rows["baseline"]["version"] == BASELINE_VERSION
    for adapter in adapters():
        prefix = adapter.name
        missing = [p for p in adapter.packages if importlib.util.find_spec(p) is None]
        assert rows[prefix]["available"] == (not missing) and rows[prefix]["missing"] == missing
        assert rows[prefix]["install"] == adapter.install and rows[prefix]["layers"] == list(adapter.layers)
    table = runner.invoke(APP, ["extractors"], env={"COLUMNS": "250"}).stdout
    for adapter in adapters():
        prefix = adapter.name
        line = next(line for line in table.splitlines() if line.startswith(f"│ {prefix}"))
        assert ("│ yes " in line) == rows[prefix]["available"]
        assert (adapter.install in line) == (not rows[prefix]["available"])  # markup such as [spacy] kept


def test_listing_imports_no_model_package():
    code = ("import sys; from newsspans.evaluation.cli.leaderboard import extractor_listing; extractor_listing(); "
            "print(sorted(m for m in ('spacy', 'torch', 'transformers', 'textacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_an_extractor_that_failed_on_every_document_fails_the_leaderboard(own_gold, tmp_path):
    # A row of zeros would rank a broken setup as a bad model: the board is bad input, exit 2.
    (tmp_path / "broken.py").write_text("def extract(text):\n    raise OSError('model file missing')\n")
    result = invoke("leaderboard", "--gold", own_gold, "--extractor", "baseline",
                    "--extractor", f"{tmp_path / 'broken.py'}:extract", "--format", "json", "--no-progress")
    assert result.exit_code == 2 and not result.stdout
    assert result.stderr == "error: the extractor failed on every document; first, 'a': OSError: model file missing\n"
