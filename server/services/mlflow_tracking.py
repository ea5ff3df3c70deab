"""MLflow tracking and model registry: one client per process, explicit ids only.

The fluent `mlflow.*` API keeps global state and is not thread-safe, so everything here goes
through one `MlflowClient` with explicit ids. Every client call is counted, so tests can hold
nested GraphQL lookups to a bounded number of MLflow calls.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from server.config import Settings
from server.lru import LRU
from server.services.errors import ErrorCode, RequestError, UserError, UserErrors, user_error
from server.services.mlflow_records import (
    ArtifactRecord,
    ColumnSpec,
    DatasetRecord,
    ExperimentRecord,
    LoggedModelRecord,
    MetricRecord,
    ModelVersionRecord,
    Page,
    RegisteredModelRecord,
    RunRecord,
    SignatureRecord,
)
from server.services.registry_records import tags_of

T = TypeVar("T")
_PAGE = 1000
_IN_CHUNK = 100
ALIAS_PATTERN = re.compile(r"^[\w\-]{1,255}$")
VERSION_ALIAS = re.compile(r"^[vV]\d+$")
FEATURE_SERVICE_TAG = "asgard.feature_service"
VIEW_TYPES = {"ACTIVE_ONLY": 1, "DELETED_ONLY": 2, "ALL": 3}


log = logging.getLogger(__name__)
SIGNATURE_CACHE_SIZE = 1024


@dataclass(frozen=True)
class TrackingCounts:
    registered_models: int
    active_experiments: int


def _token(token: str | bytes | None) -> str | None:
    """MLflow hands out page tokens as str or bytes, depending on the store."""
    if not token:
        return None
    return token.decode() if isinstance(token, bytes) else token


def _code(error: Exception) -> str:
    return str(getattr(error, "error_code", ""))


def _missing(error: Exception) -> bool:
    return _code(error) == "RESOURCE_DOES_NOT_EXIST"


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def in_filter(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(_quote(v) for v in values)})"


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _IN_CHUNK):
        yield values[i : i + _IN_CHUNK]


def safe_artifact_path(path: str | None) -> str | None:
    """A relative path inside the run's artifact root, or a RequestError."""
    if path in (None, "", "."):
        return None
    assert path is not None
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\")) or "\x00" in path or ":" in path or ".." in parts:
        raise RequestError("path must be relative to the run's artifact root, without '..'", field="path")
    return "/".join(p for p in parts if p not in ("", "."))


# ---- MLflow entities -> records -----------------------------------------------------------------


def experiment_record(e: Any, public: Callable[[str], str] = str) -> ExperimentRecord:
    return ExperimentRecord(
        id=str(e.experiment_id),
        name=e.name,
        lifecycle_stage=e.lifecycle_stage,
        artifact_location=public(e.artifact_location or ""),
        tags=tags_of(e.tags),
        creation_time=e.creation_time,
        last_update_time=e.last_update_time,
    )


def run_record(r: Any) -> RunRecord:
    info, data = r.info, r.data
    metrics = getattr(data, "_metric_objs", None) or []
    return RunRecord(
        id=info.run_id,
        name=info.run_name or "",
        experiment_id=str(info.experiment_id),
        status=info.status,
        lifecycle_stage=info.lifecycle_stage,
        user_id=info.user_id or "",
        start_time=info.start_time,
        end_time=info.end_time,
        params=tags_of(data.params),
        metrics=tuple(
            sorted((MetricRecord(m.key, m.value, m.timestamp, m.step) for m in metrics), key=lambda m: m.key)
        ),
        tags=tags_of(data.tags),
        datasets=tuple(_dataset_record(d) for d in getattr(getattr(r, "inputs", None), "dataset_inputs", None) or ()),
    )


def _dataset_record(dataset_input: Any) -> DatasetRecord:
    d = dataset_input.dataset
    context = next((t.value for t in dataset_input.tags or () if t.key == "mlflow.data.context"), None)
    return DatasetRecord(name=d.name, digest=d.digest, source_type=d.source_type, context=context)


def registered_model_record(m: Any) -> RegisteredModelRecord:
    aliases = getattr(m, "aliases", None) or {}
    return RegisteredModelRecord(
        name=m.name,
        description=m.description or "",
        tags=tags_of(m.tags),
        aliases=tuple(sorted((a, int(v)) for a, v in aliases.items())),
        creation_time=m.creation_timestamp,
        last_updated_time=m.last_updated_timestamp,
    )


def model_version_record(v: Any) -> ModelVersionRecord:
    return ModelVersionRecord(
        name=v.name,
        version=int(v.version),
        status=str(v.status),
        run_id=v.run_id or None,
        model_id=getattr(v, "model_id", None) or None,
        description=v.description or "",
        aliases=tuple(sorted(getattr(v, "aliases", None) or ())),
        tags=tags_of(v.tags),
        creation_time=v.creation_timestamp,
        last_updated_time=v.last_updated_timestamp,
    )


def logged_model_record(m: Any) -> LoggedModelRecord:
    return LoggedModelRecord(
        id=m.model_id,
        name=m.name,
        experiment_id=str(m.experiment_id),
        run_id=m.source_run_id,
        status=str(getattr(m.status, "name", m.status)),
        model_type=m.model_type,
        creation_time=m.creation_timestamp,
        tags=tags_of(m.tags),
        artifact_location=m.artifact_location or "",
    )


def _column_specs(schema: Any) -> tuple[ColumnSpec, ...]:
    if schema is None:
        return ()
    specs = []
    for entry in schema.to_dict():
        kind = entry.get("type")
        if kind == "tensor":
            kind = f"tensor<{entry.get('tensor-spec', {}).get('dtype', '?')}>"
        specs.append(ColumnSpec(name=entry.get("name"), type=str(kind), required=entry.get("required", True)))
    return tuple(specs)


class MlflowTracking:
    """The tracking store behind the API (embedded SQLite by default, or a remote server)."""

    def __init__(self, settings: Settings) -> None:
        self.tracking_uri = settings.mlflow_tracking_uri
        self.artifact_root = settings.mlflow_artifact_root
        self._public = settings.public
        self._lock = threading.Lock()
        self._client: Any = None
        self.calls: Counter[str] = Counter()
        self._signatures: LRU[tuple[str, int], tuple[SignatureRecord | None]] = LRU(SIGNATURE_CACHE_SIZE)
        # Moves on every write made through this process, so caches of registry reads see their own writes.
        self.generation = 0

    def changed(self) -> None:
        self.generation += 1

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                from mlflow.tracking import MlflowClient

                if self.tracking_uri.startswith("sqlite:"):
                    # Creating the store runs the migrations and makes the Default experiment
                    # with its artifacts under the data dir rather than ./mlruns.
                    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

                    SqlAlchemyStore(self.tracking_uri, self.artifact_root)
                self._client = MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)
            return self._client

    def store(self) -> Any:
        """MLflow's tracking store behind the client (SQLAlchemy, or REST to a tracking server)."""
        return self.client()._tracking_client.store

    def _experiment(self, e: Any) -> ExperimentRecord:
        return experiment_record(e, self._public)

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        self.calls[method] += 1
        return getattr(self.client(), method)(*args, **kwargs)

    def _get(self, method: str, *args: Any) -> Any:
        """A lookup that answers None for an object MLflow does not have (an id or name MLflow
        finds malformed names no object either)."""
        from mlflow.exceptions import MlflowException

        try:
            return self._call(method, *args)
        except MlflowException as error:
            if _missing(error) or _code(error) == "INVALID_PARAMETER_VALUE":
                return None
            raise

    def _search(self, method: str, field: str = "filter", **kwargs: Any) -> Any:
        """A search whose filter or order_by came from the caller: MLflow's refusal is theirs."""
        from mlflow.exceptions import MlflowException

        try:
            return self._call(method, **kwargs)
        except MlflowException as error:
            if _code(error) in {"INVALID_PARAMETER_VALUE", "BAD_REQUEST"}:
                raise RequestError(error.message, field=field) from error
            raise

    def _all(self, method: str, **kwargs: Any) -> list[Any]:
        items: list[Any] = []
        token = None
        while True:
            page = self._call(method, page_token=token, **kwargs)
            items += page
            token = page.token
            if not token:
                return items

    def ping(self) -> bool:
        self._call("search_experiments", max_results=1)
        return True

    def counts(self) -> TrackingCounts:
        return TrackingCounts(
            registered_models=len(self._all("search_registered_models", max_results=_PAGE)),
            active_experiments=len(self._all("search_experiments", max_results=_PAGE)),
        )

    # ---- experiments ------------------------------------------------------------------------

    def search_experiments(
        self, filter: str | None, order_by: list[str] | None, view: str, max_results: int, token: str | None
    ) -> Page[ExperimentRecord]:
        page = self._search(
            "search_experiments",
            view_type=VIEW_TYPES[view],
            max_results=max_results,
            filter_string=filter,
            order_by=order_by,
            page_token=token,
        )
        return Page([self._experiment(e) for e in page], _token(page.token))

    def experiment(self, experiment_id: str) -> ExperimentRecord | None:
        found = self._get("get_experiment", experiment_id)
        return self._experiment(found) if found else None

    def experiment_by_name(self, name: str) -> ExperimentRecord | None:
        found = self._get("get_experiment_by_name", name)
        return self._experiment(found) if found else None

    def experiments_by_ids(self, ids: list[str]) -> dict[str, ExperimentRecord]:
        if len(ids) == 1:
            found = self.experiment(ids[0])
            return {found.id: found} if found else {}
        everything = self._all("search_experiments", view_type=VIEW_TYPES["ALL"], max_results=_PAGE)
        wanted = set(ids)
        return {r.id: r for r in map(self._experiment, everything) if r.id in wanted}

    def active_experiment_ids(self) -> list[str]:
        return [str(e.experiment_id) for e in self._all("search_experiments", max_results=_PAGE)]

    # ---- runs -------------------------------------------------------------------------------

    def search_runs(
        self,
        experiment_ids: list[str] | None,
        filter: str | None,
        order_by: list[str] | None,
        view: str,
        max_results: int,
        token: str | None,
    ) -> Page[RunRecord]:
        ids = experiment_ids if experiment_ids is not None else self.active_experiment_ids()
        if not ids:
            return Page([], None)
        page = self._search(
            "search_runs",
            experiment_ids=ids,
            filter_string=filter or "",
            run_view_type=VIEW_TYPES[view],
            max_results=max_results,
            order_by=order_by,
            page_token=token,
        )
        return Page([run_record(r) for r in page], _token(page.token))

    def run(self, run_id: str) -> RunRecord | None:
        found = self._get("get_run", run_id)
        return run_record(found) if found else None

    def runs_by_ids(self, ids: list[str]) -> dict[str, RunRecord]:
        if len(ids) == 1:
            found = self.run(ids[0])
            return {found.id: found} if found else {}
        experiments = [
            str(e.experiment_id)
            for e in self._all("search_experiments", view_type=VIEW_TYPES["ALL"], max_results=_PAGE)
        ]
        runs: dict[str, RunRecord] = {}
        for chunk in _chunks(ids):
            found = self._call(
                "search_runs",
                experiment_ids=experiments,
                filter_string=in_filter("attributes.run_id", chunk),
                run_view_type=VIEW_TYPES["ALL"],
                max_results=len(chunk),
            )
            runs.update((r.id, r) for r in map(run_record, found))
        return runs

    def metric_histories(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[MetricRecord]]:
        """Histories of several (run, metric) pairs, for one loader call."""
        return {key: self.metric_history(*key) for key in keys}

    def metric_history(self, run_id: str, key: str) -> list[MetricRecord]:
        history = self._call("get_metric_history", run_id, key)
        return sorted(
            (MetricRecord(m.key, m.value, m.timestamp, m.step) for m in history),
            key=lambda m: (m.step, m.timestamp),
        )

    def artifacts_of(self, keys: list[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[ArtifactRecord]]:
        """Artifacts of several (run, path) pairs, for one loader call (one listing per run: MLflow has no
        batch listing)."""
        self.calls["artifacts_of"] += 1
        return {key: self.artifacts(*key) for key in keys}

    def artifacts(self, run_id: str, path: str | None) -> list[ArtifactRecord]:
        files = self._call("list_artifacts", run_id, safe_artifact_path(path))
        return [ArtifactRecord(path=f.path, is_dir=f.is_dir, size=f.file_size) for f in files]

    def logged_models_by_runs(self, runs: list[RunRecord]) -> dict[str, list[LoggedModelRecord]]:
        by_run: dict[str, list[LoggedModelRecord]] = {r.id: [] for r in runs}
        experiments = sorted({r.experiment_id for r in runs})
        for chunk in _chunks([r.id for r in runs]):
            found = self._all(
                "search_logged_models",
                experiment_ids=experiments,
                filter_string=in_filter("source_run_id", chunk),
                max_results=_PAGE,
            )
            for model in map(logged_model_record, found):
                if model.run_id in by_run:
                    by_run[model.run_id].append(model)
        return by_run

    def model_versions_by_runs(self, run_ids: list[str]) -> dict[str, list[ModelVersionRecord]]:
        by_run: dict[str, list[ModelVersionRecord]] = {r: [] for r in run_ids}
        for chunk in _chunks(run_ids):
            for version in self._all("search_model_versions", filter_string=in_filter("run_id", chunk)):
                record = model_version_record(version)
                if record.run_id in by_run:
                    by_run[record.run_id].append(record)
        return by_run

    # ---- registered models ------------------------------------------------------------------

    def search_registered_models(
        self, filter: str | None, order_by: list[str] | None, max_results: int, token: str | None
    ) -> Page[RegisteredModelRecord]:
        page = self._search(
            "search_registered_models",
            filter_string=filter,
            order_by=order_by,
            max_results=max_results,
            page_token=token,
        )
        return Page([registered_model_record(m) for m in page], _token(page.token))

    def registered_model(self, name: str) -> RegisteredModelRecord | None:
        found = self._get("get_registered_model", name)
        return registered_model_record(found) if found else None

    def model_versions(self, name: str, max_results: int, token: str | None) -> Page[ModelVersionRecord]:
        page = self._call(
            "search_model_versions",
            filter_string=f"name = {_quote(name)}",
            order_by=["version_number DESC"],
            max_results=max_results,
            page_token=token,
        )
        return Page([model_version_record(v) for v in page], _token(page.token))

    def latest_versions(self, names: list[str]) -> dict[str, ModelVersionRecord]:
        latest: dict[str, ModelVersionRecord] = {}
        for chunk in _chunks(names):
            for version in self._all("search_model_versions", filter_string=in_filter("name", chunk)):
                record = model_version_record(version)
                if record.name not in latest or record.version > latest[record.name].version:
                    latest[record.name] = record
        return latest

    def versions_by_keys(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], ModelVersionRecord]:
        wanted = set(keys)
        found: dict[tuple[str, int], ModelVersionRecord] = {}
        for chunk in _chunks(sorted({name for name, _ in keys})):
            for version in self._all("search_model_versions", filter_string=in_filter("name", chunk)):
                record = model_version_record(version)
                if (record.name, record.version) in wanted:
                    found[(record.name, record.version)] = record
        return found

    def model_version(self, name: str, version: int) -> ModelVersionRecord | None:
        found = self._get("get_model_version", name, str(version))
        return model_version_record(found) if found else None

    def model_version_by_alias(self, name: str, alias: str) -> ModelVersionRecord | None:
        found = self._get("get_model_version_by_alias", name, alias)
        return model_version_record(found) if found else None

    def download_uri(self, version: ModelVersionRecord) -> str:
        """Where the version's model files are (an artifact URI MLflow can download from)."""
        return str(self._call("get_model_version_download_uri", version.name, str(version.version)))

    def signature(self, version: ModelVersionRecord) -> SignatureRecord | None:
        """Input and output columns from the version's MLmodel file. Versions are immutable: what was read
        is kept (LRU); a download that failed is not, and is tried again next time."""
        key = (version.name, version.version)
        cached = self._signatures.get(key)
        if cached is not None:
            return cached[0]
        try:
            found = self._load_signature(version)
        except Exception:
            log.warning("the MLmodel of %s v%s could not be read", version.name, version.version, exc_info=True)
            return None
        self._signatures.put(key, (found,))
        return found

    def signatures(self, versions: list[ModelVersionRecord]) -> dict[ModelVersionRecord, SignatureRecord | None]:
        """Signatures of several versions, for one loader call (a page of versions: one thread hop)."""
        self.calls["signatures"] += 1
        return {v: self.signature(v) for v in versions}

    def _load_signature(self, version: ModelVersionRecord) -> SignatureRecord | None:
        from mlflow.artifacts import download_artifacts
        from mlflow.models import Model

        self.calls["download_mlmodel"] += 1
        uri = self.download_uri(version)
        with tempfile.TemporaryDirectory() as tmp:
            local = download_artifacts(
                artifact_uri=f"{uri.rstrip('/')}/MLmodel", dst_path=tmp, tracking_uri=self.tracking_uri
            )
            signature = Model.load(local).signature
        if signature is None:
            return None
        return SignatureRecord(inputs=_column_specs(signature.inputs), outputs=_column_specs(signature.outputs))

    # ---- writes -----------------------------------------------------------------------------

    def _write(self, errors_for: Callable[[Exception], list[UserError]], method: str, *args: Any) -> Any:
        from mlflow.exceptions import MlflowException

        try:
            return self._call(method, *args)
        except MlflowException as error:
            mapped = errors_for(error)
            if mapped:
                raise UserErrors(mapped) from error
            raise
        finally:
            self.changed()

    def create_experiment(self, name: str, tags: tuple[tuple[str, str], ...]) -> ExperimentRecord:
        if not name.strip():
            raise UserErrors([user_error(ErrorCode.INVALID_NAME, "an experiment needs a name", "name")])
        if self.experiment_by_name(name) is not None:
            raise UserErrors([user_error(ErrorCode.ALREADY_EXISTS, f"experiment {name!r} already exists", "name")])
        artifact_location = None
        if self.tracking_uri.startswith("sqlite:"):
            # MlflowClient's own SQLite store would put artifacts under ./mlruns of the cwd.
            artifact_location = f"{self.artifact_root.rstrip('/')}/{uuid.uuid4().hex}"

        def errors(error: Exception) -> list[UserError]:
            if _code(error) == "RESOURCE_ALREADY_EXISTS":
                return [user_error(ErrorCode.ALREADY_EXISTS, f"experiment {name!r} already exists", "name")]
            if _code(error) == "INVALID_PARAMETER_VALUE":
                return [user_error(ErrorCode.INVALID_VALUE, str(getattr(error, "message", error)), "name")]
            return []

        experiment_id = self._write(errors, "create_experiment", name, artifact_location, dict(tags) or None)
        created = self.experiment(str(experiment_id))
        assert created is not None
        return created

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> ExperimentRecord:
        experiment = self.experiment(experiment_id)
        if experiment is None:
            raise UserErrors(
                [user_error(ErrorCode.NOT_FOUND, f"experiment {experiment_id!r} does not exist", "experimentId")]
            )
        if not key.strip():
            raise UserErrors([user_error(ErrorCode.INVALID_VALUE, "a tag needs a key", "key")])

        def errors(error: Exception) -> list[UserError]:
            if _code(error) == "INVALID_PARAMETER_VALUE":
                return [user_error(ErrorCode.INVALID_VALUE, str(getattr(error, "message", error)), "key")]
            return []

        self._write(errors, "set_experiment_tag", experiment_id, key, value)
        updated = self.experiment(experiment_id)
        assert updated is not None
        return updated

    def _require_version(self, name: str, version: int) -> ModelVersionRecord:
        if self.registered_model(name) is None:
            raise UserErrors([user_error(ErrorCode.NOT_FOUND, f"model {name!r} does not exist", "model")])
        found = self.model_version(name, version)
        if found is None:
            raise UserErrors([user_error(ErrorCode.NOT_FOUND, f"model {name!r} has no version {version}", "version")])
        return found

    def set_model_alias(self, name: str, alias: str, version: int) -> ModelVersionRecord:
        problems = check_alias(alias)
        if problems:
            raise UserErrors(problems)
        self._require_version(name, version)
        self._write(lambda e: [], "set_registered_model_alias", name, alias, str(version))
        updated = self.model_version(name, version)
        assert updated is not None
        return updated

    def delete_model_alias(self, name: str, alias: str) -> str:
        model = self.registered_model(name)
        if model is None:
            raise UserErrors([user_error(ErrorCode.NOT_FOUND, f"model {name!r} does not exist", "model")])
        if alias not in dict(model.aliases):
            raise UserErrors([user_error(ErrorCode.NOT_FOUND, f"model {name!r} has no alias {alias!r}", "alias")])
        self._write(lambda e: [], "delete_registered_model_alias", name, alias)
        return alias

    def set_model_version_tag(self, name: str, version: int, key: str, value: str) -> ModelVersionRecord:
        self._require_version(name, version)
        if not key.strip():
            raise UserErrors([user_error(ErrorCode.INVALID_VALUE, "a tag needs a key", "key")])

        def errors(error: Exception) -> list[UserError]:
            if _code(error) == "INVALID_PARAMETER_VALUE":
                return [user_error(ErrorCode.INVALID_VALUE, str(getattr(error, "message", error)), "key")]
            return []

        self._write(errors, "set_model_version_tag", name, str(version), key, value)
        updated = self.model_version(name, version)
        assert updated is not None
        return updated

    def update_registered_model(self, name: str, description: str) -> RegisteredModelRecord:
        if self.registered_model(name) is None:
            raise UserErrors([user_error(ErrorCode.NOT_FOUND, f"model {name!r} does not exist", "name")])
        self._write(lambda e: [], "update_registered_model", name, description)
        updated = self.registered_model(name)
        assert updated is not None
        return updated


class JobTracking:
    """What the job runner asks of MLflow: a run per job, then the model it logged, registered."""

    def __init__(self, tracking: MlflowTracking) -> None:
        self.tracking = tracking

    def start_run(self, experiment_name: str, run_name: str, tags: dict[str, str]) -> tuple[str, str]:
        """Create the job's run first (so the script resumes it); returns (experiment id, run id)."""
        t = self.tracking
        experiment = t.experiment_by_name(experiment_name)
        if experiment is None:
            try:
                experiment = t.create_experiment(experiment_name, ())
            except UserErrors:  # another job (or replica) created it first: use theirs
                experiment = t.experiment_by_name(experiment_name)
                if experiment is None:
                    raise
        run = t._call("create_run", experiment.id, run_name=run_name, tags=tags)
        return experiment.id, run.info.run_id

    def end_run(self, run_id: str, status: str) -> None:
        """Close the run with the job's outcome, unless the script already closed it."""
        run = self.tracking.run(run_id)
        if run is not None and run.status in {"RUNNING", "SCHEDULED"}:
            self.tracking._call("set_terminated", run_id, status)

    def register_run_model(
        self, run_id: str, model_name: str, feature_service: str | None = None
    ) -> tuple[int | None, str | None]:
        """(version, warning): the version the script registered itself, or a new version of the model
        the run logged, or a warning when the run logged none."""
        t = self.tracking
        version, warning = self._register(run_id, model_name)
        t.changed()  # the script may have registered versions and moved aliases itself
        if version is not None and feature_service:
            # Lineage, and what predict fetches when a caller gives entity ids alone.
            t._call("set_model_version_tag", model_name, str(version), FEATURE_SERVICE_TAG, feature_service)
        return version, warning

    def _register(self, run_id: str, model_name: str) -> tuple[int | None, str | None]:
        t = self.tracking
        own = [v for v in t.model_versions_by_runs([run_id])[run_id] if v.name == model_name]
        if own:
            return max(v.version for v in own), None
        run = t.run(run_id)
        assert run is not None
        models = t.logged_models_by_runs([run])[run_id]
        if not models:
            return None, f"the run logged no model, so nothing was registered as {model_name!r}"
        model = max(models, key=lambda m: m.creation_time or 0)
        if t.registered_model(model_name) is None:
            from mlflow.exceptions import MlflowException

            try:
                t._call("create_registered_model", model_name)
            except MlflowException as error:
                if _code(error) != "RESOURCE_ALREADY_EXISTS":
                    raise
        # The artifact location, not models:/<id>: MLflow's SQL registry resolves that through the
        # process-global tracking URI, which is not ours.
        version = t._call("create_model_version", model_name, model.artifact_location, run_id=run_id, model_id=model.id)
        return int(version.version), None


def check_alias(alias: str) -> list[UserError]:
    """MLflow's alias rules, checked before MLflow sees the alias."""
    if alias.lower() == "latest":
        return [user_error(ErrorCode.INVALID_NAME, "'latest' is reserved and cannot be an alias", "alias")]
    if not ALIAS_PATTERN.match(alias):
        return [
            user_error(
                ErrorCode.INVALID_NAME,
                f"alias {alias!r} must be 1-255 letters, digits, underscores or dashes",
                "alias",
            )
        ]
    if VERSION_ALIAS.match(alias):
        return [
            user_error(ErrorCode.INVALID_NAME, f"alias {alias!r} looks like a version reference (v<number>)", "alias")
        ]
    return []
