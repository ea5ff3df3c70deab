"""The Starlette app: /graphql (GraphiQL, POST/GET, websockets), /healthz, /readyz, /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Message, Receive
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UNSET, UnsetType

from server import tracing
from server.auth.middleware import Authentication, Authenticator, principal_of
from server.auth.roles import Role
from server.blocking import run_blocking
from server.body_limit import BodySizeLimit
from server.config import NO_TELEMETRY, Settings
from server.context import SERVICES, Context, Services, services_of
from server.explorer import explorer_response, static_routes
from server.exports_route import export_routes
from server.graphql_http import (
    GRAPHQL_RESPONSE_JSON,
    REQUEST_ERROR_STATUS,
    accepts_a_response,
    not_acceptable,
    response_media_type,
    without_body,
)
from server.graphql_http import answers as http_answers
from server.graphql_ws import CheckedTransportWSHandler, TextWebSocketAdapter
from server.guards import RequestGuards
from server.loaders import registry_snapshot
from server.lru import text_key
from server.observability import FRESHNESS_SECONDS, Metrics, RequestContext
from server.online_fast_path import OnlineFastPath
from server.persisted_documents import PersistedDocuments, document_id_extensions, load_manifest
from server.rest.routes import rest_routes
from server.safe_files import private_dir
from server.sandbox import Sandbox, SandboxMode
from server.schema.build import Schema, build_schema
from server.schema.row_budget import refusal as rows_refusal
from server.schema.row_budget import row_fields
from server.services.freshness import read_freshness

log = logging.getLogger(__name__)
READY_TIMEOUT_SECONDS = 5.0
FIRST_READY_TIMEOUT_SECONDS = 60.0


def create_services(settings: Settings) -> Services:
    """Open every backend once for the process (slow: imports Feast and MLflow)."""
    from server.feast_import import skip_feast_instrumentation

    skip_feast_instrumentation()
    from server.auth.tokens import TokenStore
    from server.jobs.events import JobEvents
    from server.jobs.materializations import Materializations
    from server.jobs.runner import JobRunner
    from server.jobs.store import JobStore
    from server.jobs.training import Training
    from server.services.change_feed import ChangeFeed
    from server.services.drift import Drift
    from server.services.exports import ExportStore
    from server.services.feature_push import FeaturePush
    from server.services.feature_registry import FeatureRegistry
    from server.services.feature_serving import FeatureServing
    from server.services.gold_catalog import GoldCatalog
    from server.services.inference import Predictor
    from server.services.job_tracking import JobTracking
    from server.services.lineage import Lineage
    from server.services.mlflow_tracking import MlflowTracking
    from server.services.mlflow_writes import MlflowWrites
    from server.services.model_workers import ModelWorkers
    from server.services.view_history import ViewHistory

    private_dir(settings.data_dir)
    for name, value in NO_TELEMETRY.items():  # before MLflow is first imported
        os.environ.setdefault(name, value)
    # The gold catalog (pyiceberg) and MLflow open on first use, off the path to the first answer:
    # onlineFeatures and the registry need neither (MLflow alone is ~2.5 s of imports and migrations).
    gold = GoldCatalog(settings)
    jobs = JobStore(settings.jobs.db_url)
    registry = FeatureRegistry(settings, gold, ViewHistory(jobs.engine))
    mlflow = MlflowTracking(settings)
    mlflow_writes = MlflowWrites(mlflow)
    events = JobEvents()
    sandbox = Sandbox.for_mode(
        SandboxMode(settings.jobs.sandbox), settings.data_dir / "sandbox", settings.jobs.sandbox_limits
    )
    tracking = JobTracking(mlflow, mlflow_writes)
    runner = JobRunner(settings, jobs, tracking, events, sandbox, registry.serialized)
    serving = FeatureServing(registry, direct_reads=settings.online_direct_reads)
    exports = ExportStore(settings.export_location, settings.export_max_bytes, s3_endpoint=settings.s3_endpoint)
    exports.sweep()  # what expired while the server was down
    poll = settings.change_poll_seconds
    changes = ChangeFeed(lambda: registry.snapshot(max_age=poll).views, mlflow.all_model_versions, poll)
    registry.listeners.append(changes.kick)
    mlflow.listeners.append(changes.kick)
    return Services(
        settings=settings,
        gold=gold,
        registry=registry,
        mlflow=mlflow,
        mlflow_writes=mlflow_writes,
        jobs=jobs,
        job_events=events,
        runner=runner,
        training=Training(settings, jobs, runner, events, tracking.model_owner),
        serving=serving,
        materializations=Materializations(jobs, registry.materialize_views),
        predictor=Predictor(
            mlflow,
            serving,
            settings.data_dir / "model-cache",
            ModelWorkers(
                sandbox,
                [settings.data_dir],
                timeout=settings.jobs.model_timeout_seconds,
                limits=settings.jobs.model_limits,
            ),
            resolve_ttl=settings.registry_cache_seconds,
        ),
        tokens=TokenStore(jobs.engine, settings.token_cache_seconds),
        exports=exports,
        push=FeaturePush(registry, gold, serving, settings.push_snapshots_kept),
        lineage=Lineage(mlflow, settings.registry_cache_seconds),
        changes=changes,
        drift=Drift(mlflow, gold),
    )


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, our parser and limits, and a faster JSON encoder."""

    websocket_adapter_class = TextWebSocketAdapter
    graphql_transport_ws_handler_class = CheckedTransportWSHandler

    def __init__(
        self,
        settings: Settings,
        authenticator: Authenticator,
        fast_path: OnlineFastPath | None,
        schema: Schema,
        persisted: PersistedDocuments | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            schema=schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=settings.cors_origins,
            **kwargs,
        )
        self.settings = settings
        self.authenticator = authenticator
        self.fast_path = fast_path
        self.documents = schema.documents
        self.persisted = persisted or PersistedDocuments(None, automatic=False)

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Operations sent by hash get their documents first (server/persisted_documents.py); a batch is
        refused whole, before any of it runs, when its operations together ask for too many rows."""
        items = request_data if isinstance(request_data, list) else [request_data]
        admin = context.principal is not None and context.principal.role is Role.ADMIN
        refusals = [self.persisted.resolve(item, admin) for item in items]
        if any(refusals):
            if not isinstance(request_data, list):
                self._request_error(request, sub_response)
                return PreExecutionError(data=None, errors=[r for r in refusals if r is not None])
            runnable = [item for item, refusal in zip(items, refusals, strict=True) if refusal is None]
            answers: Any = []
            if runnable:  # the batch's other operations (checked again on the way: nothing left to refuse)
                answers = await self.execute_operation(
                    request, request_adapter, runnable, context, root_value, sub_response
                )
            ran = iter(answers)
            return [PreExecutionError(data=None, errors=[refusal]) if refusal else next(ran) for refusal in refusals]
        if isinstance(request_data, list) and len(request_data) > 1:
            error = await self._batch_refusal(request_data)
            if error is not None:
                return [PreExecutionError(data=None, errors=[error]) for _ in request_data]
        result = await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )
        if not isinstance(result, list) and is_request_error(result):
            self._request_error(request, sub_response)
        return result

    def _request_error(self, request: Any, sub_response: Any) -> None:
        """A request that failed before execution: 400 for clients of the GraphQL-over-HTTP media type."""
        if response_media_type(request.headers) == GRAPHQL_RESPONSE_JSON:
            sub_response.status_code = REQUEST_ERROR_STATUS

    async def process_result(self, request: Any, result: ExecutionResult) -> Any:
        """As Strawberry's, but a request error has no `data` entry for the GraphQL-over-HTTP media type."""
        answer = await super().process_result(request, result)
        if is_request_error(result) and response_media_type(request.headers) == GRAPHQL_RESPONSE_JSON:
            answer.pop("data", None)
        return answer

    async def _batch_refusal(self, batch: list[GraphQLRequestData]) -> GraphQLError | None:
        graphql_schema = self.schema._schema  # type: ignore[attr-defined]
        fields = []
        for data in batch:
            document = await self.documents.try_parse_off_loop(data.query)
            if document is not None:
                fields += row_fields(graphql_schema, document, data.operation_name, data.variables)
        return rows_refusal(fields, self.settings.limits)

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """A plain onlineFeatures query that has run once without errors takes its compiled plan after."""
        query, name = request_data.query, request_data.operation_name
        document: DocumentNode | None = None
        if query:
            try:
                document = await self.documents.parse_off_loop(query)
            except GraphQLError as error:  # over a limit, or a syntax error: nothing more to do
                return PreExecutionError(data=None, errors=[error])
            operation = _operation(document, name)
            if isinstance(operation, str):  # the GraphQL spec's GetOperation finds none: a request error
                refused = GraphQLError(operation, extensions={"code": "BAD_USER_INPUT"})
                return PreExecutionError(data=None, errors=[refused])
            kind = operation.operation.value
            if kind == "subscription":
                raise HTTPException(400, "subscriptions are served over a websocket at /graphql (graphql-transport-ws)")
            if kind == "mutation" and request_adapter.method == "GET":
                raise HTTPException(405, "mutations run over POST only")
        fast = self.fast_path
        key = text_key(query, name) if fast is not None and query else None
        plan = fast.plan(key) if fast is not None and key is not None else None
        if fast is not None and plan is not None:
            compiled = await fast.run(plan, context, request_data.variables)
            if compiled is not None:
                return compiled
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)
        if fast is not None and key is not None and plan is None and not result.errors and document is not None:
            fast.learn(key, document, name)
        return result

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        principal = principal_of(request.scope)
        return Context(
            services=services_of(request.scope),
            settings=self.settings,
            principal=principal,
            request=request,
            response=response,
        )

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL for a browser's GET without an operation; a GET naming one by hash runs it."""
        by_hash = "extensions" in request.query_params or "documentId" in request.query_params
        return super().should_render_graphql_ide(request) and not by_hash

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our GraphiQL page, with its scripts served by this server instead of a CDN."""
        return explorer_response(request, auth_required=await self.authenticator.required())

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Websockets authenticate in connection_init: {"Authorization": "Bearer <token>"}."""
        params = context.connection_params or {}
        raw = params.get("Authorization") or params.get("authorization")
        if raw is None and params.get("token"):
            raw = f"Bearer {params['token']}"
        credential = raw if isinstance(raw, str) else None
        principal = await self.authenticator.principal(credential)
        if principal is None:
            raise ConnectionRejectionError({"message": "unknown, revoked or missing token", "code": "UNAUTHENTICATED"})
        context.principal = principal
        context.credential = credential
        accepted: UnsetType = UNSET
        return accepted

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # Media types are case-insensitive; Strawberry looks for "application/json" as written.
        scope["headers"] = [(k, v.lower() if k.lower() == b"content-type" else v) for k, v in scope.get("headers", [])]
        media_type = response_media_type(scope["headers"])
        if scope["method"] == "HEAD":
            scope, send = {**scope, "method": "GET"}, without_body(send)
        if not accepts_a_response(scope["headers"]) and _is_operation_request(scope):
            await not_acceptable(send)
            return
        if self.fast_path is not None and scope["method"] == "POST":
            body = await _read_body(receive)
            if await self._compiled(scope, body, send, media_type):
                return
            receive = _replay(body)
        await super().__call__(scope, receive, http_answers(send, scope, media_type))

    async def _compiled(self, scope: Any, body: bytes, send: Any, media_type: bytes) -> bool:
        """A single operation with a compiled plan, answered without Strawberry's HTTP view; False: take it."""
        assert self.fast_path is not None
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False
        if not isinstance(request, dict):
            return False  # a batch, or no request at all: Strawberry's view answers
        query = request.get("query")
        name = request.get("operationName")
        variables = request.get("variables")
        if not isinstance(query, str) or not isinstance(name, (str, type(None))):
            return False
        if not isinstance(variables, (dict, type(None))) or request.get("extensions"):
            return False
        plan = self.fast_path.plan(text_key(query, name))
        if plan is None:
            return False
        principal = principal_of(scope)
        if not self.persisted.admits_text(query, principal is not None and principal.role is Role.ADMIN):
            return False  # refused on the ordinary path, with its error
        context = Context(services=services_of(scope), settings=self.settings, principal=principal)
        result = await self.fast_path.run(plan, context, variables)
        if result is None:
            return False
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [error.formatted for error in result.errors]
        answer = orjson.dumps(response)
        headers = [
            (b"content-type", media_type),
            (b"content-length", str(len(answer)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})
        return True

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """orjson: faster, and it refuses nesting deeper than 1024 (the standard library recursed until
        RecursionError, an internal error)."""
        return orjson.loads(data)

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        """A GET's parameters, `variables` and `extensions` decoded (a refusal names the one that is not JSON)."""
        parsed = dict(params)
        for name in ("variables", "extensions"):
            if parsed.get(name):
                try:
                    parsed[name] = self.decode_json(parsed[name])
                except ValueError:
                    raise HTTPException(400, f"the {name} parameter is not JSON") from None
        return parsed

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """A GraphQL request is an object (or a list of them) with a string `operationName`, if any."""
        try:
            parsed = await super().parse_http_body(request)
        except (AttributeError, TypeError):  # a body that is JSON but no request object: "x", null, [1]
            raise HTTPException(400, "the body must be a GraphQL request object, or a list of them") from None
        items = parsed if isinstance(parsed, list) else [parsed]
        for item in items:
            if not isinstance(item.operation_name, (str, type(None))):
                raise HTTPException(400, "operationName must be a string or null")
        if self.persisted.enabled:
            await _read_document_ids(request, items)
        return parsed


def _is_operation_request(scope: Any) -> bool:
    """A POST, or a GET that names an operation (a browser's GET without one opens GraphiQL)."""
    if scope["method"] != "GET":
        return True
    params = QueryParams(scope.get("query_string", b""))
    return any(name in params for name in ("query", "extensions", "documentId"))


async def _read_document_ids(request: Any, items: list[GraphQLRequestData]) -> None:
    """Requests that name their document by `documentId` (Strawberry reads only `extensions`)."""
    if request.method == "GET":
        raw: Any = [{"documentId": request.query_params["documentId"]}] if "documentId" in request.query_params else []
    else:
        body = await request.get_body()
        raw = orjson.loads(body) if b'"documentId"' in body else []
    for item, given in zip(items, raw if isinstance(raw, list) else [raw], strict=False):
        if isinstance(given, dict) and "documentId" in given and not item.query:  # "query=" names no text
            item.extensions = document_id_extensions(given["documentId"], item.extensions)


async def _check(name: str, probe: Callable[[], Awaitable[Any]], answered: set[str]) -> tuple[str, str]:
    """One backend's readiness. A backend that has not answered yet in this process is opened by its first
    check (MLflow's imports and migrations: seconds, more on a busy machine), which is slow, not hung: it
    gets FIRST_READY_TIMEOUT_SECONDS; after its first answer, READY_TIMEOUT_SECONDS."""
    timeout = READY_TIMEOUT_SECONDS if name in answered else FIRST_READY_TIMEOUT_SECONDS
    try:
        await asyncio.wait_for(probe(), timeout)
        answered.add(name)
        return name, "ok"
    except TimeoutError:
        return name, "timeout"
    except Exception as error:  # the kind of failure helps operators; details go to the log
        log.warning("readiness check %s failed", name, exc_info=True)
        return name, f"unavailable: {type(error).__name__}"


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | str:
    """The operation to run, as the GraphQL spec's GetOperation finds it; or why there is none."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        if len(operations) == 1:
            return operations[0]
        if operations:
            return "the document has several operations: name the one to run in operationName"
        return "the document has no operation to run"
    named = next((o for o in operations if o.name is not None and o.name.value == name), None)
    return named if named is not None else f"the document has no operation named {name!r}"


def is_request_error(result: Any) -> bool:
    """Whether `result` is a request error: one that ended before execution (Strawberry's pre-execution
    errors, or graphql-core's own: variables that do not coerce, which come back as an errors-only
    result whose errors have no path; a field error always has one)."""
    if isinstance(result, PreExecutionError):
        return True
    errors: list[GraphQLError] = getattr(result, "errors", None) or []
    return bool(errors) and result.data is None and all(e.path is None for e in errors)


async def _read_body(receive: Receive) -> bytes:
    """The whole request body (the body limit's middleware has already capped it)."""
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    """A receive that gives the body read already, then waits as the server's would (for a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _persisted_documents(settings: Settings, schema: Schema) -> PersistedDocuments:
    """The trusted manifest, read at start-up (a bad one stops it, saying why), its documents' parse and
    validation results pinned once made; and the automatic cache, if asked for."""
    trusted = load_manifest(Path(settings.trusted_documents)) if settings.trusted_documents else None
    if trusted is not None:
        keys = frozenset(text_key(text) for text in trusted.values())
        schema.documents.pin(keys)
        schema.validation.cache.pin(keys)
        log.info("trusted documents: %d operations from %s", len(trusted), settings.trusted_documents)
    automatic = settings.persisted_queries == "auto"
    return PersistedDocuments(trusted, automatic, max_bytes=settings.limits.max_query_bytes)


# Young objects the collector lets accumulate before it walks them (CPython's default: 700). A large answer
# (100,000 historical rows, a page of 5,000 fields) makes hundreds of thousands of objects that all live until
# it is sent: at 700, each is walked by young collections that find nothing to free, and the survivors pile
# into the old generation until a full collection walks the heap (building 100,000 rows: 0.06 s, 0.02 s
# without the collections). Small requests free what they make by reference counting and never get near it.
GC_YOUNG_THRESHOLD = 50_000


def freeze_startup_objects() -> None:
    """Startup's objects (modules, Feast, MLflow, the schema) live as long as the process: collected once
    and frozen, they are left out of the full collections a large response triggers (100,000 historical
    rows), each of which would otherwise walk all of them (~0.2 s a request). Young collections run every
    GC_YOUNG_THRESHOLD allocations, not every 700."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def app_from_environment() -> Starlette:
    """One process of `asgard serve --workers N` (uvicorn's app factory): settings from the environment,
    backends opened by the lifespan, in this process."""
    from server.config import load_settings

    # a spawned worker starts with no logging set up: as the single-process server logs, so does it
    logging.basicConfig(
        level=os.environ.get("ASGARD_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    tracing.configure_from_environment(os.environ)
    return create_app(load_settings())


def create_app(settings: Settings, services: Services | None = None) -> Starlette:
    """The ASGI app; backends are opened at startup unless `services` is given. The lifespan hands them to
    every request in its state (`services_of(scope)`)."""
    metrics = Metrics()
    schema = build_schema(settings.limits, metrics, introspection=settings.introspection)
    authenticator = Authenticator()  # requires tokens until start-up has decided
    graphql_view = GraphQLApp(
        settings,
        authenticator,
        OnlineFastPath(schema._schema, metrics, settings.limits) if settings.online_fast_path else None,
        schema=schema,
        persisted=_persisted_documents(settings, schema),
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
    )

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    answered: set[str] = set()  # the backends that have answered a readiness check in this process

    async def readyz(request: Request) -> Response:
        s = services_of(request.scope)

        async def registry() -> None:
            await s.serving.ready()  # Feast's store open (at a start, in the background): waited for here
            await run_blocking(s.registry.ping)

        probes = [
            _check("registry", registry, answered),
            _check("goldCatalog", lambda: run_blocking(s.gold.ping), answered),
            _check("mlflow", lambda: run_blocking(s.mlflow.ping), answered),
            _check("jobs", lambda: run_blocking(s.jobs.ping), answered),
        ]
        if s.registry.trino is not None:  # the offline engine, when it is a server of its own
            trino = s.registry.trino
            probes.append(_check("trino", lambda: run_blocking(trino.ping), answered))
        checks = dict(await asyncio.gather(*probes))
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    async def metrics_endpoint(request: Request) -> Response:
        if time.monotonic() - metrics.freshness_at > FRESHNESS_SECONDS:
            metrics.freshness_at = time.monotonic()  # one computation at a time, whatever the scrapes meanwhile
            try:
                s = services_of(request.scope)
                views = list((await registry_snapshot(s)).views.values())
                metrics.set_freshness(await run_blocking(read_freshness, s.gold, s.materializations, views))
            except Exception:  # a backend down: the scrape still answers, with the gauges it had (and their time)
                log.warning("the feature views' freshness could not be computed", exc_info=True)
        return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, Services]]:
        opened = services if services is not None else await run_blocking(create_services, settings)
        if services is None:
            freeze_startup_objects()
            # and Feast's, where its store opens in the background (server/services/feature_registry.py)
            if not opened.registry.feast_open:
                opened.registry.feast_opened.add_done_callback(lambda _: gc.freeze())
        await run_blocking(authenticator.start, opened.tokens)
        if not await authenticator.required():
            log.warning("no tokens exist: every caller is admin, until a token is created")
        await run_blocking(opened.runner.start)
        opened.materializations.open()
        try:
            yield {SERVICES: opened}
        finally:
            opened.materializations.close()
            await opened.serving.close_loop_clients()
            await run_blocking(opened.runner.stop)
            await run_blocking(opened.registry.close)
            await asyncio.to_thread(tracing.disable)  # the last spans, within a bound

    app = Starlette(
        routes=[
            Route("/graphql", graphql_view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_view),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            *rest_routes(schema, settings),  # the deprecated REST API, over GraphQL
            *export_routes(),
            *(static_routes() if settings.graphiql else []),
        ],
        lifespan=lifespan,
    )
    # Outermost last: request id and access log, then the browser guards (host, cross-site writes, JSON
    # bodies), CORS, the body cap, authentication, the routes.
    app.add_middleware(Authentication, authenticator=authenticator)
    app.add_middleware(BodySizeLimit, max_bytes=settings.limits.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        )
    app.add_middleware(RequestGuards, host_patterns=settings.host_patterns, cors_origins=settings.cors_origins)
    app.add_middleware(RequestContext, metrics=metrics)
    return app
