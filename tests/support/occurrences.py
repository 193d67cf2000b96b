"""Offsets of the nth occurrence of a substring: hand-made gold in tests names spans by text."""
from __future__ import annotations


def occurrence(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    """(start, end) of the `nth` (0-based) occurrence of `part` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)
