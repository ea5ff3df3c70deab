"""GraphQL types of the Iceberg gold layer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Optional, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from server.context import Context
from server.schema.common import First, Long
from server.schema.mlflow import ModelVersion, versions_page
from server.schema.node import Node
from server.schema.pagination import page_size
from server.schema.permissions import EDITOR
from server.services.feature_values import json_value
from server.services.gold_catalog import GoldColumn, GoldTableRecord
from server.services.gold_stats import ColumnStatsRecord
from server.services.histograms import HistogramRecord, check_bins

if TYPE_CHECKING:  # a lazy reference: the feature store's types refer to these ones
    from server.schema.feature_store import FeatureView

PREVIEW_ROWS = 10


@strawberry.type(
    description="A column's statistics over the current snapshot's data files, from the table's manifests (no "
    "data is read). Rows removed by delete files still count; bounds of strings and binaries may be truncated "
    "(Iceberg keeps 16 characters by default). A figure some data file does not record is null."
)
class ColumnStats:
    snapshot_id: Optional[str] = strawberry.field(description="The snapshot these describe; null for an empty table.")
    value_count: Optional[Long] = strawberry.field(description="Values in the column, nulls included.")
    null_count: Optional[Long] = strawberry.field(description="Null values.")
    nan_count: Optional[Long] = strawberry.field(description="NaN values (floating-point columns only).")
    size_bytes: Optional[Long] = strawberry.field(description="Bytes the column takes in the data files.")
    lower_bound: Optional[JSON] = strawberry.field(
        description="Smallest value, as JSON (times as ISO-8601); null when unknown or every value is null."
    )
    upper_bound: Optional[JSON] = strawberry.field(
        description="Largest value, as JSON (times as ISO-8601); null when unknown or every value is null."
    )

    @classmethod
    def from_record(cls, r: ColumnStatsRecord, snapshot_id: int | None) -> ColumnStats:
        return cls(
            snapshot_id=str(snapshot_id) if snapshot_id is not None else None,
            value_count=r.value_count,
            null_count=r.null_count,
            nan_count=r.nan_count,
            size_bytes=r.size_bytes,
            lower_bound=cast(JSON, json_value(r.lower_bound, naive_as_utc=False)),
            upper_bound=cast(JSON, json_value(r.upper_bound, naive_as_utc=False)),
        )


async def column_stats(info: Info[Context, None], table: str, column: str) -> Optional[ColumnStats]:
    """A gold column's statistics through the request's loader (one manifest read per table and snapshot)."""
    found = await info.context.loaders.gold_stats.load(table)
    record = found.columns.get(column) if found is not None else None
    return ColumnStats.from_record(record, found.snapshot_id) if found is not None and record is not None else None


@strawberry.type(
    description="One bin of a histogram: values from lower (included) to upper (excluded, but for the last bin)."
)
class HistogramBin:
    lower: float = strawberry.field(description="The bin's lower bound.")
    upper: float = strawberry.field(description="The bin's upper bound.")
    count: Long = strawberry.field(description="Values in the bin.")


@strawberry.type(description="A value and how often it occurs.")
class ValueCount:
    value: JSON = strawberry.field(description="The value, as JSON.")
    count: Long = strawberry.field(description="How many rows hold it.")


@strawberry.type(description="The distribution of a column's values from a scan of its table's current snapshot.")
class Histogram:
    snapshot_id: Optional[str] = strawberry.field(description="The snapshot read; null for an empty table.")
    rows: Long = strawberry.field(description="Rows read (at most 1,000,000).")
    complete: bool = strawberry.field(description="Whether every row of the snapshot was read.")
    null_count: Long = strawberry.field(description="Nulls (and NaNs) among the rows read.")
    bins: list[HistogramBin] = strawberry.field(
        description="For numbers: equal-width bins from the smallest value to the largest; empty otherwise."
    )
    top_values: list[ValueCount] = strawberry.field(
        description="For other types (strings, booleans, times): the most frequent values, as many as `bins`."
    )

    @classmethod
    def from_record(cls, h: HistogramRecord) -> Histogram:
        return cls(
            snapshot_id=str(h.snapshot_id) if h.snapshot_id is not None else None,
            rows=h.rows,
            complete=h.complete,
            null_count=h.null_count,
            bins=[HistogramBin(lower=b.lower, upper=b.upper, count=b.count) for b in h.bins],
            top_values=[ValueCount(value=cast(JSON, v.value), count=v.count) for v in h.top_values],
        )


async def column_histogram(info: Info[Context, None], table: str, column: str, bins: int) -> Optional[Histogram]:
    found = await info.context.loaders.gold_histograms.load((table, column, check_bins(bins)))
    return Histogram.from_record(found) if found is not None else None


@strawberry.type(description="One column of a gold table.")
class Column:
    name: str = strawberry.field(description="Column name.")
    type: str = strawberry.field(description="Iceberg type name: int, long, double, string, timestamptz, list<long>...")
    nullable: bool = strawberry.field(description="Whether the column may hold nulls.")
    description: Optional[str] = strawberry.field(description="The column's documentation, if any.")
    table: strawberry.Private[str]

    @strawberry.field(
        permission_classes=EDITOR,
        description="Statistics of the column in the table's current snapshot, from its manifests; null when the "
        "table is gone. Editors and up, as `preview`: its bounds are values of columns no feature view may "
        "expose (a feature's own are on FeatureView.features for readers).",
    )
    async def stats(self, info: Info[Context, None]) -> Optional[ColumnStats]:
        return await column_stats(info, self.table, self.name)

    @classmethod
    def from_record(cls, c: GoldColumn, table: str) -> Column:
        return cls(name=c.name, type=c.type, nullable=c.nullable, description=c.doc, table=table)


@strawberry.type(description="The first rows of a gold table, to see the data before registering a view.")
class GoldPreview:
    columns: list[Column] = strawberry.field(description="The table's columns, in order, with their Iceberg types.")
    rows: JSON = strawberry.field(
        description="List of rows, each a list of values in column order: numbers and booleans as JSON, "
        "decimals and uuids as strings, binary as base64, dates and times as ISO-8601 (with their zone "
        "when the column has one), structs as objects, maps as [key, value] pairs, NaN as null."
    )


@strawberry.type(description="An Apache Iceberg table of the gold layer.")
class GoldTable(Node):
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

    def node_key(self) -> tuple[str, ...]:
        return (self.name,)

    @strawberry.field(
        permission_classes=EDITOR,
        description="The table's first rows from its current snapshot (none while it is empty). Editors and "
        "up: it shows columns no feature view exposes yet, which readers otherwise never see.",
    )
    async def preview(
        self,
        info: Info[Context, None],
        first: Annotated[
            int,
            strawberry.argument(description=f"How many rows (default {PREVIEW_ROWS}, at most the page size limit)."),
        ] = PREVIEW_ROWS,
    ) -> Optional[GoldPreview]:
        n = page_size(first, info.context.settings.limits)
        found = await info.context.loaders.gold_previews.load((self.name, n))
        if found is None:  # dropped since it was described
            return None
        columns = [Column.from_record(c, self.name) for c in found.columns]
        return GoldPreview(columns=columns, rows=cast(JSON, found.rows))

    @strawberry.field(description="The feature views that read this table, by name.")
    async def feature_views(
        self, info: Info[Context, None]
    ) -> list[Annotated[FeatureView, strawberry.lazy("server.schema.feature_store")]]:
        from server.schema.feature_store import FeatureView as View

        return [View.from_record(v) for v in await info.context.loaders.table_views.load(self.name) or []]

    @strawberry.field(
        description="The model versions trained on the features of views over this table (through "
        "FeatureView.models), by model name, newest version first."
    )
    async def models(
        self,
        info: Info[Context, None],
        first: First = None,
    ) -> list[ModelVersion]:
        views = await info.context.loaders.table_views.load(self.name) or []
        found = await info.context.loaders.view_models.load_many([v.name for v in views])
        versions = {(m.name, m.version): m for models in found for m in models or []}
        return versions_page(info, sorted(versions.values(), key=lambda m: (m.name, -m.version)), first)

    @classmethod
    def from_record(cls, t: GoldTableRecord) -> GoldTable:
        return cls(
            name=t.name,
            namespace=t.namespace,
            table=t.table,
            columns=[Column.from_record(c, t.name) for c in t.columns],
            snapshot_id=str(t.snapshot_id) if t.snapshot_id is not None else None,
            snapshot_count=t.snapshot_count,
            row_count=t.row_count,
            last_updated=t.last_updated,
        )
