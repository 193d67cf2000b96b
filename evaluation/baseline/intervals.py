"""Sorted non-overlapping character ranges with logarithmic overlap tests, so the baseline's
overlap checks stay fast on long texts."""
from __future__ import annotations

import bisect


class Ranges:
    """A set of non-overlapping [start, end) ranges."""

    def __init__(self, ranges: list[tuple[int, int]] | None = None):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(ranges or []):
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with any stored range."""
        k = bisect.bisect_left(self.starts, end)  # ranges starting before `end`
        return k > 0 and self.ends[k - 1] > start

    def covers(self, offset: int) -> bool:
        return self.overlaps(offset, offset + 1)

    def add(self, start: int, end: int) -> None:
        """Store [start, end); it must not overlap a stored range."""
        if self.overlaps(start, end):
            raise ValueError(f"range [{start}, {end}) overlaps a stored range")
        k = bisect.bisect_left(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)
