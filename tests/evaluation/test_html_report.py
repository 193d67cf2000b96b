"""HTML report without a browser: layering of crossing spans, outcomes, escaping, bad input, CLI."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import typer

import html_example as ex
from newsspans.corpus.errors import CorpusError
from newsspans.evaluation.cli import register
from newsspans.evaluation.html.data import STRIDE, decode, encode, safe_name, safe_text
from newsspans.evaluation.html.marks import display_outcome
from newsspans.evaluation.html.sections import sections_html
from newsspans.evaluation.html.summary import diff_interval_text
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score
from newsspans.evaluation.html.page import document_differences, render_compare_html, render_html
from newsspans.evaluation.html.summary import NONE, confusion


def _app() -> typer.Typer:
    """The evaluation commands on a bare root app, as `newsspans` mounts them."""
    root = typer.Typer(pretty_exceptions_enable=False)
    root.callback()(lambda: None)
    register(root)
    return root


app = _app()


@pytest.mark.parametrize("outcomes, expected", [
    ({"strict": "correct", "exact": "correct", "partial": "correct", "type": "correct"}, "correct"),
    ({"strict": "missed", "exact": "missed", "partial": "missed", "type": "missed"}, "missed"),
    ({"strict": "spurious", "exact": "spurious", "partial": "spurious", "type": "spurious"}, "spurious"),
    ({"strict": "incorrect", "exact": "correct", "partial": "correct", "type": "incorrect"}, "label"),
    ({"strict": "incorrect", "exact": "incorrect", "partial": "partial", "type": "correct"}, "boundary"),
    ({"strict": "incorrect", "exact": "incorrect", "partial": "partial", "type": "incorrect"}, "boundary-label"),
])
def test_display_outcome_reads_boundaries_from_exact_and_labels_from_type(outcomes, expected):
    assert display_outcome(outcomes) == expected


def _data(page: str) -> dict:
    start = page.index('id="report-data">') + len('id="report-data">')
    return json.loads(page[start:page.index("</script>", start)])


def test_example_spans_are_embedded_with_their_outcomes_partners_and_speakers():
    data = _data(render_html(ex.report(), ex.texts()))
    d1 = data["docs"][0]
    assert d1["id"] == "d1" and d1["text"] == ex.D1 and d1["n"] == 6  # 5 gold errors + 1 spurious
    flat = decode(d1["s"][0], compare=False)
    rows = [flat[i:i + STRIDE] for i in range(0, len(flat), STRIDE)]
    drawn = sorted((("gold", "pred")[r[0] % 2], ex.D1[r[1]:r[2]], data["labels"][r[3]], data["outcomes"][r[4]], r[1])
                   for r in rows)
    assert drawn == sorted(ex.EXPECTED_D1)
    for n, r in enumerate(rows):  # partners point at each other
        if r[5] >= 0:
            assert rows[r[5]][5] == n
    quote_gold = next(r for r in rows if r[0] == 2)
    assert quote_gold[6] == 1 and d1["sp"][0][str(rows.index(quote_gold))] == "Angela Merkel (T5)"
    assert data["order"] == [0, 1]  # d1 has 6 errors, d2 none


def test_a_quote_with_the_right_span_and_the_wrong_speaker_is_an_error():
    docs = ex.documents()
    gold = ex.gold()
    preds = ex.predictions_a()
    s, e = ex.at(ex.D1, '"We will win,"')
    preds["d1"][2] = ex.Prediction("d1", s, e, "QUOTE", '"We will win,"', speaker=ex.at(ex.D1, "Paris"))
    report = score(docs, gold, preds, ScoreOptions(n_resamples=0)).to_dict()
    data = _data(render_html(report, ex.texts()))
    flat = decode(data["docs"][0]["s"][0], compare=False)
    rows = [flat[i:i + STRIDE] for i in range(0, len(flat), STRIDE)]
    quotes = [r for r in rows if r[0] >= 2]
    assert [(data["outcomes"][r[4]], r[6]) for r in quotes] == [("speaker", 2), ("speaker", 2)]
    assert data["docs"][0]["n"] == 6  # T4 is now an error for its speaker (it was one for its boundary)


def test_documents_are_ordered_by_errors_and_a_layer_without_spans_is_left_out_of_the_line():
    a = ex.report(ex.predictions_a())
    b = ex.report(ex.predictions_b())
    data = _data(render_html(b, ex.texts()))
    assert [d["n"] for d in data["docs"]] == [6, 2]
    # [layer, correct, incorrect, partial, missed, spurious, P, R, F1 in 0.1%]; d2 has no quotes anywhere
    assert data["docs"][1]["c"][0] == [[0, 0, 0, 0, 1, 1, 0, 0, 0]]
    assert [row[0] for row in data["docs"][0]["c"][0]] == [0, 1]  # d1: entity and quote
    assert data["docs"][0]["c"][0][0] == [0, 1, 3, 0, 1, 1, 200, 200, 200]  # 1 of 5 predicted right
    assert _data(render_html(a, ex.texts()))["order"] == [0, 1]


def test_summary_counts_correct_incorrect_partial_missed_spurious():
    page = render_html(ex.report(), ex.texts())
    head = page[page.index('<table class="scores">'):page.index("</thead>", page.index('<table class="scores">'))]
    for column in ("correct", "incorrect", "partial", "missed", "spurious"):
        assert f'<span class="full">{column}</span>' in head
    # micro row of the entity layer, strict: 2 correct, 3 incorrect, 0 partial, 1 missed, 1 spurious
    micro = page[page.index('<tr class="avg"><th scope="row"><bdi dir="auto">micro'):]
    micro = micro[:micro.index("</tr>")]
    assert micro.endswith("<td>6</td><td>6</td><td>2</td><td>3</td><td>0</td><td>1</td><td>1</td>")


def test_the_page_form_of_span_arrays_decodes_to_what_was_built():
    flat = [0, 5, 9, 1, 0, 2, 0, 0, 0, 2, 3, 20, 0, 6, 1, 2, 1, 0, 1, 5, 9, 1, 0, 0, 0, -1, 0]
    assert encode(flat, compare=False) == [0, 5, 4, 1, 0, 2, 0, 2, -2, 17, 0, 6, 1, 2, 1, 2, 4, 1, 0, 0, 0]
    assert decode(encode(flat, compare=True), compare=True) == flat
    assert decode(encode(flat, compare=False), compare=False) == flat


def test_control_characters_keep_their_offsets_and_names_show_bidi_controls():
    assert safe_text("a\rb\x00c\u202ed\ne\tf") == "a\u21b5b\u2205c\u21c4d\ne\tf"
    assert len(safe_text("x\r\x00\u2066")) == 4
    assert safe_name("model-\u202elnosj.B-ledom") == "model-[U+202E]lnosj.B-ledom"
    assert safe_name("plain") == "plain"


def test_confusion_counts_matched_pairs_and_missed_and_spurious():
    counts = confusion(ex.report()["layers"]["entity"])
    assert counts == {("PER", "PER"): 3, ("LOC", "ORG"): 2, ("NUM", NONE): 1, (NONE, "ORG"): 1}


def test_everything_from_the_data_is_escaped_or_inert_json():
    evil = '<script>window.__xss=1</script>"><img src=x onerror=alert(1)>'
    docs = [ex.Document("d1", "t", f"{evil} Angela Merkel")]
    start = len(evil) + 1
    gold = [ex.Span("d1", "T1", start, start + 13, "PER", "Angela Merkel")]
    from newsspans.evaluation.scoring.scorer import score
    report = score(docs, gold, {"d1": [ex.Prediction("d1", start, start + 6, "PER")]},
                   predictions_source=evil, gold_source=evil).to_dict()
    html = render_html(report, {"d1": docs[0].text}, title=evil)
    assert html.count("<script") == 2  # the data block and ours, at the end
    block = html[html.index('id="report-data">'):html.index("</script>", html.index('id="report-data">'))]
    assert "<" not in block[len('id="report-data">'):]  # inert JSON, "<" written \u003c
    markup = html.replace(block, "")
    assert "<img" not in markup and "onerror=alert(1)>" not in markup
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;&quot;&gt;&lt;img" in html


def test_texts_that_are_not_the_scored_ones_are_refused_naming_document_and_span():
    texts = ex.texts()
    texts["d1"] = texts["d1"].replace("Paris", "Parma")
    with pytest.raises(CorpusError) as err:
        render_html(ex.report(), texts)
    message = str(err.value)
    assert "document 'd1'" in message and "span 'T2'" in message and "Paris" in message
    with pytest.raises(CorpusError, match="no text for this document"):
        render_html(ex.report(), {"d1": ex.D1})


def test_compare_orders_documents_by_how_differently_the_systems_draw_them():
    a, b = ex.report(ex.predictions_a()), ex.report(ex.predictions_b())
    assert document_differences(a, b, ex.texts()) == {"d1": 0, "d2": 2}  # T1 correct vs missed, a spurious in B only
    html = render_compare_html(a, b, ex.texts(), ["system A", "system B"])
    data = _data(html)
    assert data["order"] == [1, 0]
    d2a, d2b = (decode(data["docs"][1]["s"][k], compare=True) for k in (0, 1))
    # A: gold T1 correct, its prediction: both "only A right" (1). B: T1 missed (1), spurious "town" (1).
    assert [d2a[i + 8] for i in range(0, len(d2a), STRIDE)] == [1, 1]
    assert [d2b[i + 8] for i in range(0, len(d2b), STRIDE)] == [1, 1]
    with pytest.raises(CorpusError, match="same documents"):
        render_compare_html(a, {**b, "documents": ["d1"]}, ex.texts(), ["a", "b"])


def _example_files(tmp_path):
    gold = tmp_path / "gold.jsonl"
    by_doc = {}
    for s in ex.gold():
        d = {k: v for k, v in s.to_dict().items() if v is not None and k != "doc_id"}
        by_doc.setdefault(s.doc_id, []).append(d)
    gold.write_text("".join(json.dumps({"id": d.id, "text": d.text, "spans": by_doc.get(d.id, [])}) + "\n"
                            for d in ex.documents()), encoding="utf-8")
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps({"id": doc, "spans": [p.to_dict() for p in ps]}) + "\n"
                             for doc, ps in ex.predictions_a().items()), encoding="utf-8")
    return gold, preds


def test_cli_score_html_and_report_html_write_the_same_page(tmp_path):
    gold, preds = _example_files(tmp_path)
    runner = CliRunner()
    out = runner.invoke(app, ["score", "--gold", str(gold), "--predictions", str(preds), "--no-progress",
                              "--output", str(tmp_path / "r.json"), "--html", str(tmp_path / "a.html")])
    assert out.exit_code == 0, out.output
    assert f"wrote {tmp_path / 'a.html'}" in out.output  # score --html names the page it wrote
    out = runner.invoke(app, ["report", str(tmp_path / "r.json"), "--html", str(tmp_path / "b.html")])
    assert out.exit_code == 0, out.output
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "b.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '"boundary-label"' in page
    assert f"wrote {tmp_path / 'b.html'}" in out.output  # the path written is named
    # A report saved under schema 1 (before the entity, coreference, kind and breakdown sections) still draws.
    old = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    for key in ("entities", "coreference", "num_kinds", "breakdowns", "document_average"):
        del old[key]
    (tmp_path / "old.json").write_text(json.dumps({**old, "schema_version": 1}), encoding="utf-8")
    out = runner.invoke(app, ["report", str(tmp_path / "old.json"), "--html", str(tmp_path / "c.html")])
    assert out.exit_code == 0, out.output


def test_cli_report_refuses_other_texts_and_bad_files(tmp_path):
    gold, preds = _example_files(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["score", "--gold", str(gold), "--predictions", str(preds), "--no-progress",
                               "--output", str(tmp_path / "r.json")]).exit_code == 0
    other = tmp_path / "other.jsonl"
    other.write_text(gold.read_text(encoding="utf-8").replace("Paris", "Parma"), encoding="utf-8")
    out = runner.invoke(app, ["report", str(tmp_path / "r.json"), "--gold", str(other), "--html",
                              str(tmp_path / "x.html")])
    assert out.exit_code == 2 and "document 'd1'" in out.output and "span 'T2'" in out.output
    assert not (tmp_path / "x.html").exists()
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    out = runner.invoke(app, ["report", str(tmp_path / "bad.json"), "--html", str(tmp_path / "x.html")])
    assert out.exit_code == 2 and "bad.json" in out.output and "not a JSON report" in out.output


def test_cli_compare_html(tmp_path):
    gold, preds = _example_files(tmp_path)
    preds_b = tmp_path / "b.jsonl"
    preds_b.write_text("".join(json.dumps({"id": doc, "spans": [p.to_dict() for p in ps]}) + "\n"
                               for doc, ps in ex.predictions_b().items()), encoding="utf-8")
    out = CliRunner().invoke(app, ["compare", str(preds), str(preds_b), "--gold", str(gold), "--bootstrap", "50",
                                   "--html", str(tmp_path / "c.html")])
    assert out.exit_code == 0, out.output
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "Paired bootstrap test" in page and _data(page)["order"] == [1, 0]
    # The example has too few documents for a paired interval or p-value: the page says so.
    assert "no interval or p-value for A − B: too few documents" in page
    interval = page[page.index('<table class="paired">'):]
    assert "<td>–</td>" in interval and "too few documents" in interval


def test_without_chromium_the_browser_tests_skip_naming_the_package(monkeypatch, tmp_path):
    import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(browser.os, "geteuid", lambda: 1000)  # not root: no apt-get install is tried
    path, reason = browser.find_chromium()
    assert path is None and "`chromium` package" in reason and "not root" in reason
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browser.chromium_path()
    monkeypatch.setenv("CI", "true")  # under CI the same situation fails the run instead
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        browser.chromium_path()


@pytest.mark.parametrize("damage, message", [
    (lambda r: r["layers"]["entity"]["schemes"]["strict"]["micro"].update(precision="high"),
     "layers.entity.schemes.strict.micro.precision: expected a number, got 'high'"),
    (lambda r: r["layers"]["entity"]["schemes"]["strict"]["micro"].update(missed="1<script>alert(1)</script>"),
     "layers.entity.schemes.strict.micro.missed: expected an integer"),
    (lambda r: r["layers"]["entity"]["gold"][0].update(start="0\"><img src=x>"),
     "layers.entity.gold[0].start: expected an integer"),
    (lambda r: r["layers"]["entity"]["predicted"][0].update(index=[1]),
     "layers.entity.predicted[0].index: expected an integer"),
    (lambda r: r["layers"]["entity"]["gold"][0].update(match=99), "layers.entity.gold[0].match: no prediction"),
    (lambda r: r["layers"]["entity"]["gold"][0]["outcomes"].update(strict="<b>"),
     "layers.entity.gold[0].outcomes.strict: expected one of"),
    (lambda r: r.update(documents=["d1", {"x": 1}]), "documents[1]: expected a string"),
    (lambda r: r.update(entities=["not", "an", "object"]), "entities: expected an object"),
])
def test_cli_report_refuses_a_damaged_or_crafted_report_in_one_line(tmp_path, damage, message):
    gold, preds = _example_files(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["score", "--gold", str(gold), "--predictions", str(preds), "--no-progress",
                               "--output", str(tmp_path / "r.json")]).exit_code == 0
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    damage(report)
    (tmp_path / "r.json").write_text(json.dumps(report), encoding="utf-8")
    out = runner.invoke(app, ["report", str(tmp_path / "r.json"), "--gold", str(gold), "--html",
                              str(tmp_path / "x.html")])
    assert out.exit_code == 2, out.output
    assert message in out.output and "r.json" in out.output
    assert "Traceback" not in out.output and len(out.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.html").exists()


def test_paired_interval_is_written_as_a_signed_interval():
    assert diff_interval_text([-0.417, 0.133]) == "[-41.7, +13.3]"


# Hand-made optional sections in the shapes of docs/report-schema.md ("HTML rendering of optional sections").
SECTIONS = {
    "alignment": {"entity": {"exact": 40, "fuzzy": 3, "unaligned": [{"doc_id": "d1", "text": "Merkle"}]}},
    "thresholds": {"entity": {"micro": {
        "curve": [{"threshold": 0.9, "precision": 1.0, "recall": 0.2}, {"threshold": 0.5, "precision": 0.8,
                                                                         "recall": 0.6},
                  {"threshold": 0.1, "precision": 0.5, "recall": 0.9}],
        "average_precision": 0.74, "best": {"threshold": 0.5, "precision": 0.8, "recall": 0.6, "f1": 0.6857},
        "calibration": [{"low": 0.0, "high": 0.5, "mean_score": 0.3, "accuracy": 0.25, "count": 8}]}}},
    "entities": {"micro": {"precision": 0.75, "recall": 0.6, "f1": 0.6667, "possible": 10, "actual": 8, "correct": 6},
                 "labels": {"PER": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "possible": 4, "actual": 2,
                                    "correct": 2}}},
    "coreference": {"muc": {"precision": 0.5, "recall": 0.25, "f1": 0.3333}, "conll": {"f1": 0.41}},
    "num_kinds": {"accuracy": 0.8, "matched": 5, "confusion": {"date": {"date": 3, "cardinal": 1},
                                                               "cardinal": {"cardinal": 1}},
                  "strict_with_kind": {"precision": 0.5, "recall": 0.4, "f1": 0.4444}},
    "breakdowns": {"length": {"short": {"precision": 0.9, "recall": 0.8, "f1": 0.847, "possible": 5},
                              "long": {"precision": 0.6, "recall": 0.5, "f1": 0.545, "possible": 12}}},
}


def test_optional_sections_are_drawn_when_present():
    report = {**ex.report(), **SECTIONS}
    report["layers"]["quote"]["speakers"]["mention"] = {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    report["layers"]["quote"]["speakers"]["entity"] = {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    page = render_html(report, ex.texts())
    for section in ("alignment", "thresholds", "entities", "coreference", "num-kinds", "breakdowns",
                    "speaker-levels"):
        assert f'id="s-{section}"' in page, section
    # The precision-recall curve: recall on x (34 + 200 r), precision on y (8 + 200 (1 - p)), sorted by recall.
    assert '<path class="line" d="M74.0 8.0 L154.0 48.0 L214.0 108.0"/>' in page
    assert '<circle class="best" cx="154.0" cy="48.0"' in page
    assert "average precision 74.0" in page and "best threshold 0.5" in page
    assert "<td>66.7</td>" in page and "Merkle" in page and "B³" not in page  # coreference names muc, conll only
    assert "MUC" in page and "CoNLL (mean F1)" in page
    bare = {k: v for k, v in ex.report().items()
            if k not in ("entities", "coreference", "num_kinds", "breakdowns", "document_average")}
    for level in ("mention", "entity"):
        bare["layers"]["quote"]["speakers"].pop(level, None)
    assert sections_html(bare) == ""  # nothing when absent


def test_the_scorers_sections_are_drawn_under_the_pages_scheme():
    # The scorer's own shapes (schema 2): breakdowns per bucket, layer and scheme; speakers with
    # attribution per scheme; the document average.
    report = ex.report()
    page = sections_html(report, "strict")
    for section in ("entities", "coreference", "num-kinds", "breakdowns", "document-average", "speaker-levels"):
        assert f'id="s-{section}"' in page, section
    bucket, layers = next(iter(report["breakdowns"]["length"].items()))
    layer, schemes = next(iter(layers.items()))
    assert f"{bucket} · {layer}" in page and f"<td>{100 * schemes['strict']['f1']:.1f}</td>" in page
    mention = report["layers"]["quote"]["speakers"]["mention"]["attribution"]["strict"]
    assert f"<td>{100 * mention['f1']:.1f}</td>" in page
    assert "length</bdi>, exact scheme, scores in %" in sections_html(report, "exact")


def test_optional_sections_of_unexpected_shape_show_text_and_never_markup():
    page = sections_html({"breakdowns": {"<b>f</b>": {"<i>x</i>": {"precision": "<script>", "f1": None}}},
                          "coreference": {"muc": "<img src=x>"}})
    assert "<b>f</b>" not in page and "<i>x</i>" not in page and "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
