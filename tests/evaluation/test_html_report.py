"""HTML report without a browser: layering of crossing spans, outcomes, escaping, bad input, CLI."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import typer

import html_example as ex
from newsspans.corpus.errors import CorpusError
from newsspans.evaluation.html.marks import Mark, assign_lanes, display_outcome, layered_html
from newsspans.evaluation.cli import register
from newsspans.evaluation.html.page import document_differences, render_compare_html, render_html
from newsspans.evaluation.html.summary import NONE, confusion


def _app() -> typer.Typer:
    """The evaluation commands on a bare root app, as `newsspans` mounts them."""
    root = typer.Typer(pretty_exceptions_enable=False)
    root.callback()(lambda: None)
    register(root)
    return root


app = _app()


class MarkCollector(HTMLParser):
    """Rebuild the plain text and, per `data-sid`, the pieces and attributes of every mark."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str | None] = []
        self.pieces: dict[str, list[tuple[int, str]]] = {}
        self.focusable: dict[str, int] = {}
        self.attrs: dict[str, dict] = {}
        self.doc_starts: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "text" in (a.get("class") or "").split() and "data-doc" in a:
            self.doc_starts.setdefault(a["data-doc"], len("".join(self.text)))
        if tag != "span":  # marks are spans; other elements (some void, like meta) do not nest them
            return
        sid = a.get("data-sid")
        self.stack.append(sid)
        if sid is not None:
            self.pieces.setdefault(sid, []).append((len("".join(self.text)), ""))
            self.attrs.setdefault(sid, a)
            if a.get("tabindex") == "0":
                self.focusable[sid] = self.focusable.get(sid, 0) + 1

    def text_start(self, doc_id: str) -> int:
        """Offset in the page text where the drawn text of `doc_id` begins."""
        return self.doc_starts[doc_id]

    def handle_endtag(self, tag):
        if tag == "span":
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for sid in self.stack:
            if sid is not None:
                start, piece = self.pieces[sid][-1]
                self.pieces[sid][-1] = (start, piece + data)


def collect(html: str) -> MarkCollector:
    c = MarkCollector()
    c.feed(html)
    c.close()
    assert not c.stack, "every opened element is closed"
    return c


def mark(sid, start, end, layer="entity", side="gold", label="PER", outcome="correct") -> Mark:
    return Mark(sid, layer, side, start, end, label, outcome, (label,), f"tip {sid}")


def test_crossing_marks_are_split_into_pieces_that_cover_exactly_their_text():
    text = "abcdefghij"
    marks = [mark("q", 2, 8, "quote"), mark("a", 0, 4), mark("b", 3, 10, side="pred"), mark("c", 5, 6)]
    c = collect(layered_html(text, marks))
    assert "".join(c.text) == text
    for m in marks:
        pieces = c.pieces[m.sid]
        assert "".join(p for _, p in pieces) == text[m.start:m.end]
        assert pieces[0][0] == m.start  # the first piece starts where the span starts
        assert c.focusable[m.sid] == 1  # one tab stop per span, on its first piece
    # The entity "a" crosses the quote's start, so it is cut there: [0, 2) outside, [2, 4) inside.
    assert [p for _, p in c.pieces["a"]] == ["ab", "cd"]


spans = st.tuples(st.integers(0, 30), st.integers(1, 12), st.sampled_from(["entity", "quote"]),
                  st.sampled_from(["gold", "pred"]))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab<>&\"' \n€😀", min_size=1, max_size=40), raw=st.lists(spans, max_size=12))
def test_layering_keeps_the_text_and_every_span_whatever_the_overlaps(text, raw):
    marks = [mark(f"s{i}", min(s, len(text) - 1), min(s + n, len(text)), layer, side)
             for i, (s, n, layer, side) in enumerate(raw)]
    c = collect(layered_html(text, assign_lanes(marks)))
    assert "".join(c.text) == text  # escaped, and nothing lost or added
    for m in marks:
        assert "".join(p for _, p in c.pieces[m.sid]) == text[m.start:m.end]
        assert c.pieces[m.sid][0][0] == m.start
        assert c.focusable[m.sid] == 1


def test_lanes_separate_overlapping_marks_of_one_track_only():
    marks = [mark("a", 0, 5, side="pred"), mark("b", 3, 8, side="pred"), mark("c", 6, 9, side="pred"),
             mark("g", 0, 9)]
    laned = {m.sid: m.lane for m in assign_lanes(marks)}
    assert laned == {"a": 0, "b": 1, "c": 0, "g": 0}


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


def test_example_spans_get_the_outcomes_the_scorer_implies():
    c = collect(render_html(ex.report(), ex.texts()))
    drawn = sorted((a["data-side"], "".join(p for _, p in c.pieces[sid]), a["data-label"], a["data-outcome"],
                    c.pieces[sid][0][0] - c.text_start("d1"), int(a["data-start"]))
                   for sid, a in c.attrs.items() if sid.startswith("d0-"))
    expected = sorted((side, text, label, outcome, start, start)
                      for side, text, label, outcome, start in ex.EXPECTED_D1)
    assert drawn == expected


def test_confusion_counts_matched_pairs_and_missed_and_spurious():
    counts = confusion(ex.report()["layers"]["entity"])
    assert counts == {("PER", "PER"): 3, ("LOC", "ORG"): 2, ("NUM", NONE): 1, (NONE, "ORG"): 1}


def test_everything_from_the_data_is_escaped():
    evil = '<script>window.__xss=1</script>"><img src=x onerror=alert(1)>'
    docs = [ex.Document("d1", "t", f"{evil} Angela Merkel")]
    start = len(evil) + 1
    gold = [ex.Span("d1", "T1", start, start + 13, "PER", "Angela Merkel")]
    from newsspans.evaluation.scoring.scorer import score
    report = score(docs, gold, {"d1": [ex.Prediction("d1", start, start + 6, "PER")]},
                   predictions_source=evil, gold_source=evil).to_dict()
    html = render_html(report, {"d1": docs[0].text}, title=evil)
    assert html.count("<script") == 1  # ours, at the end
    assert "<img" not in html and "onerror=alert(1)>" not in html
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
    assert document_differences(a, b) == {"d1": 0, "d2": 2}  # T1 correct vs missed, one spurious only in B
    html = render_compare_html(a, b, ex.texts(), ["system A", "system B"])
    assert html.index('data-doc="d2"') < html.index('data-doc="d1"')
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
    out = runner.invoke(app, ["report", str(tmp_path / "r.json"), "--html", str(tmp_path / "b.html")])
    assert out.exit_code == 0, out.output
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert page == (tmp_path / "b.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'data-outcome="boundary-label"' in page


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
    assert "Paired bootstrap test" in page and page.index('data-doc="d2"') < page.index('data-doc="d1"')


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
