"""`llm:MODEL`: a chat model behind an OpenAI-compatible `/v1/chat/completions` endpoint.

vLLM, llama.cpp's server, Ollama, `transformers serve` and hosted services speak this protocol.
Each document is one request (the prompt below, with the text in place of `{text}`); the answer is
JSON naming entities and quotes by their text, without offsets:

    {"entities": [{"text": "Putin", "label": "PER", "num_kind": null}, ...],
     "quotes": [{"text": "We will respond", "speaker": "Putin"}, ...]}

which becomes offset-free prediction dicts (`{"text": "Putin", "label": "PER"}`,
`{"text": ..., "label": "NUM", "num_kind": "money"}`, `{"text": ..., "label": "QUOTE", "speaker":
"Putin"}`) for the scorer to place in the text.

Options (see OPTIONS) come, last one winning, from the defaults, the environment
(`NEWSSPANS_LLM_URL`, ...), the spec (`llm:MODEL?url=http://127.0.0.1:8080/v1&temperature=0.2`,
so a leaderboard can compare two servers) and keyword arguments in Python. The API key comes only
from `NEWSSPANS_LLM_API_KEY` or `OPENAI_API_KEY`: it is sent as a bearer token and never printed,
logged, cached or put into an error message (messages are scrubbed of it).

Structured output: `structured=auto` (the default) asks for the answer schema as
`response_format` `json_schema` (OpenAI, vLLM, Ollama, llama.cpp's server), steps down to
`json_object` with a `schema` (llama-cpp-python's server) and then to no `response_format` at
all when the server refuses it (400, 422, or any error naming the field); the step that worked is
remembered. (`transformers serve` ignores the field with a warning: its answers are parsed as
they come.) Answers are parsed tolerantly (code fences, prose around the JSON,
`<think>` blocks); an answer that still is not the JSON above is that document's extractor error.
429, 408, 409 and 5xx answers, timeouts and dropped connections are retried with exponential
backoff (honouring `Retry-After`); `concurrency` requests run at once per extractor (per worker
process with `--workers`).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from newsspans.corpus.model import ENTITY_LABELS, NUM_KINDS

from ..extractors.registry import REGISTRY, code_fingerprint, require

INSTALL = REGISTRY["llm"].install
KEY_ENVS = ("NEWSSPANS_LLM_API_KEY", "OPENAI_API_KEY")  # the first one set is used
URL_ENV = "NEWSSPANS_LLM_URL"
STRUCTURED_MODES = ("auto", "json_schema", "json_object", "off")
RETRY_STATUSES = frozenset({408, 409, 429})  # and every 5xx, as the OpenAI clients retry
MAX_RETRY_AFTER = 60.0  # seconds; a longer Retry-After is capped, so a run cannot stall for hours
MALFORMED = "(malformed LLM item)"  # the `dropped` key of answer items that are not a span

DEFAULT_PROMPT = """\
Find the named entities, the numbers and the direct quotes in the news text below.

Entities, each with "text" (copied exactly as it is written in the text, every time it occurs) and "label":
- PER: a person's name, without titles ("Vladimir Putin", "Putin").
- LOC: a place: a country, city, region, sea or other geographic name ("Russia", "Kyiv").
- ORG: an organisation: a company, government body, party, agency or team ("the United Nations" as "United Nations", "Reuters").
- NUM: a specific number in digits or words, with "num_kind" one of cardinal, ordinal, percent, money, quantity, date, duration ("$3bn" money, "55%" percent, "July 8" date, "50 days" duration, "two" cardinal).
"num_kind" is null for PER, LOC and ORG.

Quotes: every direct quotation, with "text" (the words between the quotation marks, copied exactly) and "speaker" (the name of the person or organisation quoted, as written in the text, or null).

Answer with JSON only, in this form:
{"entities": [{"text": "...", "label": "PER", "num_kind": null}], "quotes": [{"text": "...", "speaker": "..."}]}

Text:
{text}
"""

_NULLABLE_STRING = {"anyOf": [{"type": "string"}, {"type": "null"}]}
# Strict-mode compatible (OpenAI): every property required, nothing else allowed, null for "none".
ANSWER_SCHEMA: dict = {
    "type": "object",
    "properties": {
        "entities": {"type": "array", "items": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "label": {"type": "string", "enum": list(ENTITY_LABELS)},
                           "num_kind": {"anyOf": [{"type": "string", "enum": list(NUM_KINDS)}, {"type": "null"}]}},
            "required": ["text", "label", "num_kind"], "additionalProperties": False}},
        "quotes": {"type": "array", "items": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "speaker": _NULLABLE_STRING},
            "required": ["text", "speaker"], "additionalProperties": False}},
    },
    "required": ["entities", "quotes"],
    "additionalProperties": False,
}


# --- Options ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """One setting: its name (spec key and keyword argument), environment variable, type and
    default, whether it can change the answers (then it is part of the cache key), and its help."""

    name: str
    env: str
    parse: Callable[[str], object]
    default: object
    in_key: bool
    help: str


def _positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(f"must be at least 1, got {n}")
    return n


def _non_negative_int(value: str) -> int:
    n = int(value)
    if n < 0:
        raise ValueError(f"must be 0 or more, got {n}")
    return n


def _non_negative_float(value: str) -> float:
    x = float(value)
    if not x >= 0:  # also rejects NaN
        raise ValueError(f"must be 0 or more, got {value}")
    return x


def _positive_float(value: str) -> float:
    x = float(value)
    if not x > 0:
        raise ValueError(f"must be more than 0, got {value}")
    return x


def _structured(value: str) -> str:
    if value not in STRUCTURED_MODES:
        raise ValueError(f"must be one of {', '.join(STRUCTURED_MODES)}, got {value!r}")
    return value


OPTIONS: tuple[Option, ...] = (
    Option("url", URL_ENV, str, None, True, "base URL of the server's OpenAI API, e.g. http://127.0.0.1:8080/v1 "
           "(`/chat/completions` is appended; a URL with no path gets `/v1`)"),
    Option("template", "NEWSSPANS_LLM_TEMPLATE", str, None, True, "a UTF-8 prompt template file: one user "
           "message with `{text}` where the document goes; default: the built-in prompt"),
    Option("temperature", "NEWSSPANS_LLM_TEMPERATURE", _non_negative_float, 0.0, True, "sampling temperature"),
    Option("max_tokens", "NEWSSPANS_LLM_MAX_TOKENS", _positive_int, 4096, True, "most tokens in one answer"),
    Option("structured", "NEWSSPANS_LLM_STRUCTURED", _structured, "auto", True,
           "response_format: auto (json_schema, then json_object, then none, as the server accepts), "
           "json_schema, json_object or off"),
    Option("concurrency", "NEWSSPANS_LLM_CONCURRENCY", _positive_int, 4, False, "requests at once"),
    Option("timeout", "NEWSSPANS_LLM_TIMEOUT", _positive_float, 120.0, False, "seconds per request"),
    Option("max_retries", "NEWSSPANS_LLM_MAX_RETRIES", _non_negative_int, 4, False,
           "retries of a request after 429, 5xx, a timeout or a dropped connection"),
    Option("backoff", "NEWSSPANS_LLM_BACKOFF", _non_negative_float, 0.5, False,
           "seconds before the first retry, doubled for each next one (at most 8 s) unless Retry-After says"),
)
_BY_NAME = {o.name: o for o in OPTIONS}


@dataclass(frozen=True)
class LLMSettings:
    """Every option's value (see OPTIONS), resolved; `template` is a path, `prompt` its text."""

    model: str
    url: str
    template: str | None
    temperature: float
    max_tokens: int
    structured: str
    concurrency: int
    timeout: float
    max_retries: int
    backoff: float
    prompt: str

    def key(self) -> str:
        """What decides the answers, for the prediction cache: model, endpoint (without any
        credentials in the URL), prompt text, answer schema and generation parameters."""
        parts = {"model": self.model, "url": display_url(self.url),
                 "prompt": hashlib.sha256(self.prompt.encode()).hexdigest()[:16],
                 "schema": hashlib.sha256(json.dumps(ANSWER_SCHEMA, sort_keys=True).encode()).hexdigest()[:16]}
        parts.update({o.name: getattr(self, o.name) for o in OPTIONS if o.in_key and o.name not in ("url", "template")})
        return " ".join(f"{k}={v}" for k, v in parts.items())


def split_model(argument: str) -> tuple[str, dict[str, str]]:
    """`MODEL?key=value&...` -> (MODEL, {key: value}); a model name may contain `:` and `/`."""
    model, _, query = argument.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True) if query else []
    options = dict(pairs)
    if len(options) != len(pairs):
        raise ValueError(f"an option is given twice in {argument!r}")
    return model.strip(), options


def resolve_settings(argument: str, environ: Mapping[str, str] | None = None, **overrides) -> LLMSettings:
    """Settings for the spec argument `MODEL[?options]`: defaults < environment < spec < `overrides`.

    ValueError names the option and where it came from; the API key is never among the options.
    """
    environ = os.environ if environ is None else environ
    model, from_spec = split_model(argument)
    if not model:
        raise ValueError("llm: needs a model name, as in llm:MODEL (the name the server serves)")
    unknown = sorted(set(from_spec) - set(_BY_NAME)) + sorted(set(overrides) - set(_BY_NAME))
    if unknown:
        hint = "; the API key comes only from $NEWSSPANS_LLM_API_KEY or $OPENAI_API_KEY" if any(
            "key" in k for k in unknown) else ""
        raise ValueError(f"unknown llm option {', '.join(unknown)} (known: {', '.join(_BY_NAME)}){hint}")
    values: dict[str, object] = {}
    for option in OPTIONS:
        value, origin = option.default, "default"
        if environ.get(option.env, "").strip():
            value, origin = environ[option.env].strip(), f"${option.env}"
        if option.name in from_spec:
            value, origin = from_spec[option.name], "the spec"
        if overrides.get(option.name) is not None:
            value, origin = overrides[option.name], "the argument"
        if origin != "default":
            try:
                value = option.parse(str(value))
            except ValueError as exc:
                raise ValueError(f"llm option {option.name} from {origin}: {exc}") from None
        values[option.name] = value
    if not values["url"]:
        raise ValueError(f"llm: no server URL; pass --llm-url or set ${URL_ENV} (say http://127.0.0.1:8080/v1 for "
                         "llama.cpp's server, http://127.0.0.1:11434/v1 for Ollama, http://127.0.0.1:8000/v1 "
                         "for vLLM or transformers serve)")
    values["url"] = base_url(str(values["url"]))
    values["prompt"] = read_template(values["template"])
    return LLMSettings(model=model, **values)


def base_url(url: str) -> str:
    """The API base (`.../v1`) from what a user gives: a base URL, or the full chat-completions URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"llm: the server URL must be http:// or https://, got {display_url(url)!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"llm: the server URL must have no query or fragment, got {display_url(url)!r}")
    path = parts.path.rstrip("/")
    if path.endswith("/chat/completions"):
        path = path[:-len("/chat/completions")]
    return urlunsplit((parts.scheme, parts.netloc, path or "/v1", "", ""))


def display_url(url: str) -> str:
    """`url` without a user name or password, for messages and the cache key."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def read_template(path: str | None) -> str:
    """The prompt template: the built-in DEFAULT_PROMPT, or a file's text, which must hold `{text}`."""
    if path is None:
        return DEFAULT_PROMPT
    file = Path(path).expanduser()
    try:
        template = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"llm: cannot read the prompt template {str(file)!r}: {exc}") from None
    if "{text}" not in template:
        raise ValueError(f"llm: the prompt template {str(file)!r} has no {{text}} placeholder for the document")
    return template


def render_prompt(template: str, text: str) -> str:
    """The prompt for one document: only `{text}` is replaced, so a template may show JSON with braces."""
    return template.replace("{text}", text)


def cache_version(argument: str) -> str | None:
    """The model identity that keys `llm:` cache entries (see `LLMSettings.key`), found without a
    request; None (run uncached, and loading says why) when the settings are incomplete."""
    try:
        return resolve_settings(argument).key()
    except ValueError:
        return None


# --- Reading answers -------------------------------------------------------------------------------

class LLMAnswerError(ValueError):
    """The server answered, but not with the JSON the prompt asks for."""


_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)```", re.S)
_THINK = re.compile(r"<think>.*?</think>", re.S | re.I)


def _preview(text: str, limit: int = 160) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_answer(content: str) -> object:
    """The JSON value in an answer: the whole answer, else a fenced block, else the value that
    starts at the first `{` or `[`, prose before or after it ignored; LLMAnswerError when there is
    none. Only that first bracket is tried: a later one may open a value nested in a cut-off
    answer, and part of an answer must not pass for all of it."""
    stripped = _THINK.sub("", content).strip()
    candidates = [stripped, *(m.group(1).strip() for m in _FENCE.finditer(stripped))]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            pass
    start = min((i for i in (stripped.find("{"), stripped.find("[")) if i >= 0), default=-1)
    reason = ""
    if start >= 0:
        try:
            return json.JSONDecoder().raw_decode(stripped, start)[0]
        except ValueError as exc:
            reason = f" ({exc})"
    raise LLMAnswerError(f"the answer is not valid JSON{reason}: {_preview(content)}")


def _text(value: object) -> str | None:
    """A non-blank string without surrounding whitespace (never part of a span), else None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _entity(item: Mapping) -> dict | None:
    text, label = _text(item.get("text")), item.get("label")
    if text is None or not isinstance(label, str) or not label.strip():
        return None
    span = {"text": text, "label": label.strip()}
    if span["label"] == "QUOTE":
        return _quote(item)
    num_kind = item.get("num_kind")
    # num_kind is not scored; a kind the corpus does not know is left out rather than failing the run.
    if span["label"] == "NUM" and num_kind in NUM_KINDS:
        span["num_kind"] = num_kind
    return span


def _quote(item: Mapping) -> dict | None:
    text = _text(item.get("text"))
    if text is None:
        return None
    span = {"text": text, "label": "QUOTE"}
    speaker = _text(item.get("speaker"))
    if speaker is not None:
        span["speaker"] = speaker
    return span


def answer_spans(answer: object, dropped: Counter | None = None) -> list[dict]:
    """Offset-free prediction dicts from a parsed answer: the schema's object, or a plain list of
    `{text, label[, num_kind, speaker]}` items. Items that are no span (no text, no label) are
    counted in `dropped` under MALFORMED; an answer of another shape is an LLMAnswerError."""
    if isinstance(answer, list):
        groups = [(answer, _entity)]
    elif isinstance(answer, dict) and any(k in answer for k in ("entities", "quotes")):
        groups = [(answer.get("entities") or [], _entity), (answer.get("quotes") or [], _quote)]
        for name, items in zip(("entities", "quotes"), (g[0] for g in groups)):
            if not isinstance(items, list):
                raise LLMAnswerError(f"{name!r} in the answer must be a list, got {type(items).__name__}")
    else:
        raise LLMAnswerError('the answer must be {"entities": [...], "quotes": [...]} or a list of spans, got '
                             + _preview(json.dumps(answer, ensure_ascii=False)))
    spans = []
    for items, convert in groups:
        for item in items:
            span = convert(item) if isinstance(item, Mapping) else None
            if span is None:
                if dropped is not None:
                    dropped[MALFORMED] += 1
                continue
            spans.append(span)
    return spans


# --- Talking to the server -------------------------------------------------------------------------

class LLMRequestError(RuntimeError):
    """The server could not be reached or did not answer a request successfully."""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429/503 answer asks to wait (`retry-after-ms`, `Retry-After` seconds or date)."""
    if "retry-after-ms" in headers:
        try:
            return float(headers["retry-after-ms"]) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _response_format(mode: str) -> dict | None:
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "newsspans_spans", "schema": ANSWER_SCHEMA,
                                                       "strict": True}}
    if mode == "json_object":  # llama-cpp-python's dialect: a JSON object constrained by `schema`
        return {"type": "json_object", "schema": ANSWER_SCHEMA}
    return None


def _refuses_format(response, body: Mapping) -> bool:
    """Whether an error answer refuses the request's response_format: a 400 or 422, or any error
    naming the field (llama-cpp-python answers a rejected field with 500)."""
    if "response_format" not in body or response.status_code < 400:
        return False
    return response.status_code in (400, 422) or "response_format" in response.text


class LLMExtractor:
    """Entities and quotes from a chat model, as offset-free prediction dicts.

    `LLMExtractor("qwen2.5:7b", url="http://127.0.0.1:11434/v1")`; the first argument may carry
    options as a spec does (`"MODEL?temperature=0.2"`); keyword arguments override the spec and
    the environment (see OPTIONS). `requests` counts HTTP requests sent, `dropped` answer items
    that were no span, `structured` the response_format in use.
    """

    layers = ("entity", "quote")

    def __init__(self, model: str, *, environ: Mapping[str, str] | None = None, **options):
        httpx = require("httpx", INSTALL)
        self.settings = resolve_settings(model, environ, **options)
        environ = os.environ if environ is None else environ
        key = next((environ[k].strip() for k in KEY_ENVS if environ.get(k, "").strip()), None)
        self._secrets = tuple(s for s in (key, *_url_secrets(self.settings.url)) if s)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        s = self.settings
        self._http = httpx
        self._client = httpx.Client(headers=headers, timeout=s.timeout, trust_env=False,
                                    limits=httpx.Limits(max_connections=s.concurrency))
        self._modes = [s.structured] if s.structured != "auto" else ["json_schema", "json_object", "off"]
        self._lock = threading.Lock()
        self._memo: dict[str, object] = {}
        self.dropped: Counter[str] = Counter()
        self.requests = 0
        self.version = f"{self.settings.key()} code={code_fingerprint(REGISTRY['llm'])}"
        self._check_server()

    @property
    def structured(self) -> str:
        return self._modes[0]

    def __repr__(self) -> str:  # the key lives in the client's headers only, never in a repr
        return f"LLMExtractor({self.settings.model!r}, url={display_url(self.settings.url)!r})"

    def close(self) -> None:
        self._client.close()

    def _scrub(self, message: str) -> str:
        for secret in self._secrets:
            message = message.replace(secret, "***")
        return message

    def _check_server(self) -> None:
        """Fail at load, once, when the server cannot be reached or refuses the key, rather than
        on every document; a server without /models (404) is fine."""
        url = f"{self.settings.url}/models"
        try:
            response = self._client.get(url, timeout=min(10.0, self.settings.timeout))
        except self._http.HTTPError as exc:
            raise RuntimeError(self._scrub(f"cannot reach the LLM server at {display_url(url)}: "
                                           f"{type(exc).__name__}: {exc}")) from None
        if response.status_code in (401, 403):
            raise RuntimeError(f"the LLM server at {display_url(url)} refused the request (HTTP "
                               f"{response.status_code}): check $NEWSSPANS_LLM_API_KEY or $OPENAI_API_KEY")

    def _body(self, text: str, mode: str) -> dict:
        s = self.settings
        body = {"model": s.model, "messages": [{"role": "user", "content": render_prompt(s.prompt, text)}],
                "temperature": s.temperature, "max_tokens": s.max_tokens, "stream": False}
        response_format = _response_format(mode)
        if response_format is not None:
            body["response_format"] = response_format
        return body

    def _post(self, body: dict) -> object:
        """POST one chat completion, retrying what may pass (429, 5xx, timeouts, dropped
        connections); returns the first other response (or a refused response_format, which no
        retry cures) or raises LLMRequestError when the retries are spent."""
        s = self.settings
        url = f"{s.url}/chat/completions"
        for attempt in range(s.max_retries + 1):
            wait = min(8.0, s.backoff * 2 ** attempt) * random.uniform(0.75, 1.0)
            with self._lock:
                self.requests += 1
            try:
                response = self._client.post(url, json=body)
            except self._http.TransportError as exc:  # timeouts, refused or dropped connections
                failure = f"{type(exc).__name__}: {exc}"
            else:
                status = response.status_code
                if (status not in RETRY_STATUSES and status < 500) or _refuses_format(response, body):
                    return response
                failure = f"HTTP {status}: {_preview(response.text, 200)}"
                asked = _retry_after(response.headers)
                if asked is not None:
                    wait = min(asked, MAX_RETRY_AFTER)
            if attempt < s.max_retries:
                time.sleep(wait)
        tries = s.max_retries + 1
        raise LLMRequestError(f"{display_url(url)} failed {tries} time{'s' * (tries > 1)}; last: {failure}")

    def _answer(self, text: str) -> tuple[str, str | None]:
        """The model's answer for one document and its finish_reason, stepping down the
        response_format ladder when the server rejects the one in use."""
        while True:
            mode = self._modes[0]
            body = self._body(text, mode)
            response = self._post(body)
            if _refuses_format(response, body) and len(self._modes) > 1:
                with self._lock:  # another thread may have stepped down already
                    if self._modes[0] == mode:
                        self._modes.pop(0)
                continue
            if response.status_code != 200:
                raise LLMRequestError(f"HTTP {response.status_code} from {display_url(str(response.url))}: "
                                      f"{_preview(response.text, 300)}")
            try:
                choice = response.json()["choices"][0]
                content, finish = choice["message"].get("content"), choice.get("finish_reason")
            except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                raise LLMAnswerError("the server's reply is not a chat completion: "
                                     + _preview(response.text)) from None
            if not isinstance(content, str) or not content.strip():
                raise LLMAnswerError(f"the answer is empty (finish_reason {finish!r})")
            return content, finish

    def _spans(self, text: str) -> list[dict]:
        if not text.strip():
            return []  # nothing to find, and no request to pay for
        try:
            content, finish = self._answer(text)
            try:
                dropped: Counter[str] = Counter()
                spans = answer_spans(parse_answer(content), dropped)
                with self._lock:  # requests run in threads
                    self.dropped.update(dropped)
                return spans
            except LLMAnswerError as exc:
                if finish == "length":
                    raise LLMAnswerError(f"the answer was cut at max_tokens={self.settings.max_tokens}: {exc}") \
                        from None
                raise
        except (LLMAnswerError, LLMRequestError) as exc:
            raise type(exc)(self._scrub(str(exc))) from None

    def predict_batch(self, texts: Sequence[str]) -> list[list[dict]]:
        """Spans per text, `concurrency` requests at once. When a document fails, every result is
        kept and the batch raises: the runner then asks document by document (`__call__`), which
        answers from those results, so no request is sent twice and only the failures are errors."""
        texts = list(texts)
        with ThreadPoolExecutor(max_workers=min(self.settings.concurrency, max(1, len(texts)))) as pool:
            futures = [pool.submit(self._spans, t) for t in texts]
        results: list[object] = []
        for future in futures:
            exc = future.exception()
            results.append(exc if exc is not None else future.result())
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            self._memo = dict(zip(texts, results))
            raise LLMRequestError(f"{len(failures)} of {len(texts)} documents failed; first: {failures[0]}")
        self._memo = {}
        return results  # type: ignore[return-value]

    def __call__(self, text: str) -> list[dict]:
        if text in self._memo:
            result = self._memo.pop(text)
            if isinstance(result, BaseException):
                raise result
            return result  # type: ignore[return-value]
        return self._spans(text)


def _url_secrets(url: str) -> tuple[str, ...]:
    """A password written into the URL, scrubbed from messages like the key."""
    password = urlsplit(url).password
    return (password,) if password else ()
