"""GraphQL type of the platform's health and inventory."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from server.context import Context
from server.schema.feature_store import FeatureView


@strawberry.type(description="Which backends answer, and how much each holds.")
class PlatformStatus:
    feast_available: bool = strawberry.field(description="The Feast registry answered.")
    mlflow_available: bool = strawberry.field(description="The MLflow tracking store answered.")
    catalog_available: bool = strawberry.field(description="The Iceberg gold catalog answered.")
    feature_views: Optional[int] = strawberry.field(description="Registered feature views; null if Feast is down.")
    entities: Optional[int] = strawberry.field(description="Registered entities; null if Feast is down.")
    feature_services: Optional[int] = strawberry.field(
        description="Registered feature services; null if Feast is down."
    )
    registered_models: Optional[int] = strawberry.field(
        description="Registered models in MLflow; null if MLflow is down."
    )
    active_experiments: Optional[int] = strawberry.field(
        description="Active (not deleted) MLflow experiments; null if MLflow is down."
    )
    gold_tables: Optional[int] = strawberry.field(description="Tables in the gold catalog; null if it is down.")
    version: str = strawberry.field(description="Version of the Asgard server.")
    timestamp: datetime = strawberry.field(description="When this status was taken.")
    view_names: strawberry.Private[tuple[str, ...]] = ()

    @strawberry.field(
        description="Feature views that are stale (see Freshness.stale), by name; empty if Feast is down. One "
        "manifest read per source table and snapshot, whatever the number of views."
    )
    async def stale_feature_views(self, info: Info[Context, None]) -> list[FeatureView]:
        loaders = info.context.loaders
        found = await loaders.freshness.load_many(list(self.view_names))
        stale = [name for name, f in zip(self.view_names, found, strict=True) if f is not None and f.stale]
        views = await loaders.views.load_many(sorted(stale))
        return [FeatureView.from_record(v) for v in views if v is not None]
