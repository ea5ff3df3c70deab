"""Trino as the offline engine: the same Iceberg gold layer, read through a Trino catalog.

Feast's Trino offline store runs historical retrieval, exports and materialization there; this module
gives Feast its connection settings, makes the scratch schema its entity uploads go to, and describes
gold tables through Trino's information_schema (in Iceberg's type names, so registration checks them
exactly as it checks pyiceberg's).
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import urlsplit

from server.config import Settings
from server.services.gold_catalog import GoldColumn, GoldTableRecord, split_table_name

SCRATCH_SCHEMA = "asgard_feast"  # where Feast's Trino store uploads entity rows (temporary tables)

_SCALARS = {
    "boolean": "boolean",
    "integer": "int",
    "bigint": "long",
    "real": "float",
    "double": "double",
    "date": "date",
    "varbinary": "binary",
    "uuid": "uuid",
    "time(6)": "time",
    "timestamp(6)": "timestamp",
    "timestamp(6) with time zone": "timestamptz",
}


def iceberg_type(trino_type: str) -> str:
    """A Trino column type as pyiceberg names the Iceberg type behind it (varchar -> string,
    array(bigint) -> list<long>, decimal(10,2) -> decimal(10, 2)); unknown types pass through."""
    t = trino_type.strip()
    if t in _SCALARS:
        return _SCALARS[t]
    if t == "varchar" or t.startswith("varchar("):
        return "string"
    decimal = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", t)
    if decimal:
        return f"decimal({decimal.group(1)}, {decimal.group(2)})"
    array = re.fullmatch(r"array\((.*)\)", t)
    if array:
        return f"list<{iceberg_type(array.group(1))}>"
    return t


def connection(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    scheme = parts.scheme or "http"
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or (443 if scheme == "https" else 8080),
        "scheme": scheme,
    }


class TrinoEngine:
    """One Trino cluster and the catalog in it that serves the gold layer."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.trino_url
        self.catalog = settings.trino_catalog
        self.user = settings.trino_user
        self.gold_name = settings.catalog_name
        self._local = threading.local()

    def feast_config(self) -> dict[str, Any]:
        """The offline_store section of feature_store.yaml."""
        where = connection(self.url)
        return {
            "type": "trino",
            "host": where["host"],
            "port": where["port"],
            "http-scheme": where["scheme"],
            "catalog": self.catalog,
            "user": self.user,
            "dataset": SCRATCH_SCHEMA,
            "connector": {"type": "iceberg", "file_format": "parquet"},
        }

    def table(self, name: str) -> str:
        """`gold.orders` -> `<catalog>.gold.orders`, as Trino names it."""
        return f"{self.catalog}.{name}"

    def _cursor(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            import trino

            where = connection(self.url)
            conn = trino.dbapi.connect(  # type: ignore[no-untyped-call]
                host=where["host"],
                port=where["port"],
                http_scheme=where["scheme"],
                user=self.user,
                catalog=self.catalog,
            )
            self._local.conn = conn
        return conn.cursor()

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[list[Any]]:
        cursor = self._cursor()
        cursor.execute(sql, list(params) if params else None)
        rows: list[list[Any]] = cursor.fetchall()
        return rows

    def prepare(self) -> None:
        """Make the scratch schema Feast's entity uploads need (idempotent)."""
        self.query(f'CREATE SCHEMA IF NOT EXISTS "{self.catalog}"."{SCRATCH_SCHEMA}"')

    def ping(self) -> bool:
        self.query("SELECT 1")
        return True

    def describe(self, name: str) -> GoldTableRecord | None:
        """A gold table's columns as Trino sees them; None when Trino does not know the table."""
        parts = split_table_name(name)
        if parts is None:
            return None
        rows = self.query(
            f'SELECT column_name, data_type, is_nullable FROM "{self.catalog}".information_schema.columns '
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            parts,
        )
        if not rows:
            return None
        return GoldTableRecord(
            namespace=parts[0],
            table=parts[1],
            columns=tuple(GoldColumn(name=r[0], type=iceberg_type(r[1]), nullable=r[2] == "YES") for r in rows),
            snapshot_id=None,
            row_count=None,
            snapshot_count=0,
            last_updated=None,
            location=self.table(name),
        )
