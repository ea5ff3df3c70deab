"""A retrieval's entity rows handed to Trino as an Iceberg table, not as Feast's one INSERT statement.

Feast's Trino store uploads the entity frame as one `INSERT ... VALUES` text: Trino spends most of a
retrieval planning that text, and refuses it above its query.max-length (about 17,900 rows). Here the
rows are written with pyiceberg as one Parquet file into a table of the scratch schema (the same Iceberg
catalog Trino reads the gold layer through), Feast is given `SELECT * FROM` that table as its entity
query, and Trino drops the table (and its files) when the retrieval is done.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from server.services.gold_catalog import GoldCatalog
from server.services.trino_engine import SCRATCH_SCHEMA, TrinoEngine


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
        name = f"entities_{uuid.uuid4().hex}"
        catalog = self.gold.catalog()
        created = catalog.create_table((SCRATCH_SCHEMA, name), schema=table.schema)
        try:
            created.append(table)
            yield f'SELECT * FROM "{self.trino.catalog}"."{SCRATCH_SCHEMA}"."{name}"'
        finally:
            # Trino's DROP deletes the table's files as well (a catalog-only drop would leave them on S3)
            self.trino.query(f'DROP TABLE IF EXISTS "{self.trino.catalog}"."{SCRATCH_SCHEMA}"."{name}"')
