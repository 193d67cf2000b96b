"""Take docs/report.png, the README's screenshot of a real HTML report: the built-in baseline
on the bundled corpus, drawn by `newsspans score --extractor baseline --html`, in headless
Chromium at 1280x800, after pressing n: the first error focused, its tooltip shown.

Run from the repository root:  python benchmarks/screenshot_report.py [--out docs/report.png]
(Chromium comes from Debian's `chromium` package, installed by the test setup when missing.)
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "support"))
from browser import LAUNCH_ARGS, find_chromium  # noqa: E402 - the test setup's browser helper

MIN_BYTES = 20_000


def newsspans() -> str:
    """The `newsspans` command of this Python environment."""
    here = Path(sys.executable).parent / "newsspans"
    found = str(here) if here.exists() else shutil.which("newsspans")
    if found is None:
        sys.exit("the `newsspans` command is not installed: pip install -e .")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    args = parser.parse_args()
    chromium, reason = find_chromium()
    if chromium is None:
        sys.exit(reason)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "report.html"
        command = [newsspans(), "score", "--extractor", "baseline", "--no-progress", "--html", str(page_path)]
        print("running:", " ".join(["newsspans"] + command[1:]))
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_path.as_uri())
            page.wait_for_selector("body[data-ready]", state="attached")
            page.keyboard.press("n")  # the first error: drawn, scrolled to below the filter bar, focused
            page.wait_for_timeout(200)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.out))
            browser.close()
    if errors:
        sys.exit(f"the page logged errors: {errors}")
    size = args.out.stat().st_size
    if size < MIN_BYTES:
        sys.exit(f"{args.out} is only {size} bytes: the page did not render")
    print(f"wrote {args.out} ({size} bytes)")


if __name__ == "__main__":
    main()
