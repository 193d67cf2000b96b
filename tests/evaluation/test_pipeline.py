"""The public pipeline is what `newsspans score` runs: same report from Python and from the CLI."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli_app import make_app
from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document, Span
from newsspans.evaluation import ExtractorRun, ScoreOptions, load_gold, run_extractor, score, score_run

runner = CliRunner()


def test_cli_and_python_give_the_same_json_report(tmp_path, monkeypatch):
    # One NORP (dropped by the spacy map with --drop-unknown) and one PERSON per document.
    module = tmp_path / "norp_ner.py"
    module.write_text("class Ner:\n    def __call__(self, text):\n"
                      "        return [{'start': 0, 'end': 1, 'label': 'NORP'}, {'start': 0, 'end': 2, 'label': 'PERSON'}]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    result = runner.invoke(make_app(), ["score", "--extractor", "norp_ner:Ner", "--label-map", "spacy",
                                        "--drop-unknown", "--format", "json", "--bootstrap", "50", "--no-progress"])
    assert result.exit_code == 0, result.output
    from_cli = json.loads(result.stdout)

    gold = load_gold()
    run, source = run_extractor(gold, extractor="norp_ner:Ner")
    report = score_run(gold, run, source=source, label_map="spacy", drop_unknown=True,
                       options=ScoreOptions(n_resamples=50))
    from_python = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert from_python == from_cli
    assert from_cli["dropped"]["NORP"] == len(gold.documents)  # the label map's drops are in both


def test_an_extractor_failing_everywhere_is_an_error_from_python_too():
    gold = load_gold()
    run = ExtractorRun(errors={d.id: "boom" for d in gold.documents})
    with pytest.raises(CorpusError, match="failed on every document"):
        score_run(gold, run)


DOC = Document(id="d", title="", text="Angela Merkel met Macron.", source="")


def test_score_takes_plain_dict_predictions():
    gold = [Span("d", "T1", 0, 13, "PER", "Angela Merkel"), Span("d", "T2", 18, 24, "PER", "Macron")]
    report = score([DOC], gold, {"d": [{"start": 0, "end": 13, "label": "PER"}, {"start": 18, "end": 24,
                                                                                 "label": "PER"}]},
                   ScoreOptions(n_resamples=0))
    assert report.micro_f1("entity", "strict") == 1.0


def test_score_rejects_overlapping_gold_as_the_cli_does():
    gold = [Span("d", "T1", 0, 13, "PER", "Angela Merkel"), Span("d", "T2", 7, 13, "PER", "Merkel")]
    with pytest.raises(CorpusError, match="overlap"):
        score([DOC], gold, {}, ScoreOptions(n_resamples=0))
