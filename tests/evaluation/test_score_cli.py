"""`newsspans score` and `newsspans compare` end to end, against the bundled corpus and small
hand-made gold files whose numbers are worked out by hand."""
from __future__ import annotations

import json
import sys
import textwrap

import pytest
from cli_app import make_app
from typer.testing import CliRunner

from newsspans.corpus.store import Corpus
from newsspans.evaluation.predictions import Prediction, write_predictions

runner = CliRunner()


APP = make_app()


def invoke(*args: str):
    return runner.invoke(APP, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def bundled():
    docs, spans = Corpus().load()
    assert spans, "the bundled corpus has gold spans"
    return docs, spans


def gold_predictions(docs, spans, drop: int | None = None) -> dict[str, list[Prediction]]:
    """The gold itself as predictions (speakers as the speaker mention's span), minus span `drop`."""
    by_id = {(s.doc_id, s.id): s for s in spans}
    out = {d.id: [] for d in docs}
    for i, s in enumerate(spans):
        if i == drop:
            continue
        speaker = by_id[(s.doc_id, s.speaker)] if s.speaker else None
        out[s.doc_id].append(Prediction(s.doc_id, s.start, s.end, s.label, s.text, s.num_kind,
                                        (speaker.start, speaker.end) if speaker else None, s.canonical))
    return out


def report_json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_gold_against_itself_scores_one(bundled, tmp_path):
    docs, spans = bundled
    path = tmp_path / "gold.jsonl"
    write_predictions(path, gold_predictions(docs, spans))
    report = report_json(invoke("score", "--predictions", path, "--format", "json", "--no-progress",
                                "--bootstrap", "50"))
    assert report["schema_version"] == 3 and report["documents"] == [d.id for d in docs]
    # The sections beyond the span tables are computed when asked for (--with), not by default.
    assert report["settings"]["sections"] == [] and not {"entities", "coreference", "num_kinds", "breakdowns",
                                                         "document_average"} & set(report)
    for layer in report["layers"].values():
        if layer["schemes"]["strict"]["micro"]["possible"]:
            for scheme in layer["schemes"].values():
                # The bundled corpus has 4 documents: too few for an interval (settings.bootstrap.note).
                assert scheme["micro"]["f1"] == 1.0 and scheme["micro"]["f1_ci"] is None
    assert report["settings"]["bootstrap"]["note"].startswith("too few documents")
    if any(s.label == "QUOTE" and s.speaker for s in spans):
        speakers = report["layers"]["quote"]["speakers"]
        for level in (speakers, speakers["mention"], speakers["entity"]):
            assert level["attribution"]["strict"]["f1"] == 1.0 and level["accuracy"] == 1.0
    # Every section beyond the span tables is perfect too, once asked for.
    everything = report_json(invoke("score", "--predictions", path, "--format", "json", "--no-progress",
                                    "--bootstrap", "50", "--with", "all"))
    assert everything["settings"]["sections"] == ["entities", "coreference", "num_kinds", "breakdowns",
                                                  "document_average"]
    assert everything["layers"] == report["layers"]  # asking for sections changes no span score
    report = everything
    assert report["entities"]["micro"]["f1"] == 1.0 and report["entities"]["micro"]["f1_ci"] is None  # 4 documents
    assert all(report["coreference"][m]["f1"] == 1.0 for m in ("muc", "b_cubed", "ceaf_e", "conll"))
    kinds = report["num_kinds"]
    assert kinds["accuracy"] == 1.0 and kinds["strict_with_kind"]["f1"] == 1.0
    assert kinds["matched"] == sum(s.label == "NUM" for s in spans)
    for buckets in report["breakdowns"].values():
        for layers in buckets.values():
            for schemes in layers.values():
                assert schemes["strict"]["f1"] == 1.0
    assert report["document_average"]["entity"]["strict"]["f1_mean"] == 1.0
    assert report["document_average"]["entity"]["strict"]["f1_sd"] == 0.0


def test_one_span_removed_gives_exactly_one_missed(bundled, tmp_path):
    docs, spans = bundled
    k = next(i for i, s in enumerate(spans) if s.label == "LOC")
    path = tmp_path / "preds.jsonl"
    write_predictions(path, gold_predictions(docs, spans, drop=k))
    report = report_json(invoke("score", "--predictions", path, "--format", "json", "--bootstrap", "0"))
    micro = report["layers"]["entity"]["schemes"]["strict"]["micro"]
    assert (micro["missed"], micro["spurious"], micro["precision"]) == (1, 0, 1.0)
    assert report["layers"]["entity"]["schemes"]["strict"]["labels"]["LOC"]["missed"] == 1
    missed = [g for g in report["layers"]["entity"]["gold"] if g["outcomes"]["strict"] == "missed"]
    assert [(g["doc_id"], g["id"]) for g in missed] == [(spans[k].doc_id, spans[k].id)]
    # The table and the error list name it too.
    result = invoke("score", "--predictions", path, "--errors", "--bootstrap", "0")
    assert result.exit_code == 0 and "missed LOC" in result.stdout and spans[k].text in result.stdout
    # --fail-under: the micro F1 is below 1, so CI fails with exit code 1.
    assert invoke("score", "--predictions", path, "--bootstrap", "0", "--fail-under", "1.0").exit_code == 1
    assert invoke("score", "--predictions", path, "--bootstrap", "0", "--fail-under", "0.5").exit_code == 0


def test_command_end_to_end_with_saved_predictions(bundled, tmp_path):
    docs, spans = bundled
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({d.id: [p.to_dict() for p in ps]
                                   for d, ps in zip(docs, gold_predictions(docs, spans).values())}))
    script = tmp_path / "extractor.py"
    script.write_text(textwrap.dedent(f"""
        import json, sys
        answers = json.load(open({str(answers)!r}))
        for line in sys.stdin:
            doc = json.loads(line)
            print(json.dumps({{"id": doc["id"], "spans": answers[doc["id"]]}}))
    """))
    saved = tmp_path / "saved.jsonl"
    out = tmp_path / "report.json"
    result = invoke("score", "--command", f"{sys.executable} {script}", "--save-predictions", saved,
                    "--output", out, "--bootstrap", "0", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "entity layer, strict scheme" in result.stdout
    first = json.loads(out.read_text())
    assert first["layers"]["entity"]["schemes"]["strict"]["micro"]["f1"] == 1.0
    # Re-scoring the saved predictions gives the same report, without the extractor.
    again = report_json(invoke("score", "--predictions", saved, "--format", "json", "--bootstrap", "0"))
    assert again["layers"] == first["layers"]


def test_extractor_by_module_path_with_a_failing_document(bundled, tmp_path, monkeypatch):
    docs, _ = bundled
    (tmp_path / "cli_extractor.py").write_text(textwrap.dedent(f"""
        def extract(text):
            if text.startswith({docs[1].text[:20]!r}):
                raise RuntimeError("model crashed")
            return []
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    report = report_json(invoke("score", "--extractor", "cli_extractor:extract", "--format", "json",
                                "--bootstrap", "0", "--no-progress"))
    assert report["extractor_errors"] == {docs[1].id: "RuntimeError: model crashed"}
    result = invoke("score", "--extractor", "cli_extractor:extract", "--fail-fast", "--no-progress")
    assert result.exit_code == 2 and "model crashed" in result.stderr and "Traceback" not in result.output


# --- A hand-made gold file ---------------------------------------------------------------------

def test_own_gold_with_hand_worked_numbers(own_gold, tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "spans": [{"start": 0, "end": 11, "label": "PERSON"},   # correct after mapping
                              {"start": 20, "end": 25, "label": "ORG"},     # right span, wrong type
                              {"start": 29, "end": 35, "label": "DATE"},    # correct (NUM)
                              {"start": 12, "end": 19, "label": "NORP"}]},  # ignored by the preset
        {"id": "b", "spans": [{"start": 1, "end": 16, "label": "QUOTE", "speaker": "lagarde"},  # partial quote
                              {"start": 13, "end": 14, "label": "CARDINAL"}]},  # boundary error on 5%
    ]) + "\n")
    report = report_json(invoke("score", "--gold", own_gold, "--predictions", preds, "--label-map", "spacy",
                                "--format", "json", "--bootstrap", "0"))
    ent = report["layers"]["entity"]["schemes"]
    # Entities: 5 gold (PER, LOC, NUM date, NUM 5%, PER Lagarde), 4 predictions after dropping NORP.
    # strict: correct 2 (Scholz, Monday); incorrect 2 (Paris as ORG, "5"); missed 1 (Lagarde).
    s = ent["strict"]["micro"]
    assert (s["correct"], s["incorrect"], s["missed"], s["spurious"], s["possible"], s["actual"]) == (2, 2, 1, 0, 5, 4)
    assert (s["precision"], s["recall"]) == (0.5, 0.4)
    # exact: Paris is correct (same bounds, any label), "5" incorrect: P = 3/4, R = 3/5.
    e = ent["exact"]["micro"]
    assert (e["correct"], e["incorrect"], e["missed"]) == (3, 1, 1) and (e["precision"], e["recall"]) == (0.75, 0.6)
    # partial: Paris is correct (same bounds), "5" is partial: P = 3.5/4, R = 3.5/5.
    p = ent["partial"]["micro"]
    assert (p["correct"], p["partial"]) == (3, 1) and (p["precision"], p["recall"]) == (0.875, 0.7)
    # type: Scholz, Monday, "5" (overlap, NUM) correct; Paris incorrect: P = 3/4, R = 3/5.
    assert (ent["type"]["micro"]["precision"], ent["type"]["micro"]["recall"]) == (0.75, 0.6)
    assert report["dropped"] == {"NORP": 1}
    quote = report["layers"]["quote"]
    assert quote["schemes"]["strict"]["micro"]["f1"] == 0.0 and quote["schemes"]["partial"]["micro"]["f1"] == 0.5
    assert quote["speakers"]["accuracy"] == 1.0  # "lagarde" is the text of the speaker mention
    assert quote["speakers"]["attribution"]["partial"]["f1"] == 0.5


@pytest.mark.parametrize("content, message", [
    ('{"id": "a", "spans": []}\n{"id": "a", "spans": [}\n', "p.jsonl:2: malformed JSON"),
    ('{"id": "zzz", "spans": []}\n', "p.jsonl:1, document 'zzz': predictions for a document that is not in the gold"),
    ('{"id": "a", "spans": [{"start": 0, "end": 99, "label": "PER"}]}\n',
     "p.jsonl:1, document 'a', span 'prediction 0': offsets [0, 99) are outside the text"),
    ('{"id": "a", "spans": [{"start": 3, "end": 3, "label": "PER"}]}\n', "start >= end"),
    ('{"id": "a", "spans": [{"start": 0, "end": 4, "label": "PER", "text": "Olav"}]}\n',
     "text 'Olav' does not match text[0:4] = 'Olaf'"),
    ('{"id": "a", "spans": [{"start": 0, "end": 4, "label": "PERSON"}]}\n', "unknown label 'PERSON'"),
    ('{"id": "a", "spans": [{"start": 0, "end": 4, "label": "NUM", "num_kind": "weird"}]}\n',
     "p.jsonl:1, document 'a', span 'prediction 0': unknown num_kind 'weird'"),
])
def test_bad_input_is_one_line_per_problem_exit_2(own_gold, tmp_path, content, message):
    preds = tmp_path / "p.jsonl"
    preds.write_text(content)
    result = invoke("score", "--gold", own_gold, "--predictions", preds)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_an_empty_prediction_file_is_an_error_unless_allowed(own_gold, tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text("\n")
    for command in (["score", "--predictions", preds], ["compare", preds, preds],
                    ["leaderboard", "--predictions", preds]):
        result = invoke(*command, "--gold", own_gold, "--format", "json")
        assert result.exit_code == 2 and not result.stdout
        assert result.stderr == f"error: {preds}: no predictions for any document (the predictions are empty); " \
                                "--allow-empty scores them as predicting nothing\n"
    report = report_json(invoke("score", "--gold", own_gold, "--predictions", preds, "--format", "json",
                                "--allow-empty"))
    assert report["layers"]["entity"]["schemes"]["strict"]["micro"]["f1"] == 0.0
    assert report["missing_predictions"] == ["a", "b"]


def test_standoff_gold_with_its_documents(tmp_path, bundled):
    docs, spans = bundled
    corpus = Corpus()
    preds = tmp_path / "p.jsonl"
    write_predictions(preds, gold_predictions(docs, spans))
    report = report_json(invoke("score", "--gold", corpus.annotations, "--gold-documents", corpus.sources,
                                "--predictions", preds, "--format", "json", "--bootstrap", "0"))
    assert report["layers"]["entity"]["schemes"]["strict"]["micro"]["f1"] == 1.0


def test_compare(own_gold, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "a", "spans": [{"start": 0, "end": 11, "label": "PER"}]}) + "\n")
    b.write_text("")
    result = invoke("compare", a, b, "--gold", own_gold, "--format", "json", "--bootstrap", "200", "--allow-empty")
    data = json.loads(result.stdout)
    entity = data["layers"]["entity"]
    # A: 1 correct of 1 predicted, 5 gold: P 1, R 0.2, F1 1/3. B: nothing, F1 0.
    assert entity["f1_a"] == pytest.approx(1 / 3) and entity["f1_b"] == 0.0
    assert entity["difference"] == pytest.approx(1 / 3)
    # Two documents: no interval and no p-value (it would claim a precision two documents cannot give).
    assert entity["p_value"] is None and entity["interval"] is None and "too few documents" in entity["note"]
    out = invoke("compare", a, b, "--gold", own_gold, "--allow-empty").stdout
    assert "A-B" in out and "no p-value: too few documents" in out


def test_an_extractor_that_fails_on_every_document_is_an_error_not_a_zero_score(tmp_path):
    result = invoke("score", "--command", "newsspans-no-such-program-xyz", "--no-progress")
    assert result.exit_code == 2
    assert "error: the extractor failed on every document" in result.stderr


def test_extractor_options_with_a_predictions_file_are_an_error(tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text("")
    result = invoke("score", "--predictions", preds, "--workers", "2", "--timeout", "3")
    assert result.exit_code == 2
    assert "--workers, --timeout act on a running extractor; --predictions runs none" in result.stderr


def test_every_command_has_help_with_an_example():
    for command in ("score", "compare"):
        result = invoke(command, "--help")
        assert result.exit_code == 0 and f"newsspans {command}" in result.stdout


# --- The tokens config ----------------------------------------------------------------------------

def test_score_tokens_matches_seqeval_and_rejects_bad_rows(bundled, tmp_path):
    from newsspans.corpus.rows import token_rows

    docs, spans = bundled
    rows, _ = token_rows(docs, spans)
    path = tmp_path / "tags.jsonl"
    lines = []
    for k, r in enumerate(rows):
        # Drop every third entity's first tag: stray I- tags, which seqeval strict mode ignores.
        ner = [("O" if t.startswith("B-") and (k + i) % 3 == 0 else t) for i, t in enumerate(r["ner_tags"])]
        lines.append(json.dumps({"id": r["id"], "ner_tags": ner}))
    path.write_text("\n".join(lines) + "\n")
    result = report_json(invoke("score-tokens", path, "--format", "json"))
    assert set(result) == {"ner_tags"}
    ours, theirs = result["ner_tags"]["newsspans"], result["ner_tags"]["seqeval"]
    for key in ours:
        for metric in ("precision", "recall", "f1-score", "support"):
            assert ours[key][metric] == pytest.approx(theirs[key][metric])
    assert theirs["micro avg"]["recall"] < 1.0
    table = invoke("score-tokens", path)
    assert table.exit_code == 0 and "micro avg" in table.stdout

    path.write_text(json.dumps({"id": rows[0]["id"], "ner_tags": ["O"]}) + "\n")
    bad = invoke("score-tokens", path)
    assert bad.exit_code == 2 and f"tags.jsonl:1, document {rows[0]['id']!r}: ner_tags: 1 tags for" in bad.stderr

    # A sentence twice is refused, as `score` refuses a document twice (even with equal tags).
    path.write_text("\n".join(lines[:2] + lines[:1] + lines[2:]) + "\n")
    twice = invoke("score-tokens", path)
    assert twice.exit_code == 2
    assert twice.stderr == f"error: {path}:3, document {rows[0]['id']!r}: sentence listed twice (first at line 1)\n"


# conll2003's tag ids (O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC), then NUM where conll2003 has MISC.
CONLL2003_IDS = {"O": 0, "B-PER": 1, "I-PER": 2, "B-ORG": 3, "I-ORG": 4, "B-LOC": 5, "I-LOC": 6, "B-NUM": 7, "I-NUM": 8}


def test_score_tokens_reads_integer_tags_as_conll2003_ids(bundled, tmp_path):
    from newsspans.corpus.rows import token_rows

    docs, spans = bundled
    rows, _ = token_rows(docs, spans)
    path = tmp_path / "ids.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "ner_tags": [CONLL2003_IDS[t] for t in r["ner_tags"]]}) + "\n"
                            for r in rows))
    seqeval = report_json(invoke("score-tokens", path, "--format", "json"))["ner_tags"]["seqeval"]
    # The gold itself, as conll2003 ids: every label is right; ORG (3, 4) and LOC (5, 6) are not swapped.
    assert {label: seqeval[label]["f1-score"] for label in ("PER", "ORG", "LOC", "NUM")} == \
        {"PER": 1.0, "ORG": 1.0, "LOC": 1.0, "NUM": 1.0}
    entity_spans = [s for s in spans if s.label in ("ORG", "LOC")]
    assert seqeval["ORG"]["support"] + seqeval["LOC"]["support"] == len(entity_spans)
    assert seqeval["ORG"]["support"] == sum(s.label == "ORG" for s in spans)


def test_errors_list_speaker_mistakes_and_unwritable_output_is_a_clean_error(own_gold, tmp_path):
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "b", "spans": [
        {"start": 0, "end": 17, "label": "QUOTE", "speaker": {"start": 13, "end": 15}}]}) + "\n")
    result = invoke("score", "--gold", own_gold, "--predictions", preds, "--errors", "--bootstrap", "0")
    assert result.exit_code == 0
    assert "speaker: gold 'Lagarde', predicted '5%'" in result.stdout
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = invoke("score", "--gold", own_gold, "--predictions", preds, "--output", blocker / "r.json")
    assert result.exit_code == 2 and "error: " in result.stderr and "Traceback" not in result.output
