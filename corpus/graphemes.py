"""Grapheme clusters (user-perceived characters, Unicode UAX #29) via the `regex` module's \\X.

An accent written as a combining mark, a flag made of two regional indicators and an emoji
joined by ZWJ are each one character to a reader; a span boundary or a token boundary inside
one would cut it in half.
"""
from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Container

import regex

_CLUSTER = regex.compile(r"\X")


def grapheme_bounds(text: str) -> Container[int]:
    """Every offset (code points) at which a grapheme cluster starts, plus len(text)."""
    if text.isascii() and "\r" not in text:
        # Every ASCII character is a cluster of its own except CR LF (UAX #29 GB3): all offsets are
        # bounds. Most news text is ASCII, and \X over every character dominated scoring at scale.
        return range(len(text) + 1)
    return frozenset([m.start() for m in _CLUSTER.finditer(text)] + [len(text)])


def cluster_at(text: str, offset: int) -> tuple[int, int]:
    """(start, end) of the grapheme cluster that contains code point `offset`."""
    starts = sorted(m.start() for m in _CLUSTER.finditer(text))
    i = bisect_right(starts, offset) - 1
    start = starts[i]
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    return start, end


def describe_cluster(cluster: str) -> str:
    """`'é' (U+0065 U+0301 LATIN SMALL LETTER E, COMBINING ACUTE ACCENT)`: what a message shows of a cluster."""
    codes = " ".join(f"U+{ord(c):04X}" for c in cluster)
    names = ", ".join(unicodedata.name(c, "?") for c in cluster)
    return f"{cluster!r} ({codes}: {names})"
