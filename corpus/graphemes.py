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
# The code points that UAX #29 ever joins to a neighbour: CR (before LF, GB3), the Hangul jamo
# L, V and T (GB6-8; precomposed syllables join only with jamo), Extend and ZWJ (GB9, GB11),
# SpacingMark (GB9a), Prepend (GB9b), regional indicators (GB12-13) and the Indic conjunct
# linkers and extenders (GB9c; `regex` counts a few GCB=Other letters as linkers). Every other
# pair of code points is split (GB999), so a text without any of these is one cluster per code
# point. tests/corpus/test_validate_fast.py checks this against \X over every code point.
_JOINER = regex.compile(r"[\r\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}\p{GCB=Prepend}"
                        r"\p{GCB=Regional_Indicator}\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{InCB=Linker}\p{InCB=Extend}]")


def one_per_code_point(text: str) -> bool:
    """Whether every code point of `text` is a grapheme cluster of its own (every offset a bound)."""
    # ASCII first: only CR LF joins there. Most news text is ASCII.
    return "\r" not in text if text.isascii() else _JOINER.search(text) is None


def grapheme_bounds(text: str) -> Container[int]:
    """Every offset (code points) at which a grapheme cluster starts, plus len(text)."""
    if one_per_code_point(text):
        # \X over every character dominated scoring at scale; the answer is known without it.
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
