"""Offset-free predictions and scores through every input path: a predictions file (mixed with
offsets), `--command`, a Python callable, the cache and --save-predictions; and the CLI's
--align, --threshold, --sweep, --errors and leaderboard columns.

The own gold (conftest): "Olaf Scholz visited Paris on Monday." (PER, LOC, NUM) and
"\"Prices rose 5%,\" said Lagarde." (QUOTE by Lagarde, NUM, PER)."""
from __future__ import annotations

import json
import sys
import textwrap

from cli_app import make_app
from typer.testing import CliRunner

from newsspans.evaluation import load_gold, run_extractor, score_run
from newsspans.evaluation.extractors.workers import RunSettings
from newsspans.evaluation.predictions import read_predictions

runner = CliRunner()
APP = make_app()

ANSWERS = {
    "a": [{"text": "Olaf Scholz", "label": "PER", "score": 0.9}, {"text": "paris", "label": "LOC", "score": 0.7},
          {"start": 29, "end": 35, "label": "NUM", "num_kind": "date", "score": 0.4},
          {"text": "Berlin", "label": "LOC", "score": 0.2}],
    "b": [{"text": "Prices rose 5%", "label": "QUOTE", "speaker": "Lagarde", "score": 0.8},
          {"text": "5%", "label": "NUM", "num_kind": "percent"}, {"text": "Lagarde", "label": "PER", "score": 0.95}],
}


def invoke(*args):
    return runner.invoke(APP, [str(a) for a in args], catch_exceptions=False)


def write_answers(path, answers=ANSWERS):
    path.write_text("".join(json.dumps({"id": k, "spans": v}) + "\n" for k, v in answers.items()))
    return path


def check_report(data):
    """What ANSWERS give: everything right but Berlin (not in the text: spurious)."""
    entity = data["layers"]["entity"]["schemes"]["strict"]["micro"]
    assert (entity["correct"], entity["spurious"], entity["possible"]) == (5, 1, 5)
    quote = data["layers"]["quote"]
    assert quote["schemes"]["strict"]["micro"]["correct"] == 1 and quote["speakers"]["speaker_correct"] == 1
    assert quote["predicted"][0]["text"] == "\"Prices rose 5%,\""  # widened to its marks
    counts = {k: v for k, v in data["alignment"]["entity"].items() if k != "unaligned_texts"}
    assert counts == {"offsets": 1, "exact": 3, "case": 1, "normalized": 0, "fuzzy": 0, "unaligned": 1, "merged": 0}
    assert data["alignment"]["entity"]["unaligned_texts"] == [{"doc_id": "a", "label": "LOC", "text": "Berlin"}]
    assert {e["text"]: e["score"] for e in data["layers"]["entity"]["predicted"]}["Lagarde"] == 0.95
    t = data["thresholds"]["entity"]["micro"]
    assert (t["scored"], t["unscored"]) == (5, 1)
    # Dropping Berlin (0.2) is best: above 0.2 everything kept is right.
    assert t["best"]["threshold"] == 0.4 and t["best"]["f1"] == 1.0


def test_a_mixed_predictions_file(own_gold, tmp_path):
    result = invoke("score", "--gold", own_gold, "--predictions", write_answers(tmp_path / "p.jsonl"),
                    "--format", "json", "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    check_report(json.loads(result.stdout))


def test_a_command_answering_without_offsets(own_gold, tmp_path):
    script = tmp_path / "llm_like.py"
    script.write_text(textwrap.dedent(f"""
        import json, sys
        answers = {ANSWERS!r}
        for line in sys.stdin:
            doc = json.loads(line)
            print(json.dumps({{"id": doc["id"], "spans": answers[doc["id"]]}}), flush=True)
    """))
    result = invoke("score", "--gold", own_gold, "--command", f"{sys.executable} {script}", "--format", "json",
                    "--bootstrap", "0", "--no-progress")
    assert result.exit_code == 0, result.output
    check_report(json.loads(result.stdout))


def test_a_python_callable_through_the_pipeline_and_the_cache(own_gold, tmp_path, monkeypatch):
    module = tmp_path / "my_llm.py"
    module.write_text(f"ANSWERS = {ANSWERS!r}\nTEXTS = {{}}\n\n\ndef extract(text):\n"
                      "    return ANSWERS['a' if text.startswith('Olaf') else 'b']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    gold = load_gold(own_gold)
    cache_dir = tmp_path / "cache"
    from newsspans.evaluation.extractors.cache import open_cache

    for _ in range(2):  # computed, then read back from the cache
        store = open_cache(cache_dir)
        run, source = run_extractor(gold, extractor="my_llm:extract", settings=RunSettings(progress=False),
                                    cache=store)
        check_report(score_run(gold, run, source=source).to_dict())
    assert store.stats.hits == 2


def test_save_predictions_keeps_them_offset_free_with_scores(own_gold, tmp_path):
    saved = tmp_path / "saved.jsonl"
    result = invoke("score", "--gold", own_gold, "--predictions", write_answers(tmp_path / "p.jsonl"),
                    "--save-predictions", saved, "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    again = read_predictions(saved)
    assert again["a"][0].start is None and again["a"][0].score == 0.9 and again["a"][2].start == 29


def test_threshold_sweep_errors_and_align_on_the_command_line(own_gold, tmp_path):
    preds = write_answers(tmp_path / "p.jsonl")
    result = invoke("score", "--gold", own_gold, "--predictions", preds, "--bootstrap", "0", "--threshold", "0.5",
                    "--sweep", "--errors")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "below --threshold 0.5, dropped: LOC 1, NUM 1" in out  # Berlin 0.2 and the date 0.4
    assert "offset-free predictions placed (1 with offsets): 3 exact · 1 case" not in out  # the date is gone
    assert "entity layer: confidence threshold sweep" in out and "reliability" in out
    result = invoke("score", "--gold", own_gold, "--predictions", preds, "--bootstrap", "0", "--errors")
    assert "offset-free predictions placed (1 with offsets): 3 exact · 1 case · 1 unaligned" in result.stdout
    assert "unaligned LOC 'Berlin': not found in the text (scored as spurious)" in result.stdout
    result = invoke("score", "--gold", own_gold, "--predictions", preds, "--bootstrap", "0", "--align", "nearest")
    assert result.exit_code == 2


def test_leaderboard_counts_fuzzy_and_unaligned_and_best_threshold(own_gold, tmp_path):
    answers = {**ANSWERS, "a": ANSWERS["a"] + [{"text": "Olaf Scholtz", "label": "PER", "score": 0.5}]}
    preds = write_answers(tmp_path / "p.jsonl", answers)
    result = invoke("leaderboard", "--gold", own_gold, "--predictions", preds, "--bootstrap", "0", "--format",
                    "json", "--no-progress")
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)["rows"][0]
    # The typo is found fuzzily on Olaf Scholz, which the exact claim takes first: merged, not spurious.
    assert row["alignment"] == {"fuzzy": 0, "unaligned": 1}
    assert row["best_threshold"]["entity"] == {"threshold": 0.4, "f1": 1.0}
    result = invoke("leaderboard", "--gold", own_gold, "--predictions", preds, "--bootstrap", "0", "--format",
                    "markdown", "--no-progress")
    assert "| 0 / 1 | E 100.0 @0.4; Q 100.0 @0.8 |" in result.stdout


def test_the_readme_example_places_every_string(tmp_path):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Predictions without offsets", 1)[1]
    example = json.loads(section.split("```json\n", 1)[1].split("```", 1)[0])
    path = tmp_path / "example.jsonl"
    path.write_text(json.dumps(example) + "\n")
    result = invoke("score", "--predictions", path, "--format", "json", "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["alignment"]["entity"]["unaligned"] == 0 and data["alignment"]["entity"]["offsets"] == 1
    quote, = data["layers"]["quote"]["predicted"]
    # Given without its quotation marks and trailing comma; placed with them, as the gold has it.
    assert quote["outcomes"]["strict"] == "correct" and quote["speaker_correct"] and quote["score"] == 0.7
    assert {e["text"] for e in data["layers"]["entity"]["predicted"]} == {"Lavrov", "Russia", "Kim Jong Un", None}


def test_html_report_of_offset_free_predictions_with_scores(own_gold, tmp_path):
    # The saved JSON passes `newsspans report`'s check (an unaligned prediction has null offsets),
    # and the page lists the unaligned text and draws the sweep with its calibration error.
    saved, page, again = tmp_path / "r.json", tmp_path / "r.html", tmp_path / "again.html"
    result = invoke("score", "--gold", own_gold, "--predictions", write_answers(tmp_path / "p.jsonl"),
                    "--bootstrap", "0", "--output", saved, "--html", page, "--quiet")
    assert result.exit_code == 0, result.output
    result = invoke("report", saved, "--gold", own_gold, "--html", again)
    assert result.exit_code == 0, result.output
    for html in (page.read_text(), again.read_text()):
        assert 'id="s-alignment"' in html and "Berlin" in html and "1 texts not found" in html
        assert 'id="s-thresholds"' in html and "expected calibration error" in html
