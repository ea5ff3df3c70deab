"""A span per GraphQL operation, named as OpenTelemetry's GraphQL conventions say (`query FeatureViews`),
with its type, name and request id; installed only when tracing is on (server/tracing.py)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from server import tracing


def operation_span_name(operation: OperationDefinitionNode | None) -> tuple[str, str | None, str]:
    """The span's name, the operation's name and its type."""
    kind = operation.operation.value if operation is not None else "operation"
    name = operation.name.value if operation is not None and operation.name else None
    return (f"{kind} {name}" if name else kind), name, kind


class OperationTracing(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        with tracing.span("graphql") as span:
            yield
            ctx = self.execution_context
            operation = None
            document = ctx.graphql_document
            if document is not None:
                operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
                wanted = ctx.operation_name
                operation = next((o for o in operations if wanted is None or (o.name and o.name.value == wanted)), None)
            title, name, kind = operation_span_name(operation)
            span.update_name(title)
            span.set_attribute("graphql.operation.type", kind)
            if name:
                span.set_attribute("graphql.operation.name", name)
            errors = ctx.result.errors if ctx.result is not None else None
            if errors:
                span.set_attribute("graphql.errors", len(errors))
