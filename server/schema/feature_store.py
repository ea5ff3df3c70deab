"""GraphQL types of the feature store: entities, feature views, feature services, their inputs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from server.context import Context
from server.schema.common import First, Tag, TagInput, UserError, tags
from server.schema.enums import FeatureDtype, FeatureViewChange, FeatureViewEventKind, RegistrationChange, feature_dtype
from server.schema.gold import ColumnStats, Histogram, column_histogram, column_stats
from server.schema.mlflow import ModelVersion, versions_page
from server.schema.node import Node
from server.schema.pagination import page_size
from server.services.change_events import ViewEvent
from server.services.freshness import FreshnessRecord
from server.services.registry_records import (
    EntityRecord,
    FeatureRecord,
    FeatureServiceRecord,
    FeatureViewRecord,
)
from server.services.view_history import ViewVersionRecord


@strawberry.type(description="A business object features describe (a customer, an order), keyed by a join key.")
class Entity(Node):
    name: str = strawberry.field(description="Unique name of the entity.")
    join_key: str = strawberry.field(description="Column that identifies the entity in source tables.")
    value_type: Optional[FeatureDtype] = strawberry.field(description="Type of the join key.")
    description: str = strawberry.field(description="What the entity is.")
    tags: list[Tag] = strawberry.field(description="Labels attached to the entity.")
    owner: str = strawberry.field(description="Who owns the entity.")
    created_at: Optional[datetime] = strawberry.field(description="When it was first registered.")
    updated_at: Optional[datetime] = strawberry.field(description="When it last changed.")

    def node_key(self) -> tuple[str, ...]:
        return (self.name,)

    @classmethod
    def from_record(cls, r: EntityRecord) -> Entity:
        return cls(
            name=r.name,
            join_key=r.join_key,
            value_type=feature_dtype(r.value_type),
            description=r.description,
            tags=tags(r.tags),
            owner=r.owner,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


@strawberry.type(description="One feature of a feature view: a column of its source table.")
class Feature:
    name: str = strawberry.field(description="Feature (and source column) name.")
    dtype: Optional[FeatureDtype] = strawberry.field(description="Value type of the feature.")
    description: str = strawberry.field(description="What the feature means.")
    table: strawberry.Private[str | None]

    @strawberry.field(
        description="Statistics of the feature's source column in the gold table's current snapshot, from its "
        "manifests (no scan); null when the table or the column is gone."
    )
    async def stats(self, info: Info[Context, None]) -> Optional[ColumnStats]:
        return await column_stats(info, self.table, self.name) if self.table is not None else None

    @strawberry.field(
        description="The distribution of the feature's source column, from a scan of the gold table's current "
        "snapshot (at most 1,000,000 rows; kept per snapshot, so asking again is free until the table "
        "changes); null when the table or the column is gone. Costs a scan: ask for it on purpose."
    )
    async def histogram(
        self,
        info: Info[Context, None],
        bins: Annotated[int, strawberry.argument(description="How many bins (or top values): 1 to 100.")] = 10,
    ) -> Optional[Histogram]:
        return await column_histogram(info, self.table, self.name, bins) if self.table is not None else None

    @classmethod
    def from_record(cls, r: FeatureRecord, table: str | None) -> Feature:
        return cls(name=r.name, dtype=feature_dtype(r.dtype), description=r.description, table=table)


@strawberry.type(description="The gold table a feature view reads, and its event-time column.")
class FeatureSource:
    table: str = strawberry.field(description='Qualified gold table, e.g. "gold.customer_aggregates".')
    timestamp_field: str = strawberry.field(description="Column holding each row's event time.")
    created_timestamp_field: Optional[str] = strawberry.field(
        description="Column that breaks ties between rows with the same event time."
    )
    catalog: Optional[str] = strawberry.field(description="Name of the gold catalog.")


@strawberry.type(description="A time range of a feature view's data loaded into the online store.")
class MaterializationInterval:
    start: datetime = strawberry.field(description="Start of the range (inclusive).")
    end: datetime = strawberry.field(description="End of the range.")


@strawberry.type(
    description="How fresh a feature view is: its gold table's newest event (from Iceberg's manifests, no scan) "
    "against what the online store was loaded with, and the view's TTL."
)
class Freshness:
    latest_event_time: Optional[datetime] = strawberry.field(
        description="The newest event time in the source table's current snapshot (the upper bound of its "
        "timestamp column); null when the table is empty or its files do not record it."
    )
    last_materialized_at: Optional[datetime] = strawberry.field(
        description="When the latest successful materialization that included the view finished; null if none "
        "has (or the view is offline only)."
    )
    materialized_up_to: Optional[datetime] = strawberry.field(
        description="End of the latest time range loaded into the online store; null if never loaded."
    )
    lag_seconds: Optional[float] = strawberry.field(
        description="How much newer the table's newest event is than what the online store was loaded up to (0: "
        "caught up); null for an offline-only view or when either is unknown."
    )
    within_ttl: Optional[bool] = strawberry.field(
        description="Whether the newest value a reader gets (online: the newest loaded; offline: the table's "
        "newest) is younger than the view's TTL now; true for a TTL of forever; null when there is none."
    )
    stale: bool = strawberry.field(
        description="Online and behind its table, or never loaded while the table holds rows, or its newest "
        "value past the TTL."
    )

    @classmethod
    def from_record(cls, r: FreshnessRecord) -> Freshness:
        return cls(
            latest_event_time=r.latest_event_time,
            last_materialized_at=r.last_materialized_at,
            materialized_up_to=r.materialized_up_to,
            lag_seconds=r.lag_seconds,
            within_ttl=r.within_ttl,
            stale=r.stale,
        )


@strawberry.type(description="A group of features of one or more entities, read from one gold table.")
class FeatureView(Node):
    name: str = strawberry.field(description="Unique name of the feature view.")
    description: str = strawberry.field(description="What the view holds.")
    features: list[Feature] = strawberry.field(description="Features of the view, in declared order.")
    source: FeatureSource = strawberry.field(description="Where the features are read from.")
    ttl_seconds: Optional[int] = strawberry.field(
        description="How long a value stays valid after its event time; null means forever."
    )
    online: bool = strawberry.field(description="Whether the view is served from the online store.")
    tags: list[Tag] = strawberry.field(description="Labels attached to the view.")
    owner: str = strawberry.field(description="Who owns the view.")
    created_at: Optional[datetime] = strawberry.field(description="When it was first registered.")
    updated_at: Optional[datetime] = strawberry.field(description="When it last changed.")
    materialization_intervals: list[MaterializationInterval] = strawberry.field(
        description="Time ranges loaded into the online store, oldest first."
    )
    entity_names: strawberry.Private[tuple[str, ...]]

    def node_key(self) -> tuple[str, ...]:
        return (self.name,)

    @strawberry.field(description="Entities whose join keys the view is keyed by.")
    async def entities(self, info: Info[Context, None]) -> list[Entity]:
        records = await info.context.loaders.entities.load_many(list(self.entity_names))
        return [Entity.from_record(r) for r in records if r is not None]

    @strawberry.field(description="How fresh the view is; null if it was deleted meanwhile.")
    async def freshness(self, info: Info[Context, None]) -> Optional[Freshness]:
        found = await info.context.loaders.freshness.load(self.name)
        return Freshness.from_record(found) if found is not None else None

    @strawberry.field(
        description="Every definition the view has had, newest first: each registration that changed it and "
        "its deletion (a view deleted and registered again keeps counting). Read-only; kept by the server "
        "beside Feast's registry."
    )
    async def history(
        self,
        info: Info[Context, None],
        first: Annotated[
            Optional[int], strawberry.argument(description="How many versions, newest first: default 20, at most 100.")
        ] = None,
    ) -> list[FeatureViewVersion]:
        size = page_size(first, info.context.settings.limits)
        found = await info.context.loaders.view_history.load((self.name, size))
        return [FeatureViewVersion.from_record(v) for v in found or []]

    @strawberry.field(
        description="The model versions trained on this view's features (ModelVersion.features says how each "
        "is known), by model name, newest version first."
    )
    async def models(
        self,
        info: Info[Context, None],
        first: First = None,
    ) -> list[ModelVersion]:
        return versions_page(info, await info.context.loaders.view_models.load(self.name) or [], first)

    @classmethod
    def from_record(cls, r: FeatureViewRecord) -> FeatureView:
        return cls(
            name=r.name,
            description=r.description,
            features=[Feature.from_record(f, r.source.table) for f in r.features],
            source=FeatureSource(
                table=r.source.table,
                timestamp_field=r.source.timestamp_field,
                created_timestamp_field=r.source.created_timestamp_field,
                catalog=r.source.catalog,
            ),
            ttl_seconds=r.ttl_seconds,
            online=r.online,
            tags=tags(r.tags),
            owner=r.owner,
            created_at=r.created_at,
            updated_at=r.updated_at,
            materialization_intervals=[MaterializationInterval(start=s, end=e) for s, e in r.materialized],
            entity_names=r.entities,
        )


@strawberry.type(description="One definition a feature view has had.")
class FeatureViewVersion:
    version: int = strawberry.field(description="1 for the first definition recorded, counting up.")
    change: FeatureViewChange = strawberry.field(description="What this version records.")
    definition: Optional[JSON] = strawberry.field(
        description="The definition as registerFeatureView's input (send it back to restore it); null for a deletion."
    )
    changed_at: datetime = strawberry.field(description="When the change was made.")
    changed_by: Optional[str] = strawberry.field(
        description='Who made it: the token\'s name ("local" without tokens); null for a definition that '
        "predates the history (recorded at its next change)."
    )

    @classmethod
    def from_record(cls, r: ViewVersionRecord) -> FeatureViewVersion:
        return cls(
            version=r.version,
            change=FeatureViewChange(r.change.value),
            definition=cast(JSON, r.definition),
            changed_at=r.changed_at,
            changed_by=r.changed_by,
        )


@strawberry.type(description="The features a feature service takes from one feature view.")
class FeatureViewProjection:
    name: str = strawberry.field(description="Name of the feature view.")
    feature_names: list[str] = strawberry.field(description="Names of the chosen features.")

    @strawberry.field(description="The feature view itself; null if it was deleted meanwhile.")
    async def feature_view(self, info: Info[Context, None]) -> Optional[FeatureView]:
        record = await info.context.loaders.views.load(self.name)
        return FeatureView.from_record(record) if record else None

    @strawberry.field(description="The chosen features with their types.")
    async def features(self, info: Info[Context, None]) -> list[Feature]:
        record = await info.context.loaders.views.load(self.name)
        known = {f.name: f for f in record.features} if record else {}
        table = record.source.table if record else None
        return [  # a name the view no longer has: no source column to describe
            Feature.from_record(known[n], table) if n in known else Feature.from_record(FeatureRecord(n, None), None)
            for n in self.feature_names
        ]


@strawberry.type(description="A named set of features a model consumes, taken from feature views.")
class FeatureService(Node):
    name: str = strawberry.field(description="Unique name of the feature service.")
    description: str = strawberry.field(description="What the service is for.")
    feature_views: list[FeatureViewProjection] = strawberry.field(
        description="The views it takes features from, with the features chosen."
    )
    tags: list[Tag] = strawberry.field(description="Labels attached to the service.")
    owner: str = strawberry.field(description="Who owns the service.")
    created_at: Optional[datetime] = strawberry.field(description="When it was first registered.")
    updated_at: Optional[datetime] = strawberry.field(description="When it last changed.")

    def node_key(self) -> tuple[str, ...]:
        return (self.name,)

    @strawberry.field(
        description="The model versions whose training job declared this feature service, by model name, "
        "newest version first."
    )
    async def models(
        self,
        info: Info[Context, None],
        first: First = None,
    ) -> list[ModelVersion]:
        return versions_page(info, await info.context.loaders.service_models.load(self.name) or [], first)

    @classmethod
    def from_record(cls, r: FeatureServiceRecord) -> FeatureService:
        return cls(
            name=r.name,
            description=r.description,
            feature_views=[FeatureViewProjection(name=p.view, feature_names=list(p.features)) for p in r.projections],
            tags=tags(r.tags),
            owner=r.owner,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )


@strawberry.type(description="Which registry, offline and online store Feast uses, and what they hold.")
class FeatureStoreStatus:
    registry_type: str = strawberry.field(description="Kind of registry, e.g. SQL_SQLITE or SQL_POSTGRESQL.")
    registry_location: str = strawberry.field(description="Where the registry lives (credentials removed).")
    offline_store_type: str = strawberry.field(description="Kind of offline store, e.g. DUCKDB.")
    online_store_type: str = strawberry.field(description="Kind of online store (SQLITE, REDIS) or DISABLED.")
    project: str = strawberry.field(description="Feast project the server registers into.")
    feature_views: int = strawberry.field(description="Number of feature views.")
    entities: int = strawberry.field(description="Number of entities.")
    feature_services: int = strawberry.field(description="Number of feature services.")


# ---- inputs -------------------------------------------------------------------------------------


@strawberry.input(description="One feature to register: a column of the source table.")
class FeatureInput:
    name: str = strawberry.field(description="Column name, which becomes the feature name.")
    dtype: FeatureDtype = strawberry.field(description="Declared type; must fit the column's type.")
    description: Optional[str] = strawberry.field(default=None, description="What the feature means.")


@strawberry.input(description="The gold table a feature view reads.")
class SourceTableInput:
    table: str = strawberry.field(description='Qualified gold table, e.g. "gold.customer_aggregates".')
    timestamp_field: str = strawberry.field(description="Column holding each row's event time.")
    created_timestamp_field: Optional[str] = strawberry.field(
        default=None, description="Column that breaks ties between rows with the same event time."
    )
    catalog: Optional[str] = strawberry.field(
        default=None, description="Gold catalog name; when given it must be the configured one."
    )


@strawberry.input(description="A feature view to register, or to update when the name exists.")
class RegisterFeatureViewInput:
    name: str = strawberry.field(description="Unique name: letters, digits, underscores.")
    entities: list[str] = strawberry.field(
        description='Join keys (or names of registered entities), e.g. ["customer_id"].'
    )
    features: list[FeatureInput] = strawberry.field(description="Features, in the order to keep.")
    source: SourceTableInput = strawberry.field(description="The gold table to read.")
    ttl_seconds: Optional[int] = strawberry.field(
        default=None, description="How long a value stays valid; null or 0 means no expiry."
    )
    online: bool = strawberry.field(default=False, description="Serve the view from the online store.")
    description: Optional[str] = strawberry.field(default=None, description="What the view holds.")
    tags: Optional[list[TagInput]] = strawberry.field(default=None, description="Labels to attach.")
    owner: Optional[str] = strawberry.field(default=None, description="Who owns the view.")


@strawberry.input(description="An entity to register, or to update when the name exists.")
class RegisterEntityInput:
    name: str = strawberry.field(description="Unique name of the entity.")
    join_key: Optional[str] = strawberry.field(
        default=None, description="Column identifying it in source tables; defaults to the name."
    )
    value_type: Optional[FeatureDtype] = strawberry.field(
        default=None, description="Type of the join key; taken from the table when a view uses it."
    )
    description: Optional[str] = strawberry.field(default=None, description="What the entity is.")
    tags: Optional[list[TagInput]] = strawberry.field(default=None, description="Labels to attach.")
    owner: Optional[str] = strawberry.field(default=None, description="Who owns the entity.")


@strawberry.input(description="Features to take from one feature view.")
class FeatureViewProjectionInput:
    name: str = strawberry.field(description="Name of the feature view.")
    features: Optional[list[str]] = strawberry.field(
        default=None, description="Features to take; null takes all of them."
    )


@strawberry.input(description="A feature service to create, or to update when the name exists.")
class CreateFeatureServiceInput:
    name: str = strawberry.field(description="Unique name of the service.")
    feature_views: list[FeatureViewProjectionInput] = strawberry.field(
        description="Feature views to take features from."
    )
    description: Optional[str] = strawberry.field(default=None, description="What the service is for.")
    tags: Optional[list[TagInput]] = strawberry.field(default=None, description="Labels to attach.")
    owner: Optional[str] = strawberry.field(default=None, description="Who owns the service.")


@strawberry.input(description="Narrows a list of feature views; all given conditions must hold.")
class FeatureViewFilter:
    name_contains: Optional[str] = strawberry.field(default=None, description="Case-insensitive substring of the name.")
    entity: Optional[str] = strawberry.field(
        default=None, description="Entity name or join key the view must be keyed by."
    )
    tag: Optional[TagInput] = strawberry.field(default=None, description="A tag the view must carry.")


# ---- payloads -----------------------------------------------------------------------------------


@strawberry.type(description="Result of registerFeatureView.")
class RegisterFeatureViewPayload:
    feature_view: Optional[FeatureView] = strawberry.field(
        default=None, description="The view as registered; null on errors."
    )
    change: Optional[RegistrationChange] = strawberry.field(
        default=None, description="CREATED, UPDATED or UNCHANGED; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; nothing was written."
    )


@strawberry.type(description="Result of registerEntity.")
class RegisterEntityPayload:
    entity: Optional[Entity] = strawberry.field(default=None, description="The entity as registered; null on errors.")
    change: Optional[RegistrationChange] = strawberry.field(
        default=None, description="CREATED, UPDATED or UNCHANGED; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; nothing was written."
    )


@strawberry.type(description="Result of createFeatureService.")
class FeatureServicePayload:
    feature_service: Optional[FeatureService] = strawberry.field(
        default=None, description="The service as registered; null on errors."
    )
    change: Optional[RegistrationChange] = strawberry.field(
        default=None, description="CREATED, UPDATED or UNCHANGED; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; nothing was written."
    )


@strawberry.type(description="A change to a feature view, as featureViewChanged tells it.")
class FeatureViewEvent:
    kind: FeatureViewEventKind = strawberry.field(description="What happened.")
    name: str = strawberry.field(description="The feature view's name.")
    at: datetime = strawberry.field(description="When the change was seen (within a poll of when it was made).")
    feature_view: Optional[FeatureView] = strawberry.field(description="The view after the change; null once deleted.")

    @classmethod
    def from_record(cls, e: ViewEvent) -> FeatureViewEvent:
        return cls(
            kind=FeatureViewEventKind(e.kind.value),
            name=e.name,
            at=e.at,
            feature_view=FeatureView.from_record(e.view) if e.view is not None else None,
        )
