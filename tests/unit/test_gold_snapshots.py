"""server/services/gold_snapshots.py: Arrow tables kept by table version, bounded by their bytes."""

from __future__ import annotations

import pyarrow as pa

from server.services.gold_snapshots import SnapshotCache


def _table(rows: int) -> pa.Table:
    return pa.table({"x": pa.array(range(rows), pa.int64())})


def test_a_version_is_read_once_and_kept_until_the_bound_needs_its_room():
    reads: list[str] = []
    cache = SnapshotCache(max_bytes=3 * 8 * 100)  # room for three 100-row tables

    def read(key: str) -> pa.Table:
        return cache.get_or_read(key, lambda: reads.append(key) or _table(100))

    for key in ("a", "b", "c", "a", "b", "c"):
        assert read(key).num_rows == 100
    assert reads == ["a", "b", "c"] and (cache.hits, cache.misses) == (3, 3)
    read("a")  # a is now the most recently used: d evicts b
    read("d")
    assert cache.size_bytes == 3 * 800
    read("b")
    assert reads == ["a", "b", "c", "d", "b"]


def test_a_table_larger_than_the_bound_is_read_every_time_and_resize_evicts():
    cache = SnapshotCache(max_bytes=800)
    reads = []
    for _ in range(2):
        cache.get_or_read("big", lambda: reads.append(1) or _table(101))
    assert len(reads) == 2 and cache.size_bytes == 0
    cache.get_or_read("small", lambda: _table(100))
    assert cache.size_bytes == 800
    cache.resize(0)
    assert cache.size_bytes == 0


def test_a_new_version_of_a_table_replaces_its_older_ones():
    cache = SnapshotCache(max_bytes=10 * 800)
    cache.get_or_read("t@v1", lambda: _table(100), family="t")
    cache.get_or_read("u@v1", lambda: _table(100), family="u")
    cache.get_or_read("t@v2", lambda: _table(100), family="t")
    assert cache.size_bytes == 2 * 800
    reads = []
    cache.get_or_read("t@v1", lambda: reads.append(1) or _table(100), family="t")  # gone: read again
    cache.get_or_read("u@v1", lambda: reads.append(1) or _table(100), family="u")  # kept
    assert reads == [1]
