"""Headless Chromium for the HTML report tests: Debian's `chromium` driven by Playwright.

`chromium_path()` finds the browser, installing Debian's `chromium` package with apt-get when
it is missing and the tests run as root (CI on a fresh machine); otherwise the tests skip
with a message naming the missing package. Playwright's own browser download is never used:
its driver launches the system binary. Pages are opened from `file://` with every network
request refused and recorded, so a test can assert that a report loads nothing.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

log = logging.getLogger("newsspans.tests.browser")

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
APT_TIMEOUT = 900  # seconds; apt-get update + install of chromium on a fresh machine


def _install_chromium() -> str | None:
    """apt-get install chromium when we may (root, apt-get present); the reason it failed, else None."""
    if os.name != "posix" or os.geteuid() != 0:
        return "not root, cannot apt-get install it"
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        log.warning("browser tests: running %s", " ".join(cmd))
        print(f"browser tests: running {' '.join(cmd)}", flush=True)
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"{' '.join(cmd)} timed out after {APT_TIMEOUT}s"
        if done.returncode != 0:
            return f"{' '.join(cmd)} failed: {done.stderr.strip()[-300:]}"
    return None


def find_chromium() -> tuple[Path | None, str]:
    """(the Chromium binary, "") after installing it if need be, or (None, why it is missing)."""
    if not CHROMIUM.exists():
        reason = _install_chromium()
        if reason is not None or not CHROMIUM.exists():
            return None, (f"Debian's `chromium` package is missing at {CHROMIUM} (apt-get install chromium): "
                          f"{reason or 'not found after install'}")
    return CHROMIUM, ""


def chromium_path() -> Path:
    """The Chromium binary; when it cannot be had, skip naming the missing package (fail under CI)."""
    path, reason = find_chromium()
    if path is None:
        if os.environ.get("CI"):  # CI must run the browser tests, not skip them
            pytest.fail(f"browser tests need {reason}")
        pytest.skip(f"browser tests need {reason}")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium for the whole session (Playwright, the system binary, no network)."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the `playwright` "
                                         "Python package (pip install '.[test]')")
    path = chromium_path()
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(path), args=LAUNCH_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class OpenedPage:
    """A loaded page and everything it did: requests beyond the page itself, console errors, dialogs."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that should not happen on a report page."""
        return ([f"request: {r}" for r in self.requests] + [f"console: {c}" for c in self.console_errors]
                + [f"page error: {e}" for e in self.page_errors] + [f"dialog: {d}" for d in self.dialogs])


@contextmanager
def open_html(browser, html: str, path: Path, width: int = 1280, height: int = 800,
              media: str = "screen") -> Iterator[OpenedPage]:
    """Write `html` to `path`, open it from file:// and yield the page with its event record."""
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=True)
    page = context.new_page()
    opened = OpenedPage(page, path.resolve().as_uri())

    # Every request but the page itself is recorded (below) and refused here.
    context.route("**/*", lambda route: route.continue_() if route.request.url == opened.url else route.abort())
    page.on("console", lambda m: opened.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: opened.page_errors.append(str(e)))

    def on_dialog(dialog) -> None:
        opened.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: opened.requests.append(r.url) if r.url != opened.url else None)
    page.emulate_media(media=media)
    page.goto(opened.url)
    page.wait_for_load_state("load")
    try:
        yield opened
    finally:
        context.close()


def save_screenshot(page, name: str, full_page: bool = False) -> Path:
    """Screenshot into test-artifacts/ (gitignored, kept by CI); returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target), full_page=full_page)
    return target
