"""The CSS and JavaScript inlined into every HTML report (no network, no CDN): report.css, report.js.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies), and every
outcome also has its own line style, so nothing depends on colour alone. The script reads the
JSON data block of the page and writes with `textContent` only: report data never becomes markup.
"""
from __future__ import annotations

import base64
import hashlib
from importlib.resources import files

CSS = files(__package__).joinpath("report.css").read_text(encoding="utf-8")
JS = files(__package__).joinpath("report.js").read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """CSP source for `script` (sha256), so only this exact inline script may run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
