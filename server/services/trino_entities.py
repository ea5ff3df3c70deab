"""A retrieval's entity rows handed to Trino as an Iceberg table, not as Feast's one INSERT statement.

Feast's Trino store uploads the entity frame as one `INSERT ... VALUES` text: Trino spends most of a
retrieval planning that text, and refuses it above its query.max-length (about 17,900 rows). Here the
rows are written with pyiceberg as one Parquet file into a table of the scratch schema (the same Iceberg
catalog Trino reads the gold layer through), Feast is given `SELECT * FROM` that table as its entity
query, and Trino drops the table (and its files) when the retrieval is done.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.services.gold_catalog import GoldCatalog
from server.services.trino_engine import SCRATCH_SCHEMA, TrinoEngine

log = logging.getLogger(__name__)
STAGED_PREFIX = "entities_"
STALE_SECONDS = 3600  # a staged table this old belongs to no retrieval still running


def _arrow(frame: Any) -> Any:
    """The frame as Arrow, timestamps in microseconds (Iceberg's precision)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [
        pa.field(f.name, pa.timestamp("us", tz=f.type.tz)) if pa.types.is_timestamp(f.type) else f for f in table.schema
    ]
    return table.cast(pa.schema(fields))


class TrinoEntities:
    def __init__(self, gold: GoldCatalog, trino: TrinoEngine) -> None:
        self.gold = gold
        self.trino = trino

    @contextmanager
    def staged(self, frame: Any) -> Iterator[str]:
        """The entity query to give Feast while the rows are staged; they are dropped afterwards."""
        table = _arrow(frame)
        name = f"{STAGED_PREFIX}{uuid.uuid4().hex}"
        catalog = self.gold.catalog()
        created = catalog.create_table((SCRATCH_SCHEMA, name), schema=table.schema)
        try:
            created.append(table)
            yield f"SELECT * FROM {self._qualified(name)}"
        finally:
            self._drop(name)

    def _drop(self, name: str) -> None:
        """Trino's DROP deletes the table's files as well (a catalog-only drop would leave them on S3). If
        it fails, the retrieval's own outcome stands; the catalog drop is the fallback, and the next start's
        sweep (`sweep`) removes what is left."""
        try:
            self.trino.query(f"DROP TABLE IF EXISTS {self._qualified(name)}")
        except Exception:
            log.warning("could not drop the staged entity table %s through Trino", name, exc_info=True)
            with contextlib.suppress(Exception):
                self.gold.catalog().purge_table((SCRATCH_SCHEMA, name))

    def _qualified(self, name: str) -> str:
        catalog = self.trino.catalog.replace('"', '""')
        return f'"{catalog}"."{SCRATCH_SCHEMA}"."{name}"'

    def sweep(self) -> None:
        """Drop staged tables a crashed retrieval left: those untouched for an hour (replicas share the
        scratch schema, so a younger one may be another replica's retrieval in progress)."""
        catalog = self.gold.catalog()
        before_ms = (time.time() - STALE_SECONDS) * 1000
        for namespace, name in catalog.list_tables(SCRATCH_SCHEMA):
            if not name.startswith(STAGED_PREFIX):
                continue
            with contextlib.suppress(Exception):  # dropped meanwhile by its own retrieval
                if catalog.load_table((namespace, name)).metadata.last_updated_ms < before_ms:
                    self._drop(name)
