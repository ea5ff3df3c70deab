"""The Iceberg gold layer, read through a pyiceberg catalog (SQL on SQLite by default, or REST)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from server.config import Settings
from server.lru import LRU
from server.services import gold_writes
from server.services.errors import RequestError
from server.services.feature_values import json_value
from server.services.gold_stats import TableStatsRecord, table_stats
from server.services.gold_writes import AppendRecord
from server.services.histograms import MAX_ROWS as MAX_HISTOGRAM_ROWS
from server.services.histograms import HistogramRecord, histogram
from server.sql_urls import sqlalchemy_url


@dataclass(frozen=True)
class GoldColumn:
    name: str
    type: str
    nullable: bool
    doc: str | None = None


@dataclass(frozen=True)
class GoldTableRecord:
    namespace: str
    table: str
    columns: tuple[GoldColumn, ...]
    snapshot_id: int | None
    row_count: int | None
    snapshot_count: int
    last_updated: datetime | None
    location: str

    @property
    def name(self) -> str:
        return f"{self.namespace}.{self.table}"

    def column(self, name: str) -> GoldColumn | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class GoldPreviewRecord:
    """The first rows of a table, in its current schema's column order, as JSON-ready values."""

    columns: tuple[GoldColumn, ...]
    rows: list[list[Any]]


log = logging.getLogger(__name__)
STATS_CACHE_SIZE = 256  # tables' statistics, one entry per table and snapshot


def split_table_name(name: str) -> tuple[str, str] | None:
    """`gold.customer_aggregates` -> ("gold", "customer_aggregates"); None when malformed."""
    namespace, sep, table = name.strip().rpartition(".")
    if not sep or not namespace or not table:
        return None
    return namespace, table


def catalog_type(uri: str) -> str:
    return "rest" if uri.startswith(("http://", "https://")) else "sql"


class GoldCatalog:
    """Browse tables of the gold layer and say how Feast should reach them."""

    def __init__(self, settings: Settings) -> None:
        self._name = settings.catalog_name
        self._uri = settings.catalog_uri
        self._warehouse = settings.warehouse
        self._s3_endpoint = settings.s3_endpoint
        self._lock = threading.Lock()
        self._catalog: Any = None
        self._stats: LRU[tuple[str, int | None, int], TableStatsRecord] = LRU(STATS_CACHE_SIZE)
        self._histograms: LRU[tuple[str, int | None, str, int], HistogramRecord] = LRU(STATS_CACHE_SIZE)
        self._scanning = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def kind(self) -> str:
        return catalog_type(self._uri)

    def catalog(self) -> Any:
        """The pyiceberg catalog, created once (its SQL tables are created on first use)."""
        with self._lock:
            if self._catalog is None:
                from pyiceberg.catalog import load_catalog

                self._catalog = load_catalog(self._name, **self.properties())
            return self._catalog

    def properties(self) -> dict[str, str]:
        """pyiceberg catalog properties; Feast's IcebergSource gets the same ones."""
        uri = sqlalchemy_url(self._uri) if self.kind == "sql" else self._uri  # postgresql:// -> psycopg 3
        props = {"type": self.kind, "uri": uri, "warehouse": self._warehouse}
        if self.kind == "sql":
            props["init_catalog_tables"] = "true"
        if self._s3_endpoint:
            # No keys here: Feast stores these in its registry. pyarrow's S3 file system reads
            # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_REGION from the environment.
            props["s3.endpoint"] = self._s3_endpoint
            props["s3.path-style-access"] = "true"
        return props

    def ping(self) -> bool:
        self.catalog().list_namespaces()
        return True

    def namespaces(self) -> list[str]:
        return sorted(".".join(ns) for ns in self.catalog().list_namespaces())

    def count_tables(self) -> int:
        return sum(len(self.catalog().list_tables(ns)) for ns in self.namespaces())

    def list_tables(self, namespace: str | None = None) -> list[GoldTableRecord]:
        if namespace and any(not part.strip() for part in namespace.split(".")):
            raise RequestError(f"{namespace!r} is not a namespace name (e.g. gold or lake.gold)", field="namespace")
        namespaces = [namespace] if namespace else self.namespaces()
        tables: list[GoldTableRecord] = []
        for ns in namespaces:
            if not self._namespace_exists(ns):
                continue
            for identifier in sorted(self.catalog().list_tables(ns)):
                info = self.describe(".".join(identifier))
                if info is not None:
                    tables.append(info)
        return tables

    def _namespace_exists(self, namespace: str) -> bool:
        from pyiceberg.exceptions import NoSuchNamespaceError

        try:
            self.catalog().load_namespace_properties(namespace)
        except NoSuchNamespaceError:
            return False
        return True

    def count_keys(
        self, name: str, keys: list[str], timestamp_field: str, start: datetime | None, end: datetime
    ) -> int:
        """Distinct entity keys with a row in [start, end]: the rows a materialization writes."""
        parts = split_table_name(name)
        assert parts is not None
        scan = (
            self.catalog()
            .load_table(parts)
            .scan(row_filter=_window_filter(timestamp_field, start, end), selected_fields=tuple(keys))
        )
        table = scan.to_arrow()
        if table.num_rows == 0:
            return 0
        return int(table.group_by(keys).aggregate([]).num_rows)

    def previews(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], GoldPreviewRecord]:
        """The first `n` rows of each table named (tables that do not exist are left out)."""
        found: dict[tuple[str, int], GoldPreviewRecord] = {}
        for name, n in keys:
            table = self._load(name)
            if table is not None:
                found[(name, n)] = _preview(table, n)
        return found

    def stats(self, names: list[str]) -> dict[str, TableStatsRecord]:
        """Column statistics of each table's current snapshot, from its manifests (server/services/
        gold_stats.py); read once per snapshot: a table's snapshots never change. Tables that do not exist
        are left out."""
        found: dict[str, TableStatsRecord] = {}
        for name in names:
            try:
                stats = self._table_stats(name)
            except Exception:  # one table's unreadable manifest costs that table's figures, not the request's
                log.warning("the statistics of %s could not be read", name, exc_info=True)
                continue
            if stats is not None:
                found[name] = stats
        return found

    def _table_stats(self, name: str) -> TableStatsRecord | None:
        table = self._load(name)
        if table is None:
            return None
        snapshot = table.current_snapshot()
        snapshot_id = snapshot.snapshot_id if snapshot is not None else None
        key = (name, snapshot_id, table.metadata.current_schema_id)  # a column added: a new schema, same data
        cached = self._stats.get(key)
        if cached is None:
            columns = [f.name for f in table.schema().fields]
            files = table.inspect.files().select(["content", "readable_metrics"]).to_pylist() if snapshot else []
            cached = table_stats(snapshot_id, columns, files)
            self._stats.put(key, cached)
        return cached

    def append(
        self, name: str, columns: dict[str, list[Any]], count: int, properties: dict[str, str]
    ) -> tuple[AppendRecord, Any]:
        """Append rows as one snapshot (server/services/gold_writes.py): what it made, and the rows as Arrow."""
        table = self._load(name)
        if table is None:
            raise RequestError(f"table {name!r} does not exist", field="featureView")
        rows = gold_writes.arrow_rows(table, columns, count)
        return gold_writes.append(table, rows, properties), rows

    def arrow_rows(self, name: str, columns: dict[str, list[Any]], count: int) -> Any:
        """Rows in the table's own Arrow types, without writing them (for the online store)."""
        table = self._load(name)
        if table is None:
            raise RequestError(f"table {name!r} does not exist", field="featureView")
        return gold_writes.arrow_rows(table, columns, count)

    def expire_pushes(self, name: str, kept: int) -> int:
        """Expire old push snapshots of the table (server/services/gold_writes.py); how many."""
        table = self._load(name)
        return gold_writes.expire_pushes(table, kept) if table is not None else 0

    def undo_append(self, name: str, record: AppendRecord) -> bool:
        table = self._load(name)
        return table is not None and gold_writes.undo_append(table, record)

    def recent_rows(self, name: str, columns: list[str], timestamp_field: str, window: timedelta, limit: int) -> Any:
        """At most `limit` rows (Arrow) of `columns` whose event time is within `window` of the table's newest
        (from its manifests); None when the table does not exist, empty when it has no rows."""
        import pyarrow as pa

        table = self._load(name)
        if table is None:
            return None
        present = {f.name for f in table.schema().fields}
        wanted = [c for c in columns if c in present]
        stats = self._table_stats(name)
        column = stats.columns.get(timestamp_field) if stats is not None else None
        newest = column.upper_bound if column is not None else None
        if not isinstance(newest, datetime) or not wanted:
            return pa.table({c: pa.array([], pa.float64()) for c in wanted})
        row_filter = _window_filter(timestamp_field, newest - window, newest)
        return table.scan(row_filter=row_filter, selected_fields=tuple(wanted), limit=limit).to_arrow().slice(0, limit)

    def histograms(self, keys: list[tuple[str, str, int]]) -> dict[tuple[str, str, int], HistogramRecord]:
        """Histograms of (table, column, bins) from a scan of the column (server/services/histograms.py), kept
        per snapshot; one scan at a time in this process. Tables and columns that do not exist are left out."""
        found: dict[tuple[str, str, int], HistogramRecord] = {}
        for name, column, bins in keys:
            table = self._load(name)
            if table is None or column not in {f.name for f in table.schema().fields}:
                continue
            snapshot = table.current_snapshot()
            snapshot_id = snapshot.snapshot_id if snapshot is not None else None
            key = (name, snapshot_id, column, bins)
            cached = self._histograms.get(key)
            if cached is None:
                with self._scanning:
                    cached = self._histograms.get(key) or self._histogram(table, column, bins, snapshot_id)
                self._histograms.put(key, cached)
            found[(name, column, bins)] = cached
        return found

    def _histogram(self, table: Any, column: str, bins: int, snapshot_id: int | None) -> HistogramRecord:
        import pyarrow as pa

        if snapshot_id is None:
            return histogram(pa.array([], pa.float64()), bins, None, True)
        total = table.current_snapshot().summary.get("total-records")
        read = table.scan(selected_fields=(column,), limit=MAX_HISTOGRAM_ROWS).to_arrow().column(column)
        read = read.slice(0, MAX_HISTOGRAM_ROWS)
        complete = total is not None and len(read) >= int(total)
        return histogram(read, bins, snapshot_id, complete)

    def _load(self, name: str) -> Any:
        from pyiceberg.exceptions import NoSuchNamespaceError, NoSuchTableError

        parts = split_table_name(name)
        if parts is None:
            return None
        try:
            return self.catalog().load_table(parts)
        except (NoSuchTableError, NoSuchNamespaceError):
            return None

    def describe(self, name: str) -> GoldTableRecord | None:
        """Columns, current snapshot and row count of one table; None when it does not exist."""
        table = self._load(name)
        if table is None:
            return None
        parts = split_table_name(name)
        assert parts is not None
        return _table_info(parts, table)


def _window_filter(column: str, start: datetime | None, end: datetime) -> str:
    """An Iceberg row filter (pyiceberg parses the string form) for start <= column <= end."""
    upper = f"{column} <= '{end.isoformat()}'"
    return upper if start is None else f"{column} >= '{start.isoformat()}' and {upper}"


def _table_info(parts: tuple[str, str], table: Any) -> GoldTableRecord:
    snapshot = table.current_snapshot()
    summary = snapshot.summary if snapshot is not None else None
    total = summary.get("total-records") if summary is not None else None
    metadata = table.metadata
    updated = metadata.last_updated_ms
    return GoldTableRecord(
        namespace=parts[0],
        table=parts[1],
        columns=_columns(table),
        snapshot_id=snapshot.snapshot_id if snapshot is not None else None,
        row_count=int(total) if total is not None else (0 if snapshot is None else None),
        snapshot_count=len(metadata.snapshots),
        last_updated=datetime.fromtimestamp(updated / 1000, tz=UTC) if updated else None,
        location=table.location(),
    )


def _columns(table: Any) -> tuple[GoldColumn, ...]:
    return tuple(
        GoldColumn(name=f.name, type=str(f.field_type), nullable=not f.required, doc=f.doc)
        for f in table.schema().fields
    )


def _preview(table: Any, n: int) -> GoldPreviewRecord:
    columns = _columns(table)
    if n == 0 or table.current_snapshot() is None:
        return GoldPreviewRecord(columns=columns, rows=[])
    arrow = table.scan(limit=n).to_arrow().slice(0, n)
    values = [[json_value(v, naive_as_utc=False) for v in arrow.column(c.name).to_pylist()] for c in columns]
    return GoldPreviewRecord(columns=columns, rows=[list(row) for row in zip(*values, strict=True)])
