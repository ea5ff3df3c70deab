"""GraphQL types of the Iceberg gold layer."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry

from server.schema.common import Long
from server.services.gold_catalog import GoldTableRecord


@strawberry.type(description="One column of a gold table.")
class Column:
    name: str = strawberry.field(description="Column name.")
    type: str = strawberry.field(description="Iceberg type name: int, long, double, string, timestamptz, list<long>...")
    nullable: bool = strawberry.field(description="Whether the column may hold nulls.")
    description: Optional[str] = strawberry.field(description="The column's documentation, if any.")


@strawberry.type(description="An Apache Iceberg table of the gold layer.")
class GoldTable:
    name: str = strawberry.field(description='Qualified name, e.g. "gold.customer_aggregates".')
    namespace: str = strawberry.field(description="Iceberg namespace (schema) of the table.")
    table: str = strawberry.field(description="Table name within its namespace.")
    columns: list[Column] = strawberry.field(description="Columns of the current schema, in order.")
    snapshot_id: Optional[str] = strawberry.field(
        description="Id of the current snapshot (a string: Iceberg ids are 64-bit); null when empty."
    )
    snapshot_count: int = strawberry.field(description="How many snapshots the table keeps.")
    row_count: Optional[Long] = strawberry.field(description="Rows in the current snapshot.")
    last_updated: Optional[datetime] = strawberry.field(description="When the table's metadata last changed.")

    @classmethod
    def from_record(cls, t: GoldTableRecord) -> GoldTable:
        return cls(
            name=t.name,
            namespace=t.namespace,
            table=t.table,
            columns=[Column(name=c.name, type=c.type, nullable=c.nullable, description=c.doc) for c in t.columns],
            snapshot_id=str(t.snapshot_id) if t.snapshot_id is not None else None,
            snapshot_count=t.snapshot_count,
            row_count=t.row_count,
            last_updated=t.last_updated,
        )
