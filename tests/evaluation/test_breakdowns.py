"""Breakdowns worked by hand: by a field of the user's own gold, by length, shape and
seen/unseen; the document-level average and its spread; F-beta; too-small buckets; the CLI's
--by (and its error for a field no document has) and `compare --by`."""
from __future__ import annotations

import json
import math

import pytest
from cli_app import make_app
from typer.testing import CliRunner

from newsspans.evaluation import load_gold
from newsspans.evaluation.extractors.runner import ExtractorRun
from newsspans.evaluation.pipeline import score_run
from newsspans.evaluation.predictions import parse_predictions
from newsspans.evaluation.scoring.breakdowns import TOO_SMALL, shape_bucket
from newsspans.evaluation.scoring.report import ScoreOptions

A = "ECB chief Lagarde met Olaf Scholz in Paris."
B = "Lagarde spoke in Berlin."


def _span(text, part, label, **extra):
    start = text.index(part)
    return {"start": start, "end": start + len(part), "label": label, **extra}


GOLD = [
    {"id": "a", "text": A, "desk": "economy", "spans": [_span(A, "ECB", "ORG"), _span(A, "Lagarde", "PER"),
                                                       _span(A, "Olaf Scholz", "PER"), _span(A, "Paris", "LOC")]},
    {"id": "b", "text": B, "desk": "politics", "spans": [_span(B, "Lagarde", "PER"), _span(B, "Berlin", "LOC")]},
]
# "Scholz" cuts "Olaf Scholz" short and "Berlin" has the wrong label: strict errors both.
PREDICTIONS = [
    {"id": "a", "spans": [_span(A, "ECB", "ORG"), _span(A, "Lagarde", "PER"), _span(A, "Scholz", "PER"),
                          _span(A, "Paris", "LOC")]},
    {"id": "b", "spans": [_span(B, "Lagarde", "PER"), _span(B, "Berlin", "ORG")]},
]


@pytest.fixture
def files(tmp_path):
    gold, preds = tmp_path / "gold.jsonl", tmp_path / "preds.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in GOLD))
    preds.write_text("".join(json.dumps(r) + "\n" for r in PREDICTIONS))
    return gold, preds


def report(files, **options):
    gold = load_gold(files[0])
    run = ExtractorRun(parse_predictions(files[1].read_text()))
    options.setdefault("sections", ("all",))
    return score_run(gold, run, options=ScoreOptions(n_resamples=0, **options)).to_dict()


def strict(data, dimension, bucket, layer="entity"):
    return data["breakdowns"][dimension][bucket][layer]["strict"]


def test_buckets_by_hand(files):
    data = report(files, by=("desk",))
    # Length in tokens, each span by its own text: bucket 1 holds 5 gold spans (4 correct) and
    # 6 predictions (4 correct, "Scholz" and "Berlin" not): P 4/6, R 4/5, F1 8/11.
    one = strict(data, "length", "1")
    assert (one["possible"], one["actual"]) == (5, 6)
    assert (one["precision"], one["recall"], one["f1"]) == pytest.approx([4 / 6, 4 / 5, 8 / 11])
    assert strict(data, "length", "2")["f1"] == 0.0  # "Olaf Scholz", missed at its boundaries
    # Seen: "Lagarde" is a gold PER of the other document too; the rest are unseen.
    assert strict(data, "seen", "seen")["f1"] == 1.0 and strict(data, "seen", "seen")["possible"] == 2
    assert strict(data, "seen", "unseen")["f1"] == pytest.approx(0.5)
    # Shape: "ECB" all caps (right), the rest title case (3 of 5 right on both sides).
    assert strict(data, "shape", "all_caps")["f1"] == 1.0
    assert strict(data, "shape", "title_case")["f1"] == pytest.approx(3 / 5)
    # The user's own field: 3 of 4 right in "economy", 1 of 2 in "politics".
    assert strict(data, "desk", "economy")["f1"] == pytest.approx(0.75)
    assert strict(data, "desk", "politics")["f1"] == pytest.approx(0.5)
    # Every bucket here is below 10 gold spans: no interval, and it says so.
    assert strict(data, "desk", "economy")["f1_ci"] is None and strict(data, "desk", "economy")["note"] == TOO_SMALL
    # Entity sets: 6 gold entities (Lagarde once per document); "Scholz" is not a name of Olaf
    # Scholz (only its full text is) and "Berlin" as ORG names nothing: 4 named, 6 predicted.
    e = data["entities"]["micro"]
    assert (e["named"], e["gold"], e["predicted"]) == (4, 6, 6)
    # Document average: F1 0.75 and 0.5: mean 0.625, sample sd 0.125 * sqrt(2).
    avg = data["document_average"]["entity"]["strict"]
    assert (avg["f1_mean"], avg["f1_sd"], avg["documents"]) == pytest.approx([0.625, 0.125 * math.sqrt(2), 2])


def test_f_beta(files):
    data = report(files, beta=2.0)
    # Bucket 1: P 2/3, R 4/5: F2 = 5 * (2/3)(4/5) / (4 * 2/3 + 4/5) = 10/13.
    assert strict(data, "length", "1")["f_beta"] == pytest.approx(10 / 13)
    assert data["settings"]["beta"] == 2.0
    assert data["layers"]["entity"]["schemes"]["strict"]["micro"]["f_beta"] == pytest.approx(2 / 3)


def test_shapes():
    assert [shape_bucket(t) for t in ("ECB", "Olaf Scholz", "5%", "chancellor", "van Gogh")] == \
        ["all_caps", "title_case", "digits", "other", "other"]


def test_intervals_on_a_bucket_with_support(tmp_path):
    # 12 documents with one right and one missed PER each: bucket "1" has 24 gold spans in 12
    # documents, so it gets an interval; F1 is 2/3 in every resample.
    text = "Anna met Berta."
    gold = [{"id": f"d{i}", "text": text, "spans": [_span(text, "Anna", "PER"), _span(text, "Berta", "PER")]}
            for i in range(12)]
    preds = [{"id": f"d{i}", "spans": [_span(text, "Anna", "PER")]} for i in range(12)]
    g, p = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
    g.write_text("".join(json.dumps(r) + "\n" for r in gold))
    p.write_text("".join(json.dumps(r) + "\n" for r in preds))
    run = ExtractorRun(parse_predictions(p.read_text()))
    data = score_run(load_gold(g), run, options=ScoreOptions(n_resamples=100, sections=("breakdowns",))).to_dict()
    one = strict(data, "length", "1")
    assert "note" not in one and one["f1_ci"] == pytest.approx([2 / 3, 2 / 3])


runner = CliRunner()
APP = make_app()


def test_cli_by_and_compare_by(files):
    gold, preds = files
    result = runner.invoke(APP, ["score", "--gold", str(gold), "--predictions", str(preds), "--by", "desk",
                                 "--bootstrap", "0"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "by desk" in result.stdout and "economy" in result.stdout and "too small" in result.stdout
    # The other sections are computed when asked for (--with), and then print too.
    lines = ("entity sets per document", "coreference (F1): MUC", "number kinds: 0/0 matched NUMs",
             "document average: F1 62.5 ± 17.7 (sd) over 2 documents")
    assert not any(line in result.stdout for line in lines)
    result = runner.invoke(APP, ["score", "--gold", str(gold), "--predictions", str(preds), "--by", "desk",
                                 "--bootstrap", "0", "--with", "all"], catch_exceptions=False)
    for line in lines:
        assert line in result.stdout, line
    # --with breakdowns prints every default dimension; --by alone its own field only.
    assert "by length" in result.stdout and "by seen" in result.stdout
    result = runner.invoke(APP, ["score", "--gold", str(gold), "--predictions", str(preds), "--by", "length",
                                 "--bootstrap", "0"], catch_exceptions=False)
    assert "by length" in result.stdout and "by seen" not in result.stdout and "by desk" not in result.stdout
    result = runner.invoke(APP, ["score", "--gold", str(gold), "--predictions", str(preds), "--by", "nosuch"])
    assert result.exit_code == 2 and "--by nosuch: no document has this field" in result.output
    result = runner.invoke(APP, ["compare", str(preds), str(preds), "--gold", str(gold), "--by", "desk",
                                 "--format", "json", "--bootstrap", "50"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    buckets = json.loads(result.stdout)["breakdowns"]["desk"]
    assert buckets["economy"]["entity"]["difference"] == 0.0
    assert buckets["economy"]["entity"]["f1_a"] == pytest.approx(0.75)
    assert buckets["economy"]["entity"]["note"] == TOO_SMALL
