"""PackedIds: the ids a streamed run keeps to its end, packed, behave as a list with exact lookups."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspans.evaluation import packed_ids
from newsspans.evaluation.packed_ids import PackedIds

# Short ids from a small alphabet repeat often; a lone surrogate and the empty id are ids too.
IDS = st.one_of(st.text("ab\u00e9\U0001F600", max_size=3), st.sampled_from(["", "\ud800", "a\udfff"]))


def _first_positions(batches):
    first = {}
    for i, doc_id in enumerate(doc_id for batch in batches for doc_id in batch):
        first.setdefault(doc_id, i)
    return first


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(IDS, max_size=8), max_size=9), st.lists(IDS, max_size=10))
def test_packed_ids_are_the_list_of_their_batches_and_find_the_first_of_each(batches, queries):
    packed = PackedIds()
    for k, batch in enumerate(batches):
        packed.extend(batch, [10 * k + j for j in range(len(batch))])
    flat = [doc_id for batch in batches for doc_id in batch]
    assert list(packed) == flat and len(packed) == len(flat) and packed == flat
    assert [packed[i] for i in range(-len(flat), len(flat))] == flat + flat and packed[1:4] == flat[1:4]
    first = _first_positions(batches)
    assert packed.find(queries).tolist() == [first.get(q, -1) for q in queries]
    values = [10 * k + j for k, batch in enumerate(batches) for j in range(len(batch))]
    assert [packed.value(i) for i in range(len(flat))] == values


def test_ids_with_equal_hashes_are_told_apart_by_the_ids_themselves(monkeypatch):
    """Lookups go by hash, then compare the ids: a collision never finds another id."""
    monkeypatch.setattr(packed_ids, "hash", len, raising=False)  # every id of one length collides
    packed = PackedIds(["ab", "cd", "ef"])
    packed.extend(["gh", "cd", "x"])
    assert packed.find(["cd", "gh", "zz", "x", "y", ""]).tolist() == [1, 3, -1, 5, -1, -1]


def test_many_batches_merge_into_few_sorted_levels():
    packed = PackedIds()
    ids = [f"doc{i:05d}" for i in range(5000)]
    for lo in range(0, len(ids), 100):
        packed.extend(ids[lo:lo + 100])
    assert len(packed._levels) <= 6  # a binary counter of 50 batches
    assert np.array_equal(packed.find(ids[::-1]), np.arange(len(ids))[::-1])
    assert packed.find(["doc05000", "doc0000"]).tolist() == [-1, -1]
