"""GraphQL types of feature serving: typed feature tables, materialization, predictions."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, cast

import strawberry
from strawberry.scalars import JSON

from server.jobs.materializations import MaterializationRecord
from server.schema.common import Long, UserError
from server.schema.enums import FeatureDtype, MaterializationStatus, PushTarget, feature_dtype
from server.schema.mlflow import ModelVersion
from server.schema.node import Node
from server.services.feature_values import ColumnRecord, FeatureTableRecord


@strawberry.type(description="A column of a feature table.")
class FeatureColumn:
    name: str = strawberry.field(description="Column name: a join key, event_timestamp, or a feature.")
    dtype: Optional[FeatureDtype] = strawberry.field(description="Type of the column's values.")

    @classmethod
    def from_record(cls, c: ColumnRecord) -> FeatureColumn:
        return cls(name=c.name, dtype=feature_dtype(c.dtype))


@strawberry.type(description="Feature values as a typed table: columns in the order asked for, one row per entity.")
class FeatureTable:
    columns: list[FeatureColumn] = strawberry.field(description="Columns: join keys first, then the features.")
    rows: JSON = strawberry.field(description="List of rows, each a list of values in column order.")
    statuses: Optional[JSON] = strawberry.field(
        description="Online only: per value PRESENT, NOT_FOUND or OUTSIDE_MAX_AGE, shaped like rows."
    )
    event_timestamps: Optional[JSON] = strawberry.field(
        description="Online only: per value the event time it was written with (ISO-8601), shaped like rows."
    )

    @classmethod
    def from_record(cls, t: FeatureTableRecord) -> FeatureTable:
        return cls(
            columns=[FeatureColumn.from_record(c) for c in t.columns],
            rows=cast(JSON, t.rows),
            statuses=cast(JSON, t.statuses),
            event_timestamps=cast(JSON, t.event_timestamps),
        )


@strawberry.input(description="Which online features to read, for which entities.")
class OnlineFeaturesInput:
    features: Optional[list[str]] = strawberry.field(
        default=None, description='Feature references "view:feature"; or give featureService.'
    )
    feature_service: Optional[str] = strawberry.field(default=None, description="A feature service to read.")
    entities: JSON = strawberry.field(
        description='Entity keys as columns {"customer_id": [1, 2]} or rows [{"customer_id": 1}].'
    )
    full_feature_names: bool = strawberry.field(
        default=False, description='Name columns "view__feature" instead of "feature".'
    )


@strawberry.input(description="Point-in-time correct feature values for entities at given times.")
class HistoricalFeaturesInput:
    features: Optional[list[str]] = strawberry.field(
        default=None, description='Feature references "view:feature"; or give featureService.'
    )
    feature_service: Optional[str] = strawberry.field(default=None, description="A feature service to read.")
    entities: JSON = strawberry.field(
        description='Entity columns with an "event_timestamp" column of ISO-8601 times with a zone.'
    )
    full_feature_names: bool = strawberry.field(
        default=False, description='Name columns "view__feature" instead of "feature".'
    )
    limit: Optional[int] = strawberry.field(default=None, description="Return at most this many rows.")


@strawberry.input(description="Load feature views into the online store: a time range, or incrementally.")
class MaterializeInput:
    feature_views: list[str] = strawberry.field(description="Online feature views to materialize.")
    start: Optional[datetime] = strawberry.field(default=None, description="Start of the range (with a zone).")
    end: Optional[datetime] = strawberry.field(default=None, description="End of the range; now when null.")
    incremental: bool = strawberry.field(
        default=False, description="From where each view's last materialization ended (no start)."
    )


@strawberry.type(description="A materialization: a tracked background load into the online store.")
class Materialization(Node):
    id: strawberry.ID = strawberry.field(description="Operation id.")
    status: MaterializationStatus = strawberry.field(description="RUNNING, SUCCEEDED or FAILED.")
    feature_views: list[str] = strawberry.field(description="The feature views it loads.")
    start: Optional[datetime] = strawberry.field(description="Start of the range; null for incremental runs.")
    end: datetime = strawberry.field(description="End of the range.")
    incremental: bool = strawberry.field(description="Whether each view continued from its last materialization.")
    rows_written: Optional[Long] = strawberry.field(description="Entity rows written to the online store.")
    started_at: datetime = strawberry.field(description="When it started.")
    finished_at: Optional[datetime] = strawberry.field(description="When it ended.")
    error: Optional[str] = strawberry.field(description="Why it failed.")

    def node_key(self) -> tuple[str, ...]:
        return (str(self.id),)

    @classmethod
    def from_record(cls, m: MaterializationRecord) -> Materialization:
        return cls(
            id=strawberry.ID(m.id),
            status=MaterializationStatus(m.status.value),
            feature_views=list(m.feature_views),
            start=m.start,
            end=m.end,
            incremental=m.incremental,
            rows_written=m.rows_written,
            started_at=m.started_at,
            finished_at=m.finished_at,
            error=m.error,
        )


@strawberry.type(description="Result of materialize.")
class MaterializePayload:
    operation: Optional[Materialization] = strawberry.field(
        default=None, description="The started operation; null on errors."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why nothing was started, if so.")


@strawberry.input(description="What to predict with, and for whom.")
class PredictInput:
    model: str = strawberry.field(description="Registered model name.")
    version: Optional[int] = strawberry.field(default=None, description="Model version; latest when neither is given.")
    alias: Optional[str] = strawberry.field(default=None, description="Model alias, e.g. champion.")
    entities: Optional[JSON] = strawberry.field(
        default=None, description="Entity keys (columns or rows) to fetch online features for."
    )
    features: Optional[list[str]] = strawberry.field(
        default=None,
        description='Features to fetch ("view:feature"); default: what the model was trained on.',
    )
    feature_service: Optional[str] = strawberry.field(default=None, description="Feature service to fetch.")
    rows: Optional[JSON] = strawberry.field(
        default=None,
        description="Feature values given directly (columns or rows), instead of or besides entities.",
    )


@strawberry.type(description="Result of predict.")
class PredictionPayload:
    predictions: Optional[JSON] = strawberry.field(
        default=None, description="One prediction per entity row; null for a row whose features were not all found."
    )
    model_version: Optional[ModelVersion] = strawberry.field(
        default=None, description="The model version that predicted."
    )
    missing_features: Optional[list[str]] = strawberry.field(
        default=None, description="Model inputs that were missing (not found online) for at least one row."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was predicted, if so."
    )


@strawberry.input(
    description="Feature rows to write now, without a materialization: e.g. events a stream just computed."
)
class PushFeaturesInput:
    feature_view: str = strawberry.field(description="The feature view the rows belong to.")
    rows: JSON = strawberry.field(
        description='The rows, as objects ([{"customer_id": 1, "total_spend": 12.5, ...}]) or as columns '
        '({"customer_id": [1, 2], ...}): every join key and feature of the view (null for no value, where '
        "the table's column allows it), and optionally the event time (the view's timestamp field; default: "
        "now) and created time. Values as the API answers them: ISO-8601 times with a zone, base64 bytes. "
        "An offline push may also give the table's columns the view does not carry, and must give those the "
        "table requires. At most ASGARD_MAX_ONLINE_ROWS rows."
    )
    to: Optional[PushTarget] = strawberry.field(
        default=PushTarget.ONLINE, description="Where the rows are written (null: ONLINE)."
    )


@strawberry.type(description="Result of pushFeatures: every row written, or none (then `userErrors` says why).")
class PushFeaturesPayload:
    rows_written: Optional[int] = strawberry.field(
        default=None,
        description="Rows written: every row for a push that went offline (all are appended), else the rows "
        "the online store took (the others are `staleRows`); null when refused.",
    )
    to: Optional[PushTarget] = strawberry.field(default=None, description="Where they were written.")
    snapshot_id: Optional[str] = strawberry.field(
        default=None, description="The gold table's new Iceberg snapshot, for a push that went offline."
    )
    stale_rows: Optional[int] = strawberry.field(
        default=None,
        description="Rows the online store did not take: it keeps, per entity, the values of the newest event "
        "time. A row not newer than what the store holds (to the microsecond, on SQLite as on Redis; the same "
        "instant keeps the stored value), or than a later row of the push for the same entity, is left out "
        "online (offline every row is appended). Null for an OFFLINE push.",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why nothing was written: each with the row and column it concerns (rows.<i>.<column>, "
        "or rows.<column>.<i> for columns), at most 50.",
    )
