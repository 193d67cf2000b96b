"""Document ids kept across the chunks of a long run, packed: a few arrays, not an object per id.

A streamed run keeps some per-document facts to its end: which ids the gold had (duplicates,
predictions for unknown documents) and each partial's document ids. Kept as Python strings,
they are made one at a time among the millions of short-lived objects of each chunk, stay
scattered through the small-object heap, and every later chunk runs slower: reading a gold
chunk took 0.15 s at the start of a 100,000-document run and 0.24 s at its end
(`benchmarks/bench_phases.py` prints the first and last chunks). Packed, a batch of ids is one
string and two NumPy arrays.

Lookups (`find`) are exact: ids are found by their hash among sorted levels of hashes (merged
as a binary counter; a stable sort of two sorted runs is a merge, so adding n ids costs
O(n log n) in all) and each hit is compared with the packed id itself.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import numpy as np


class PackedIds(Sequence[str]):
    """An append-only sequence of ids (each with an optional integer, such as its line number)."""

    def __init__(self, ids: Iterable[str] = (), values: Iterable[int] | None = None):
        self._texts: list[str] = []  # per batch: its ids joined
        self._ends: list[np.ndarray] = []  # per batch: where each id ends in its text
        self._starts = [0]  # position of each batch's first id, then the total
        self._values: list[np.ndarray] = []
        # Sorted hashes with the position of their id, in levels of decreasing size.
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []
        self.extend(ids, values)

    def extend(self, ids: Iterable[str], values: Iterable[int] | None = None) -> None:
        ids = list(ids)
        if not ids:
            return
        n = len(ids)
        self._texts.append("".join(ids))
        self._ends.append(np.cumsum(np.fromiter(map(len, ids), np.int64, n)))
        self._values.append(np.zeros(n, np.int64) if values is None else np.fromiter(values, np.int64, n))
        start = self._starts[-1]
        self._starts.append(start + n)
        hashes = np.fromiter(map(hash, ids), np.int64, n)
        order = np.argsort(hashes, kind="stable")
        self._levels.append((hashes[order], order + start))
        while len(self._levels) > 1 and len(self._levels[-2][0]) <= len(self._levels[-1][0]):
            (h1, p1), (h2, p2) = self._levels.pop(), self._levels.pop()
            h, p = np.concatenate([h2, h1]), np.concatenate([p2, p1])
            order = np.argsort(h, kind="stable")
            self._levels.append((h[order], p[order]))

    def find(self, ids: Sequence[str]) -> np.ndarray:
        """The position of each of `ids` here (its first, if added more than once), or -1."""
        found = np.full(len(ids), -1, np.int64)
        if not len(ids) or not self._levels:
            return found
        hashes = np.fromiter(map(hash, ids), np.int64, len(ids))
        queries, candidates = [], []  # (index in `ids`, position here) of each equal hash
        for level, positions in self._levels:
            at = np.searchsorted(level, hashes)
            hit = np.flatnonzero(at < len(level))
            while hit.size:  # equal hashes lie together: walk each run (almost always of one)
                hit = hit[level[at[hit]] == hashes[hit]]
                queries.append(hit)
                candidates.append(positions[at[hit]])
                at[hit] += 1
                hit = hit[at[hit] < len(level)]
        if not queries:
            return found
        queries, candidates = np.concatenate(queries), np.concatenate(candidates)
        order = np.argsort(candidates, kind="stable")  # lowest position first: the first wins
        queries, candidates = queries[order], candidates[order]
        batches = np.searchsorted(self._starts, candidates, "right") - 1
        # An equal hash is the same id or a collision: the ids themselves tell.
        for i, position, batch in zip(queries.tolist(), candidates.tolist(), batches.tolist()):
            if found[i] < 0 and self._id(batch, position - self._starts[batch]) == ids[i]:
                found[i] = position
        return found

    def value(self, position: int) -> int:
        batch = self._batch(position)
        return int(self._values[batch][position - self._starts[batch]])

    def _batch(self, position: int) -> int:
        return int(np.searchsorted(self._starts, position, "right")) - 1

    def __len__(self) -> int:
        return self._starts[-1]

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        batch = self._batch(index)
        return self._id(batch, index - self._starts[batch])

    def _id(self, batch: int, k: int) -> str:
        ends = self._ends[batch]
        return self._texts[batch][int(ends[k - 1]) if k else 0:int(ends[k])]

    def __iter__(self) -> Iterator[str]:
        for text, ends in zip(self._texts, self._ends):
            start = 0
            for end in ends.tolist():
                yield text[start:end]
                start = end

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (PackedIds, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __repr__(self) -> str:
        return f"PackedIds({list(self)!r})"
