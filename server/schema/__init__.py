"""The GraphQL schema, built with the limits and observers of one server."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import DisableIntrospection, ValidationCache
from strawberry.schema.config import StrawberryConfig

from server.config import Limits
from server.observability import Metrics, OperationObserver
from server.schema.limits import DocumentLimits
from server.schema.mutation import Mutation
from server.schema.query import Query
from server.schema.subscription import Subscription


class Schema(strawberry.Schema):
    """Strawberry's schema, minus its error log: OperationObserver logs internal errors once,
    with the request id, and errors callers cause are not the server's to log."""

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        return None


def build_schema(limits: Limits | None = None, metrics: Metrics | None = None, introspection: bool = True) -> Schema:
    limits = limits or Limits()
    metrics = metrics or Metrics()
    extensions: list[Any] = [
        lambda: DocumentLimits(limits),
        lambda: ValidationCache(maxsize=limits.document_cache_size),
        lambda: OperationObserver(metrics),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(batching_config={"max_operations": limits.max_batch}),
        extensions=extensions,
    )


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
