"""Reading bootstrap intervals into the report, for the sections beyond the span tables."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def interval_at(intervals: Mapping[str, tuple[np.ndarray, np.ndarray]], key: str,
                index: tuple = ()) -> list[float] | None:
    """[low, high] of statistic `key` at `index`, or None when there was no bootstrap."""
    if key not in intervals:
        return None
    lo, hi = intervals[key]
    return [float(np.asarray(lo)[index]), float(np.asarray(hi)[index])]
