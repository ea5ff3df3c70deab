"""Predictions: resolve the model version, fetch online features, order them by the model's
signature, predict. A model's code runs in a worker process of its own, in the sandbox
(server/services/model_workers.py): loaded models are cached there, one worker per resolved version.
What a name or alias resolves to is cached until this process writes to MLflow, or for the registry
cache time (writes from elsewhere). A small prediction whose version is resolved and whose worker runs
is made on the event loop (`predict_async`): at a millisecond, a hop to a thread and back would cost it
a fifth more."""

from __future__ import annotations

import asyncio
import logging
import math
import shutil
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server import tracing
from server.lru import LRU
from server.services.errors import ErrorCode, InputErrors, RequestError, as_input_errors, input_error
from server.services.feature_requests import FeatureRef, entity_columns, resolve_features, row_count
from server.services.feature_serving import ASYNC_MAX_ROWS, FeatureServing
from server.services.mlflow_records import FEATURE_SERVICE_TAG, ModelVersionRecord
from server.services.mlflow_tracking import MlflowTracking
from server.services.model_workers import ModelRefused, ModelWorker, ModelWorkers, WorkerFailed
from server.services.online_store import WouldBlock
from server.services.registry_records import RegistrySnapshot


@dataclass(frozen=True)
class PredictionRecord:
    predictions: list[Any]
    version: ModelVersionRecord
    missing_features: list[str]


@dataclass(frozen=True)
class PredictRequest:
    model: str
    version: int | None = None
    alias: str | None = None
    entities: Any = None
    features: list[str] | None = None
    feature_service: str | None = None
    rows: Any = None


log = logging.getLogger(__name__)

RESOLVED_CACHE_SIZE = 256
MAX_FAILURE_CHARS = 2000  # of a model's failure, in predict's user error
MAX_STARTING = 2  # model workers starting at once (each start holds a thread while the model loads)


ResolveKey = tuple[str, int | None, str | None]


class Predictor:
    def __init__(
        self,
        mlflow: MlflowTracking,
        serving: FeatureServing,
        cache_dir: Path,
        workers: ModelWorkers,
        resolve_ttl: float = 0.0,
    ):
        self.mlflow = mlflow
        self.serving = serving
        self.cache_dir = cache_dir
        self.workers = workers
        self.resolve_ttl = resolve_ttl
        self._downloading: dict[tuple[str, int], threading.Lock] = {}
        self._lock = threading.Lock()
        # per event loop: the worker starts in progress, by version, and the slots they take (_start_worker)
        self._starting: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[dict[tuple[str, int], asyncio.Future[None]], asyncio.Semaphore]
        ] = weakref.WeakKeyDictionary()
        self._resolved: dict[ResolveKey, tuple[ModelVersionRecord, float, int]] = {}
        # the features found in one registry snapshot for a signature's inputs and the caller's entity columns
        self._inferred: tuple[RegistrySnapshot | None, LRU[tuple[tuple[str, ...], frozenset[str]], list[FeatureRef]]]
        self._inferred = (None, LRU(RESOLVED_CACHE_SIZE))

    # ---- model versions and models ----------------------------------------------------------

    def resolve(self, model: str, version: int | None, alias: str | None) -> ModelVersionRecord:
        """The version a request means. A registry read costs milliseconds, more than the prediction:
        an answer is reused until this process writes to MLflow (an alias set through the API, a job
        that registered a model) or, for writes from elsewhere, for `resolve_ttl` seconds."""
        key = (model, version, alias)
        now = time.monotonic()
        cached = self._cached(key, now)
        if cached is not None:
            return cached
        generation = self.mlflow.generation
        found = self._resolve(model, version, alias)
        if len(self._resolved) >= RESOLVED_CACHE_SIZE:
            self._resolved.clear()
        self._resolved[key] = (found, now, generation)
        return found

    def _cached(self, key: ResolveKey, now: float) -> ModelVersionRecord | None:
        cached = self._resolved.get(key)
        if cached is not None and cached[2] == self.mlflow.generation and now - cached[1] <= self.resolve_ttl:
            return cached[0]
        return None

    def _resolve(self, model: str, version: int | None, alias: str | None) -> ModelVersionRecord:
        """One registry read when the version is found; saying what is missing costs a second."""
        if version is not None and alias is not None:
            raise InputErrors([input_error(ErrorCode.INVALID_VALUE, "give version or alias, not both", "version")])
        if version is not None:
            found = self.mlflow.model_version(model, version)
            missing = input_error(ErrorCode.NOT_FOUND, f"model {model!r} has no version {version}", "version")
        elif alias is not None:
            found = self.mlflow.model_version_by_alias(model, alias)
            missing = input_error(ErrorCode.NOT_FOUND, f"model {model!r} has no alias {alias!r}", "alias")
        else:
            found = next(iter(self.mlflow.model_versions(model, 1, None).items), None)  # newest first
            missing = input_error(ErrorCode.NOT_FOUND, f"model {model!r} has no versions", "model")
        if found is not None:
            return found
        if self.mlflow.registered_model(model) is None:
            raise InputErrors([input_error(ErrorCode.NOT_FOUND, f"model {model!r} does not exist", "model")])
        raise InputErrors([missing])

    def load(self, version: ModelVersionRecord) -> ModelWorker:
        """The version's worker process, its files downloaded first (once)."""
        key = (version.name, version.version)
        return self.workers.worker(key, self._files(version))

    def _files(self, version: ModelVersionRecord) -> Path:
        from mlflow.artifacts import download_artifacts

        target = self.cache_dir / _safe(version.name) / str(version.version)
        if (target / "MLmodel").exists():
            return target
        with self._lock:
            lock = self._downloading.setdefault((version.name, version.version), threading.Lock())
        with lock:  # one download per version, however many requests ask at once
            if (target / "MLmodel").exists():
                return target
            uri = self.mlflow.download_uri(version)
            staging = target.with_name(f"{target.name}.tmp")
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            download_artifacts(artifact_uri=uri, dst_path=str(staging), tracking_uri=self.mlflow.tracking_uri)
            root = next((p.parent for p in staging.rglob("MLmodel")), None)
            if root is None:
                raise RuntimeError(f"no MLmodel file in the artifacts of {version.name} v{version.version}")
            shutil.rmtree(target, ignore_errors=True)
            root.rename(target)
            shutil.rmtree(staging, ignore_errors=True)
        return target

    # ---- predictions ------------------------------------------------------------------------

    def predict(self, snap: RegistrySnapshot, request: PredictRequest) -> PredictionRecord:
        with tracing.span("Predictor.resolve", **{"asgard.backend": "mlflow", "asgard.model": request.model}):
            version = self.resolve(request.model, request.version, request.alias)
        with tracing.span("ModelWorkers.worker", **{"asgard.backend": "model", "asgard.version": version.version}):
            try:
                worker = self.load(version)
            except WorkerFailed as failed:
                raise self._failed(version, failed) from failed
        plan = self._plan(snap, request, version, worker, wait=True)
        if not plan.complete:
            return plan.record([])
        with tracing.span("ModelWorker.predict", **{"asgard.backend": "model", "asgard.rows": len(plan.complete)}):
            return plan.record(self._run(worker, plan))

    async def predict_async(self, snap: RegistrySnapshot, request: PredictRequest) -> PredictionRecord:
        """predict on the event loop where none of it waits: what the request means already resolved, the
        version's worker running, a small request and an online read that never waits (a store read
        directly); the exchange with the worker is the loop's. Anything else runs in a worker thread."""
        ready = self._ready(snap, request)
        if ready is None:
            await self._start_worker(request)
            return await asyncio.to_thread(self.predict, snap, request)
        worker, plan = ready
        if not plan.complete:
            return plan.record([])
        try:
            with tracing.span("ModelWorker.predict", **{"asgard.backend": "model", "asgard.rows": len(plan.complete)}):
                predictions = await worker.predict_async(plan.names, plan.values)
        except ModelRefused as refused:
            raise _refused(refused) from refused
        except WorkerFailed as failed:
            raise self._failed(plan.version, failed) from failed
        return plan.record(predictions)

    async def _start_worker(self, request: PredictRequest) -> None:
        """The request's version resolved and its worker running before a thread predicts with it. One
        start per version however many requests ask at once, and at most MAX_STARTING versions starting at
        a time: the requests that wait for a start wait on the event loop, not in threads (a model whose
        loading hangs would otherwise hold a thread per request for its load timeout, and a few such
        requests every thread the server's blocking calls run in)."""
        version = self._cached((request.model, request.version, request.alias), time.monotonic())
        if version is None:
            version = await asyncio.to_thread(self.resolve, request.model, request.version, request.alias)
        key = (version.name, version.version)
        if self.workers.live(key) is not None:
            return
        loop = asyncio.get_running_loop()
        starting, slots = self._starting.setdefault(loop, ({}, asyncio.Semaphore(MAX_STARTING)))
        start = starting.get(key)
        if start is None:

            async def load() -> None:
                async with slots:
                    await asyncio.to_thread(self.load, version)

            start = starting[key] = asyncio.ensure_future(load())
            start.add_done_callback(lambda done: (starting.pop(key, None), done.cancelled() or done.exception()))
        try:
            await asyncio.shield(start)
        except WorkerFailed as failed:
            raise self._failed(version, failed) from failed

    def _ready(self, snap: RegistrySnapshot, request: PredictRequest) -> tuple[ModelWorker, Plan] | None:
        if max(row_count(request.entities), row_count(request.rows)) > ASYNC_MAX_ROWS:
            return None
        cached = {"asgard.backend": "mlflow", "asgard.model": request.model, "asgard.cached": True}
        with tracing.span("Predictor.resolve", **cached):
            version = self._cached((request.model, request.version, request.alias), time.monotonic())
        worker = self.workers.live((version.name, version.version)) if version is not None else None
        if version is None or worker is None:
            return None
        try:
            return worker, self._plan(snap, request, version, worker, wait=False)
        except WouldBlock:
            return None

    def _plan(
        self,
        snap: RegistrySnapshot,
        request: PredictRequest,
        version: ModelVersionRecord,
        worker: ModelWorker,
        wait: bool,
    ) -> Plan:
        columns = self._columns(snap, request, version, worker.inputs.names, wait)
        inputs = worker.inputs.names if worker.inputs.names is not None else list(columns)
        required = worker.inputs.required
        absent = [name for name in inputs if name not in columns]
        if [name for name in absent if name in required or not required]:
            raise InputErrors(
                [
                    input_error(
                        ErrorCode.INVALID_VALUE,
                        f"the model needs {', '.join(absent)}, which the request does not supply",
                        "features",
                    )
                ]
            )
        names = [name for name in inputs if name in columns]
        count = len(next(iter(columns.values()))) if columns else 0
        missing = [name for name in names if any(_absent(v) for v in columns[name])]
        complete = [i for i in range(count) if not any(_absent(columns[name][i]) for name in names)]
        if len(complete) == count:
            values = [columns[name] for name in names]
        else:
            values = [[columns[name][i] for i in complete] for name in names]
        return Plan(version, names, values, complete, count, missing)

    def _run(self, worker: ModelWorker, plan: Plan) -> Any:
        """Predictions from the worker. A model that raises, hangs or dies fails this prediction
        (MODEL_FAILED); one that hung or died is gone, and the next prediction starts a new worker."""
        try:
            return worker.predict(plan.names, plan.values)
        except ModelRefused as refused:
            raise _refused(refused) from refused
        except WorkerFailed as failed:
            raise self._failed(plan.version, failed) from failed

    def _failed(self, version: ModelVersionRecord, failed: WorkerFailed) -> InputErrors:
        """The model's own code failed, hung or died: the caller is told so, in words without the server's
        paths (the version's files are `<model>`, the data dir `<data-dir>`)."""
        log.warning("model %s version %s: %r", version.name, version.version, str(failed))  # %r: one log line
        files = self.cache_dir / _safe(version.name) / str(version.version)
        message = str(failed).replace(str(files), "<model>").replace(str(self.cache_dir.parent), "<data-dir>")
        if len(message) > MAX_FAILURE_CHARS:
            message = message[:MAX_FAILURE_CHARS] + "…"
        return InputErrors([input_error(ErrorCode.MODEL_FAILED, message, "model")])

    def _columns(
        self,
        snap: RegistrySnapshot,
        request: PredictRequest,
        version: ModelVersionRecord,
        inputs: list[str] | None,
        wait: bool,
    ) -> dict[str, list[Any]]:
        """The request's values by column: online features for the entities, then the rows given (whose
        columns win where both have one)."""
        if request.entities is None and request.rows is None:
            raise InputErrors([input_error(ErrorCode.INVALID_VALUE, "give entities (or rows of features)", "entities")])
        parts: list[dict[str, list[Any]]] = []
        try:
            if request.entities is not None:
                refs = self._features_for(snap, request, version, inputs)
                if len({r.feature for r in refs}) != len(refs):
                    raise RequestError("two feature views give features of the same name", field="features")
                with tracing.span("FeatureServing.online", **{"asgard.backend": "feast.online"}):
                    table = self.serving.online(snap, refs, request.entities, full_names=False, wait=wait)
                names = [c.name for c in table.columns]
                parts.append({name: [row[i] for row in table.rows] for i, name in enumerate(names)})
            if request.rows is not None:
                parts.append(entity_columns(request.rows, field="rows"))
        except RequestError as error:
            raise as_input_errors(error, "entities") from error
        lengths = {len(next(iter(part.values()))) for part in parts if part}
        if len(lengths) > 1:
            raise InputErrors([input_error(ErrorCode.INVALID_VALUE, "rows and entities differ in length", "rows")])
        columns: dict[str, list[Any]] = {}
        for part in parts:
            columns.update(part)
        return columns

    def _features_for(
        self, snap: RegistrySnapshot, request: PredictRequest, version: ModelVersionRecord, inputs: list[str] | None
    ) -> list[FeatureRef]:
        """What to fetch: what the caller named, else the feature service the model was trained on,
        else the online features whose names the signature asks for."""
        if request.features is not None or request.feature_service is not None:
            return resolve_features(snap, request.features, request.feature_service)
        trained_on = dict(version.tags).get(FEATURE_SERVICE_TAG)
        if trained_on and trained_on in snap.services:
            return resolve_features(snap, None, trained_on)
        keys = frozenset(entity_columns(request.entities))
        memo = (tuple(inputs or ()), keys)
        found_in, inferred = self._inferred  # one read: a cache and the snapshot it holds answers from
        if found_in is not snap:  # what was found in an earlier snapshot, and that snapshot, let go
            inferred = LRU(RESOLVED_CACHE_SIZE)
            self._inferred = (snap, inferred)
        refs = inferred.get(memo)
        if refs is None:  # a walk over every view: once per registry snapshot, not per prediction
            wanted = [name for name in inputs or [] if name not in keys]
            refs = [ref for name in wanted if (ref := _find_online_feature(snap, name, keys)) is not None]
            inferred.put(memo, refs)
        if not refs:
            raise RequestError(
                "name features or a featureService: no online feature matches the model's inputs", field="features"
            )
        return list(refs)


@dataclass(frozen=True)
class Plan:
    """A prediction's inputs: the model's columns of the rows whose features were all found (`complete`)."""

    version: ModelVersionRecord
    names: list[str]
    values: list[list[Any]]
    complete: list[int]
    count: int
    missing: list[str]

    def record(self, predictions: list[Any]) -> PredictionRecord:
        """The answer, with the model's predictions (one per complete row) in their rows' places."""
        placed: list[Any] = [None] * self.count
        for position, value in zip(self.complete, predictions, strict=True):
            placed[position] = value
        return PredictionRecord(predictions=placed, version=self.version, missing_features=self.missing)


def _refused(refused: ModelRefused) -> InputErrors:
    """The input does not fit the model's schema."""
    return InputErrors([input_error(ErrorCode.INVALID_VALUE, str(refused), "rows")])


def _find_online_feature(snap: RegistrySnapshot, name: str, keys: frozenset[str]) -> FeatureRef | None:
    for view in sorted(snap.views.values(), key=lambda v: v.name):
        joins = {snap.entities[e].join_key for e in view.entities if e in snap.entities}
        if view.online and joins <= keys and any(f.name == name for f in view.features):
            return FeatureRef(view.name, name)
    return None


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
