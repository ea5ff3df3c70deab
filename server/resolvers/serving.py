"""Resolvers of feature serving: online and historical reads, materialize, predict."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from server.blocking import run_blocking, run_refusable
from server.context import Context
from server.loaders import registry_snapshot
from server.schema.common import user_errors
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
)
from server.services.errors import ErrorCode, UserError, user_error
from server.services.feature_serving import resolve_features
from server.services.inference import PredictRequest


async def online_features(
    info: Info[Context, None],
    input: Annotated[OnlineFeaturesInput, strawberry.argument(description="Features and entities to read.")],
) -> FeatureTable:
    serving = info.context.services.serving
    snap = await registry_snapshot(info.context.services)
    refs = resolve_features(snap, input.features, input.feature_service)
    table = await run_blocking(serving.online, snap, refs, input.entities, input.full_feature_names)
    return FeatureTable.from_record(table)


async def historical_features(
    info: Info[Context, None],
    input: Annotated[HistoricalFeaturesInput, strawberry.argument(description="Features, entities and times.")],
) -> FeatureTable:
    serving = info.context.services.serving
    snap = await registry_snapshot(info.context.services)
    refs = resolve_features(snap, input.features, input.feature_service)
    cap = info.context.settings.limits.max_historical_rows
    table = await run_blocking(
        serving.historical, snap, refs, input.entities, input.full_feature_names, input.limit, cap
    )
    return FeatureTable.from_record(table)


def _materialize_errors(
    i: MaterializeInput, views: dict[str, bool], now: datetime
) -> tuple[list[UserError], datetime | None, datetime]:
    errors = []
    if not i.feature_views:
        errors.append(user_error(ErrorCode.INVALID_VALUE, "name at least one feature view", "featureViews"))
    for n, name in enumerate(i.feature_views):
        if name not in views:
            errors.append(user_error(ErrorCode.NOT_FOUND, f"feature view {name!r} does not exist", "featureViews", n))
        elif not views[name]:
            errors.append(
                user_error(ErrorCode.INVALID_VALUE, f"{name!r} is not an online feature view", "featureViews", n)
            )
    for field, value in (("start", i.start), ("end", i.end)):
        if value is not None and value.tzinfo is None:
            errors.append(user_error(ErrorCode.INVALID_VALUE, f"{field} needs a time zone", field))
    end = i.end or now
    start = i.start
    if i.incremental and start is not None:
        errors.append(user_error(ErrorCode.INVALID_VALUE, "an incremental run takes no start", "start"))
    if not i.incremental and start is None:
        errors.append(user_error(ErrorCode.INVALID_VALUE, "give start (or incremental: true)", "start"))
    if start is not None and start.tzinfo and end.tzinfo and start >= end:
        errors.append(user_error(ErrorCode.INVALID_VALUE, "end must be after start", "end"))
    return errors, start, end


async def materialize(
    info: Info[Context, None],
    input: Annotated[MaterializeInput, strawberry.argument(description="What to materialize, and which range.")],
) -> MaterializePayload:
    services = info.context.services
    snap = await registry_snapshot(info.context.services)
    views = {name: view.online for name, view in snap.views.items()}
    errors, start, end = _materialize_errors(input, views, datetime.now(UTC))
    if errors:
        return MaterializePayload(operation=None, user_errors=user_errors(errors))
    operation, refused = await run_refusable(services.materializations.start, list(input.feature_views), start, end)
    if operation is None:
        return MaterializePayload(operation=None, user_errors=user_errors(refused))
    return MaterializePayload(operation=Materialization.from_record(operation), user_errors=[])


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
    result, refused = await run_refusable(info.context.services.predictor.predict, snap, request)
    if result is None:
        return PredictionPayload(
            predictions=None, model_version=None, missing_features=None, user_errors=user_errors(refused)
        )
    return PredictionPayload(
        predictions=cast(JSON, result.predictions),
        model_version=ModelVersion.from_record(result.version),
        missing_features=result.missing_features,
        user_errors=[],
    )
