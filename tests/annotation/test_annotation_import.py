"""Label Studio import without a server: tasks -> export -> spans, strict checks, policies, agreement."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from newsspans.annotation.agreement import agreement_report, compare, format_report
from newsspans.annotation.cli import register
from newsspans.annotation.config import load_config, parse_config
from newsspans.annotation.convert import TaskAnnotation, parse_export
from newsspans.annotation.gold import gold_from_annotations, keep_unchanged
from newsspans.annotation.policies import choose
from newsspans.annotation.tasks import build_task, gold_result, prediction_result
from newsspans.corpus.locate import locate
from newsspans.corpus.model import SPAN_FIELDS, Span
from newsspans.corpus.store import Corpus

# Text that breaks UTF-16 offsets and normalisation: emoji (one astral code point, and a flag
# of two), combining accents (e + U+0301, u + U+0308) and curly quotes.
TITLE = "Mu\u0308ller’s café 😀 talks"
BODY = ("Jose\u0301 Mu\u0308ller told the 🇺🇳 UN in Zu\u0308rich: “We will pay 5% more 😀.” "
        "The Kafe 😀 Co board met 3 times. ‘Fine,’ said Anna Berg.")
OTHER_TITLE = "Lavrov visits Pyongyang"
OTHER_BODY = "Sergei Lavrov arrived in Pyongyang on Friday. “We are friends,” he said."


def small_corpus(root: Path) -> Corpus:
    """A two-document corpus with every attribute kind: canonical names, num_kind, speakers."""
    (root / "sources").mkdir(parents=True)
    records = [{"id": "unicode-doc", "title": TITLE, "text": BODY},
               {"id": "plain-doc", "title": OTHER_TITLE, "text": OTHER_BODY}]
    (root / "sources" / "000_small.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    corpus = Corpus(root)
    docs = {d.id: d for d in corpus.documents()}
    spans = []

    def add(doc_id, span_id, surface, label, after=None, **attrs):
        text = docs[doc_id].text
        start, end = locate(text, surface, after=after)
        spans.append(Span(doc_id, span_id, start, end, label, text[start:end], **attrs))

    add("unicode-doc", "T1", "Mu\u0308ller", "PER", canonical="Müller")
    add("unicode-doc", "T2", "Jose\u0301 Mu\u0308ller", "PER", after="\n", canonical="José Müller")
    add("unicode-doc", "T3", "UN", "ORG", after="🇺🇳", canonical="United Nations")
    add("unicode-doc", "T4", "Zu\u0308rich", "LOC", canonical="Zürich")
    add("unicode-doc", "T5", "We will pay 5% more 😀.", "QUOTE", speaker="T2")
    add("unicode-doc", "T6", "5%", "NUM", num_kind="percent")
    add("unicode-doc", "T7", "Kafe 😀 Co", "ORG", canonical="Kafe Co")
    add("unicode-doc", "T8", "3", "NUM", after="met", num_kind="cardinal")
    add("unicode-doc", "T9", "Fine,", "QUOTE", speaker="T10")
    add("unicode-doc", "T10", "Anna Berg", "PER", canonical="Anna Berg")
    add("plain-doc", "T1", "Lavrov", "PER", canonical="Sergei Lavrov")
    add("plain-doc", "T2", "Pyongyang", "LOC", canonical="Pyongyang")
    add("plain-doc", "T3", "Sergei Lavrov", "PER", after="\n", canonical="Sergei Lavrov")
    add("plain-doc", "T4", "Pyongyang", "LOC", after="arrived", canonical="Pyongyang")
    add("plain-doc", "T5", "Friday", "NUM", num_kind="date")
    add("plain-doc", "T6", "We are friends,", "QUOTE", speaker="T3")
    corpus.write_gold(spans)
    return corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    return small_corpus(tmp_path / "corpus")


def export_of(corpus: Corpus, annotations_per_doc: dict | None = None) -> list[dict]:
    """What Label Studio exports after an annotator submitted the gold unchanged for every document."""
    docs, spans = corpus.load()
    out = []
    for n, doc in enumerate(docs, start=1):
        task = build_task(doc)
        anns = (annotations_per_doc or {}).get(doc.id) or [
            {"result": gold_result(doc, [s for s in spans if s.doc_id == doc.id]), "ground_truth": True}]
        out.append({"id": n, "data": task["data"], "drafts": [], "predictions": [], "annotations": [
            {"id": 100 * n + k, "completed_by": 1, "was_cancelled": False, "created_at": f"2025-01-0{k}T00:00:00Z",
             "updated_at": f"2025-01-0{k}T00:00:00Z", "prediction": {}, **copy.deepcopy(a)}
            for k, a in enumerate(anns, start=1)]})
    return out


def _fields(spans):
    return sorted(tuple(getattr(s, f) for f in SPAN_FIELDS) for s in spans)


def test_config_matches_the_corpus_model():
    cfg = load_config()
    assert list(cfg.colours) == ["PER", "LOC", "ORG", "NUM", "QUOTE"]
    assert len(set(cfg.colours.values())) == 5
    assert cfg.relations == ("speaker",)
    broken = cfg.xml.replace('<Label value="QUOTE" background="#d62728" hotkey="q"/>', "")
    with pytest.raises(ValueError, match="differ from the corpus labels"):
        parse_config(broken)
    with pytest.raises(ValueError, match="perRegion"):
        parse_config(cfg.xml.replace('perRegion="true" choice="single"', 'choice="single"'))


def test_unicode_offsets_are_code_points(corpus):
    """Region offsets index code points: emoji count one (a flag two), combining marks count one."""
    docs, spans = corpus.load()
    doc = docs[0]
    result = gold_result(doc, [s for s in spans if s.doc_id == doc.id])
    un = next(r for r in result if r["id"] == "T3" and r["from_name"] == "label")
    assert un["value"]["text"] == "UN" and doc.text[un["value"]["start"]:un["value"]["end"]] == "UN"
    assert len(doc.text.encode("utf-16-le")) // 2 > len(doc.text)  # UTF-16 offsets would differ
    zurich = next(s for s in spans if s.id == "T4" and s.doc_id == doc.id)
    assert zurich.end - zurich.start == 7 and zurich.text != "Zürich"  # combining form kept as is


def test_round_trip_without_server_keeps_every_attribute(corpus):
    docs, gold = corpus.load()
    parsed = parse_export(export_of(corpus), docs)
    assert parsed.problems == [] and len(parsed.annotations) == 2
    outcome = gold_from_annotations(parsed, docs, gold, "latest")
    assert outcome.updated == ["unicode-doc", "plain-doc"]
    assert outcome.spans == gold  # identical spans keep their gold line (and provenance)
    pulled = [s for a in parsed.annotations for s in a.spans]
    assert _fields(pulled) == _fields(gold)
    assert {s.annotation_id for s in pulled} == {101, 201} and {s.annotator for s in pulled} == {"user:1"}


def _mutated(corpus, mutate):
    export = export_of(corpus)
    mutate(export[0]["annotations"][0]["result"])
    return export


def _label(result, region):
    return next(r for r in result if r.get("id") == region and r.get("from_name") == "label")


def _utf16_offsets(value: dict) -> None:
    """Rewrite a region's offsets in UTF-16 code units (what JavaScript string indices count)."""
    text = TITLE + "\n\n" + BODY
    units = len(text[:value["start"]].encode("utf-16-le")) // 2
    assert units > value["start"]  # emoji before the region: the two counts differ
    value.update(start=units, end=units + value["end"] - value["start"])


@pytest.mark.parametrize("mutate, region, message", [
    (lambda r: _label(r, "T3")["value"]["labels"].__setitem__(0, "GPE"), "T3", "unknown label 'GPE'"),
    (lambda r: _label(r, "T3")["value"].__setitem__("text", "UX"), "T3", "does not match the task text"),
    (lambda r: _label(r, "T3")["value"].update(start=400, end=405), "T3", "not inside the task text"),
    (lambda r: _utf16_offsets(_label(r, "T3")["value"]), "T3", "does not match the task text"),
    (lambda r: r.append({"from_id": "T5", "to_id": "T4", "type": "relation", "labels": ["speaker"]}),
     "T5", "joins QUOTE and LOC"),
    (lambda r: r.append({"from_id": "T1", "to_id": "T3", "type": "relation", "labels": ["speaker"]}),
     "T1", "joins PER and ORG"),
    (lambda r: r.append({"from_id": "T5", "to_id": "T9", "type": "relation", "labels": ["mentions"]}),
     "T5", "only 'speaker' is known"),
    (lambda r: r.append({"from_id": "T5", "to_id": "nope", "type": "relation", "labels": []}),
     "T5", "points at no region 'nope'"),
    (lambda r: r.append({"id": "zz", "from_name": "num_kind", "to_name": "text", "type": "choices",
                         "value": {"start": 0, "end": 2, "choices": ["date"]}}), "zz", "no labelled region"),
    (lambda r: next(x for x in r if x["id"] == "T6" and x["from_name"] == "num_kind")["value"]
     .__setitem__("choices", ["percentage"]), "T6", "num_kind must be one of"),
    (lambda r: next(x for x in r if x["id"] == "T4" and x["from_name"] == "canonical")["value"]
     .__setitem__("text", ["Zürich", "Zurich"]), "T4", "give one name"),
    (lambda r: r.remove(next(x for x in r if x["id"] == "T4" and x["from_name"] == "canonical")),
     "T4", "needs a canonical name"),
    (lambda r: r.append({**_label(r, "T4"), "id": "dup"}), "dup", "entity-layer spans overlap"),
    (lambda r: r.append({"id": "x1", "from_name": "sentiment", "to_name": "text", "type": "choices",
                         "value": {"start": 0, "end": 2, "choices": ["pos"]}}), "x1", "unknown control"),
])
def test_every_bad_region_is_reported_with_task_annotation_and_region(corpus, mutate, region, message):
    docs, _ = corpus.load()
    parsed = parse_export(_mutated(corpus, mutate), docs, source="export.json")
    assert parsed.problems, "the server accepts this, so the import must not"
    text = "\n".join(str(p) for p in parsed.problems)
    assert message in text
    assert f"export.json: task 1, annotation 101, region '{region}', document 'unicode-doc'" in text
    assert [a.doc_id for a in parsed.annotations] == ["plain-doc"]  # the bad annotation is excluded whole


def test_cancelled_skipped_drafts_and_embedded_prediction_ignored(corpus):
    docs, gold = corpus.load()
    export = export_of(corpus)
    bad_result = [{"id": "q", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 0, "end": 3, "text": "???", "labels": ["BOGUS"]}}]
    export[0]["drafts"] = [{"id": 9, "result": bad_result}]
    export[0]["annotations"][0]["prediction"] = {"result": bad_result}
    export[1]["annotations"][0]["was_cancelled"] = True
    export[1]["annotations"][0]["result"] = bad_result
    parsed = parse_export(export, docs)
    assert parsed.problems == []
    assert [a.doc_id for a in parsed.annotations] == ["unicode-doc"]
    assert parsed.skipped == ["task 2, annotation 201 (document 'plain-doc'): cancelled (skipped)"]
    outcome = gold_from_annotations(parsed, docs, gold, "latest")
    assert outcome.kept == ["plain-doc"] and outcome.spans == gold


def test_task_text_or_document_mismatch_is_reported(corpus):
    docs, _ = corpus.load()
    export = export_of(corpus)
    export[0]["data"]["text"] += " (edited)"
    export[1]["data"]["doc_id"] = "missing-doc"
    problems = [str(p) for p in parse_export(export, docs).problems]
    assert problems == ["task 1, document 'unicode-doc': the task text differs from the corpus document text, "
                        "so its offsets cannot be trusted; push the document again",
                        "task 2, document 'missing-doc': this document is no longer in the corpus; delete task 2 "
                        "in Label Studio, or pull with --skip-invalid to leave its annotations out"]
    # A task of a removed document that nobody annotated is skipped (said so), not an error.
    export[1]["annotations"] = []
    parsed = parse_export(export, docs)
    assert len(parsed.problems) == 1 and parsed.skipped == [
        "task 2, document 'missing-doc': this document is no longer in the corpus; delete task 2 in Label Studio, "
        "or pull with --skip-invalid to leave its annotations out (the task has no annotation; skipped)"]


def _annotation(spans, annotator, n, ground_truth=False, task_id=1, doc_id="unicode-doc"):
    return TaskAnnotation(task_id, n, doc_id, annotator, f"2025-01-0{n}", f"2025-01-0{n}", ground_truth, tuple(spans))


def _doc_spans(corpus, doc_id="unicode-doc"):
    return [s for s in corpus.load()[1] if s.doc_id == doc_id]


def test_policies(corpus):
    gold = _doc_spans(corpus)
    a = _annotation(gold, "a@x", 1, ground_truth=True)
    b = _annotation([s for s in gold if s.id != "T8"], "b@x", 2)
    relabelled = [Span(**{**s.to_dict(), "label": "ORG"}) if s.id == "T4" else s for s in gold]
    c = _annotation(relabelled, "c@x", 3)
    assert choose([a, b], "ground-truth").spans == gold
    assert choose([a, b], "latest").spans == list(b.spans)
    problem = choose([b, c], "ground-truth").problems[0]
    assert "none is marked among annotations 2, 3" in str(problem)
    # Three annotators: a span kept when at least two drew it identically.
    three = choose([a, b, c], "agreement")
    assert sorted(s.id for s in three.spans) == sorted(s.id for s in gold)
    assert {s.id: s.label for s in three.spans}["T4"] == "LOC"
    assert [(x.span.id, x.span.label, x.annotators) for x in three.adjudication] == [("T4", "ORG", ("c@x",))]
    two = choose([a, b], "agreement")
    assert sorted(s.id for s in two.spans) == sorted(s.id for s in gold if s.id != "T8")
    assert [(x.span.id, x.annotators, x.of) for x in two.adjudication] == [("T8", ("a@x",), 2)]
    assert "drawn so by 1 of 2 annotators (a@x)" in str(two.adjudication[0])
    assert choose([c], "ground-truth").spans == relabelled  # a single annotation is used as is


def test_agreement_relinks_speakers_and_renames_clashing_ids(corpus):
    gold = _doc_spans(corpus)
    speaker = next(s for s in gold if s.id == "T2")
    moved = [Span(**{**s.to_dict(), "id": "R9"}) if s.id == "T2" else
             (Span(**{**s.to_dict(), "speaker": "R9"}) if s.id == "T5" else s) for s in gold]
    # Another annotator reuses the id "T1" for a different span and gives no speaker to T9.
    other = [Span(**{**s.to_dict(), "speaker": None}) if s.id == "T9" else s for s in gold]
    kept = choose([_annotation(gold, "a", 1), _annotation(moved, "b", 2), _annotation(other, "c", 3)],
                  "agreement").spans
    by_pos = {(s.start, s.end): s for s in kept}
    quote = next(s for s in kept if s.label == "QUOTE" and s.text.startswith("We"))
    assert by_pos[(speaker.start, speaker.end)].id == quote.speaker
    assert len({s.id for s in kept}) == len(kept)


def test_agreement_numbers_by_hand(corpus):
    gold = _doc_spans(corpus)
    by_id = {s.id: s for s in gold}
    # B: drops T8 (NUM), shortens T4 (LOC, overlapping not strict), gives quote T9 no speaker.
    b = [Span(**{**s.to_dict(), "end": s.end - 1, "text": s.text[:-1]}) if s.id == "T4" else
         (Span(**{**s.to_dict(), "speaker": None}) if s.id == "T9" else s) for s in gold if s.id != "T8"]
    result = compare(gold, b)
    assert (result.labels["NUM"].a, result.labels["NUM"].b, result.labels["NUM"].strict) == (2, 1, 1)
    assert result.labels["NUM"].strict_f1 == pytest.approx(2 / 3)
    assert result.labels["LOC"].strict_f1 == 0.0 and result.labels["LOC"].overlap_f1 == 1.0
    assert result.labels["PER"].strict_f1 == 1.0
    assert (result.quotes_matched, result.speakers_agreed) == (2, 1)
    assert result.all_labels.strict == 8 and result.all_labels.strict_f1 == pytest.approx(16 / 19)
    report = agreement_report([_annotation(gold, "a", 1), _annotation(b, "b", 2),
                               _annotation(_doc_spans(corpus, "plain-doc"), "a", 3, task_id=2, doc_id="plain-doc")])
    assert report.overall.pairs == 1 and report.single == ["plain-doc"]
    text = format_report(report)
    assert "quote speaker: 1 of 2 matched quotes agree (50.0%)" in text
    assert "NUM          2       1      1     66.7%      66.7%" in text
    assert by_id["T4"].label == "LOC"


def test_keep_unchanged_keeps_provenance_of_identical_spans(corpus):
    gold = _doc_spans(corpus)
    stamped = [Span(**{**s.to_dict(), "annotator": "old@x", "annotation_id": 1}) for s in gold]
    pulled = [Span(**{**s.to_dict(), "annotator": "new@x", "annotation_id": 2}) for s in gold]
    pulled[0] = Span(**{**pulled[0].to_dict(), "canonical": "Herr Müller"})
    merged = keep_unchanged(pulled, stamped)
    assert merged[0].annotator == "new@x" and merged[0].canonical == "Herr Müller"
    assert all(s.annotator == "old@x" for s in merged[1:])


def test_predictions_become_regions_and_speaker_relations(corpus):
    docs, _ = corpus.load()
    doc = docs[1]

    class P:  # the attributes of evaluation.predictions.Prediction
        def __init__(self, start, end, label, num_kind=None, speaker=None):
            self.start, self.end, self.label, self.num_kind, self.speaker = start, end, label, num_kind, speaker

    lav = locate(doc.text, "Sergei Lavrov")
    quote = locate(doc.text, "We are friends,")
    shown = prediction_result(doc, [P(*lav, "PER"), P(*quote, "QUOTE", speaker=lav), P(0, 3, "GPE"),
                                    P(*locate(doc.text, "Friday"), "NUM", num_kind="date"),
                                    P(quote[0], quote[1] - 1, "QUOTE", speaker="Lavrov")])
    relations = [r for r in shown.result if r["type"] == "relation"]
    assert len(relations) == 1
    regions = {r["id"]: r["value"] for r in shown.result if r.get("from_name") == "label"}
    assert regions[relations[0]["to_id"]]["text"] == "Sergei Lavrov"
    assert any(r.get("from_name") == "num_kind" and r["value"]["choices"] == ["date"] for r in shown.result)
    assert len(shown.skipped) == 2 and "unknown label" in shown.skipped[0] and "'Lavrov'" in shown.skipped[1]


def _cli(*args, input: str | None = None):
    app = typer.Typer()
    register(app)
    return CliRunner().invoke(app, ["annotate", *args], input=input)


def _relabel_num_as_org(result: list, region: str, canonical: str) -> None:
    """Edit a result as an annotator would: NUM -> ORG, num_kind dropped, a canonical name typed."""
    label = _label(result, region)
    label["value"]["labels"] = ["ORG"]
    result[:] = [r for r in result if not (r.get("id") == region and r.get("from_name") == "num_kind")]
    result.append({"id": region, "from_name": "canonical", "to_name": "text", "type": "textarea",
                   "value": {"start": label["value"]["start"], "end": label["value"]["end"], "text": [canonical]}})


def test_import_cli_writes_nothing_on_problems_unless_skip_invalid(corpus, tmp_path):
    before = corpus.annotations.read_bytes()
    export = _mutated(corpus, lambda r: _label(r, "T3")["value"]["labels"].__setitem__(0, "GPE"))
    _relabel_num_as_org(export[1]["annotations"][0]["result"], "T5", "Friday Inc")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = _cli("import", str(path), "--corpus", str(corpus.root))
    assert result.exit_code == 2  # bad input
    assert "task 1, annotation 101, region 'T3', document 'unicode-doc': unknown label 'GPE'" in result.output
    assert "nothing was written" in result.output
    assert corpus.annotations.read_bytes() == before
    result = _cli("import", str(path), "--corpus", str(corpus.root), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "invalid (skipped): " in result.output and "1 document(s) from Label Studio, 1 kept" in result.output
    _, spans = corpus.load()
    friday = next(s for s in spans if s.doc_id == "plain-doc" and s.id == "T5")
    assert (friday.label, friday.canonical, friday.num_kind, friday.annotation_id) == ("ORG", "Friday Inc", None, 201)
    assert [s for s in spans if s.doc_id == "unicode-doc"] == _doc_spans(small_corpus(tmp_path / "fresh"))


def test_import_cli_bad_json_and_bad_policy(corpus, tmp_path):
    path = tmp_path / "export.json"
    path.write_text("{not json", encoding="utf-8")
    result = _cli("import", str(path), "--corpus", str(corpus.root))
    assert result.exit_code == 2 and "export.json:1: not JSON" in result.output
    path.write_text("[]", encoding="utf-8")
    result = _cli("import", str(path), "--corpus", str(corpus.root), "--policy", "vote")
    assert result.exit_code == 2 and "'vote' is not one of" in result.output


def test_import_with_an_unwritable_adjudication_path_changes_nothing(corpus, tmp_path):
    before = corpus.annotations.read_bytes()
    export = _mutated(corpus, lambda r: _relabel_num_as_org(r, "T5", "Friday Inc"))
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = _cli("import", str(path), "--corpus", str(corpus.root),
                  "--adjudication", str(tmp_path / "no" / "a.jsonl"))
    assert result.exit_code == 2 and "the folder does not exist" in result.output
    assert corpus.annotations.read_bytes() == before


def test_tasks_and_config_commands(corpus, tmp_path):
    out = tmp_path / "tasks.json"
    result = _cli("tasks", "--out", str(out), "--with", "gold", "--corpus", str(corpus.root))
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["doc_id"] for t in tasks] == ["unicode-doc", "plain-doc"]
    # The gold is a prediction (the annotator's Submit makes the annotation), never an annotation.
    assert all("annotations" not in t and [p["model_version"] for p in t["predictions"]] == ["newsspans-gold"]
               for t in tasks)
    docs, gold = corpus.load()
    export = [{"id": i, "data": t["data"], "annotations": [{"id": i, "completed_by": 1,
                                                            "result": t["predictions"][0]["result"]}]}
              for i, t in enumerate(tasks, start=1)]
    assert _fields(s for a in parse_export(export, docs).annotations for s in a.spans) == _fields(gold)
    result = _cli("config")
    assert result.exit_code == 0 and result.output == load_config().xml
    result = _cli("tasks", "--out", str(out), "--with", "silver", "--corpus", str(corpus.root))
    assert result.exit_code == 2 and "expected none, gold, predictions:FILE or extractor:NAME" in result.output


def test_standoff_copy_is_deep(corpus):
    # Guard for the tests above: export_of must not share result lists between calls.
    a, b = export_of(corpus), export_of(corpus)
    a[0]["annotations"][0]["result"].clear()
    assert b[0]["annotations"][0]["result"]
    assert copy.deepcopy(b) == export_of(corpus)


def test_root_newsspans_app_has_the_annotate_commands():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "newsspans.corpus.cli.app", "annotate", "config"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == load_config().xml


def test_tasks_with_predictions_file(corpus, tmp_path):
    from newsspans.evaluation.predictions import Prediction, write_predictions

    docs, gold = corpus.load()
    path = tmp_path / "run-7.jsonl"
    write_predictions(path, {"plain-doc": [Prediction("plain-doc", s.start, s.end, s.label, s.text, s.num_kind)
                                           for s in gold if s.doc_id == "plain-doc"]})
    out = tmp_path / "tasks.json"
    result = _cli("tasks", "--out", str(out), "--with", f"predictions:{path}", "--corpus", str(corpus.root))
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert "predictions" not in tasks[0] and "annotations" not in tasks[1]
    assert tasks[1]["predictions"][0]["model_version"] == "run-7"
    texts = sorted(r["value"]["text"] for r in tasks[1]["predictions"][0]["result"] if r["from_name"] == "label")
    assert texts == sorted(s.text for s in gold if s.doc_id == "plain-doc")
    write_predictions(path, {"other-doc": []})
    result = _cli("tasks", "--out", str(out), "--with", f"predictions:{path}", "--corpus", str(corpus.root))
    assert result.exit_code == 2 and "predictions for documents not in the corpus: other-doc" in result.output


def test_overlap_agreement_pairs_spans_one_to_one():
    text = "Kim Jong Un met Lavrov"
    one_long = [Span("d", "A1", 0, 11, "PER", text[0:11], canonical="Kim Jong Un")]
    two_short = [Span("d", "B1", 0, 3, "PER", "Kim", canonical="Kim Jong Un"),
                 Span("d", "B2", 4, 11, "PER", "Jong Un", canonical="Kim Jong Un")]
    per = compare(one_long, two_short).labels["PER"]
    assert (per.a, per.b, per.strict, per.a_overlapped, per.b_overlapped) == (1, 2, 0, 1, 1)
    assert per.overlap_f1 == 2 * 1 / (1 + 2)


def test_import_and_agreement_read_the_export_from_standard_input(corpus, tmp_path):
    assert [s for s in corpus.load()[1] if s.doc_id == "plain-doc" and s.id == "T5"]
    export = _mutated(corpus, lambda r: None)
    export[1]["annotations"][0]["result"] = [r for r in export[1]["annotations"][0]["result"] if r.get("id") != "T5"]
    result = _cli("import", "-", "--corpus", str(corpus.root), input=json.dumps(export))
    assert result.exit_code == 0, result.output
    _, spans = corpus.load()
    assert not [s for s in spans if s.doc_id == "plain-doc" and s.id == "T5"]  # the export was read: T5 removed
    assert [s for s in spans if s.doc_id == "plain-doc"]
    result = _cli("agreement", "-", "--corpus", str(corpus.root), input="[]")
    assert result.exit_code == 0 and "nothing to compare" in result.output, result.output
    result = _cli("import", str(tmp_path / "nope.json"), "--corpus", str(corpus.root))
    assert result.exit_code == 2 and "nope.json: file not found" in result.output
