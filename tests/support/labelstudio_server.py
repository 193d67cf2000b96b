"""A real Label Studio server for the tests: loopback only, throwaway data dir and HOME.

`start_server` runs `label-studio start` with analytics, Sentry and the version check off,
binds 127.0.0.1 (`--internal-host`; `--host` only sets the URL it advertises), reads the real
port from the "Starting development server at ..." line (Label Studio silently moves to the next
port when one is busy) and waits for /health. An admin user with a known legacy API token is
created on first start (LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN must be set when the data folder is
created). `stop_server` stops the process by its PID. The session fixture `label_studio` serves
every test; a cold start (database migrations) takes about half a minute.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ADMIN_EMAIL = "admin@newsspans.test"
ADMIN_PASSWORD = "newsspans-test-password"
# A legacy token (not a JWT) so tests can use it right away; only valid on the test server.
ADMIN_TOKEN = "newsspans0test0token0000000000000000000000"
START_TIMEOUT = float(os.environ.get("NEWSSPANS_LS_START_TIMEOUT", "240"))
_READY = re.compile(r"Starting development server at (http://[\d.]+:(\d+))/")


@dataclass
class LabelStudioServer:
    url: str
    api_key: str
    process: subprocess.Popen
    log: Path
    root: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def label_studio_executable() -> str | None:
    """The `label-studio` script of this interpreter's environment, else one on PATH."""
    here = Path(sys.executable).parent / "label-studio"
    return str(here) if here.exists() else shutil.which("label-studio")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(home: Path, data: Path) -> dict[str, str]:
    """The environment of the server: no inherited Label Studio settings, nothing phoning home."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LABEL_STUDIO_", "HEARTEX_", "SENTRY_", "DJANGO_", "XDG_"))}
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "LABEL_STUDIO_BASE_DATA_DIR": str(data),
        "LABEL_STUDIO_USERNAME": ADMIN_EMAIL,
        "LABEL_STUDIO_PASSWORD": ADMIN_PASSWORD,
        "LABEL_STUDIO_USER_TOKEN": ADMIN_TOKEN,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
        "COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
        "LATEST_VERSION_CHECK": "false",
        "SENTRY_DSN": "",
        "FRONTEND_SENTRY_DSN": "",
        "PYTHONUNBUFFERED": "1",  # the "Starting development server" line must reach the log at once
    })
    return env


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
            return json.loads(r.read()).get("status") == "UP"
    except (OSError, ValueError):
        return False


def start_server(root: Path, timeout: float = START_TIMEOUT) -> LabelStudioServer:
    """Start Label Studio under `root` (data/, home/, server.log) and wait until it answers."""
    exe = label_studio_executable()
    if exe is None:
        raise RuntimeError("label-studio is not installed; pip install '.[test]'")
    home, data = root / "home", root / "data"
    home.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    log = root / "server.log"
    cmd = [exe, "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(free_port()),
           "--data-dir", str(data), "--enable-legacy-api-token"]
    with open(log, "wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=server_env(home, data), cwd=root)
    server = LabelStudioServer("", ADMIN_TOKEN, process, log, root)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"label-studio exited with code {process.returncode}:\n{server.log_tail()}")
        match = _READY.search(log.read_text(encoding="utf-8", errors="replace"))
        if match and not server.url:
            server.url = match.group(1)
            if not match.group(1).startswith("http://127.0.0.1:"):
                stop_server(server)
                raise RuntimeError(f"label-studio bound {match.group(1)}, not loopback")
        if server.url and _health(server.url):
            return server
        time.sleep(0.5)
    stop_server(server)
    raise RuntimeError(f"label-studio did not answer within {timeout:.0f} s:\n{server.log_tail()}")


def stop_server(server: LabelStudioServer, grace: float = 15.0) -> None:
    """Stop the server by its PID: SIGTERM, then SIGKILL if it lingers."""
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(grace)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(grace)


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> LabelStudioServer:
    """One Label Studio server for the whole test session, stopped at the end."""
    if label_studio_executable() is None:
        reason = "label-studio is not installed (it is in the `test` extra: pip install '.[test]')"
        if os.environ.get("CI"):
            pytest.fail(reason)  # in CI a skipped server test would hide a broken setup
        pytest.skip(reason)
    started = time.monotonic()
    server = start_server(tmp_path_factory.mktemp("labelstudio"))
    print(f"\nlabel-studio up at {server.url} after {time.monotonic() - started:.1f} s")
    try:
        yield server
    finally:
        stop_server(server)
