"""Reading JSON Lines input with every malformed line reported, not only the first."""
from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from .errors import CorpusError, Problem


def jsonl_records(text: str, file: str, problems: list[Problem]) -> Iterator[tuple[int, object]]:
    """(1-based line number, parsed value) per non-blank line.

    A line that is not valid JSON is appended to `problems` (with file and line) and skipped,
    so callers can go on checking the rest and report everything at once.
    """
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        value = json_line(raw, file, number, problems)
        if value is not BAD:
            yield number, value


BAD = object()  # what `json_line` returns for a line it could not read


def json_line(raw: str | bytes, file: str, number: int, problems: list[Problem]) -> object:
    """One JSONL line parsed (bytes must be UTF-8), or BAD with its problem appended to `problems`."""
    try:
        value = json.loads(raw)
        # json reads a `\ud800` escape without its pair as a lone surrogate, which is no character:
        # no text can hold it (UTF-8, Arrow, a browser), so it is bad input here, not a crash later.
        if (b"\\ud" if isinstance(raw, bytes) else "\\ud") in raw.lower() and (lone := _surrogate_in(value)):
            problems.append(Problem(lone, file=file, line=number))
            return BAD
        return value
    except UnicodeDecodeError:
        problems.append(Problem("not valid UTF-8", file=file, line=number))
    except json.JSONDecodeError as exc:
        problems.append(Problem(f"malformed JSON: {exc.msg} (column {exc.colno})", file=file, line=number))
    except RecursionError:
        problems.append(Problem("JSON nested too deeply to read", file=file, line=number))
    return BAD


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def surrogate_problem(key: str, value: str, what: str | None = None,
                      fix: str = "a JSON \\u escape without its pair is not text; fix the writer of this file"
                      ) -> str | None:
    """The problem of field `key`'s string (or of `what`) holding a lone surrogate, or None.
    Such a string cannot be written as UTF-8: every output would fail on it."""
    found = _LONE_SURROGATE.search(value)
    return None if found is None else (
        f"{what or repr(key)} has a lone surrogate (U+{ord(found.group()):04X}) at character {found.start()}: {fix}")


def _surrogate_in(value: object, key: str = "") -> str | None:
    """The problem of the first string (or key) with a lone surrogate in a parsed JSON value, named
    by its path ('text', 'spans[0].text'), else None."""
    if isinstance(value, str):
        return surrogate_problem(key or "value", value)
    if isinstance(value, dict):
        named = [(k, f"{key}.{k}" if key else k, v) for k, v in value.items()]
        return next((p for k, name, v in named if (p := surrogate_problem(name, k, f"the key {name!r}")
                                                      or _surrogate_in(v, name))), None)
    if isinstance(value, list):
        return next((p for i, v in enumerate(value) if (p := _surrogate_in(v, f"{key}[{i}]"))), None)
    return None


STDIN = "-"


def read_utf8(path: Path) -> str:
    """A file's text (`-`: standard input), strictly UTF-8; a missing file or a bad byte is a
    CorpusError naming file and line."""
    path = Path(path)
    try:
        data = sys.stdin.buffer.read() if str(path) == STDIN else path.read_bytes()
    except FileNotFoundError:
        raise CorpusError(Problem("file not found", file=str(path))) from None
    except OSError as exc:
        raise CorpusError(Problem(f"cannot read: {exc.strerror}", file=str(path))) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(Problem(f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                                  file=str(path), line=line)) from None
