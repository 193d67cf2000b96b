"""Find offsets by code, never by hand: a surface string, optionally after an anchor phrase."""
from __future__ import annotations


def locate(text: str, surface: str, after: str | None = None, nth: int = 1) -> tuple[int, int]:
    """Offsets of the `nth` occurrence of `surface` at or after the first occurrence of `after`.

    Raises ValueError when the anchor or the surface is not found, so a typo cannot silently
    put a span in the wrong place.
    """
    pos = 0
    if after is not None:
        pos = text.find(after)
        if pos < 0:
            raise ValueError(f"anchor {after!r} not found")
    for _ in range(nth):
        start = text.find(surface, pos)
        if start < 0:
            raise ValueError(f"{surface!r} not found (occurrence {nth}" + (f" after {after!r})" if after else ")"))
        pos = start + 1
    return start, start + len(surface)
