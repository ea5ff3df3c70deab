"""Entity rows: a cap per field, and one budget per HTTP request, enforced before any backend work.

A field that reads features for entities (onlineFeatures, historicalFeatures, exportHistoricalFeatures,
predict) may take at most ASGARD_MAX_ONLINE_ROWS (online reads and predict) or
ASGARD_MAX_HISTORICAL_ROWS (point-in-time reads) entity rows, and all such fields of one request, every
alias and every batched operation together, at most ASGARD_MAX_REQUEST_ROWS. Rows are counted from the
document and its variables, before anything runs: an over-budget request does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import PreExecutionError

from server.config import Limits
from server.services.feature_requests import row_count

# Input types that carry entity rows, and which per-field cap they fall under.
ONLINE, HISTORICAL = "online", "historical"
ROW_INPUTS = {
    "OnlineFeaturesInput": ONLINE,
    "PredictInput": ONLINE,
    "PushFeaturesInput": ONLINE,
    "HistoricalFeaturesInput": HISTORICAL,
}
ROW_KEYS = ("entities", "rows")


@dataclass(frozen=True)
class RowField:
    """One field of a request that reads entity rows."""

    name: str  # the response key (alias or field name)
    kind: str
    rows: int
    argument: str = "entities"  # the input field that holds them: entities, or a push's rows


def _root_fields(operation: OperationDefinitionNode, document: DocumentNode) -> Iterator[FieldNode]:
    """The operation's root fields, through fragments, each fragment visited once."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    seen: set[str] = set()
    stack: list[SelectionSetNode | None] = [operation.selection_set]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        for node in current.selections:
            if isinstance(node, FieldNode):
                yield node
            elif isinstance(node, InlineFragmentNode):
                stack.append(node.selection_set)
            elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
                seen.add(node.name.value)
                fragment = fragments.get(node.name.value)
                stack.append(fragment.selection_set if fragment else None)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def _with_defaults(operation: OperationDefinitionNode, given: dict[str, Any]) -> dict[str, Any]:
    """The variables as execution will see them: those given, else their defaults in the document."""
    values = dict(given)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value, {})
    return values


def _root_type(schema: GraphQLSchema, operation: OperationDefinitionNode) -> GraphQLObjectType | None:
    return schema.get_root_type(operation.operation)


def row_fields(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: dict[str, Any] | None
) -> list[RowField]:
    """Every root field of the operation that takes entity rows, with how many (a fragment spread more
    than once is counted once: the validation rules refuse the rest only if they differ)."""
    operation = _operation(document, operation_name)
    root = _root_type(schema, operation) if operation else None
    if operation is None or root is None:
        return []
    variables = _with_defaults(operation, variables or {})
    found = []
    for node in _root_fields(operation, document):
        definition = root.fields.get(node.name.value)
        if definition is None:
            continue
        for argument in node.arguments or ():
            arg_def = definition.args.get(argument.name.value)
            named: GraphQLNamedType | None = get_named_type(arg_def.type) if arg_def else None
            kind = ROW_INPUTS.get(named.name) if named is not None else None
            if kind is None:
                continue
            value = value_from_ast_untyped(argument.value, variables)
            if isinstance(value, dict):
                rows, held_in = max((row_count(value.get(key)), key) for key in ROW_KEYS)
                key = node.alias.value if node.alias else node.name.value
                found.append(RowField(name=key, kind=kind, rows=rows, argument=held_in))
    return found


def refusal(fields: Sequence[RowField], limits: Limits, spent_before: int = 0) -> GraphQLError | None:
    """Why these fields may not run (a field over its cap, or the request over its budget), or None."""
    caps = {ONLINE: ("ASGARD_MAX_ONLINE_ROWS", limits.max_online_rows)}
    caps[HISTORICAL] = ("ASGARD_MAX_HISTORICAL_ROWS", limits.max_historical_rows)
    for field in fields:
        setting, cap = caps[field.kind]
        if field.rows > cap:
            message = f"{field.name} asks for {field.rows} entity rows; at most {cap} per field ({setting})"
            return GraphQLError(message, extensions={"code": "LIMIT_EXCEEDED", "field": field.argument})
    total = spent_before + sum(f.rows for f in fields)
    if total > limits.max_request_rows:
        message = (
            f"the request asks for {total} entity rows across its fields and operations; "
            f"at most {limits.max_request_rows} per request (ASGARD_MAX_REQUEST_ROWS)"
        )
        return GraphQLError(message, extensions={"code": "LIMIT_EXCEEDED"})
    return None


class RowBudget(SchemaExtension):
    """Refuses an operation over a cap before it executes. The budget is the context's: an HTTP request's
    (whose batch the view has summed first), or a websocket's, shared by the operations it runs at once."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        holder = ctx.context
        spent = 0
        if document is not None and ctx.result is None:
            fields = row_fields(ctx.schema._schema, document, ctx.operation_name, ctx.variables)
            error = refusal(fields, self.limits, spent_before=getattr(holder, "rows_in_flight", 0))
            if error is not None:
                ctx.result = PreExecutionError(data=None, errors=[error])
            elif hasattr(holder, "rows_in_flight"):
                spent = sum(f.rows for f in fields)
                holder.rows_in_flight += spent
        try:
            yield
        finally:
            if spent:
                holder.rows_in_flight -= spent
