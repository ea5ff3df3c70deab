"""Resolvers of feature serving: online and historical reads, materialize, predict."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from server.blocking import run_blocking
from server.context import Context
from server.jobs.materializations import MaterializationRecord, MaterializationRequest
from server.loaders import offline_turn, read_online, registry_snapshot
from server.resolvers.payloads import mutate, mutate_async
from server.schema.enums import PushTarget
from server.schema.mlflow import ModelVersion
from server.schema.serving import (
    FeatureTable,
    HistoricalFeaturesInput,
    Materialization,
    MaterializeInput,
    MaterializePayload,
    OnlineFeaturesInput,
    PredictInput,
    PredictionPayload,
    PushFeaturesInput,
    PushFeaturesPayload,
)
from server.services.feature_requests import resolve_features
from server.services.inference import PredictionRecord, PredictRequest
from server.services.push_rows import PushRecord, PushSpec
from server.services.push_rows import PushTarget as DomainTarget


async def online_features(
    info: Info[Context, None],
    input: Annotated[OnlineFeaturesInput, strawberry.argument(description="Features and entities to read.")],
) -> FeatureTable:
    serving = info.context.services.serving
    snap = await registry_snapshot(info.context.services)
    table = await read_online(
        serving, snap, input.features, input.feature_service, input.entities, input.full_feature_names
    )
    return FeatureTable.from_record(table)


async def historical_features(
    info: Info[Context, None],
    input: Annotated[HistoricalFeaturesInput, strawberry.argument(description="Features, entities and times.")],
) -> FeatureTable:
    serving = info.context.services.serving
    snap = await registry_snapshot(info.context.services)
    refs = resolve_features(snap, input.features, input.feature_service)
    cap = info.context.settings.limits.max_historical_rows
    table = await offline_turn(
        info.context.services,
        info.context,
        serving.historical,
        snap,
        refs,
        input.entities,
        input.full_feature_names,
        input.limit,
        cap,
    )
    return FeatureTable.from_record(table)


async def materialize(
    info: Info[Context, None],
    input: Annotated[MaterializeInput, strawberry.argument(description="What to materialize, and which range.")],
) -> MaterializePayload:
    services = info.context.services
    snap = await registry_snapshot(info.context.services)
    request = MaterializationRequest(
        feature_views=tuple(input.feature_views), start=input.start, end=input.end, incremental=bool(input.incremental)
    )
    online = {name: view.online for name, view in snap.views.items()}
    return await mutate(MaterializePayload, _started, services.materializations.request, request, online)


def _started(operation: MaterializationRecord) -> MaterializePayload:
    return MaterializePayload(operation=Materialization.from_record(operation))


async def materialization(
    info: Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="Id of the operation.")],
) -> Materialization | None:
    found = await run_blocking(info.context.services.materializations.get, str(id))
    return Materialization.from_record(found) if found else None


async def predict(
    info: Info[Context, None],
    input: Annotated[PredictInput, strawberry.argument(description="Model, entities and features.")],
) -> PredictionPayload:
    snap = await registry_snapshot(info.context.services)
    request = PredictRequest(
        model=input.model,
        version=input.version,
        alias=input.alias,
        entities=input.entities,
        features=input.features,
        feature_service=input.feature_service,
        rows=input.rows,
    )
    await info.context.services.serving.ready()  # Feast's store open: no worker thread waits for it
    return await mutate_async(
        PredictionPayload, _predicted, info.context.services.predictor.predict_async, snap, request
    )


def _predicted(result: PredictionRecord) -> PredictionPayload:
    return PredictionPayload(
        predictions=cast(JSON, result.predictions),
        model_version=ModelVersion.from_record(result.version),
        missing_features=result.missing_features,
    )


async def push_features(
    info: Info[Context, None],
    input: Annotated[PushFeaturesInput, strawberry.argument(description="The view, its rows, and where to.")],
) -> PushFeaturesPayload:
    target = DomainTarget[input.to.name] if input.to is not None else DomainTarget.ONLINE
    spec = PushSpec(view=input.feature_view, rows=input.rows, target=target)
    cap = info.context.settings.limits.max_online_rows
    push = info.context.services.push.push
    await info.context.services.serving.ready()  # Feast's store open: no worker thread waits for it
    return await mutate(PushFeaturesPayload, _pushed, push, spec, info.context.caller_name, cap)


def _pushed(result: PushRecord) -> PushFeaturesPayload:
    return PushFeaturesPayload(
        rows_written=result.rows_written,
        to=PushTarget[result.target.name],
        snapshot_id=str(result.snapshot_id) if result.snapshot_id is not None else None,
        stale_rows=result.stale_rows,
    )
