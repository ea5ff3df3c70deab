"""The MLflow a sandboxed job sees: a narrow tracking endpoint on loopback, one credential per job.

A job cannot open the tracking database or the artifact store. The runner serves this endpoint on a
loopback port of its own (not the API's) and hands each job `MLFLOW_TRACKING_URI` and
`MLFLOW_TRACKING_TOKEN`; the MLflow client sends the token as a bearer credential. The credential reaches
the job's run, its experiment (read), the logged models that run creates, and their artifacts, nothing
else: any other run, experiment, model or path is PERMISSION_DENIED. Writes go to the real tracking store
at once, so a `metricHistory` read through the API sees them while the job runs.

Artifacts travel as MLflow's own proxied artifacts (`mlflow-artifacts:/run/<run id>/...` and
`mlflow-artifacts:/model/<model id>/...`, uploaded with HTTP PUT); the endpoint writes them where the
server keeps artifacts, through MLflow's artifact repository for that location.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import socket
import tempfile
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if TYPE_CHECKING:
    from mlflow.store.tracking.abstract_store import AbstractStore

log = logging.getLogger(__name__)

API = "/api/2.0/mlflow"
ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts"
RUN_ARTIFACTS, MODEL_ARTIFACTS = "run", "model"
MAX_ARTIFACT_BYTES = 2 * 1024**3
RESERVED_TAG_PREFIX = "asgard."


class Denied(Exception):
    """A call outside the job's scope, or one this endpoint does not serve."""

    def __init__(self, message: str, code: str = "PERMISSION_DENIED", status: int = 403) -> None:
        super().__init__(message)
        self.code, self.status = code, status


@dataclass
class JobScope:
    """What one job's credential reaches."""

    job_id: str
    experiment_id: str
    run_id: str
    models: set[str] = field(default_factory=set)  # logged models the job created


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _error(status: int, code: str, message: str) -> Response:
    return Response(orjson.dumps({"error_code": code, "message": message}), status, media_type="application/json")


def _proto_json(message: Any) -> Response:
    from mlflow.utils.proto_json_utils import message_to_json

    return Response(message_to_json(message), media_type="application/json")


def _parse(request_json: dict[str, Any], message: Any) -> Any:
    from mlflow.utils.proto_json_utils import parse_dict

    parse_dict(request_json, message)  # type: ignore[no-untyped-call]  # MLflow is untyped
    return message


def safe_relative(path: str) -> PurePosixPath:
    """An artifact path below its root: no absolute paths, no `..`, no empty or odd segments."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or "\\" in p or "\x00" in p for p in parts):
        raise Denied(f"{path!r} is not an artifact path", "INVALID_PARAMETER_VALUE", 400)
    return PurePosixPath(*parts)


class TrackingChannel:
    """Serves the jobs of one runner; `open` a job's scope before it starts, `close` it after."""

    def __init__(self, store: Callable[[], AbstractStore], tracking_uri: str, host: str = "127.0.0.1") -> None:
        self._store = store  # the server's tracking store, opened lazily
        # `mlflow-artifacts:` locations (a tracking server that proxies its artifacts) resolve against it,
        # not against whatever MLflow's process-wide tracking URI happens to be
        self._tracking_uri = tracking_uri
        self.host = host
        self.port: int | None = None
        self._scopes: dict[str, JobScope] = {}
        self._lock = threading.Lock()
        self._server: Any = None
        self._task: asyncio.Task[None] | None = None

    # ---- credentials ------------------------------------------------------------------------

    def open(self, job_id: str, experiment_id: str, run_id: str) -> str:
        token = f"asgjob_{secrets.token_urlsafe(32)}"
        with self._lock:
            self._scopes[_digest(token)] = JobScope(job_id, experiment_id, run_id)
        return token

    def close(self, token: str) -> None:
        with self._lock:
            self._scopes.pop(_digest(token), None)

    def _scope(self, request: Request) -> JobScope:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with self._lock:
            scope = self._scopes.get(_digest(token.strip())) if scheme.lower() == "bearer" else None
        if scope is None:
            raise Denied("this endpoint serves running training jobs only", "UNAUTHENTICATED", 401)
        return scope

    @property
    def url(self) -> str:
        assert self.port is not None, "the channel is not serving"
        return f"http://{self.host}:{self.port}"

    # ---- serving ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Serve on a free loopback port, on the running event loop (the runner's)."""
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(self.app(), log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started and not self._task.done():
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await asyncio.gather(self._task, return_exceptions=True)

    def app(self) -> Starlette:
        routes = [
            Route(f"{API}/runs/get", self._endpoint(self.get_run), methods=["GET"]),
            Route(f"{API}/runs/update", self._endpoint(self.update_run), methods=["POST"]),
            Route(f"{API}/runs/log-batch", self._endpoint(self.log_batch), methods=["POST"]),
            Route(f"{API}/runs/log-metric", self._endpoint(self.log_metric), methods=["POST"]),
            Route(f"{API}/runs/log-parameter", self._endpoint(self.log_param), methods=["POST"]),
            Route(f"{API}/runs/set-tag", self._endpoint(self.set_tag), methods=["POST"]),
            Route(f"{API}/runs/delete-tag", self._endpoint(self.delete_tag), methods=["POST"]),
            Route(f"{API}/runs/log-inputs", self._endpoint(self.log_inputs), methods=["POST"]),
            Route(f"{API}/runs/outputs", self._endpoint(self.log_outputs), methods=["POST"]),
            Route(f"{API}/metrics/get-history", self._endpoint(self.metric_history), methods=["GET"]),
            Route(f"{API}/experiments/get", self._endpoint(self.get_experiment), methods=["GET"]),
            Route(f"{API}/logged-models", self._endpoint(self.create_model), methods=["POST"]),
            Route(f"{API}/logged-models/{{model_id}}", self._endpoint(self.get_model), methods=["GET"]),
            Route(f"{API}/logged-models/{{model_id}}", self._endpoint(self.finalize_model), methods=["PATCH"]),
            Route(f"{API}/logged-models/{{model_id}}/tags", self._endpoint(self.set_model_tags), methods=["PATCH"]),
            Route(f"{API}/logged-models/{{model_id}}/params", self._endpoint(self.log_model_params), methods=["POST"]),
            Route(f"{ARTIFACTS}/{{path:path}}", self._endpoint(self.put_artifact), methods=["PUT"]),
            Route(f"{ARTIFACTS}/{{path:path}}", self._endpoint(self.get_artifact), methods=["GET"]),
            Route(ARTIFACTS, self._endpoint(self.list_artifacts), methods=["GET"]),
        ]
        return Starlette(routes=routes)

    def _endpoint(
        self, handler: Callable[[JobScope, Request, dict[str, Any]], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def serve(request: Request) -> Response:
            try:
                scope = self._scope(request)
                if request.method in ("POST", "PATCH"):
                    body = orjson.loads(await request.body() or b"{}")
                    if not isinstance(body, dict):
                        raise Denied("the body must be a JSON object", "INVALID_PARAMETER_VALUE", 400)
                else:
                    body = dict(request.query_params)
                return await handler(scope, request, body)
            except Denied as denied:
                return _error(denied.status, denied.code, str(denied))
            except orjson.JSONDecodeError:
                return _error(400, "MALFORMED_REQUEST", "the body is not JSON")
            except Exception as error:
                from mlflow.exceptions import MlflowException

                if isinstance(error, MlflowException):
                    status = error.get_http_status_code()  # type: ignore[no-untyped-call]  # MLflow
                    return _error(status, error.error_code, error.message)
                log.exception("tracking channel: %s %s failed", request.method, request.url.path)
                return _error(500, "INTERNAL_ERROR", "internal error")

        return serve

    def _concrete_store(self) -> Any:
        """For the two calls every MLflow store has (SQL, file, REST) but its AbstractStore does not declare."""
        return self._store()

    # ---- scope checks -----------------------------------------------------------------------

    def _own_metrics(self, scope: JobScope, metrics: Any) -> None:
        """A metric may name a logged model: the job's own only (it would show on another's model)."""
        for metric in metrics:
            if metric.model_id:
                self._own_model(scope, metric.model_id)

    @staticmethod
    def _own_tags(keys: Any) -> None:
        """`asgard.*` tags are the server's own record of the run (its job): not the job's to change."""
        for key in keys:
            if str(key).startswith(RESERVED_TAG_PREFIX):
                raise Denied(f"tags {RESERVED_TAG_PREFIX}* are set by the server, not by jobs")

    @staticmethod
    def _own_run(scope: JobScope, body: dict[str, Any]) -> str:
        run_id = body.get("run_id") or body.get("run_uuid")
        if run_id != scope.run_id:
            raise Denied("a job writes and reads its own run only")
        return scope.run_id

    def _own_model(self, scope: JobScope, model_id: str) -> str:
        if model_id not in scope.models:
            raise Denied("a job reaches the models its own run logged only")
        return model_id

    # ---- runs -------------------------------------------------------------------------------

    def _run_proto(self, run: Any) -> Any:
        proto = run.to_proto()
        proto.info.artifact_uri = f"mlflow-artifacts:/{RUN_ARTIFACTS}/{run.info.run_id}"
        return proto

    async def get_run(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.protos.service_pb2 import GetRun

        run = await asyncio.to_thread(self._store().get_run, self._own_run(scope, body))
        return _proto_json(GetRun.Response(run=self._run_proto(run)))

    async def update_run(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.protos.service_pb2 import UpdateRun

        message = _parse(body, UpdateRun())
        run_id = self._own_run(scope, body)
        info = await asyncio.to_thread(
            self._store().update_run_info,
            run_id,
            message.status if message.HasField("status") else None,
            message.end_time if message.HasField("end_time") else None,
            message.run_name if message.HasField("run_name") else None,
        )
        proto = info.to_proto()
        proto.artifact_uri = f"mlflow-artifacts:/{RUN_ARTIFACTS}/{run_id}"
        return _proto_json(UpdateRun.Response(run_info=proto))

    async def log_batch(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import Metric, Param, RunTag
        from mlflow.protos.service_pb2 import LogBatch

        message = _parse(body, LogBatch())
        self._own_metrics(scope, message.metrics)
        self._own_tags(t.key for t in message.tags)
        await asyncio.to_thread(
            self._store().log_batch,
            self._own_run(scope, body),
            metrics=[Metric.from_proto(m) for m in message.metrics],
            params=[Param.from_proto(p) for p in message.params],
            tags=[RunTag.from_proto(t) for t in message.tags],
        )
        return _proto_json(LogBatch.Response())

    async def log_metric(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import Metric
        from mlflow.protos.service_pb2 import LogMetric

        message = _parse(body, LogMetric())
        self._own_metrics(scope, [message])
        metric = Metric(
            message.key,
            message.value,
            message.timestamp,
            message.step,
            model_id=message.model_id or None,
            dataset_name=message.dataset_name or None,
            dataset_digest=message.dataset_digest or None,
            run_id=scope.run_id,
        )
        await asyncio.to_thread(self._store().log_metric, self._own_run(scope, body), metric)
        return _proto_json(LogMetric.Response())

    async def log_param(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import Param
        from mlflow.protos.service_pb2 import LogParam

        message = _parse(body, LogParam())
        await asyncio.to_thread(self._store().log_param, self._own_run(scope, body), Param(message.key, message.value))
        return _proto_json(LogParam.Response())

    async def set_tag(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import RunTag
        from mlflow.protos.service_pb2 import SetTag

        message = _parse(body, SetTag())
        self._own_tags([message.key])
        await asyncio.to_thread(self._store().set_tag, self._own_run(scope, body), RunTag(message.key, message.value))
        return _proto_json(SetTag.Response())

    async def delete_tag(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.protos.service_pb2 import DeleteTag

        message = _parse(body, DeleteTag())
        self._own_tags([message.key])
        await asyncio.to_thread(self._concrete_store().delete_tag, self._own_run(scope, body), message.key)
        return _proto_json(DeleteTag.Response())

    async def log_inputs(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import DatasetInput, LoggedModelInput
        from mlflow.protos.service_pb2 import LogInputs

        message = _parse(body, LogInputs())
        models = [LoggedModelInput.from_proto(m) for m in message.models]
        for model in models:
            self._own_model(scope, model.model_id)
        datasets = [DatasetInput.from_proto(d) for d in message.datasets]
        await asyncio.to_thread(self._store().log_inputs, self._own_run(scope, body), datasets=datasets, models=models)
        return _proto_json(LogInputs.Response())

    async def log_outputs(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import LoggedModelOutput
        from mlflow.protos.service_pb2 import LogOutputs

        message = _parse(body, LogOutputs())
        models = [LoggedModelOutput.from_proto(m) for m in message.models]
        for model in models:
            self._own_model(scope, model.model_id)
        await asyncio.to_thread(self._store().log_outputs, self._own_run(scope, body), models)
        return _proto_json(LogOutputs.Response())

    async def metric_history(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.protos.service_pb2 import GetMetricHistory

        history = await asyncio.to_thread(
            self._store().get_metric_history, self._own_run(scope, body), body.get("metric_key", "")
        )
        return _proto_json(GetMetricHistory.Response(metrics=[m.to_proto() for m in history]))

    async def get_experiment(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.protos.service_pb2 import GetExperiment

        if body.get("experiment_id") != scope.experiment_id:
            raise Denied("a job reads its own experiment only")
        experiment = await asyncio.to_thread(self._store().get_experiment, scope.experiment_id)
        proto = experiment.to_proto()
        proto.artifact_location = f"mlflow-artifacts:/{RUN_ARTIFACTS}/{scope.run_id}"
        return _proto_json(GetExperiment.Response(experiment=proto))

    # ---- logged models ----------------------------------------------------------------------

    def _model_proto(self, model: Any) -> Any:
        proto = model.to_proto()
        proto.info.artifact_uri = f"mlflow-artifacts:/{MODEL_ARTIFACTS}/{model.model_id}"
        return proto

    async def create_model(self, scope: JobScope, _: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import LoggedModelParameter, LoggedModelTag
        from mlflow.protos.service_pb2 import CreateLoggedModel

        message = _parse(body, CreateLoggedModel())
        if message.experiment_id != scope.experiment_id:
            raise Denied("a job logs models to its own experiment only")
        if message.source_run_id and message.source_run_id != scope.run_id:
            raise Denied("a job logs models from its own run only")
        model = await asyncio.to_thread(
            self._store().create_logged_model,
            experiment_id=scope.experiment_id,
            name=message.name or None,
            source_run_id=scope.run_id,
            tags=[LoggedModelTag(t.key, t.value) for t in message.tags] or None,
            params=[LoggedModelParameter.from_proto(p) for p in message.params] or None,
            model_type=message.model_type or None,
        )
        scope.models.add(model.model_id)
        return _proto_json(CreateLoggedModel.Response(model=self._model_proto(model)))

    async def get_model(self, scope: JobScope, request: Request, _: dict[str, Any]) -> Response:
        from mlflow.protos.service_pb2 import GetLoggedModel

        model = await asyncio.to_thread(
            self._store().get_logged_model, self._own_model(scope, request.path_params["model_id"])
        )
        return _proto_json(GetLoggedModel.Response(model=self._model_proto(model)))

    async def finalize_model(self, scope: JobScope, request: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import LoggedModelStatus
        from mlflow.protos.service_pb2 import FinalizeLoggedModel

        message = _parse(body, FinalizeLoggedModel())
        model_id = self._own_model(scope, request.path_params["model_id"])
        model = await asyncio.to_thread(
            self._store().finalize_logged_model, model_id, LoggedModelStatus.from_int(message.status)
        )
        return _proto_json(FinalizeLoggedModel.Response(model=self._model_proto(model)))

    async def set_model_tags(self, scope: JobScope, request: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import LoggedModelTag
        from mlflow.protos.service_pb2 import SetLoggedModelTags

        message = _parse(body, SetLoggedModelTags())
        model_id = self._own_model(scope, request.path_params["model_id"])
        await asyncio.to_thread(
            self._store().set_logged_model_tags, model_id, [LoggedModelTag(t.key, t.value) for t in message.tags]
        )
        return _proto_json(SetLoggedModelTags.Response())

    async def log_model_params(self, scope: JobScope, request: Request, body: dict[str, Any]) -> Response:
        from mlflow.entities import LoggedModelParameter
        from mlflow.protos.service_pb2 import LogLoggedModelParamsRequest

        message = _parse(body, LogLoggedModelParamsRequest())
        model_id = self._own_model(scope, request.path_params["model_id"])
        params = [LoggedModelParameter.from_proto(p) for p in message.params]
        await asyncio.to_thread(self._concrete_store().log_logged_model_params, model_id, params)
        return _proto_json(LogLoggedModelParamsRequest.Response())

    # ---- artifacts --------------------------------------------------------------------------

    async def _location(self, scope: JobScope, path: str) -> tuple[str, PurePosixPath]:
        """The real artifact location behind a proxied path, and the path below it."""
        kind, _, rest = path.strip("/").partition("/")
        owner, _, below = rest.partition("/")
        if kind == RUN_ARTIFACTS and owner == scope.run_id:
            run = await asyncio.to_thread(self._store().get_run, scope.run_id)
            root = str(run.info.artifact_uri)
        elif kind == MODEL_ARTIFACTS and owner in scope.models:
            model = await asyncio.to_thread(self._store().get_logged_model, owner)
            root = str(model.artifact_location)
        else:
            raise Denied("a job reaches its own run's and models' artifacts only")
        return root, safe_relative(below) if below else PurePosixPath()

    async def put_artifact(self, scope: JobScope, request: Request, _: dict[str, Any]) -> Response:
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        root, relative = await self._location(scope, request.path_params["path"])
        if not relative.parts:
            raise Denied("name the file to write", "INVALID_PARAMETER_VALUE", 400)
        with tempfile.TemporaryDirectory(prefix="asgard-artifact-") as staging:
            local = Path(staging) / relative.name
            written = 0
            with open(local, "wb") as out:
                async for chunk in request.stream():
                    written += len(chunk)
                    if written > MAX_ARTIFACT_BYTES:
                        raise Denied("artifacts are at most 2 GiB each", "RESOURCE_LIMIT_EXCEEDED", 413)
                    out.write(chunk)
            parent = str(relative.parent) if str(relative.parent) != "." else None
            repo = get_artifact_repository(root, tracking_uri=self._tracking_uri)
            await asyncio.to_thread(repo.log_artifact, str(local), parent)
        return Response(b"{}", media_type="application/json")

    async def get_artifact(self, scope: JobScope, request: Request, _: dict[str, Any]) -> Response:
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        root, relative = await self._location(scope, request.path_params["path"])
        with tempfile.TemporaryDirectory(prefix="asgard-artifact-") as staging:
            repo = get_artifact_repository(root, tracking_uri=self._tracking_uri)
            local = await asyncio.to_thread(repo.download_artifacts, str(relative), staging)
            if not Path(local).is_file():
                raise Denied("not a file", "RESOURCE_DOES_NOT_EXIST", 404)
            data = Path(local).read_bytes()
        return Response(data, media_type="application/octet-stream")

    async def list_artifacts(self, scope: JobScope, request: Request, body: dict[str, Any]) -> Response:
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        root, relative = await self._location(scope, body.get("path", ""))
        repo = get_artifact_repository(root, tracking_uri=self._tracking_uri)
        listed = await asyncio.to_thread(repo.list_artifacts, str(relative) if relative.parts else None)
        files = [
            {
                "path": PurePosixPath(f.path).name,
                "is_dir": f.is_dir,
                **({"file_size": f.file_size} if f.file_size else {}),
            }
            for f in listed
        ]
        return Response(orjson.dumps({"files": files}), media_type="application/json")
