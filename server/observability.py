"""Request ids, access log lines, Prometheus metrics, and masking of internal errors."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from server.request_log import RequestLog, current_request, request_id
from server.route_path import route_path
from server.services.errors import RequestError
from server.services.freshness import FreshnessRecord

log = logging.getLogger("asgard.access")
errors_log = logging.getLogger("asgard.errors")

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_OPERATION_OK = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_LABELS = 200
MAX_VIEW_LABELS = 500  # feature views with a freshness gauge of their own (the first by name); all are counted
FRESHNESS_SECONDS = 30.0  # how long one computation of the views' freshness serves scrapes


class Metrics:
    """The server's Prometheus metrics, in a registry of its own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "asgard_http_requests_total",
            "HTTP requests by route and status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.operations = Counter(
            "asgard_graphql_operations_total",
            "GraphQL operations by operation name, type and outcome.",
            ["operation", "type", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "asgard_graphql_operation_seconds",
            "GraphQL operation latency by operation name and outcome.",
            ["operation", "outcome"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.view_lag = Gauge(
            "asgard_feature_view_lag_seconds",
            f"How far the online store is behind the gold table, per online feature view (the first "
            f"{MAX_VIEW_LABELS} by name; see Freshness.lagSeconds).",
            ["feature_view"],
            registry=self.registry,
        )
        self.view_stale = Gauge(
            "asgard_feature_view_stale",
            f"1 for a stale feature view, else 0 (the first {MAX_VIEW_LABELS} by name; see Freshness.stale).",
            ["feature_view"],
            registry=self.registry,
        )
        self.stale_views = Gauge("asgard_stale_feature_views", "Stale feature views, all.", registry=self.registry)
        self.freshness_computed = Gauge(
            "asgard_feature_views_freshness_timestamp_seconds",
            "When the feature views' freshness gauges were last computed (Unix time); older than a minute: the "
            "computation fails or hangs, see the log.",
            registry=self.registry,
        )
        self.freshness_at = 0.0  # when the gauges' computation last started (time.monotonic)
        self._operation_names: set[str] = set()
        # labelled metrics, looked up once per label set (all bounded: see operation_label and _route)
        self._operation_children: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        self._request_children: dict[tuple[str, int], Any] = {}

    def operation_label(self, name: str | None) -> str:
        """Clients choose operation names: keep the label set bounded."""
        if not name:
            return "anonymous"
        if not _OPERATION_OK.match(name):
            return "invalid"
        if name not in self._operation_names:
            if len(self._operation_names) >= MAX_OPERATION_LABELS:
                return "other"
            self._operation_names.add(name)
        return name

    def record_operation(self, name: str | None, op_type: str, outcome: str, seconds: float) -> None:
        """Count and time one operation, and name it in the request's access log line."""
        operation = self.operation_label(name)
        children = self._operation_children.get((operation, op_type, outcome))
        if children is None:
            children = self._operation_children[(operation, op_type, outcome)] = (
                self.operations.labels(operation=operation, type=op_type, outcome=outcome),
                self.latency.labels(operation=operation, outcome=outcome),
            )
        children[0].inc()
        children[1].observe(seconds)
        info = current_request.get()
        if info is not None:
            info.operation, info.outcome = operation, outcome

    def count_request(self, route: str, status: int) -> None:
        child = self._request_children.get((route, status))
        if child is None:
            child = self._request_children[(route, status)] = self.http_requests.labels(route=route, status=str(status))
        child.inc()

    def set_freshness(self, records: dict[str, FreshnessRecord]) -> None:
        """The freshness gauges from one computation; views deleted since lose their series."""
        self.view_lag.clear()
        self.view_stale.clear()
        for name in sorted(records)[:MAX_VIEW_LABELS]:
            record = records[name]
            if record.lag_seconds is not None:
                self.view_lag.labels(feature_view=name).set(record.lag_seconds)
            self.view_stale.labels(feature_view=name).set(1 if record.stale else 0)
        self.stale_views.set(sum(1 for r in records.values() if r.stale))
        self.freshness_computed.set_to_current_time()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class RequestContext:
    """ASGI middleware: a request id per request (echoed in `X-Request-ID`), one log line each."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if _REQUEST_ID_OK.match(incoming) else uuid.uuid4().hex
        info = RequestLog(request_id=rid)
        token = current_request.set(info)
        started = time.perf_counter()
        status: int | str = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            kind = message["type"]
            if kind in ("http.response.start", "websocket.http.response.start"):
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            elif kind == "websocket.accept":
                status = 101
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            elif kind == "websocket.close":  # before an accept, the server refuses the upgrade with a 403
                status = f"101 close={message.get('code', 1000)}" if status == 101 else 403
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            path = route_path(scope)
            if scope["type"] == "http" and isinstance(status, int):
                self.metrics.count_request(_route(path), status)
            log.info(
                "request_id=%s method=%s path=%s status=%s operation=%s outcome=%s ms=%.2f",
                rid,
                scope.get("method", "WS"),
                path,
                status,
                info.operation,
                info.outcome,
                elapsed_ms,
            )
            current_request.reset(token)


def _route(path: str) -> str:
    """A bounded label: the route's own path, or the REST bridge's prefix, or "other"."""
    if path in {"/graphql", "/healthz", "/readyz", "/metrics"}:
        return path
    prefix = "/" + path.split("/", 2)[1] if path.count("/") >= 2 else ""
    return prefix if prefix in {"/feast", "/mlops", "/exports"} else "other"


def _is_expected(error: GraphQLError) -> bool:
    """Errors the caller caused (syntax, validation, bad input) are shown as they are."""
    original = error.original_error
    return original is None or isinstance(original, (RequestError, GraphQLError))


class OperationObserver(SchemaExtension):
    """Times each operation for /metrics and masks unexpected errors with the request id."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__()
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        result = ctx.result
        errors = list(result.errors or []) if result is not None else []
        if result is not None and errors:
            result.errors = [masked(e) for e in errors]
        outcome = "error" if errors else "ok"
        try:
            op_type = ctx.operation_type.value
        except Exception:
            op_type = "unknown"
        self.metrics.record_operation(ctx.operation_name, op_type, outcome, time.perf_counter() - started)


def masked(error: GraphQLError) -> GraphQLError:
    """The error as the caller sees it: as it is when they caused it, else an internal error with the
    request id (logged in full under that id)."""
    if _is_expected(error):
        return error
    rid = request_id()
    errors_log.error("internal error request_id=%s path=%s", rid, error.path, exc_info=error.original_error)
    return GraphQLError(
        f"internal error (request id {rid})",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": rid},
    )
