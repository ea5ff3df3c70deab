"""The gold tables Feast's DuckDB offline store reads, kept in memory by Iceberg snapshot.

Feast's DuckDB offline store scans a view's whole Iceberg table into Arrow on every historical retrieval,
export and materialization (pyiceberg's `scan().to_arrow()`: about 0.3 s of a 0.65 s point-in-time join
over a 1,000,000-row table, more from S3). A committed Iceberg table version never changes, so a server,
which reads the same tables over and over, keeps what it read: an Arrow table is kept under the table's
metadata location, which every commit (an append, a push, a schema change) replaces, so a new version is
read afresh and replaces the old one. Least recently used first, bounded by ASGARD_OFFLINE_CACHE_MB
(0: nothing kept); a table larger than the whole bound is read every time, as before.

This replaces one function of Feast's DuckDB offline store (`_read_iceberg_catalog_source`), for this
process only: training jobs' own FeatureStores read as Feast does.

ENGINE_TURN is the DuckDB engine's turn: one user at a time (Feast runs every query on ibis's one default
DuckDB connection, which refuses a second caller while busy), and whatever a user left registered on that
connection released when its turn ends. Feast registers every Arrow table it hands to DuckDB (each gold
table it read, each entity frame) as a view there, and ibis drops those views only at exit: without the
release, every retrieval, export and materialization kept its data alive for the life of the process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MARK = "_asgard_gold_snapshots"


class SnapshotCache:
    """One Arrow table per family (a gold table), under the key of its version, at most `max_bytes` of them
    (their buffers' size), least recently used out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._tables: OrderedDict[str, tuple[str, Any]] = OrderedDict()  # family -> (version key, table)
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get_or_read(self, key: str, read: Callable[[], Any], family: str = "") -> Any:
        """The table kept under `key`, or `read()`'s, kept. A family holds one version: keeping a new one
        drops the older (a table that changes often holds one copy, not one per commit). Without a family,
        the key is its own."""
        family = family or key
        with self._lock:
            found = self._tables.get(family)
            if found is not None and found[0] == key:
                self._tables.move_to_end(family)
                self.hits += 1
                return found[1]
            self.misses += 1
        table = read()  # outside the lock: two first reads of one version may both scan; both are right
        size = int(table.nbytes)
        with self._lock:
            if size <= self.max_bytes:
                old = self._tables.pop(family, None)
                if old is not None:
                    self._bytes -= int(old[1].nbytes)
                self._tables[family] = (key, table)
                self._bytes += size
                self._evict_to(self.max_bytes)
        return table

    def _evict_to(self, max_bytes: int) -> None:
        while self._tables and self._bytes > max_bytes:
            _, (_, old) = self._tables.popitem(last=False)
            self._bytes -= int(old.nbytes)

    def resize(self, max_bytes: int) -> None:
        with self._lock:
            self.max_bytes = max_bytes
            self._evict_to(max_bytes)


CACHE = SnapshotCache(0)
MEMTABLE_PREFIX = "ibis_%memtable_%"  # how ibis names the views of its in-memory tables


def _memtable_views(con: Any) -> set[str]:
    rows = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND view_name LIKE ?", [MEMTABLE_PREFIX]
    ).fetchall()
    return {row[0] for row in rows}


class EngineTurn:
    """A lock on ibis's default DuckDB connection that unregisters, on release, the in-memory tables
    registered while it was held."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._before: set[str] = set()

    def _connection(self) -> Any:
        import ibis

        return ibis.get_backend().con  # the default backend, DuckDB: the one Feast's queries run on

    def __enter__(self) -> None:
        self._lock.acquire()
        try:
            self._before = _memtable_views(self._connection())
        except BaseException:
            self._lock.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            con = self._connection()
            for name in _memtable_views(con) - self._before:
                con.unregister(name)
        finally:
            self._lock.release()


ENGINE_TURN = EngineTurn()  # one per process, as the connection is


class PreparedTurn:
    """ENGINE_TURN, with `prepare` run once, within the first turn: what is installed into Feast's DuckDB
    store imports that store (ibis, sqlglot, DuckDB: ~0.5 s), which a start no longer pays before its first
    answer. Every use of the store takes a turn, so none runs unprepared."""

    def __init__(self, prepare: Callable[[], None]) -> None:
        self._prepare: Callable[[], None] | None = prepare

    def __enter__(self) -> None:
        ENGINE_TURN.__enter__()
        if self._prepare is None:
            return
        try:
            self._prepare()
        except BaseException:
            ENGINE_TURN.__exit__(None, None, None)
            raise
        self._prepare = None

    def __exit__(self, *exc: object) -> None:
        ENGINE_TURN.__exit__(*exc)


def install(max_bytes: int) -> SnapshotCache:
    """Have this process's DuckDB offline store read gold tables through CACHE (bounded by `max_bytes`)."""
    from feast.infra.offline_stores import duckdb as feast_duckdb

    CACHE.resize(max_bytes)
    if getattr(feast_duckdb._read_iceberg_catalog_source, MARK, False):
        return CACHE
    load_table = feast_duckdb._load_pyiceberg_table_for_write  # Feast's own catalog resolution (SQL, REST, ...)

    def read_iceberg_catalog_source(data_source: Any, repo_path: str) -> Any:
        import ibis

        table = load_table(data_source)
        if not table.metadata_location:  # a catalog that names no metadata file: nothing to key a version by
            return ibis.memtable(table.scan().to_arrow())
        name = ".".join(table.name())
        key = f"{name}@{table.metadata_location}#{table.metadata.current_snapshot_id}"
        return ibis.memtable(CACHE.get_or_read(key, lambda: table.scan().to_arrow(), family=name))

    setattr(read_iceberg_catalog_source, MARK, True)
    feast_duckdb._read_iceberg_catalog_source = read_iceberg_catalog_source
    return CACHE
