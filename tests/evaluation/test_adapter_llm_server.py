"""The llm: adapter against a real OpenAI-compatible server: llama-cpp-python's, serving
SmolLM2-135M-Instruct on loopback (tests/support/llm_server.py). A model this small answers
badly; these tests check the plumbing: requests reach the server and are counted there, the
response_format dialect the server accepts is found, answers become offset-free spans, a bad
answer is that document's error, and a second run is served from the cache."""
from __future__ import annotations

import json

import pytest
from cli_app import make_app
from typer.testing import CliRunner

from newsspans.corpus.model import Document
from newsspans.evaluation.adapters.llm import LLMAnswerError
from newsspans.evaluation.extractors.registry import load_adapter
from newsspans.evaluation.extractors.runner import run_extractor

MODEL = "smollm2"
TEXTS = ["Olaf Scholz visited Paris on Monday.", '"Prices rose 5%," said Christine Lagarde in Frankfurt.',
         "Kim Jong Un met Putin in Russia."]
# A prompt a 135M model follows: copy an answer. Grammar-constrained decoding (response_format) makes
# llama-cpp-python slow on long free-text strings, so the answer tests run with structured=off and
# the response_format ladder is checked on 4-token answers.
COPY_PROMPT = """Repeat this JSON exactly and write nothing else:
{"entities": [{"text": "Paris", "label": "LOC", "num_kind": null}], "quotes": []}

(Text: {text})
"""

pytestmark = pytest.mark.usefixtures("no_llm_env")


@pytest.fixture
def copy_prompt(tmp_path):
    path = tmp_path / "copy-prompt.txt"
    path.write_text(COPY_PROMPT, encoding="utf-8")
    return path


def test_answers_of_a_real_server_become_offset_free_spans(llama_server, copy_prompt):
    before = llama_server.requests_served()
    model = load_adapter(f"llm:{MODEL}?url={llama_server.url}&template={copy_prompt}&structured=off&max_tokens=64")
    results = []
    for text in [*TEXTS, "   "]:
        try:
            results.append(model(text))
        except LLMAnswerError as exc:  # the model may add to the answer or ramble past max_tokens
            results.append(exc)
    assert results[-1] == []  # a blank text is not sent
    answered = [r for r in results[:-1] if isinstance(r, list)]
    assert answered, results
    assert any({"text": "Paris", "label": "LOC"} in spans for spans in answered), answered
    for spans in answered:
        for span in spans:
            assert isinstance(span["text"], str) and span["text"].strip() and isinstance(span["label"], str)
            assert "start" not in span and "end" not in span
            assert set(span) <= {"text", "label", "num_kind", "speaker"}
    assert model.requests == 3 == llama_server.requests_served() - before


def test_answers_cut_at_max_tokens_are_each_documents_error_not_a_crash(llama_server):
    docs = [Document("a", "t", TEXTS[0]), Document("b", "t", TEXTS[1]), Document("blank", "t", "\n")]
    before = llama_server.requests_served()
    model = load_adapter(f"llm:{MODEL}?url={llama_server.url}&max_tokens=4")
    run = run_extractor(model, docs, batch_size=3)
    assert run.predictions == {"blank": []}
    assert set(run.errors) == {"a", "b"}
    for message in run.errors.values():
        assert message.startswith("LLMAnswerError: the answer was cut at max_tokens=4: the answer is not valid JSON")
    # llama-cpp-python refuses OpenAI's json_schema (a 500 naming response_format) and takes its own
    # {"type": "json_object", "schema": ...}: the ladder found it.
    assert model.structured == "json_object"
    # Counted on both sides: the batch ran concurrently, the per-document retry asked no one again.
    assert model.requests == llama_server.requests_served() - before
    assert 2 < model.requests <= 4  # two documents, plus the json_schema refusals of the requests in flight


def test_score_runs_end_to_end_and_a_second_run_comes_from_the_cache(llama_server, own_gold, tmp_path, copy_prompt):
    app, runner = make_app(), CliRunner()
    cache, report = tmp_path / "cache", tmp_path / "report.json"
    args = ["score", "--gold", str(own_gold), "--extractor", f"llm:{MODEL}?template={copy_prompt}&structured=off&max_tokens=64", "--llm-url",
            llama_server.url, "--cache", str(cache), "--output", str(report), "--no-progress", "--bootstrap", "0"]
    before = llama_server.requests_served()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    failed = json.loads(report.read_text(encoding="utf-8"))["extractor_errors"]
    assert llama_server.requests_served() > before
    assert len(list(cache.rglob("*.json"))) == 2 - len(failed)
    middle = llama_server.requests_served()
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    asked_again = llama_server.requests_served() - middle
    # Cached documents are not sent again; only documents that failed are retried.
    assert asked_again == 0 if not failed else asked_again >= len(failed)
