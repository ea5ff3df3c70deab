"""A compiled path for the two hottest operations of online serving: a query whose only root field is
`onlineFeatures`, and a mutation whose only root field is `predict`.

Strawberry and graphql-core spend about twice the online store's own read time walking such a query
(extension hooks, argument conversion, field-by-field completion of a result that is a few lists).
A document that has already gone through the full pipeline once without errors (parsing, limits,
validation, permissions) is compiled into a plan; later requests with the same document coerce their
variables with graphql-core and call the same service code, then lay the result out as the selection
asks. Anything unusual (another root field, fragments, directives, a variable that does not coerce,
a caller without the role, a row cap, any error or user error at all) goes through the full pipeline
instead, so errors look exactly the same on both paths. Only operations without side effects are
compiled (`predict` is a mutation by convention, not by effect), so running one again is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.types import ExecutionResult

from server import tracing
from server.auth.roles import Role
from server.config import Limits
from server.context import Context
from server.loaders import read_online, registry_snapshot
from server.lru import LRU
from server.observability import Metrics, masked
from server.schema.operation_tracing import operation_span_name
from server.schema.row_budget import ONLINE, RowField, refusal
from server.services.errors import InputError, InputErrors, RequestError
from server.services.feature_requests import row_count
from server.services.feature_values import FeatureTableRecord
from server.services.inference import PredictionRecord, PredictRequest
from server.services.mlflow_records import ModelVersionRecord

MAX_DOCUMENTS = 512
ONLINE_FEATURES, PREDICT = "onlineFeatures", "predict"
# What each compiled root field may select: {field: subfields (empty: a leaf)}.
TABLE_FIELDS: dict[str, frozenset[str]] = {
    "__typename": frozenset(),
    "columns": frozenset({"__typename", "name", "dtype"}),
    "rows": frozenset(),
    "statuses": frozenset(),
    "eventTimestamps": frozenset(),
}
VERSION_FIELDS = frozenset(
    {"__typename", "model", "version", "status", "description", "aliases", "runId", "modelId", "creationTime",
     "lastUpdatedTime"}
)  # fmt: skip
PAYLOAD_FIELDS: dict[str, frozenset[str]] = {
    "__typename": frozenset(),
    "predictions": frozenset(),
    "missingFeatures": frozenset(),
    "userErrors": frozenset({"__typename", "field", "message", "code"}),
    "modelVersion": VERSION_FIELDS,
}
ROOTS = {ONLINE_FEATURES: (OperationType.QUERY, TABLE_FIELDS), PREDICT: (OperationType.MUTATION, PAYLOAD_FIELDS)}


@dataclass(frozen=True)
class Selection:
    key: str  # the response key: the alias, or the field name
    name: str
    children: tuple[tuple[str, str], ...] = ()  # (key, name) of a sub-selection


@dataclass(frozen=True)
class OnlinePlan:
    operation: OperationDefinitionNode
    field: FieldNode
    key: str
    root: str  # onlineFeatures or predict
    selections: tuple[Selection, ...]


class OnlineFastPath:
    """Plans by a digest of (document, operation name), in an LRU cache; a document that cannot be
    compiled is remembered as such."""

    def __init__(self, schema: GraphQLSchema, metrics: Metrics, limits: Limits) -> None:
        self.schema = schema
        self.metrics = metrics
        self.limits = limits
        self.fields: dict[str, GraphQLField] = {}
        if schema.query_type is not None:
            self.fields[ONLINE_FEATURES] = schema.query_type.fields[ONLINE_FEATURES]
        if schema.mutation_type is not None:
            self.fields[PREDICT] = schema.mutation_type.fields[PREDICT]
        self._plans: LRU[bytes, OnlinePlan | bool] = LRU(MAX_DOCUMENTS)

    def plan(self, key: bytes) -> OnlinePlan | None:
        found = self._plans.get(key)
        return found if isinstance(found, OnlinePlan) else None

    def learn(self, key: bytes, document: DocumentNode, operation_name: str | None) -> None:
        """Compile a document that just ran without errors (so it is valid and within the limits)."""
        if key in self._plans:
            return
        plan = compile_plan(document, operation_name)
        self._plans.put(key, plan if plan is not None and plan.root in self.fields else False)

    async def run(self, plan: OnlinePlan, context: Context, variables: dict[str, Any] | None) -> ExecutionResult | None:
        """The response, or None to take the full pipeline (which words every problem with the input). A
        failure of the service itself is the masked internal error the full pipeline would give: running
        it again there would only cost a second failure (a model that hangs, twice). In an operation span
        of its own when tracing (a request handed to the full pipeline then has that one's span too)."""
        if not tracing.enabled():
            return await self._answer(plan, context, variables)
        title, name, kind = operation_span_name(plan.operation)
        with tracing.span(title, **{"graphql.operation.type": kind, "graphql.operation.name": name}) as span:
            result = await self._answer(plan, context, variables)
            span.set_attribute("asgard.compiled", result is not None)
            return result

    async def _answer(
        self, plan: OnlinePlan, context: Context, variables: dict[str, Any] | None
    ) -> ExecutionResult | None:
        started = time.perf_counter()
        principal = context.principal
        needed = Role.READER if plan.root == ONLINE_FEATURES else Role.EDITOR
        if principal is None or not principal.role.includes(needed):
            return None
        coerced = get_variable_values(self.schema, plan.operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):
            return None  # variables that do not coerce: the full pipeline words the errors
        try:
            arg = get_argument_values(self.fields[plan.root], plan.field, coerced)["input"]
            rows = max(row_count(arg.get("entities")), row_count(arg.get("rows")))
            if refusal([RowField(plan.key, ONLINE, rows)], self.limits) is not None:
                return None  # over a row cap: the full pipeline refuses it
            snap = await registry_snapshot(context.services)
            if plan.root == ONLINE_FEATURES:
                serving = context.services.serving
                features, service = arg.get("features"), arg.get("featureService")
                table = await read_online(serving, snap, features, service, arg["entities"], arg["fullFeatureNames"])
                data = {plan.key: render_table(table, plan.selections)}
            else:
                request = PredictRequest(
                    model=arg["model"],
                    version=arg.get("version"),
                    alias=arg.get("alias"),
                    entities=arg.get("entities"),
                    features=arg.get("features"),
                    feature_service=arg.get("featureService"),
                    rows=arg.get("rows"),
                )
                try:
                    result = await context.services.predictor.predict_async(snap, request)
                except InputErrors as refused:  # answered here: the full pipeline would predict again
                    data = {plan.key: render_refused_prediction(refused.errors, plan.selections)}
                else:
                    data = {plan.key: render_prediction(result, plan.selections)}
        except (InputErrors, RequestError, GraphQLError):
            return None  # the full pipeline reports it, in the same words
        except Exception as error:
            failure = GraphQLError(str(error), nodes=[plan.field], path=[plan.key], original_error=error)
            self._observe(plan, started, "error")
            return ExecutionResult(data=None, errors=[masked(failure)])
        self._observe(plan, started, "ok")
        return ExecutionResult(data=data, errors=None)

    def _observe(self, plan: OnlinePlan, started: float, outcome: str) -> None:
        name = plan.operation.name.value if plan.operation.name else None
        kind = "query" if plan.root == ONLINE_FEATURES else "mutation"
        self.metrics.record_operation(name, kind, outcome, time.perf_counter() - started)


def compile_plan(document: DocumentNode, operation_name: str | None) -> OnlinePlan | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != len(document.definitions):
        return None  # fragments
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or (operation_name is None and len(operations) != 1):
        return None
    op = chosen[0]
    if op.directives or any(v.directives for v in op.variable_definitions or ()):
        return None
    fields = _plain_fields(op.selection_set)
    if fields is None or len(fields) != 1 or fields[0].name.value not in ROOTS:
        return None
    root = fields[0]
    operation_type, allowed = ROOTS[root.name.value]
    if op.operation != operation_type:
        return None
    selections = _selections(root.selection_set, allowed)
    if selections is None:
        return None
    return OnlinePlan(operation=op, field=root, key=_key(root), root=root.name.value, selections=selections)


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


def _selections(
    selection_set: SelectionSetNode | None, allowed: dict[str, frozenset[str]]
) -> tuple[Selection, ...] | None:
    fields = _plain_fields(selection_set)
    if fields is None:
        return None
    selections = []
    for f in fields:
        name = f.name.value
        if name not in allowed or f.arguments:
            return None
        children: tuple[tuple[str, str], ...] = ()
        if allowed[name]:
            sub = _plain_fields(f.selection_set)
            if sub is None or any(c.name.value not in allowed[name] or c.arguments or c.selection_set for c in sub):
                return None
            children = tuple((_key(c), c.name.value) for c in sub)
        elif f.selection_set is not None:
            return None
        selections.append(Selection(key=_key(f), name=name, children=children))
    return tuple(selections)


def _key(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _lay_out(selections: tuple[Selection, ...], value: Callable[[Selection], Any]) -> dict[str, Any]:
    """The selection's keys in order, with graphql-core's merging of repeated keys over lists of objects."""
    out: dict[str, Any] = {}
    for s in selections:
        rendered = value(s)
        previous = out.get(s.key)
        if previous and isinstance(rendered, list) and s.children:
            rendered = [p | r for p, r in zip(previous, rendered, strict=True)]
        elif isinstance(previous, dict) and isinstance(rendered, dict):
            rendered = previous | rendered
        out[s.key] = rendered
    return out


def _pick(values: dict[str, Any], children: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {key: values[name] for key, name in children}


def render_table(table: FeatureTableRecord, selections: tuple[Selection, ...]) -> dict[str, Any]:
    """The table as the selection asks for it."""

    def value(s: Selection) -> Any:
        if s.name == "columns":
            return [
                _pick(
                    {"__typename": "FeatureColumn", "name": c.name, "dtype": c.dtype.name if c.dtype else None},
                    s.children,
                )
                for c in table.columns
            ]
        return {
            "__typename": "FeatureTable",
            "rows": table.rows,
            "statuses": table.statuses,
            "eventTimestamps": table.event_timestamps,
        }[s.name]

    return _lay_out(selections, value)


def _iso(ms: int | None) -> str | None:
    """Strawberry's DateTime as it serializes it: isoformat of the aware UTC time."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat() if ms is not None else None


def _version(v: ModelVersionRecord) -> dict[str, Any]:
    return {
        "__typename": "ModelVersion",
        "model": v.name,
        "version": v.version,
        "status": v.status,
        "description": v.description,
        "aliases": list(v.aliases),
        "runId": v.run_id or None,
        "modelId": v.model_id,
        "creationTime": _iso(v.creation_time),
        "lastUpdatedTime": _iso(v.last_updated_time),
    }


def render_refused_prediction(errors: list[InputError], selections: tuple[Selection, ...]) -> dict[str, Any]:
    """A refused prediction as PredictionPayload: its userErrors, every other field null (as `mutate` does)."""

    def value(s: Selection) -> Any:
        if s.name == "userErrors":
            return [
                _pick(
                    {
                        "__typename": "UserError",
                        "field": list(e.field) if e.field else None,
                        "message": e.message,
                        "code": e.code.value,
                    },
                    s.children,
                )
                for e in errors
            ]
        return "PredictionPayload" if s.name == "__typename" else None

    return _lay_out(selections, value)


def render_prediction(result: PredictionRecord, selections: tuple[Selection, ...]) -> dict[str, Any]:
    """A prediction that worked, as PredictionPayload (userErrors empty)."""

    def value(s: Selection) -> Any:
        if s.name == "modelVersion":
            return _pick(_version(result.version), s.children)
        return {
            "__typename": "PredictionPayload",
            "predictions": result.predictions,
            "missingFeatures": result.missing_features,
            "userErrors": [],
        }[s.name]

    return _lay_out(selections, value)
