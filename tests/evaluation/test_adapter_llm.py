"""The llm: adapter without a model: answer parsing, settings, the cache key, and its HTTP
behaviour (retries, response_format fallback, errors, the API key) against a scripted loopback
server. The same adapter against a real model server is in test_adapter_llm_server.py."""
from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from cli_app import make_app
from llm_server import ScriptedServer, chat_reply, in_order, prompt_of

from newsspans.corpus.errors import CorpusError
from newsspans.corpus.model import Document
from newsspans.evaluation.adapters import llm
from newsspans.evaluation.adapters.llm import (DEFAULT_PROMPT, MALFORMED, LLMAnswerError, LLMExtractor,
                                               LLMRequestError, answer_spans, parse_answer, resolve_settings)
from newsspans.evaluation.extractors.cache import extractor_version, spec_key
from newsspans.evaluation.extractors.runner import run_extractor
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sk-test-0123456789abcdef-SECRET"
EMPTY = json.dumps({"entities": [], "quotes": []})


APP = make_app()


def invoke(args: list[str]):
    return CliRunner().invoke(APP, args)


pytestmark = pytest.mark.usefixtures("no_llm_env")


def ok(content: str, finish: str = "stop"):
    return 200, {}, chat_reply(content, finish)


# --- Reading answers ------------------------------------------------------------------------------

ANSWER = {"entities": [{"text": "Putin", "label": "PER", "num_kind": None},
                       {"text": "$3bn", "label": "NUM", "num_kind": "money"}],
          "quotes": [{"text": "We will respond", "speaker": "Putin"}]}
SPANS = [{"text": "Putin", "label": "PER"}, {"text": "$3bn", "label": "NUM", "num_kind": "money"},
         {"text": "We will respond", "label": "QUOTE", "speaker": "Putin"}]


@pytest.mark.parametrize("content", [
    json.dumps(ANSWER),
    "```json\n" + json.dumps(ANSWER, indent=2) + "\n```",
    "Here are the spans:\n```\n" + json.dumps(ANSWER) + "\n```\nLet me know if you need more.",
    json.dumps(ANSWER) + "\n\nI found two entities and one quote.",
    "Sure! " + json.dumps(ANSWER) + " Hope this helps {really}.",
    "<think>The user wants JSON {not this}.</think>\n" + json.dumps(ANSWER),
])
def test_answers_are_parsed_through_fences_prose_and_think_blocks(content):
    assert answer_spans(parse_answer(content)) == SPANS


def test_a_plain_list_of_spans_is_an_answer_too():
    answer = '[{"text": "Kyiv", "label": "LOC"}, {"text": "no more", "label": "QUOTE", "speaker": "Zelensky"}]'
    assert answer_spans(parse_answer(answer)) == [{"text": "Kyiv", "label": "LOC"},
                                                  {"text": "no more", "label": "QUOTE", "speaker": "Zelensky"}]


@pytest.mark.parametrize("content, message", [
    ("I could not find any entities.", "the answer is not valid JSON: 'I could not find"),
    ('{"entities": [{"text": "Putin", "label": "PER"}, {"text": "Ky', "not valid JSON (Unterminated string"),
    ("```json\n{'entities': []}\n```", "not valid JSON"),
])
def test_an_answer_that_is_not_json_is_an_error_showing_it(content, message):
    with pytest.raises(LLMAnswerError, match=re.escape(message)):
        parse_answer(content)


def test_a_cut_off_answer_is_not_read_as_its_nested_parts():
    # A later brace opens a complete inner object; taking it would pass part of an answer for all of it.
    with pytest.raises(LLMAnswerError, match="not valid JSON"):
        parse_answer('{"entities": [{"text": "Putin", "label": "PER", "num_kind": null}, {"text": "Kyi')


@pytest.mark.parametrize("answer", [42, "Putin", {"people": ["Putin"]}, {"entities": "Putin"}])
def test_json_of_another_shape_is_an_error(answer):
    with pytest.raises(LLMAnswerError):
        answer_spans(answer)


def test_items_that_are_no_span_are_counted_not_dropped_silently():
    dropped = Counter()
    spans = answer_spans({"entities": [{"text": "Putin", "label": "PER"}, {"label": "LOC"}, "Kyiv",
                                       {"text": "  ", "label": "ORG"}, {"text": "NATO"}],
                          "quotes": [{"speaker": "Putin"}, {"text": "fine", "speaker": 3}]}, dropped)
    assert spans == [{"text": "Putin", "label": "PER"}, {"text": "fine", "label": "QUOTE"}]
    assert dropped == {MALFORMED: 5}


def test_labels_pass_through_and_only_known_num_kinds_are_kept():
    spans = answer_spans([{"text": " Putin\n", "label": "PERSON"}, {"text": "5%", "label": "NUM", "num_kind": "pct"},
                          {"text": "Kyiv", "label": "LOC", "num_kind": "date"},
                          {"text": "said so", "label": "QUOTE", "speaker": " Lagarde "}])
    # An unknown label reaches the scorer (reported, or mapped with --label-map), like the other adapters'.
    assert spans == [{"text": "Putin", "label": "PERSON"}, {"text": "5%", "label": "NUM"},
                     {"text": "Kyiv", "label": "LOC"}, {"text": "said so", "label": "QUOTE", "speaker": "Lagarde"}]


# --- Settings and the cache key -------------------------------------------------------------------

def test_settings_come_from_defaults_environment_spec_and_arguments_in_that_order(tmp_path):
    env = {"NEWSSPANS_LLM_URL": "http://127.0.0.1:8080", "NEWSSPANS_LLM_TEMPERATURE": "0.5",
           "NEWSSPANS_LLM_CONCURRENCY": "2", "NEWSSPANS_LLM_MAX_RETRIES": "7"}
    s = resolve_settings("qwen2.5:7b?temperature=0.2&concurrency=3", env, concurrency=5)
    assert (s.model, s.url, s.temperature, s.concurrency, s.max_retries, s.timeout, s.max_tokens) == \
        ("qwen2.5:7b", "http://127.0.0.1:8080/v1", 0.2, 5, 7, 120.0, 4096)
    assert resolve_settings("m", {"NEWSSPANS_LLM_URL": "http://h:1"}).temperature == 0.0  # the default
    template = tmp_path / "prompt.txt"
    template.write_text("Find names in: {text}\nAnswer {\"entities\": [], \"quotes\": []}", encoding="utf-8")
    s = resolve_settings(f"org/model?url=http://h:2/v1/chat/completions&template={template}", {})
    assert s.url == "http://h:2/v1" and s.prompt == template.read_text(encoding="utf-8")
    assert llm.render_prompt(s.prompt, "Kyiv {x}") == "Find names in: Kyiv {x}\nAnswer {\"entities\": [], \"quotes\": []}"


@pytest.mark.parametrize("argument, env, message", [
    ("m", {}, "no server URL; pass --llm-url or set $NEWSSPANS_LLM_URL"),
    ("?url=http://h:1", {}, "needs a model name"),
    ("m?url=ftp://h/v1", {}, "must be http:// or https://"),
    ("m", {"NEWSSPANS_LLM_URL": "http://h:1/v1?api-version=1"}, "must have no query or fragment"),
    ("m?temprature=0.1", {"NEWSSPANS_LLM_URL": "http://h:1"}, "unknown llm option temprature"),
    ("m?api_key=sk-x", {"NEWSSPANS_LLM_URL": "http://h:1"}, "the API key comes only from $NEWSSPANS_LLM_API_KEY"),
    ("m", {"NEWSSPANS_LLM_URL": "http://h:1", "NEWSSPANS_LLM_CONCURRENCY": "0"},
     "llm option concurrency from $NEWSSPANS_LLM_CONCURRENCY: must be at least 1"),
    ("m?temperature=hot", {"NEWSSPANS_LLM_URL": "http://h:1"}, "llm option temperature from the spec"),
    ("m?structured=yes", {"NEWSSPANS_LLM_URL": "http://h:1"}, "must be one of auto, json_schema"),
    ("m?template=/no/such/prompt.txt", {"NEWSSPANS_LLM_URL": "http://h:1"}, "cannot read the prompt template"),
])
def test_bad_settings_say_which_option_and_where_it_came_from(argument, env, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_settings(argument, env)


def test_a_template_without_the_text_placeholder_is_refused(tmp_path):
    template = tmp_path / "t.txt"
    template.write_text("Find the names.", encoding="utf-8")
    with pytest.raises(ValueError, match=r"has no \{text\} placeholder"):
        resolve_settings(f"m?url=http://h:1&template={template}", {})


def test_the_cache_key_follows_what_decides_answers_and_nothing_else(monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSSPANS_LLM_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("NEWSSPANS_LLM_API_KEY", SECRET)
    base = extractor_version("llm:m")
    template = tmp_path / "t.txt"
    template.write_text("Names in {text}", encoding="utf-8")
    changed = {spec: extractor_version(spec) for spec in (
        "llm:other", "llm:m?temperature=0.7", "llm:m?max_tokens=100", "llm:m?structured=off",
        "llm:m?url=http://127.0.0.1:9090/v1", f"llm:m?template={template}")}
    assert base is not None and None not in changed.values()
    assert len({base, *changed.values()}) == 7, changed
    template.write_text("Other names in {text}", encoding="utf-8")  # an edited template is a new key
    assert extractor_version(f"llm:m?template={template}") != changed[f"llm:m?template={template}"]
    # How the requests are made does not change the answers: same version (the spec is the name).
    assert extractor_version("llm:m?concurrency=9&timeout=5&max_retries=0&backoff=2") == base
    monkeypatch.setenv("NEWSSPANS_LLM_API_KEY", "another key")
    assert extractor_version("llm:m") == base and SECRET not in base
    assert extractor_version("llm:m?url=http://user:pw0rd@127.0.0.1:8080/v1") == base  # credentials left out
    monkeypatch.delenv("NEWSSPANS_LLM_URL")
    assert spec_key("llm:m") is None  # no URL: run uncached, and loading says what is missing


def test_the_cli_sets_the_variable_the_adapter_reads():
    from newsspans.evaluation.cli import options  # repeats the name so that --help imports no adapter

    assert options.LLM_URL_ENV == llm.URL_ENV


def test_the_readme_prints_the_default_prompt_and_every_option():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert DEFAULT_PROMPT.strip() in readme
    for option in llm.OPTIONS:
        assert f"`{option.env}`" in readme and f"`{option.name}`" in readme, option.name
    for name in llm.KEY_ENVS:
        assert f"`{name}`" in readme


# --- HTTP against a scripted loopback server ------------------------------------------------------

def extractor(server: ScriptedServer, **options) -> LLMExtractor:
    return LLMExtractor("scripted", url=server.url, backoff=0.01, **options)


def test_429_then_200_is_retried_after_retry_after_and_sends_the_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)  # the fallback when NEWSSPANS_LLM_API_KEY is unset
    with ScriptedServer(in_order((429, {"Retry-After": "1"}, {"error": "slow down"}), ok(json.dumps(ANSWER)))) as s:
        began = time.monotonic()
        assert extractor(s)("Putin said: 'We will respond'") == SPANS
        waited = time.monotonic() - began
    posts = s.posts()
    assert len(posts) == 2 and waited >= 0.95  # Retry-After: 1 was honoured, not the 0.01 s backoff
    assert all(p.headers["Authorization"] == f"Bearer {SECRET}" for p in posts)
    body = posts[0].body
    assert body["model"] == "scripted" and body["temperature"] == 0.0 and body["stream"] is False
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == llm.ANSWER_SCHEMA
    assert prompt_of(body) == DEFAULT_PROMPT.replace("{text}", "Putin said: 'We will respond'")


def test_the_project_key_wins_over_openai_api_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "the-openai-one")
    monkeypatch.setenv("NEWSSPANS_LLM_API_KEY", SECRET)
    with ScriptedServer(in_order(ok(EMPTY))) as s:
        extractor(s)("text")
    assert {x.headers["Authorization"] for x in s.seen} == {f"Bearer {SECRET}"}


def test_5xx_is_retried_until_max_retries_then_is_the_documents_error():
    with ScriptedServer(in_order((503, {}, {"error": "overloaded"}))) as s:
        with pytest.raises(LLMRequestError, match=r"failed 3 times; last: HTTP 503: .*overloaded"):
            extractor(s, max_retries=2)("text")
    assert len(s.posts()) == 3


def test_a_server_that_recovers_from_500_answers():
    with ScriptedServer(in_order((500, {}, "boom"), (502, {}, "bad gateway"), ok(EMPTY))) as s:
        assert extractor(s)("text") == []
    assert len(s.posts()) == 3


def test_a_plain_400_is_not_retried():
    with ScriptedServer(in_order((400, {}, {"error": {"message": "context length exceeded"}}))) as s:
        with pytest.raises(LLMRequestError, match="HTTP 400 .*context length exceeded"):
            extractor(s, structured="off")("text")
    assert len(s.posts()) == 1


def test_a_refused_response_format_steps_down_once_and_is_remembered():
    def respond(body, n):
        kind = body.get("response_format", {}).get("type")
        if kind == "json_schema":
            return 422, {}, {"detail": "response_format json_schema is not supported"}
        if kind == "json_object":  # llama-cpp-python's way of refusing a field: 500 naming it
            return 500, {}, {"error": "unsupported field response_format"}
        return ok(EMPTY)

    with ScriptedServer(respond) as s:
        model = extractor(s)
        assert model("one") == [] and model.structured == "off"
        assert model("two") == []
    kinds = [p.body.get("response_format", {}).get("type") for p in s.posts()]
    assert kinds == ["json_schema", "json_object", None, None]  # the 500 naming the field is not retried


def test_run_extractor_counts_a_bad_answer_as_that_documents_error_and_asks_once_per_document():
    def respond(body, n):
        if "BAD" in prompt_of(body):
            return ok("Sure! The text mentions Putin.")
        if "odd" in prompt_of(body):
            return ok('{"entities": [{"label": "PER"}], "quotes": []}')  # an item with no text
        return ok(EMPTY)

    docs = [Document(id, "t", text) for id, text in (("a", "fine text"), ("b", "a BAD one"), ("c", "an odd one"),
                                                      ("d", "  "))]
    with ScriptedServer(respond) as s:
        model = extractor(s)
        run = run_extractor(model, docs, batch_size=4)
    assert run.predictions == {"a": [], "c": [], "d": []}
    assert list(run.errors) == ["b"]
    assert run.errors["b"].startswith("LLMAnswerError: the answer is not valid JSON: 'Sure! The text")
    assert run.dropped == {MALFORMED: 1}  # reaches the report's `dropped` counts
    # The batch failed, the runner asked per document, and the adapter answered from what it had:
    # one request per non-blank document, none for the blank one.
    assert len(s.posts()) == 3 == model.requests


def test_concurrency_is_bounded():
    active, peak = [0], [0]
    lock = threading.Lock()

    def respond(body, n):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)
        with lock:
            active[0] -= 1
        return ok(EMPTY)

    with ScriptedServer(respond) as s:
        assert extractor(s, concurrency=2).predict_batch([f"text {i}" for i in range(6)]) == [[]] * 6
    assert peak[0] == 2 and len(s.posts()) == 6


def test_a_timeout_is_retried_then_reported():
    def respond(body, n):
        time.sleep(0.6)
        return ok(EMPTY)

    with ScriptedServer(respond) as s:
        with pytest.raises(LLMRequestError, match=r"failed 2 times; last: ReadTimeout"):
            extractor(s, timeout=0.2, max_retries=1)("text")
    assert len(s.posts()) == 2


def test_an_unreachable_server_or_a_refused_key_fails_at_load_in_one_line(monkeypatch):
    with ScriptedServer(in_order(ok(EMPTY))) as s:
        url = s.url
    with pytest.raises(RuntimeError, match=r"cannot reach the LLM server at http://127\.0\.0\.1:\d+/v1/models"):
        LLMExtractor("m", url=url)
    monkeypatch.setenv("NEWSSPANS_LLM_API_KEY", SECRET)
    with ScriptedServer(in_order(ok(EMPTY)), models_status=401) as s:
        with pytest.raises(RuntimeError, match=r"refused the request \(HTTP 401\): check \$NEWSSPANS_LLM_API_KEY") as exc:
            LLMExtractor("m", url=s.url)
    assert SECRET not in str(exc.value)


def test_the_key_is_in_no_output_error_or_cache_file(monkeypatch, own_gold, tmp_path):
    """A server that echoes the request's Authorization header in its error (as some proxies do)
    on one document, empty answers on the other: the key reaches the server and nothing else."""
    monkeypatch.setenv("NEWSSPANS_LLM_API_KEY", SECRET)

    def respond(body, n):
        if "Lagarde" in prompt_of(body):
            return 500, {}, {"error": f"upstream refused Authorization: Bearer {SECRET}"}
        return ok(EMPTY)

    cache, report = tmp_path / "cache", tmp_path / "report.json"
    with ScriptedServer(respond) as s:
        args = ["score", "--gold", str(own_gold), "--extractor", "llm:scripted?max_retries=1&backoff=0.01",
                "--llm-url", s.url, "--cache", str(cache), "--output", str(report), "--errors", "--no-progress"]
        first = invoke(args)
        served = len(s.posts())
        second = invoke(args + ["--format", "json"])
    assert all(p.headers["Authorization"] == f"Bearer {SECRET}" for p in s.seen)
    assert first.exit_code == 0, first.output
    data = json.loads(report.read_text(encoding="utf-8"))
    error = data["extractor_errors"]["b"]
    assert "failed 2 times; last: HTTP 500" in error and "Bearer ***" in error
    # The second run served document a from the cache and asked again only for the failed one.
    assert served == 3 and len(s.posts()) == served + 2
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len([p for p in cache.rglob("*.json")]) == 1
    outputs = [first.output, second.output, *(p.read_text(encoding="utf-8") for p in files)]
    assert not any(SECRET in text for text in outputs)


def test_llm_url_flag_reaches_worker_processes(own_gold):
    with ScriptedServer(in_order(ok(EMPTY))) as s:
        result = invoke(["score", "--gold", str(own_gold), "--extractor", "llm:scripted", "--llm-url", s.url,
                         "--workers", "2", "--batch-size", "1", "--no-progress", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["extractor_errors"] == {}
    prompts = sorted(prompt_of(p.body) for p in s.posts())
    assert len(prompts) == 2 and "Olaf Scholz" in prompts[1] and "Lagarde" in prompts[0]
