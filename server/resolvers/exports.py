"""Resolvers of exports: historical feature values written to a Parquet file instead of JSON."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from server.blocking import run_refusable
from server.context import Context
from server.loaders import registry_snapshot
from server.schema.common import user_errors
from server.schema.exports import FeatureExport, HistoricalExportPayload
from server.schema.serving import HistoricalFeaturesInput
from server.services.exports import HistoricalRequest, export_historical


async def export_historical_features(
    info: Info[Context, None],
    input: Annotated[HistoricalFeaturesInput, strawberry.argument(description="Features, entities and times.")],
) -> HistoricalExportPayload:
    ctx = info.context
    assert ctx.principal is not None  # the field's permission needs one
    request = HistoricalRequest(
        features=input.features,
        feature_service=input.feature_service,
        entities=input.entities,
        full_names=input.full_feature_names,
        limit=input.limit,
    )
    snap = await registry_snapshot(ctx.services)
    export, refused = await run_refusable(
        export_historical,
        ctx.services.serving,
        ctx.services.exports,
        snap,
        request,
        ctx.principal.owner_key,
        ctx.settings.limits.max_historical_rows,
        ctx.settings.export_ttl_seconds,
    )
    if export is None:
        return HistoricalExportPayload(export=None, user_errors=user_errors(refused))
    return HistoricalExportPayload(export=FeatureExport.from_record(export), user_errors=[])
