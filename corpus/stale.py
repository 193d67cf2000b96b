"""Compare a committed dataset folder with a fresh build, by content rather than bytes."""
from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from .card import data_path
from .schema import CONFIG_FEATURES


def stale_files(committed: Path, fresh: Path) -> list[str]:
    """Names of dataset files whose content differs (missing counts as different).

    Parquet files are compared as tables with their schema metadata (which holds the
    `datasets` features), so a different writer version does not count as a change.
    """
    stale = []
    for name in [data_path(c) for c in CONFIG_FEATURES]:
        a, b = committed / name, fresh / name
        if not a.exists():
            stale.append(name)
            continue
        ta, tb = pq.read_table(a), pq.read_table(b)
        if not ta.equals(tb) or ta.schema.metadata != tb.schema.metadata:
            stale.append(name)
    card_a, card_b = committed / "README.md", fresh / "README.md"
    if not card_a.exists() or card_a.read_text(encoding="utf-8") != card_b.read_text(encoding="utf-8"):
        stale.append("README.md")
    return stale
