"""The schema, assembled: root types, the limits, the parser and the observers of one server."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig

from server import tracing
from server.config import Limits
from server.documents import Documents
from server.observability import Metrics, OperationObserver
from server.schema.limits import DocumentLimits
from server.schema.mutation import Mutation
from server.schema.operation_tracing import OperationTracing
from server.schema.plain_execution import PlainExecutor
from server.schema.query import Query
from server.schema.row_budget import RowBudget
from server.schema.subscription import Subscription
from server.schema.validation import ThreadedValidation, ValidationResults


class Schema(strawberry.Schema):
    """Strawberry's schema, minus its error log: OperationObserver logs internal errors once,
    with the request id, and errors callers cause are not the server's to log. `documents` is the
    server's one parser (limits and cache), shared with the HTTP view."""

    documents: Documents
    validation: ValidationResults

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        return None


def build_schema(limits: Limits | None = None, metrics: Metrics | None = None, introspection: bool = True) -> Schema:
    limits = limits or Limits()
    metrics = metrics or Metrics()
    documents = Documents(limits)
    validated = ValidationResults(limits.document_cache_size, documents.thread)
    extensions: list[Any] = [
        lambda: DocumentLimits(limits, documents),
        lambda: ThreadedValidation(validated),
        lambda: RowBudget(limits),
        lambda: OperationObserver(metrics),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if tracing.enabled():  # off: not installed at all
        extensions.append(OperationTracing)
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        config=StrawberryConfig(batching_config={"max_operations": limits.max_batch}),
        extensions=extensions,
        execution_context_class=PlainExecutor,
    )
    schema.documents = documents
    schema.validation = validated
    return schema


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
