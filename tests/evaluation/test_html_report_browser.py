"""The HTML report in a real headless Chromium: spans, filters, keyboard, safety, layout, print.

Every page is opened from file:// with network requests refused and recorded; each test ends
by asserting that the page made no request, logged no console error, raised no script error
and opened no dialog. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import pytest

import html_example as ex
from browser import ARTIFACTS, open_html, save_screenshot
from newsspans.corpus.store import Corpus
from newsspans.evaluation.baseline.extract import extract
from newsspans.evaluation.extractors.runner import run_extractor
from newsspans.evaluation.html.page import render_compare_html, render_html
from newsspans.evaluation.scoring.report import ScoreOptions
from newsspans.evaluation.scoring.scorer import score

MIN_SCREENSHOT_BYTES = 20_000  # a blank or broken page compresses to a few kB

# Per drawn span of a document: sid, side, label, outcome, its text (all pieces) and where its
# first piece starts in the document text, measured with a DOM Range (so, where it really is).
MARKS_JS = """(doc) => {
  const box = document.querySelector(`article.doc[data-doc="${doc}"] .text`);
  return [...box.querySelectorAll('.m[tabindex]')].map(m => {
    const range = document.createRange();
    range.setStart(box, 0);
    range.setEndBefore(m);
    const pieces = [...box.querySelectorAll(`.m[data-sid="${m.dataset.sid}"]`)];
    return {sid: m.dataset.sid, side: m.dataset.side, label: m.dataset.label, outcome: m.dataset.outcome,
            text: pieces.map(p => p.textContent).join(''), start: range.toString().length,
            dataStart: Number(m.dataset.start)};
  });
}"""


def assert_clean(opened) -> None:
    assert opened.problems() == []


def draw_all(page) -> None:
    """Documents are drawn as they come into view; scroll through them all so each is drawn."""
    page.wait_for_selector("body[data-ready]", state="attached")
    page.evaluate("""() => document.querySelectorAll('article.doc').forEach(a => a.scrollIntoView())""")
    page.wait_for_function("""() => [...document.querySelectorAll('article.doc:not(.collapsed) .body')]
        .slice(-1).every(b => b.querySelector('.text'))""")


@pytest.fixture
def example_page(browser, tmp_path):
    with open_html(browser, render_html(ex.report(), ex.texts()), tmp_path / "example.html") as opened:
        opened.page.wait_for_selector("body[data-ready]", state="attached")
        opened.page.wait_for_selector('article.doc[data-doc="d2"] .text', state="attached")
        yield opened
        assert_clean(opened)


def test_each_span_is_drawn_where_it_is_with_its_outcome(example_page):
    page = example_page.page
    drawn = sorted((m["side"], m["text"], m["label"], m["outcome"], m["start"])
                   for m in page.evaluate(MARKS_JS, "d1"))
    assert drawn == sorted(ex.EXPECTED_D1)
    assert all(m["start"] == m["dataStart"] for m in page.evaluate(MARKS_JS, "d1"))
    # Tracks: entity lines below the text (gold nearer), quote lines above it (gold nearer).
    boxes = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.m[tabindex]')]
        .map(m => [m.dataset.layer + ' ' + m.dataset.side + ' ' + m.dataset.start,
                   m.getBoundingClientRect().toJSON()]))""")
    gold, pred = boxes["entity gold 0"], boxes["entity pred 0"]
    assert pred["bottom"] > gold["bottom"] and pred["top"] == pytest.approx(gold["top"], abs=1)
    quote_gold = boxes["quote gold " + str(ex.at(ex.D1, '"We')[0])]
    quote_pred = boxes["quote pred " + str(ex.at(ex.D1, "We will")[0])]
    assert quote_pred["top"] < quote_gold["top"] and quote_pred["bottom"] == pytest.approx(quote_gold["bottom"], abs=1)
    style = page.evaluate("""() => ['correct', 'missed', 'spurious', 'boundary', 'label', 'boundary-label']
        .map(o => document.querySelector(`.m.o-${o}.t-entity-${o === 'missed' ? 'gold' : 'pred'}`))
        .map(m => getComputedStyle(m).borderBottomStyle + ' ' + getComputedStyle(m).borderBottomColor)""")
    assert len(set(style)) == 6  # every outcome looks different, by line style as well as colour
    assert len({s.split()[0] for s in style[:4]}) == 4  # correct/missed/spurious/boundary differ without colour
    save_screenshot(page, "example-report.png", full_page=True)


def test_legend_names_every_outcome(example_page):
    legend = example_page.page.inner_text("#legend")
    for words in ("correct", "missed", "spurious", "wrong boundary, right label", "right boundary, wrong label",
                  "wrong boundary and label", "hatching marks a wrong label"):
        assert words in legend


def _visible(page) -> list[tuple[str, str, str]]:
    return sorted(tuple(m) for m in page.evaluate("""() => [...document.querySelectorAll('.m[tabindex]:not(.off)')]
        .map(m => [m.dataset.side, m.dataset.label, m.dataset.outcome])"""))


def test_filters_show_only_errors_or_one_label(example_page):
    page = example_page.page
    assert len(_visible(page)) == 12 + 2  # d1 and d2
    page.select_option("#f-outcome", "errors")
    shown = _visible(page)
    assert shown and all(o != "correct" for _, _, o in shown) and len(shown) == 10
    hidden = page.evaluate("() => getComputedStyle(document.querySelector('.m.o-correct')).borderBottomColor")
    assert hidden == "rgba(0, 0, 0, 0)"
    # d2 has no errors: collapsed, in the article list and in the document list
    assert page.inner_text("#f-status") == "10 of 14 spans shown · 1 documents without such spans collapsed"
    assert not page.locator('article.doc[data-doc="d2"]').is_visible()
    assert page.evaluate("() => [...document.querySelectorAll('#doclist li')].map(l => l.offsetParent !== null)") \
        == [True, False]
    page.select_option("#f-outcome", "all")
    page.select_option("#f-label", "LOC")
    # LOC spans and the spans they are paired with (the ORG predictions for LOC gold).
    assert _visible(page) == [("gold", "LOC", "boundary-label"), ("gold", "LOC", "label"),
                              ("pred", "ORG", "boundary-label"), ("pred", "ORG", "label")]
    page.select_option("#f-outcome", "spurious")
    assert _visible(page) == []
    page.select_option("#f-label", "ORG")
    assert _visible(page) == [("pred", "ORG", "spurious")]
    # Filtered-out spans leave the tab order.
    assert page.evaluate("() => document.querySelectorAll('.m[tabindex=\"0\"]').length") == 1


def test_keyboard_focus_shows_the_tooltip_and_escape_hides_it(example_page):
    page = example_page.page
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('m')"):
            break
    else:
        pytest.fail("no span reached with the Tab key")
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert tip.inner_text().startswith("gold PER [0, 13) · span T1\noutcome: correct")
    assert "text: “Angela Merkel”" in tip.inner_text()  # the span's own text
    page.keyboard.press("Tab")
    assert "predicted PER [0, 13)" in tip.inner_text()
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    save_screenshot(page, "example-focus.png")


def test_hover_shows_label_offsets_outcome_and_speakers(example_page):
    page = example_page.page
    quote = page.locator('.m[data-side="pred"][data-layer="quote"]')
    box = quote.bounding_box()
    quote.hover(position={"x": box["width"] * 0.75, "y": box["height"] / 2})  # over "win", past the ORG "We"
    text = page.inner_text("#tip")
    s, e = ex.at(ex.D1, "We will win,")
    m = ex.at(ex.D1, "Merkel", 1)
    assert f"predicted QUOTE [{s}, {e})" in text and "wrong boundary, right label" in text
    assert f"predicted speaker: Merkel [{m[0]}, {m[1]}) · right" in text
    assert "gold speaker: Angela Merkel (T5)" in text
    # The speakers table shows the same, without hovering.
    row = page.inner_text("table.quotes tbody tr")
    assert "Angela Merkel (T5)" in row and "right" in row


EVIL = ['<script>window.__xss = 1; alert(1)</script>', '"><img src=x onerror="window.__xss=2;alert(2)">',
        "'><svg onload=window.__xss=3>", "<iframe src=javascript:alert(4)>"]


def test_hostile_text_labels_names_and_speakers_are_shown_literally_and_never_run(browser, tmp_path):
    text = f"{EVIL[0]} Angela Merkel said {EVIL[1]} \"hi\" {EVIL[3]}"
    doc = ex.Document('x"><script>window.__xss=5</script>', "t", text)
    per = ex.at(text, "Angela Merkel")
    quote = ex.at(text, '"hi"')
    gold = [ex.Span(doc.id, "T1", *per, "PER", "Angela Merkel"),
            ex.Span(doc.id, "T2", *quote, "QUOTE", '"hi"', speaker="T1")]
    preds = {doc.id: [ex.Prediction(doc.id, *per, "PER"), ex.Prediction(doc.id, *quote, "QUOTE", speaker=EVIL[2])]}
    report = score([doc], gold, preds, ScoreOptions(n_resamples=0), predictions_source=EVIL[0],
                   gold_source=EVIL[1]).to_dict()
    report["layers"]["entity"]["predicted"][0]["label"] = EVIL[1]  # labels too (the scorer would refuse these)
    html = render_compare_html(report, report, {doc.id: text}, [EVIL[0], EVIL[2]])
    with open_html(browser, html, tmp_path / "evil.html") as opened:
        page = opened.page
        page.wait_for_selector(".text", state="attached")
        page.focus('.m[data-side="pred"][data-layer="entity"]')
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.__xss") is None
        assert opened.dialogs == []
        assert page.evaluate("() => document.querySelectorAll('img, iframe, script').length") == 2  # data + script
        assert page.evaluate("() => document.querySelectorAll('svg:not(.chart)').length") == 0
        body = page.inner_text("body")
        for payload in EVIL:  # in the text, the names, the label and the speaker string: shown as text
            assert payload in body, payload
        assert page.inner_text("#tip").startswith(f"predicted {EVIL[1]} [")
        assert page.evaluate("() => document.querySelector('.text').textContent") == text
        assert_clean(opened)


@pytest.fixture(scope="module")
def baseline_report():
    """The built-in baseline on the bundled corpus: a real, large report."""
    documents, spans = Corpus().load()
    run = run_extractor(extract, documents)
    report = score(documents, spans, run.predictions, ScoreOptions(n_resamples=200), gold_source="bundled corpus",
                   predictions_source="extractor: baseline").to_dict()
    return report, {d.id: d.text for d in documents}


@pytest.mark.parametrize("width", [1280, 400])
def test_real_report_is_readable_wide_and_narrow(browser, tmp_path, baseline_report, width):
    report, texts = baseline_report
    with open_html(browser, render_html(report, texts), tmp_path / "baseline.html", width=width) as opened:
        page = opened.page
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert overflow[0] <= overflow[1], f"horizontal overflow at {width}px: {overflow}"
        page.wait_for_selector("body[data-ready]", state="attached")
        n_spans = sum(len(layer[side]) for layer in report["layers"].values() for side in ("gold", "predicted"))
        assert page.inner_text("#f-status") == f"{n_spans} of {n_spans} spans shown"
        assert page.evaluate("() => document.querySelectorAll('article.doc').length") == len(report["documents"])
        tables = page.evaluate("""() => [...document.querySelectorAll('#summary .scroll')]
            .map(s => s.scrollWidth - s.clientWidth)""")
        assert max(tables) <= 0, f"a summary table is cropped at {width}px: {tables}"
        font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.text')).fontSize)")
        assert font >= 13
        shot = save_screenshot(page, f"baseline-{width}.png")
        assert shot.stat().st_size > MIN_SCREENSHOT_BYTES
        assert_clean(opened)


def test_print_hides_the_controls_and_keeps_every_document(browser, tmp_path, baseline_report):
    report, texts = baseline_report
    with open_html(browser, render_html(report, texts), tmp_path / "print.html", media="print") as opened:
        page = opened.page
        assert page.evaluate("() => getComputedStyle(document.getElementById('controls')).display") == "none"
        assert page.evaluate("() => getComputedStyle(document.querySelector('nav.toc')).display") == "none"
        assert page.evaluate("() => getComputedStyle(document.querySelector('.m.o-correct.t-entity-pred'))"
                             ".borderBottomStyle") == "solid"
        # Under print every document is drawn, not only those scrolled into view.
        n_spans = sum(len(layer[side]) for layer in report["layers"].values() for side in ("gold", "predicted"))
        assert page.evaluate("() => document.querySelectorAll('.m[tabindex]').length") == n_spans
        pdf = page.pdf(format="A4")
        (ARTIFACTS / "baseline-report.pdf").write_bytes(pdf)
        assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
        assert_clean(opened)


def test_compare_view_puts_the_most_different_document_first(browser, tmp_path):
    html = render_compare_html(ex.report(ex.predictions_a()), ex.report(ex.predictions_b()), ex.texts(),
                               ["system A", "system B"])
    with open_html(browser, html, tmp_path / "compare.html") as opened:
        page = opened.page
        page.wait_for_selector('article.doc[data-doc="d1"] .text', state="attached")
        order = page.evaluate("() => [...document.querySelectorAll('article.doc')].map(a => a.dataset.doc)")
        assert order == ["d2", "d1"]
        columns = page.evaluate("""() => [...document.querySelectorAll('article.doc[data-doc="d2"] .col')]
            .map(c => [c.querySelector('.colhead').textContent,
                       [...c.querySelectorAll('.m[tabindex]')].map(m => m.dataset.side + ' ' + m.dataset.outcome)])""")
        assert columns == [["system A", ["gold correct", "pred correct"]],
                           ["system B", ["gold missed", "pred spurious"]]]
        a, b = page.evaluate("""() => [...document.querySelectorAll('article.doc[data-doc="d2"] .col')]
            .map(c => c.getBoundingClientRect().toJSON())""")
        assert a["right"] <= b["left"] and a["top"] == b["top"]  # side by side at 1280px
        save_screenshot(page, "compare.png", full_page=True)
        assert_clean(opened)
    with open_html(browser, html, tmp_path / "compare.html", width=400) as opened:
        opened.page.wait_for_selector('article.doc[data-doc="d2"] .text', state="attached")
        a, b = opened.page.evaluate("""() => [...document.querySelectorAll('article.doc[data-doc="d2"] .col')]
            .map(c => c.getBoundingClientRect().toJSON())""")
        assert b["top"] >= a["bottom"]  # stacked on a narrow window
        assert_clean(opened)


def test_the_page_is_one_file_that_loads_nothing(tmp_path):
    html = render_html(ex.report(), ex.texts())
    for needle in ("http://", "https://", "src=", "<link", "@import", "url("):
        assert needle not in html, needle
    assert "default-src 'none'" in html  # and its Content-Security-Policy forbids loading anything


def test_labels_are_tags_in_the_text_and_a_label_error_shows_both(example_page):
    page = example_page.page
    tags = page.evaluate("""() => [...document.querySelectorAll('article.doc[data-doc="d1"] .tag')]
        .map(t => [t.dataset.sid, getComputedStyle(t, '::after').content])""")
    by_text = {}
    for sid, content in tags:
        start = page.evaluate("(sid) => document.getElementById(sid).dataset.start", sid)
        by_text.setdefault(int(start), []).append(content.strip('"'))
    paris = ex.at(ex.D1, "Paris")[0]
    assert by_text[paris] == ["LOC", "ORG"]  # gold then predicted, both shown
    assert by_text[0] == ["PER"]  # a correct prediction adds no second tag
    # Tags have no text of their own: the text and every offset measured in the page are unchanged.
    assert page.evaluate("() => document.querySelector('article.doc[data-doc=\"d1\"] .text').textContent") == ex.D1
    box = page.evaluate("""() => getComputedStyle(document.querySelector('.tag'), '::after').display""")
    assert box == "inline-block"


def test_next_and_previous_error_with_keys_and_buttons_land_below_the_filter_bar(example_page):
    page = example_page.page
    starts = [ex.at(ex.D1, w)[0] for w in ("Paris", "3", '"We', "We will", "said Merkel")]

    def focused():
        return page.evaluate("() => [document.activeElement.dataset.start, document.activeElement.dataset.outcome]")

    page.keyboard.press("n")
    assert focused() == [str(starts[0]), "label"]
    assert "text: “Paris”" in page.inner_text("#tip")
    page.keyboard.press("n")
    assert focused() == [str(starts[1]), "missed"]
    page.keyboard.press("p")
    assert focused()[0] == str(starts[0])
    page.click("#f-next")
    assert focused()[0] == str(starts[1])
    assert page.inner_text("#f-pos") == "error 2 of 6"
    bar = page.evaluate("() => document.getElementById('controls').getBoundingClientRect().bottom")
    top = page.evaluate("() => document.activeElement.getBoundingClientRect().top")
    assert top > bar
    # Only errors in the document list and in each document's error list.
    items = page.evaluate("""() => [...document.querySelectorAll('article.doc[data-doc="d1"] details.errors li')]
        .map(li => li.textContent)""")
    assert len(items) == 6 and any("missed" in i and "NUM “3”" in i for i in items)
    assert any("spurious" in i and "ORG “We”" in i for i in items)
    assert page.inner_text("#doclist").split("\n")[0].endswith("6 errors")
    page.select_option("#f-outcome", "missed")
    assert page.inner_text('article.doc[data-doc="d1"] details.errors summary') == "6 errors (1 shown):"
    page.select_option("#f-outcome", "all")
    page.click('article.doc[data-doc="d1"] details.errors li:nth-child(2) a')
    assert focused() == [str(starts[1]), "missed"]


def test_a_jump_to_a_document_lands_below_the_sticky_filter_bar(example_page):
    page = example_page.page
    page.click('#doclist a[href="#doc-1"]')
    page.wait_for_timeout(100)
    heading = page.evaluate("() => document.querySelector('#doc-1 h3').getBoundingClientRect().top")
    bar = page.evaluate("() => document.getElementById('controls').getBoundingClientRect().bottom")
    assert page.evaluate("() => getComputedStyle(document.getElementById('controls')).position") == "sticky"
    assert heading >= bar


def test_short_spans_stay_visible_and_a_document_without_quotes_has_no_quote_line(example_page):
    page = example_page.page
    three = page.evaluate("""(s) => document.querySelector(`.m[data-start="${s}"][data-side="gold"]`)
        .getBoundingClientRect().width""", ex.at(ex.D1, "3")[0])
    assert three >= 14  # one character, drawn wide enough to see its line
    counts = page.inner_text('article.doc[data-doc="d2"] .counts')
    assert "entity:" in counts and "quote" not in counts


def test_a_quote_with_the_wrong_speaker_is_not_green_and_can_be_filtered(browser, tmp_path):
    preds = ex.predictions_a()
    s, e = ex.at(ex.D1, '"We will win,"')
    preds["d1"][2] = ex.Prediction("d1", s, e, "QUOTE", '"We will win,"', speaker=ex.at(ex.D1, "Paris"))
    with open_html(browser, render_html(ex.report(preds), ex.texts()), tmp_path / "speaker.html") as opened:
        page = opened.page
        page.wait_for_selector('article.doc[data-doc="d1"] .text', state="attached")
        quote = page.locator('.m[data-layer="quote"][data-side="pred"]')
        assert quote.get_attribute("data-outcome") == "speaker"
        assert page.evaluate("""() => getComputedStyle(document.querySelector('.m[data-layer="quote"][data-side="pred"]'))
            .borderTopColor""") != "rgb(0, 158, 115)"  # not the green of correct
        page.select_option("#f-outcome", "speaker-wrong")
        assert _visible(page) == [("gold", "QUOTE", "speaker"), ("pred", "QUOTE", "speaker")]
        assert page.locator("table.quotes tr.frow").is_visible()
        quote.focus()
        assert "right quote, wrong speaker" in page.inner_text("#tip") and "· wrong" in page.inner_text("#tip")
        assert_clean(opened)


def test_compare_says_which_system_got_each_span_right(browser, tmp_path):
    a, b = ex.report(ex.predictions_a()), ex.report(ex.predictions_b())
    paired = {"entity": {"f1_a": 0.5, "f1_b": 0.3, "difference": 0.2, "interval": [-0.417, 0.133],
                         "p_value": 0.32, "n_resamples": 1000, "confidence": 0.95}}
    html = render_compare_html(a, b, ex.texts(), ["system A", "system B"], paired=paired)
    for width in (1280, 400):
        with open_html(browser, html, tmp_path / "compare.html", width=width) as opened:
            page = opened.page
            page.wait_for_selector('article.doc[data-doc="d2"] .text', state="attached")
            header = page.inner_text("header")
            assert "no intervals" not in header and "1000 paired resamples" in header
            assert "[-41.7, +13.3]" in page.inner_text("table.paired")
            diffs = page.inner_text('article.doc[data-doc="d2"] details.errors')
            assert diffs.startswith("2 spans drawn differently")
            assert "system A correct; system B missed" in diffs and "Olaf Scholz" in diffs and "town" in diffs
            page.select_option("#f-outcome", "a-right")
            shown = page.evaluate("""() => [...document.querySelectorAll('.m[tabindex]:not(.off)')]
                .map(m => m.closest('.col').dataset.system + ' ' + m.dataset.side + ' ' + m.dataset.outcome)""")
            assert sorted(shown) == ["a gold correct", "a pred correct", "b gold missed", "b pred spurious"]
            page.select_option("#f-outcome", "b-right")
            assert page.inner_text("#f-status").startswith("0 of 28 spans shown")
            tables = page.evaluate("""() => [...document.querySelectorAll('#summary .scroll')]
                .map(s => s.scrollWidth - s.clientWidth)""")
            assert max(tables) <= 0, f"a compare table is cropped at {width}px: {tables}"
            overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0
            save_screenshot(page, f"compare-{width}.png", full_page=True)
            assert_clean(opened)


def test_file_names_titles_and_texts_with_bidi_and_control_characters_cannot_reorder_or_shift(browser, tmp_path):
    title = "Report \u202edoc-42\u202c on Merkel"
    text = f"{title}\n\nA\rB\x00C Angela Merkel \u2067spoke\u2069."
    doc = ex.Document("doc-\u202e24", "t", text)
    per = ex.at(text, "Angela Merkel")
    gold = [ex.Span(doc.id, "T1", *per, "PER", "Angela Merkel")]
    after = ex.at(text, "spoke")
    preds = {doc.id: [ex.Prediction(doc.id, *per, "PER"), ex.Prediction(doc.id, *after, "PER")]}
    name_b = "model-\u202elnosj.B-ledom"
    report = score([doc], gold, preds, ScoreOptions(n_resamples=0), predictions_source=name_b,
                   gold_source="gold-\u2066x").to_dict()
    html = render_compare_html(report, report, {doc.id: text}, ["model-A.jsonl", name_b])
    with open_html(browser, html, tmp_path / "bidi.html") as opened:
        page = opened.page
        page.wait_for_selector(".text", state="attached")
        body = page.evaluate("() => document.body.innerText")
        controls = [c for c in body if c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\r\x00"]
        assert controls == []  # none left to reorder or be dropped
        assert "model-[U+202E]lnosj.B-ledom" in page.inner_text("header")
        assert "Report [U+202E]doc-42[U+202C] on Merkel" in page.inner_text("article.doc h3")
        assert "doc-[U+202E]24" in page.inner_text("article.doc h3")
        assert page.evaluate("() => [...document.querySelectorAll('header bdi')].length") >= 4
        # CR, NUL and the isolates are one placeholder each, so spans after them are where they are.
        marks = page.evaluate(MARKS_JS, "doc-[U+202E]24")
        assert marks and all(m["start"] == m["dataStart"] for m in marks)
        assert {m["text"] for m in marks} == {"Angela Merkel", "spoke"}
        assert "A\u21b5B\u2205C" in page.inner_text(".text")
        save_screenshot(page, "bidi.png")
        assert_clean(opened)


def _random_report(seed: int, n_docs: int = 40):
    """Hand-made reports of random, crossing, nested spans on texts with astral characters and
    markup: the summary of the example, every span missed or spurious (no partners)."""
    import random

    rng = random.Random(seed)
    report = ex.report()
    texts, gold_e, gold_q, pred_e, pred_q = {}, [], [], [], []
    index = {"entity": 0, "quote": 0}
    outcome = {"gold": "missed", "pred": "spurious"}
    for d in range(n_docs):
        doc_id = f"r{d}"
        text = "".join(rng.choice("ab<>&\"' \n€😀") for _ in range(rng.randint(1, 40)))
        texts[doc_id] = text
        for k in range(rng.randint(0, 12)):
            start = rng.randrange(len(text))
            end = min(len(text), start + rng.randint(1, 12))
            layer, side = rng.choice(["entity", "quote"]), rng.choice(["gold", "pred"])
            e = {"doc_id": doc_id, "start": start, "end": end, "label": "QUOTE" if layer == "quote" else "PER",
                 "text": text[start:end], "outcomes": dict.fromkeys(("strict", "exact", "partial", "type"),
                                                                    outcome[side]), "match": None}
            if side == "gold":
                e["id"] = f"T{k}"
                (gold_e if layer == "entity" else gold_q).append(e)
            else:
                e["index"] = index[layer]
                index[layer] += 1
                (pred_e if layer == "entity" else pred_q).append(e)
    report["documents"] = list(texts)
    for name, gold, pred in (("entity", gold_e, pred_e), ("quote", gold_q, pred_q)):
        report["layers"][name].update(gold=gold, predicted=pred, documents={})
    return report, texts


def test_crossing_and_nested_spans_are_cut_into_pieces_that_cover_exactly_their_text(browser, tmp_path):
    for seed in range(3):
        report, texts = _random_report(seed)
        with open_html(browser, render_html(report, texts), tmp_path / f"random{seed}.html") as opened:
            page = opened.page
            page.wait_for_selector("body[data-ready]", state="attached")
            for doc_id, text in texts.items():
                drawn = page.evaluate("(d) => document.querySelector(`.text[data-doc=\"${d}\"]`).textContent", doc_id)
                assert drawn == text
                marks = page.evaluate(MARKS_JS, doc_id)
                spans = [e for layer in report["layers"].values() for side in ("gold", "predicted")
                         for e in layer[side] if e["doc_id"] == doc_id]
                assert len(marks) == len(spans)  # one focusable first piece per span
                assert sorted((m["text"], m["start"]) for m in marks) == sorted(
                    (text[e["start"]:e["end"]], len(text[:e["start"]].encode("utf-16-le")) // 2) for e in spans)
            assert_clean(opened)


def test_a_crafted_report_json_drawn_by_newsspans_report_shows_its_payloads_as_text(browser, tmp_path):
    """Every string field of a saved report (names, messages, speaker names, dropped keys) carries
    markup; `newsspans report` draws it, and in Chromium nothing runs and each payload is text."""
    import json

    from typer.testing import CliRunner

    from cli_app import make_app

    gold = tmp_path / "gold.jsonl"
    by_doc: dict = {}
    for s in ex.gold():
        d = {k: v for k, v in s.to_dict().items() if v is not None and k != "doc_id"}
        by_doc.setdefault(s.doc_id, []).append(d)
    gold.write_text("".join(json.dumps({"id": d.id, "text": d.text, "spans": by_doc.get(d.id, [])}) + "\n"
                            for d in ex.documents()), encoding="utf-8")
    report = ex.report()
    report["predictions"] = EVIL[0] + "\u202e"
    report["extractor_errors"] = {"d2": EVIL[1]}
    report["dropped"] = {EVIL[2]: 3}
    quote = report["layers"]["quote"]["gold"][0]
    quote["speaker_name"] = EVIL[3]
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    out = CliRunner().invoke(make_app(), ["report", str(path), "--gold", str(gold), "--html", str(tmp_path / "c.html")])
    assert out.exit_code == 0, out.output
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    with open_html(browser, html, tmp_path / "c.html") as opened:
        page = opened.page
        page.wait_for_selector("table.quotes", state="attached")
        assert page.evaluate("() => window.__xss") is None and opened.dialogs == []
        assert page.evaluate("() => document.querySelectorAll('img, iframe, svg:not(.chart)').length") == 0
        body = page.inner_text("body")
        for payload in EVIL:
            assert payload in body, payload
        assert EVIL[0] + "[U+202E]" in page.inner_text("header")
        assert EVIL[3] in page.inner_text("table.quotes")
        assert_clean(opened)
