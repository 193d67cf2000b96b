"""Push, annotate, pull and agreement against a real Label Studio server (fixture `label_studio`).

Every test works on a copy of a corpus folder in a temporary directory and on its own project,
so the repository's corpus/annotations.jsonl is never written.
"""
from __future__ import annotations

import json
import shutil
import socket
import threading
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from newsspans.annotation.cli import register
from newsspans.annotation.client import LabelStudioClient
from newsspans.annotation.convert import parse_export
from newsspans.annotation.tasks import gold_result
from newsspans.corpus.model import SPAN_FIELDS, Span
from newsspans.corpus.store import CORPUS_DIR, Corpus
from newsspans.evaluation.predictions import Prediction, write_predictions
from test_annotation_import import small_corpus


def _cli(*args: str, env: dict | None = None):
    app = typer.Typer()
    register(app)
    return CliRunner().invoke(app, ["annotate", *args], env=env)


def _fields(spans):
    return sorted(tuple(getattr(s, f) for f in SPAN_FIELDS) for s in spans)


def _server_args(server, project: str) -> list[str]:
    return ["--url", server.url, "--api-key", server.api_key, "--project", project]


@pytest.fixture
def client(label_studio) -> LabelStudioClient:
    return LabelStudioClient(label_studio.url, label_studio.api_key)


@pytest.fixture
def repo_corpus(tmp_path: Path) -> Corpus:
    """A copy of the committed corpus (sources + gold), whatever the gold holds right now."""
    root = tmp_path / "corpus"
    shutil.copytree(Path(CORPUS_DIR) / "sources", root / "sources", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(Path(CORPUS_DIR) / "annotations.jsonl", root / "annotations.jsonl")
    return Corpus(root)


@pytest.fixture
def hand_corpus(tmp_path: Path) -> Corpus:
    return small_corpus(tmp_path / "hand")


def _export(client: LabelStudioClient, project: str) -> list[dict]:
    return client.export(client.project_id(project))


def _predictions(client: LabelStudioClient, exported: list[dict]) -> dict[int, list]:
    """Task id -> its predictions, as the server stores them (the export lists only their ids)."""
    return {t["id"]: list(client._sdk.predictions.list(task=t["id"])) for t in exported}


def _push(server, corpus: Corpus, project: str, *extra: str):
    result = _cli("push", *_server_args(server, project), "--corpus", str(corpus.root), *extra)
    assert result.exit_code == 0, result.output
    return result


def _pull(server, corpus: Corpus, project: str, *extra: str):
    result = _cli("pull", *_server_args(server, project), "--corpus", str(corpus.root), *extra)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("which", ["repo_corpus", "hand_corpus"])
def test_push_gold_then_pull_gives_back_the_gold(label_studio, client, which, request):
    corpus: Corpus = request.getfixturevalue(which)
    committed = corpus.annotations.read_bytes()
    docs, gold = corpus.load()
    project = f"roundtrip-{which}"
    result = _push(label_studio, corpus, project, "--with", "gold")
    assert f"{len(docs)} task(s) created" in result.output
    assert f"{len(docs)} prediction(s) of newsspans-gold set" in result.output
    exported = _export(client, project)
    # The gold is a prediction, never an annotation: annotations are made by annotators only.
    assert all(t["annotations"] == [] for t in exported)
    assert client._sdk.projects.get(client.project_id(project)).model_version == "newsspans-gold"
    # What the server stored converts back to exactly the gold: every span, attribute and link.
    stored = _predictions(client, exported)
    assert all([p.model_version for p in stored[t["id"]]] == ["newsspans-gold"] for t in exported)
    as_annotations = [{**t, "annotations": [{"id": p.id, "completed_by": 1, "result": p.result}
                                            for p in stored[t["id"]]]} for t in exported]
    parsed = parse_export(as_annotations, docs)
    assert parsed.problems == []
    assert _fields(s for a in parsed.annotations for s in a.spans) == _fields(gold)
    result = _pull(label_studio, corpus, project)
    assert f"0 document(s) from Label Studio, {len(docs)} kept" in result.output
    assert corpus.annotations.read_bytes() == committed
    assert any(s.speaker for s in gold) and any(s.num_kind for s in gold) and any(s.canonical for s in gold)


def test_unicode_regions_survive_the_server(label_studio, client, hand_corpus):
    """Code-point offsets, emoji, combining accents and curly quotes come back unchanged."""
    _push(label_studio, hand_corpus, "unicode", "--with", "gold")
    exported = _export(client, "unicode")
    task = next(t for t in exported if t["data"]["doc_id"] == "unicode-doc")
    text = task["data"]["text"]
    assert text == hand_corpus.documents()[0].text
    [prediction] = _predictions(client, [task])[task["id"]]
    regions = {r["id"]: r["value"] for r in prediction.result if r.get("from_name") == "label"}
    assert regions["T5"]["text"] == "We will pay 5% more 😀." == text[regions["T5"]["start"]:regions["T5"]["end"]]
    assert regions["T4"]["text"] == "Zu\u0308rich" and regions["T7"]["text"] == "Kafe 😀 Co"


def test_push_with_predictions_shows_predictions_not_annotations(label_studio, client, hand_corpus, tmp_path):
    docs, gold = hand_corpus.load()
    predictions = {d.id: [Prediction(d.id, s.start, s.end, s.label, s.text, s.num_kind) for s in gold
                          if s.doc_id == d.id] for d in docs}
    path = tmp_path / "model-x.jsonl"
    write_predictions(path, predictions)
    before = hand_corpus.annotations.read_bytes()
    for _ in range(2):  # pushing again replaces the model's predictions, it does not add more
        result = _push(label_studio, hand_corpus, "predicted", "--with", f"predictions:{path}")
        assert f"{len(docs)} prediction(s) of model-x set" in result.output
    remote = client.tasks(client.project_id("predicted"))
    assert [(t.annotation_ids, list(t.predictions)) for t in remote] == [((), ["model-x"])] * len(docs)
    assert all(len(t.predictions["model-x"]) == 1 for t in remote)
    exported = _export(client, "predicted")
    assert all(t["annotations"] == [] for t in exported)
    result = _pull(label_studio, hand_corpus, "predicted")
    assert f"0 document(s) from Label Studio, {len(docs)} kept" in result.output
    assert hand_corpus.annotations.read_bytes() == before


def tiny_extractor(text: str) -> list[dict]:
    """A test extractor: every "Pyongyang" is a LOC, every "Friday" a date."""
    out = []
    for word, label, kind in (("Pyongyang", "LOC", None), ("Friday", "NUM", "date")):
        start = text.find(word)
        while start >= 0:
            out.append({"start": start, "end": start + len(word), "label": label, "num_kind": kind})
            start = text.find(word, start + 1)
    return out


def test_push_with_extractor_predictions(label_studio, client, hand_corpus):
    _push(label_studio, hand_corpus, "extracted", "--with", "extractor:test_labelstudio:tiny_extractor")
    project = client.project_id("extracted")
    remote = {t.doc_id: t for t in client.tasks(project)}
    assert list(remote["plain-doc"].predictions) == ["test_labelstudio:tiny_extractor"]
    prediction = client._sdk.predictions.list(task=remote["plain-doc"].id)[0]
    labels = sorted((r["value"]["text"], r["value"].get("labels", r["value"].get("choices")))
                    for r in prediction.result)
    assert labels == [("Friday", ["NUM"]), ("Friday", ["date"]), ("Pyongyang", ["LOC"]), ("Pyongyang", ["LOC"])]


def _annotator(client: LabelStudioClient, email: str) -> int:
    return client._sdk.users.create(username=email.split("@")[0], email=email, password="annotator-pass-1").id


def _task_id(client, project: str, doc_id: str) -> int:
    return next(t.id for t in client.tasks(client.project_id(project)) if t.doc_id == doc_id)


def test_annotator_changes_come_back_with_provenance(label_studio, client, hand_corpus, tmp_path):
    docs, gold = hand_corpus.load()
    doc = docs[0]
    _push(label_studio, hand_corpus, "edited", "--with", "gold")
    spans = {s.id: s for s in gold if s.doc_id == doc.id}
    cafe = doc.text.index("café")
    expected = [s for k, s in spans.items() if k != "T8"]                                     # a span removed
    expected = [Span(**{**s.to_dict(), "label": "ORG"}) if s.id == "T4" else s for s in expected]  # label changed
    expected = [Span(**{**s.to_dict(), "speaker": "T2"}) if s.id == "T9" else s for s in expected]  # speaker redrawn
    expected.append(Span(doc.id, "newRegion1", cafe, cafe + 4, "LOC", "café", canonical="Café"))  # a span added
    annotator = _annotator(client, "ann.one@newsspans.test")
    task = _task_id(client, "edited", doc.id)
    created = client.add_annotation(task, gold_result(doc, expected), completed_by=annotator)
    _pull(label_studio, hand_corpus, "edited", "--policy", "latest")
    _, pulled = hand_corpus.load()
    assert _fields(s for s in pulled if s.doc_id == doc.id) == _fields(expected)
    assert _fields(s for s in pulled if s.doc_id != doc.id) == _fields(s for s in gold if s.doc_id != doc.id)
    changed = {s.id: s for s in pulled if s.doc_id == doc.id and s.annotator}
    assert sorted(changed) == ["T4", "T9", "newRegion1"]  # unchanged spans keep their old line
    assert {(s.annotator, s.annotation_id) for s in changed.values()} == {("ann.one@newsspans.test", created)}
    assert all(s.annotated_at and s.annotated_at.startswith("20") for s in changed.values())
    # The same export saved from the UI imports to the same gold.
    export_file = tmp_path / "export.json"
    export_file.write_text(json.dumps(_export(client, "edited")), encoding="utf-8")
    copy = small_corpus(tmp_path / "copy")
    result = _cli("import", str(export_file), "--corpus", str(copy.root), "--policy", "latest")
    assert result.exit_code == 0, result.output
    assert _fields(copy.load()[1]) == _fields(pulled)
    # The pushed gold is no annotation: under ground-truth the annotator's single annotation is used too.
    result = _cli("pull", *_server_args(label_studio, "edited"), "--corpus", str(copy.root), "--policy", "ground-truth")
    assert result.exit_code == 0 and _fields(copy.load()[1]) == _fields(pulled)


def test_two_annotators_agreement_and_policies(label_studio, client, hand_corpus, tmp_path):
    docs, gold = hand_corpus.load()
    doc = docs[1]
    a_spans = [s for s in gold if s.doc_id == doc.id]
    # B drops the date and draws the quote without its speaker.
    b_spans = [Span(**{**s.to_dict(), "speaker": None}) for s in a_spans if s.id != "T5"]
    _push(label_studio, hand_corpus, "two-annotators")
    task = _task_id(client, "two-annotators", doc.id)
    a_id = client.add_annotation(task, gold_result(doc, a_spans), ground_truth=True,
                                 completed_by=_annotator(client, "ann.a@newsspans.test"))
    b_user = _annotator(client, "ann.b@newsspans.test")
    b_id = client.add_annotation(task, gold_result(doc, b_spans), completed_by=b_user)
    # A cancelled (skipped) annotation and a draft are both ignored, however wrong their results.
    junk = [{"id": "j", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 999, "text": "?", "labels": ["JUNK"]}}]
    client._sdk.annotations.create(task, result=junk, was_cancelled=True,
                                   completed_by=_annotator(client, "ann.c@newsspans.test"))
    draft = httpx.post(f"{label_studio.url}/api/tasks/{task}/drafts", json={"result": junk, "lead_time": 1.0},
                       headers={"Authorization": f"Token {label_studio.api_key}"})
    assert draft.status_code == 201, draft.text
    exported = _export(client, "two-annotators")
    assert any(t["drafts"] for t in exported)

    report_file = tmp_path / "agreement.json"
    result = _cli("agreement", *_server_args(label_studio, "two-annotators"), "--corpus", str(hand_corpus.root),
                  "--json", str(report_file))
    assert result.exit_code == 0, result.output
    report = json.loads(report_file.read_text(encoding="utf-8"))
    overall = report["overall"]
    assert overall["pairs"] == 1
    assert overall["labels"]["NUM"] == {"spans_a": 1, "spans_b": 0, "strict_matches": 0, "strict_f1": 0.0,
                                        "overlap_f1": 0.0}
    assert overall["all"]["strict_matches"] == 5 and overall["all"]["strict_f1"] == pytest.approx(10 / 11)
    assert (overall["quotes_matched"], overall["speakers_agreed"]) == (1, 0)
    assert list(report["documents"]) == ["plain-doc"]
    assert report["pairs"][0]["a"] == "ann.a@newsspans.test" and report["pairs"][0]["b"] == "ann.b@newsspans.test"
    assert "quote speaker: 0 of 1 matched quotes agree (0.0%)" in result.output

    def pulled(policy: str, *extra: str) -> list[Span]:
        result = _pull(label_studio, hand_corpus, "two-annotators", "--policy", policy, *extra)
        assert "cancelled (skipped)" in result.output
        return [s for s in hand_corpus.load()[1] if s.doc_id == doc.id]

    assert _fields(pulled("ground-truth")) == _fields(a_spans)
    latest = pulled("latest")
    assert _fields(latest) == _fields(b_spans)
    # Spans B left as they were keep their old line; the quote B changed carries B's provenance.
    assert [(s.annotator, s.annotation_id) for s in latest if s.id == "T6"] == [("ann.b@newsspans.test", b_id)]
    adjudication = tmp_path / "adjudicate.jsonl"
    agreed = pulled("agreement", "--adjudication", str(adjudication))
    assert sorted(s.id for s in agreed) == ["T1", "T2", "T3", "T4"]
    left = [json.loads(line) for line in adjudication.read_text(encoding="utf-8").splitlines()]
    assert sorted((x["id"], x["annotators"]) for x in left) == [
        ("T5", ["ann.a@newsspans.test"]), ("T6", ["ann.a@newsspans.test"]), ("T6", ["ann.b@newsspans.test"])]
    assert {a_id, b_id} >= {s.annotation_id for s in agreed if s.annotation_id}


def test_repeated_push_creates_no_duplicates(label_studio, client, hand_corpus):
    for _ in range(2):
        _push(label_studio, hand_corpus, "repeat", "--with", "gold")
    result = _push(label_studio, hand_corpus, "repeat", "--with", "gold")
    assert "0 task(s) created" in result.output and "2 prediction(s) of newsspans-gold set" in result.output
    remote = client.tasks(client.project_id("repeat"))
    assert sorted(t.doc_id for t in remote) == ["plain-doc", "unicode-doc"]
    assert [(len(t.annotation_ids), {k: len(v) for k, v in t.predictions.items()}) for t in remote] == [
        (0, {"newsspans-gold": 1})] * 2
    assert [p.title for p in client._sdk.projects.list()].count("repeat") == 1


def _untouched(corpus: Corpus, before: bytes, result, *needles: str) -> None:
    assert result.exit_code == 2  # bad input or environment
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, result.output  # one clear line
    for needle in needles:
        assert needle in lines[0]
    assert corpus.annotations.read_bytes() == before


def test_bad_key_is_a_clear_error_and_never_printed(label_studio, hand_corpus):
    before = hand_corpus.annotations.read_bytes()
    secret = "wrong-key-0123456789-do-not-print"
    for command in ("push", "pull"):
        result = _cli(command, "--url", label_studio.url, "--corpus", str(hand_corpus.root),
                      env={"LABEL_STUDIO_API_KEY": secret})
        _untouched(hand_corpus, before, result, "rejected the API key (HTTP 401)", "LABEL_STUDIO_API_KEY")
        assert secret not in result.output
    result = _cli("pull", "--url", label_studio.url, "--corpus", str(hand_corpus.root),
                  env={"LABEL_STUDIO_API_KEY": ""})
    _untouched(hand_corpus, before, result, "no Label Studio API key")


def test_personal_access_token_works(label_studio, client, hand_corpus):
    """The key users copy from Account & Settings is a JWT refresh token; the SDK exchanges it."""
    _push(label_studio, hand_corpus, "jwt-key", "--with", "gold")
    created = httpx.post(f"{label_studio.url}/api/token/", headers={"Authorization": f"Token {label_studio.api_key}"})
    assert created.status_code in (200, 201), created.text
    token = created.json()["token"]
    result = _cli("pull", "--url", label_studio.url, "--project", "jwt-key", "--corpus", str(hand_corpus.root),
                  env={"LABEL_STUDIO_API_KEY": token})
    assert result.exit_code == 0, result.output
    assert "0 document(s) from Label Studio, 2 kept" in result.output and token not in result.output


def test_missing_project_is_a_clear_error(label_studio, hand_corpus):
    before = hand_corpus.annotations.read_bytes()
    result = _cli("pull", *_server_args(label_studio, "no-such-project"), "--corpus", str(hand_corpus.root))
    _untouched(hand_corpus, before, result, "has no project 'no-such-project'")


def test_stopped_server_and_timeout_are_clear_errors(label_studio, hand_corpus):
    before = hand_corpus.annotations.read_bytes()
    with socket.socket() as s:  # a port where nothing listens: what a stopped server looks like
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = _cli("pull", "--url", f"http://127.0.0.1:{port}", "--api-key", "k", "--corpus", str(hand_corpus.root))
    _untouched(hand_corpus, before, result, f"cannot reach Label Studio at http://127.0.0.1:{port}")

    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    held = []
    stop = threading.Event()

    def accept() -> None:
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = _cli("push", "--url", url, "--api-key", "k", "--timeout", "1", "--corpus", str(hand_corpus.root))
        _untouched(hand_corpus, before, result, f"Label Studio at {url} did not answer within 1 s")
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        silent.close()


# --- The browser side: what Label Studio's own editor does with offsets ----------------------


_SELECT_WORD = """(word) => {
  // Select `word` in the editor's text (outside existing regions) and release the mouse there,
  // as an annotator dragging over it would.
  const root = document.querySelector('.lsf-richtext__container');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const i = node.textContent.indexOf(word);
    if (i >= 0 && !node.parentElement.closest('.htx-highlight')) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + word.length);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      node.parentElement.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
      return true;
    }
  }
  return false;
}"""


def test_label_studio_editor_uses_code_point_offsets(label_studio, client, hand_corpus, browser):
    """Label Studio 1.23's editor reads and writes Text offsets as code points, not UTF-16 units.

    Reading: the gold regions (code-point offsets) highlight exactly their text after emoji and
    combining accents. Writing: words selected in the editor after emoji come back with their
    code-point offsets (the UTF-16 offsets differ here, so a UTF-16 editor would fail).
    """
    from labelstudio_server import ADMIN_EMAIL, ADMIN_PASSWORD

    docs, gold = hand_corpus.load()
    doc = docs[0]
    _push(label_studio, hand_corpus, "browser-offsets", "--with", "gold")
    project = client.project_id("browser-offsets")
    task = _task_id(client, "browser-offsets", doc.id)
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    foreign: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(label_studio.url) else foreign.append(r.url))
    try:
        page.goto(f"{label_studio.url}/user/login/")
        page.fill("input[name=email]", ADMIN_EMAIL)
        page.fill("input[name=password]", ADMIN_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(f"{label_studio.url}/projects/{project}/data?task={task}")
        page.wait_for_selector(".htx-highlight", timeout=90_000)
        shown = page.eval_on_selector_all(".htx-highlight", "els => els.map(e => e.textContent)")
        assert sorted(shown) == sorted(s.text for s in gold if s.doc_id == doc.id)

        for word in ("board", "talks"):
            page.keyboard.press("Escape")  # nothing selected: the label click arms the next region
            page.locator(".lsf-label", has_text="ORG").first.click()
            assert page.evaluate(_SELECT_WORD, word), word
            page.wait_for_function("w => Array.from(document.querySelectorAll('.htx-highlight'))"
                                   ".some(e => e.textContent === w)", arg=word, timeout=10_000)
        # The gold was a prediction: Submit creates the annotation.
        with page.expect_response(lambda r: "/annotations" in r.url and r.request.method == "POST"):
            page.locator("button", has_text="Submit").first.click()
    finally:
        page.close()
    assert not [u for u in foreign if not u.startswith(("data:", "blob:"))], foreign

    annotation = next(t for t in _export(client, "browser-offsets") if t["id"] == task)["annotations"][0]
    drawn = {r["value"]["text"]: r["value"] for r in annotation["result"]
             if r.get("from_name") == "label" and r["value"]["text"] in ("board", "talks")}
    for word, value in drawn.items():
        start = doc.text.index(word)
        assert (value["start"], value["end"]) == (start, start + len(word))
        assert len(doc.text[:start].encode("utf-16-le")) // 2 != start  # UTF-16 would have said otherwise
    assert sorted(drawn) == ["board", "talks"]
    # The new regions pass every offset check; only their missing canonical names are reported.
    problems = parse_export([next(t for t in _export(client, "browser-offsets") if t["id"] == task)], docs).problems
    assert [p.message for p in problems] == ["ORG span needs a canonical name"] * 2, [str(p) for p in problems]


def _sign_up(browser, url: str, email: str, password: str):
    """A fresh browser context signed up (and so logged in) as a new Label Studio user."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/user/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/user/signup" not in page.url and "/user/login" not in page.url, page.url
    return context, page


def test_editor_changes_are_credited_to_the_annotator_who_made_them(label_studio, client, hand_corpus, browser):
    """The normal workflow, in Label Studio's own editor: push the gold, a second user opens the task,
    relabels one region and submits; pull credits that span to them and leaves every other span,
    provenance included, as it was."""
    docs, gold = hand_corpus.load()
    doc = docs[0]
    earlier = [Span(**{**s.to_dict(), "annotator": "first@newsspans.test", "annotation_id": 1,
                       "annotated_at": "2025-01-01T00:00:00Z"}) for s in gold]
    hand_corpus.write_gold(earlier)  # the gold as an earlier pull left it
    _push(label_studio, hand_corpus, "provenance", "--with", "gold")
    project = client.project_id("provenance")
    task = _task_id(client, "provenance", doc.id)
    email = "second.annotator@newsspans.test"
    context, page = _sign_up(browser, label_studio.url, email, "second-annotator-pass-1")
    try:
        page.goto(f"{label_studio.url}/projects/{project}/data?task={task}")
        page.wait_for_selector(".htx-highlight", timeout=90_000)
        # The editor starts the annotator from the gold prediction: every gold region is shown.
        shown = page.eval_on_selector_all(".htx-highlight", "els => els.map(e => e.textContent)")
        assert sorted(shown) == sorted(s.text for s in gold if s.doc_id == doc.id)
        page.locator(".htx-highlight", has_text="Zu\u0308rich").first.click()  # select the LOC region ...
        page.locator(".lsf-label", has_text="ORG").first.click()              # ... and relabel it ORG
        with page.expect_response(lambda r: "/annotations" in r.url and r.request.method == "POST") as posted:
            page.locator("button", has_text="Submit").first.click()
        assert posted.value.status == 201, posted.value.text()
    finally:
        context.close()
    [annotation] = next(t for t in _export(client, "provenance") if t["id"] == task)["annotations"]
    annotator_id = next(u for u, e in client.users().items() if e == email)
    assert annotation["completed_by"] == annotator_id and annotation["parent_prediction"] is not None

    _pull(label_studio, hand_corpus, "provenance", "--policy", "latest")
    pulled = {(s.doc_id, s.id): s for s in hand_corpus.load()[1]}
    changed = pulled[(doc.id, "T4")]
    assert (changed.label, changed.annotator, changed.annotation_id) == ("ORG", email, annotation["id"])
    assert changed.annotated_at and changed.annotated_at.startswith("20")
    # Every other span is exactly the earlier line: same id, same provenance.
    assert {k: v for k, v in pulled.items() if k != (doc.id, "T4")} == {
        (s.doc_id, s.id): s for s in earlier if (s.doc_id, s.id) != (doc.id, "T4")}


def test_a_document_without_gold_gets_no_empty_pre_annotation(label_studio, client, hand_corpus):
    docs, gold = hand_corpus.load()
    hand_corpus.write_gold([s for s in gold if s.doc_id != "plain-doc"])
    result = _push(label_studio, hand_corpus, "partly-gold", "--with", "gold")
    assert "1 prediction(s) of newsspans-gold set" in result.output
    remote = {t.doc_id: t for t in client.tasks(client.project_id("partly-gold"))}
    assert (remote["plain-doc"].annotation_ids, remote["plain-doc"].predictions) == ((), {})
    assert remote["unicode-doc"].annotation_ids == () and list(remote["unicode-doc"].predictions) == ["newsspans-gold"]
    # An annotator's work on that document is what ground-truth pulls (it is the only annotation).
    doc = next(d for d in docs if d.id == "plain-doc")
    mine = [s for s in gold if s.doc_id == "plain-doc"]
    client.add_annotation(remote["plain-doc"].id, gold_result(doc, mine),
                          completed_by=_annotator(client, "ann.plain@newsspans.test"))
    _pull(label_studio, hand_corpus, "partly-gold", "--policy", "ground-truth")
    assert _fields(s for s in hand_corpus.load()[1] if s.doc_id == "plain-doc") == _fields(mine)


def test_a_task_whose_document_left_the_corpus_is_named(label_studio, client, hand_corpus, tmp_path):
    docs, gold = hand_corpus.load()
    _push(label_studio, hand_corpus, "left-corpus")
    task = _task_id(client, "left-corpus", "plain-doc")
    doc = next(d for d in docs if d.id == "plain-doc")
    client.add_annotation(task, gold_result(doc, [s for s in gold if s.doc_id == "plain-doc"]),
                          completed_by=_annotator(client, "ann.left@newsspans.test"))
    # The document leaves the corpus (its source record and gold removed).
    source = hand_corpus.sources / "000_small.jsonl"
    source.write_text(source.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    hand_corpus.write_gold([s for s in gold if s.doc_id != "plain-doc"])
    before = hand_corpus.annotations.read_bytes()
    result = _cli("pull", *_server_args(label_studio, "left-corpus"), "--corpus", str(hand_corpus.root))
    assert result.exit_code == 2  # bad input: the export does not fit the corpus
    assert f"task {task}, document 'plain-doc': this document is no longer in the corpus; delete task {task} " \
           "in Label Studio" in result.output
    assert hand_corpus.annotations.read_bytes() == before
