"""The GraphQL schema, built with the limits and observers of one server."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ValidationCache
from strawberry.schema.config import StrawberryConfig

from server.config import Limits
from server.observability import Metrics, OperationObserver
from server.schema.limits import DocumentLimits
from server.schema.mutation import Mutation
from server.schema.query import Query


def build_schema(limits: Limits | None = None, metrics: Metrics | None = None) -> strawberry.Schema:
    limits = limits or Limits()
    metrics = metrics or Metrics()
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(batching_config={"max_operations": 10}),
        extensions=[
            lambda: DocumentLimits(limits),
            lambda: ValidationCache(maxsize=limits.document_cache_size),
            lambda: OperationObserver(metrics),
        ],
    )


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
