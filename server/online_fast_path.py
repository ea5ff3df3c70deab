"""A compiled path for the hottest operation: a query whose only root field is `onlineFeatures`.

Strawberry and graphql-core spend about twice the online store's own read time walking such a query
(extension hooks, argument conversion, field-by-field completion of a result that is a few lists).
A document that has already gone through the full pipeline once without errors (parsing, limits,
validation, permissions) is compiled into a plan; later requests with the same document coerce their
variables with graphql-core and call the same service code, then lay the result out as the selection
asks. Anything unusual (another root field, fragments, directives, a variable that does not coerce,
a caller without the reader role, any error at all) goes through the full pipeline instead, so
errors look exactly the same on both paths; only reads are compiled, so running one again is safe.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values, get_variable_values

from server.auth.roles import Role
from server.config import Limits
from server.context import Context, run_blocking
from server.lru import LRU
from server.observability import Metrics
from server.resolvers.loaders import registry_snapshot
from server.schema.row_budget import ONLINE, RowField, refusal, row_count
from server.services.feature_serving import FeatureTableRecord, resolve_features

ROOT_FIELD = "onlineFeatures"
TABLE_FIELDS = {"__typename", "columns", "rows", "statuses", "eventTimestamps"}
COLUMN_FIELDS = {"__typename", "name", "dtype"}
MAX_DOCUMENTS = 512


@dataclass(frozen=True)
class Selection:
    key: str  # the response key: the alias, or the field name
    name: str
    columns: tuple[tuple[str, str], ...] = ()  # (key, name) under `columns`


@dataclass(frozen=True)
class OnlinePlan:
    operation: OperationDefinitionNode
    field: FieldNode
    key: str
    selections: tuple[Selection, ...]


class OnlineFastPath:
    """Plans by a digest of (document, operation name), in an LRU cache; a document that cannot be
    compiled is remembered as such."""

    def __init__(self, schema: GraphQLSchema, metrics: Metrics, limits: Limits) -> None:
        self.schema = schema
        self.metrics = metrics
        self.limits = limits
        self.field_def = schema.query_type.fields[ROOT_FIELD] if schema.query_type else None
        self._plans: LRU[bytes, OnlinePlan | bool] = LRU(MAX_DOCUMENTS)

    def plan(self, key: bytes) -> OnlinePlan | None:
        found = self._plans.get(key)
        return found if isinstance(found, OnlinePlan) else None

    def learn(self, key: bytes, document: DocumentNode, operation_name: str | None) -> None:
        """Compile a document that just ran without errors (so it is valid and within the limits)."""
        if self.field_def is None or key in self._plans:
            return
        self._plans.put(key, compile_plan(document, operation_name) or False)

    async def run(self, plan: OnlinePlan, context: Context, variables: dict[str, Any] | None) -> dict[str, Any] | None:
        """The `data` of the response, or None to take the full pipeline."""
        started = time.perf_counter()
        principal = context.principal
        if principal is None or not principal.role.includes(Role.READER):
            return None
        coerced = get_variable_values(self.schema, plan.operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):
            return None  # variables that do not coerce: the full pipeline words the errors
        assert self.field_def is not None
        try:
            arg = get_argument_values(self.field_def, plan.field, coerced)["input"]
            if refusal([RowField(plan.key, ONLINE, row_count(arg["entities"]))], self.limits) is not None:
                return None  # over a row cap: the full pipeline refuses it
            snap = await registry_snapshot(context)
            refs = resolve_features(snap, arg.get("features"), arg.get("featureService"))
            table = await run_blocking(
                context.services.serving.online, snap, refs, arg["entities"], arg["fullFeatureNames"]
            )
        except Exception:
            return None  # the full pipeline reports it, in the same words
        data = {plan.key: render(table, plan.selections)}
        self._observe(plan, started)
        return data

    def _observe(self, plan: OnlinePlan, started: float) -> None:
        name = plan.operation.name.value if plan.operation.name else None
        self.metrics.record_operation(name, "query", "ok", time.perf_counter() - started)


def compile_plan(document: DocumentNode, operation_name: str | None) -> OnlinePlan | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != len(document.definitions):
        return None  # fragments
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or (operation_name is None and len(operations) != 1):
        return None
    op = chosen[0]
    if op.operation != OperationType.QUERY or op.directives or any(v.directives for v in op.variable_definitions or ()):
        return None
    fields = _plain_fields(op.selection_set)
    if fields is None or len(fields) != 1 or fields[0].name.value != ROOT_FIELD:
        return None
    root = fields[0]
    selections = _table_selections(root.selection_set)
    if selections is None:
        return None
    return OnlinePlan(operation=op, field=root, key=_key(root), selections=selections)


def _plain_fields(selection_set: SelectionSetNode | None) -> list[FieldNode] | None:
    """The fields of a selection set without fragments or directives; None if it has any."""
    if selection_set is None:
        return None
    fields = []
    for node in selection_set.selections:
        if not isinstance(node, FieldNode) or node.directives:
            return None
        fields.append(node)
    return fields


def _table_selections(selection_set: SelectionSetNode | None) -> tuple[Selection, ...] | None:
    fields = _plain_fields(selection_set)
    if fields is None:
        return None
    selections = []
    for f in fields:
        name = f.name.value
        if name not in TABLE_FIELDS or f.arguments:
            return None
        columns: tuple[tuple[str, str], ...] = ()
        if name == "columns":
            sub = _plain_fields(f.selection_set)
            if sub is None or any(c.name.value not in COLUMN_FIELDS or c.arguments or c.selection_set for c in sub):
                return None
            columns = tuple((_key(c), c.name.value) for c in sub)
        elif f.selection_set is not None:
            return None
        selections.append(Selection(key=_key(f), name=name, columns=columns))
    return tuple(selections)


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def render(table: FeatureTableRecord, selections: tuple[Selection, ...]) -> dict[str, Any]:
    """The table as the selection asks for it, with graphql-core's merging of repeated keys."""
    out: dict[str, Any] = {}
    for s in selections:
        if s.name == "columns":
            rendered = [_column(c.name, c.dtype, s.columns) for c in table.columns]
            previous = out.get(s.key)
            out[s.key] = [p | r for p, r in zip(previous, rendered, strict=True)] if previous else rendered
        elif s.name == "__typename":
            out[s.key] = "FeatureTable"
        elif s.name == "rows":
            out[s.key] = table.rows
        elif s.name == "statuses":
            out[s.key] = table.statuses
        else:
            out[s.key] = table.event_timestamps
    return out


def _column(name: str, dtype: Any, fields: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    values = {"__typename": "FeatureColumn", "name": name, "dtype": dtype.name if dtype is not None else None}
    return {key: values[field] for key, field in fields}
