"""Reading JSON Lines input with every malformed line reported, not only the first."""
from __future__ import annotations

import json
from collections.abc import Iterator

from .errors import Problem


def jsonl_records(text: str, file: str, problems: list[Problem]) -> Iterator[tuple[int, object]]:
    """(1-based line number, parsed value) per non-blank line.

    A line that is not valid JSON is appended to `problems` (with file and line) and skipped,
    so callers can go on checking the rest and report everything at once.
    """
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"malformed JSON: {exc.msg} (column {exc.colno})", file=file, line=number))
