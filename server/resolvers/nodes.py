"""node(id:) and nodes(ids:): an object by its global id (server/global_ids.py), fetched as the typed root
field that serves its kind fetches it (the same backend call, role and errors)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from server import global_ids
from server.context import Context
from server.loaders import scan_budget
from server.resolvers import feature_store, gold, jobs, mlflow, serving
from server.schema.node import Node
from server.services.errors import RequestCode, RequestError

Fetch = Callable[[Info[Context, None], tuple[str, ...]], Awaitable[Any]]
FETCH: dict[str, Fetch] = {
    "FeatureView": lambda info, key: feature_store.feature_view(info, key[0]),
    "Entity": lambda info, key: feature_store.entity(info, key[0]),
    "FeatureService": lambda info, key: feature_store.feature_service(info, key[0]),
    "GoldTable": lambda info, key: gold.gold_table(info, key[0]),
    "Experiment": lambda info, key: mlflow.experiment(info, id=strawberry.ID(key[0])),
    "Run": lambda info, key: mlflow.run(info, strawberry.ID(key[0])),
    "RegisteredModel": lambda info, key: mlflow.registered_model(info, key[0]),
    "ModelVersion": lambda info, key: mlflow.model_version(info, key[0], version=int(key[1])),
    "TrainingJob": lambda info, key: jobs.training_job(info, strawberry.ID(key[0])),
    "Materialization": lambda info, key: serving.materialization(info, strawberry.ID(key[0])),
}
assert set(FETCH) == set(global_ids.KINDS)


async def node(
    info: Info[Context, None],
    id: Annotated[strawberry.ID, strawberry.argument(description="A globalId this server handed out.")],
) -> Node | None:
    kind, key = global_ids.decode(str(id), "id")
    scan_budget(info.context.loaders, "node", 1, "id")
    found: Node | None = await FETCH[kind](info, key)
    return found


async def nodes(
    info: Info[Context, None],
    ids: Annotated[
        list[strawberry.ID], strawberry.argument(description="globalIds this server handed out, at most 100.")
    ],
) -> list[Node | None]:
    cap = info.context.settings.limits.max_page_size
    if len(ids) > cap:
        raise RequestError(
            f"{len(ids)} ids is more than the {cap} one nodes field takes", code=RequestCode.LIMIT_EXCEEDED, field="ids"
        )
    decoded = [global_ids.decode(str(one), f"ids.{i}") for i, one in enumerate(ids)]  # all checked before any fetch
    unique = list(dict.fromkeys(decoded))
    scan_budget(info.context.loaders, "node", len(unique), "ids")  # across the request's node fields
    fetched = await asyncio.gather(*(FETCH[kind](info, key) for kind, key in unique))
    by_id = dict(zip(unique, fetched, strict=True))
    return [by_id[one] for one in decoded]
