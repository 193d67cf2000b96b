"""Reading JSON Lines input with every malformed line reported, not only the first."""
from __future__ import annotations

import json
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
        if (b"\\ud" if isinstance(raw, bytes) else "\\ud") in raw.lower() and (lone := _lone_surrogate(value)):
            problems.append(Problem(f"\\u{ord(lone):04x} without its pair is not a character (a lone surrogate)",
                                    file=file, line=number))
            return BAD
        return value
    except UnicodeDecodeError:
        problems.append(Problem("not valid UTF-8", file=file, line=number))
    except json.JSONDecodeError as exc:
        problems.append(Problem(f"malformed JSON: {exc.msg} (column {exc.colno})", file=file, line=number))
    except RecursionError:
        problems.append(Problem("JSON nested too deeply to read", file=file, line=number))
    return BAD


def _lone_surrogate(value: object) -> str | None:
    """The first lone surrogate in the strings (keys included) of a parsed JSON value, else None."""
    if isinstance(value, str):
        return next((c for c in value if "\ud800" <= c <= "\udfff"), None)
    items = [*value, *value.values()] if isinstance(value, dict) else value if isinstance(value, list) else ()
    return next((lone for item in items if (lone := _lone_surrogate(item))), None)


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
