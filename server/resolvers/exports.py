"""Resolvers of exports: historical feature values written to a Parquet file instead of JSON."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from server.context import Context
from server.loaders import registry_snapshot
from server.resolvers.payloads import mutate
from server.schema.exports import FeatureExport, HistoricalExportPayload
from server.schema.serving import HistoricalFeaturesInput
from server.services.exports import ExportRecord, HistoricalRequest, export_historical


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
    await ctx.services.serving.ready()  # Feast's store open: no worker thread waits for it
    async with ctx.services.serving.offline.request(ctx):  # BUSY before any work when too many are queued
        return await mutate(
            HistoricalExportPayload,
            _exported,
            export_historical,
            ctx.services.serving,
            ctx.services.exports,
            snap,
            request,
            ctx.principal.owner_key,
            ctx.settings.limits.max_historical_rows,
            ctx.settings.export_ttl_seconds,
        )


def _exported(export: ExportRecord) -> HistoricalExportPayload:
    return HistoricalExportPayload(export=FeatureExport.from_record(export))
