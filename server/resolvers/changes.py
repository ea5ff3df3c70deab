"""Resolvers of the change subscriptions: the change feed's events, filtered for one subscriber."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from server.context import Context
from server.schema.feature_store import FeatureViewEvent
from server.schema.mlflow import ModelVersionEvent
from server.services.change_events import ModelEvent, ViewEvent
from server.services.change_feed import MODELS, VIEWS
from server.services.errors import RequestCode, RequestError

MAX_NAMES = 100
BEHIND = "events came faster than this subscription read them; subscribe again (and reload what it shows)"


async def feature_view_changed(
    info: Info[Context, None],
    names: Annotated[
        list[str] | None, strawberry.argument(description="Only these views (at most 100); default: every view.")
    ] = None,
) -> AsyncGenerator[FeatureViewEvent, None]:
    """Every change to feature views from now on, until the subscription is closed."""
    if names is not None and len(names) > MAX_NAMES:
        raise RequestError(f"name at most {MAX_NAMES} views", code=RequestCode.LIMIT_EXCEEDED, field="names")
    wanted = set(names) if names is not None else None
    async with info.context.services.changes.subscribe(VIEWS) as queue:
        while True:
            event = await queue.get()
            if event is None:
                raise RequestError(BEHIND, code=RequestCode.BUSY)
            if isinstance(event, ViewEvent) and (wanted is None or event.name in wanted):
                info.context.renew_loaders()  # each event is read afresh (the view it names has changed)
                yield FeatureViewEvent.from_record(event)


async def model_version_changed(
    info: Info[Context, None],
    model: Annotated[str | None, strawberry.argument(description="Only this registered model's versions.")] = None,
) -> AsyncGenerator[ModelVersionEvent, None]:
    """Every change to model versions from now on, until the subscription is closed."""
    async with info.context.services.changes.subscribe(MODELS) as queue:
        while True:
            event = await queue.get()
            if event is None:
                raise RequestError(BEHIND, code=RequestCode.BUSY)
            if isinstance(event, ModelEvent) and (model is None or event.model == model):
                info.context.renew_loaders()
                yield ModelVersionEvent.from_record(event)
