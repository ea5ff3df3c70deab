"""Reads of MLflow's tracking store and model registry, as records, batched for the loaders."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from server.config import Settings
from server.lru import LRU
from server.services.errors import RequestError
from server.services.mlflow_client import PAGE, TrackingClient, chunks, in_filter, page_token, quote
from server.services.mlflow_mapping import (
    artifact_record,
    experiment_record,
    logged_model_record,
    metric_record,
    model_version_record,
    registered_model_record,
    run_record,
    signature_record,
)
from server.services.mlflow_records import (
    ArtifactRecord,
    ExperimentRecord,
    LoggedModelRecord,
    MetricRecord,
    ModelVersionRecord,
    Page,
    RegisteredModelRecord,
    RunRecord,
    SignatureRecord,
)

if TYPE_CHECKING:
    from mlflow.entities import Experiment
    from mlflow.store.tracking.abstract_store import AbstractStore
    from mlflow.tracking import MlflowClient

VIEW_TYPES = {"ACTIVE_ONLY": 1, "DELETED_ONLY": 2, "ALL": 3}
SIGNATURE_CACHE_SIZE = 1024

log = logging.getLogger(__name__)


MAX_EXPERIMENT_ID = 2**63 - 1


def is_experiment_id(text: str) -> bool:
    """Whether `text` is an id an MLflow experiment can have: a canonical decimal int64 ("0" is Default's)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return False
    return str(int(text)) == text and int(text) <= MAX_EXPERIMENT_ID


@dataclass(frozen=True)
class TrackingCounts:
    registered_models: int
    active_experiments: int


def safe_artifact_path(path: str | None) -> str | None:
    """A relative path inside the run's artifact root, or a RequestError."""
    if path in (None, "", "."):
        return None
    assert path is not None
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\")) or "\x00" in path or ":" in path or ".." in parts:
        raise RequestError("path must be relative to the run's artifact root, without '..'", field="path")
    return "/".join(p for p in parts if p not in ("", "."))


class MlflowTracking:
    """The tracking store behind the API (embedded SQLite by default, or a remote server)."""

    def __init__(self, settings: Settings) -> None:
        self.mlflow = TrackingClient(settings.mlflow_tracking_uri, settings.mlflow_artifact_root, settings.cache_dir)
        self.tracking_uri = settings.mlflow_tracking_uri
        self.artifact_root = settings.mlflow_artifact_root
        self._public = settings.public
        self._signatures: LRU[tuple[str, int], tuple[SignatureRecord | None]] = LRU(SIGNATURE_CACHE_SIZE)
        self._json: LRU[tuple[str, str], tuple[Any]] = LRU(SIGNATURE_CACHE_SIZE)
        # Moves on every write made through this process, so caches of registry reads see their own writes.
        self.generation = 0
        self.listeners: list[Callable[[], None]] = []  # told of every such write (change events)

    @property
    def calls(self) -> dict[str, int]:
        return self.mlflow.calls

    def changed(self) -> None:
        self.generation += 1
        for listener in self.listeners:
            listener()

    def client(self) -> MlflowClient:
        return self.mlflow.client()

    def store(self) -> AbstractStore:
        return self.mlflow.store()

    def _experiment(self, e: Experiment) -> ExperimentRecord:
        return experiment_record(e, self._public)

    def ping(self) -> bool:
        self.mlflow.call(self.client().search_experiments, max_results=1)
        return True

    def counts(self) -> TrackingCounts:
        client = self.client()
        return TrackingCounts(
            registered_models=len(self.mlflow.every(client.search_registered_models, max_results=PAGE)),
            active_experiments=len(self.mlflow.every(client.search_experiments, max_results=PAGE)),
        )

    # ---- experiments ------------------------------------------------------------------------

    def search_experiments(
        self, filter: str | None, order_by: list[str] | None, view: str, max_results: int, token: str | None
    ) -> Page[ExperimentRecord]:
        page = self.mlflow.search(
            "filter",
            self.client().search_experiments,
            view_type=VIEW_TYPES[view],
            max_results=max_results,
            filter_string=filter,
            order_by=order_by,
            page_token=token,
        )
        return Page([self._experiment(e) for e in page], page_token(page.token))

    def experiment(self, experiment_id: str) -> ExperimentRecord | None:
        if not is_experiment_id(experiment_id):  # names none (its SQL store would overflow, or find "1" for "01")
            return None
        found = self.mlflow.lookup(self.client().get_experiment, experiment_id)
        return self._experiment(found) if found else None

    def experiment_by_name(self, name: str) -> ExperimentRecord | None:
        found = self.mlflow.lookup(self.client().get_experiment_by_name, name)
        return self._experiment(found) if found else None

    def experiments_by_ids(self, ids: list[str]) -> dict[str, ExperimentRecord]:
        if len(ids) == 1:
            found = self.experiment(ids[0])
            return {found.id: found} if found else {}
        everything = self.mlflow.every(self.client().search_experiments, view_type=VIEW_TYPES["ALL"], max_results=PAGE)
        wanted = {i for i in ids if is_experiment_id(i)}
        return {r.id: r for r in map(self._experiment, everything) if r.id in wanted}

    def active_experiment_ids(self) -> list[str]:
        return [str(e.experiment_id) for e in self.mlflow.every(self.client().search_experiments, max_results=PAGE)]

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
        ids = [i for i in ids if is_experiment_id(i)]  # an id no experiment can have matches no run
        if not ids:
            return Page([], None)
        page = self.mlflow.search(
            "filter",
            self.client().search_runs,
            experiment_ids=ids,
            filter_string=filter or "",
            run_view_type=VIEW_TYPES[view],
            max_results=max_results,
            order_by=order_by,
            page_token=token,
        )
        return Page([run_record(r) for r in page], page_token(page.token))

    def run(self, run_id: str) -> RunRecord | None:
        found = self.mlflow.lookup(self.client().get_run, run_id)
        return run_record(found) if found else None

    def runs_by_ids(self, ids: list[str]) -> dict[str, RunRecord]:
        if len(ids) == 1:
            found = self.run(ids[0])
            return {found.id: found} if found else {}
        client = self.client()
        experiments = [
            str(e.experiment_id)
            for e in self.mlflow.every(client.search_experiments, view_type=VIEW_TYPES["ALL"], max_results=PAGE)
        ]
        runs: dict[str, RunRecord] = {}
        for chunk in chunks(ids):
            page = self.mlflow.call(
                client.search_runs,
                experiment_ids=experiments,
                filter_string=in_filter("attributes.run_id", chunk),
                run_view_type=VIEW_TYPES["ALL"],
                max_results=len(chunk),
            )
            runs.update((r.id, r) for r in map(run_record, page))
        return runs

    def metric_histories(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[MetricRecord]]:
        """Histories of several (run, metric) pairs, for one loader call."""
        return {key: self.metric_history(*key) for key in keys}

    def metric_history(self, run_id: str, key: str) -> list[MetricRecord]:
        history = self.mlflow.call(self.client().get_metric_history, run_id, key)
        return sorted(map(metric_record, history), key=lambda m: (m.step, m.timestamp))

    def artifacts_of(self, keys: list[tuple[str, str | None]]) -> dict[tuple[str, str | None], list[ArtifactRecord]]:
        """Artifacts of several (run, path) pairs, for one loader call (one listing per run: MLflow has no
        batch listing)."""
        self.mlflow.count("artifacts_of")
        return {key: self.artifacts(*key) for key in keys}

    def artifacts(self, run_id: str, path: str | None) -> list[ArtifactRecord]:
        files = self.mlflow.call(self.client().list_artifacts, run_id, safe_artifact_path(path))
        return [artifact_record(f) for f in files]

    def logged_models_by_runs(self, runs: list[RunRecord]) -> dict[str, list[LoggedModelRecord]]:
        by_run: dict[str, list[LoggedModelRecord]] = {r.id: [] for r in runs}
        experiments = sorted({r.experiment_id for r in runs})
        for chunk in chunks([r.id for r in runs]):
            found = self.mlflow.every(
                self.client().search_logged_models,
                experiment_ids=experiments,
                filter_string=in_filter("source_run_id", chunk),
                max_results=PAGE,
            )
            for model in map(logged_model_record, found):
                if model.run_id in by_run:
                    by_run[model.run_id].append(model)
        return by_run

    def model_versions_by_runs(self, run_ids: list[str]) -> dict[str, list[ModelVersionRecord]]:
        by_run: dict[str, list[ModelVersionRecord]] = {r: [] for r in run_ids}
        for chunk in chunks(run_ids):
            for version in self.mlflow.every(
                self.client().search_model_versions, filter_string=in_filter("run_id", chunk)
            ):
                record = model_version_record(version)
                if record.run_id in by_run:
                    by_run[record.run_id].append(record)
        return by_run

    # ---- registered models ------------------------------------------------------------------

    def search_registered_models(
        self, filter: str | None, order_by: list[str] | None, max_results: int, token: str | None
    ) -> Page[RegisteredModelRecord]:
        page = self.mlflow.search(
            "filter",
            self.client().search_registered_models,
            filter_string=filter,
            order_by=order_by,
            max_results=max_results,
            page_token=token,
        )
        return Page([registered_model_record(m) for m in page], page_token(page.token))

    def registered_model(self, name: str) -> RegisteredModelRecord | None:
        found = self.mlflow.lookup(self.client().get_registered_model, name)
        return registered_model_record(found) if found else None

    def model_versions(self, name: str, max_results: int, token: str | None) -> Page[ModelVersionRecord]:
        page = self.mlflow.call(
            self.client().search_model_versions,
            filter_string=f"name = {quote(name)}",
            order_by=["version_number DESC"],
            max_results=max_results,
            page_token=token,
        )
        versions = [model_version_record(v) for v in page]
        return Page(_with_aliases(versions, self._models_named({name})), page_token(page.token))

    def all_model_versions(self, at_most: int) -> list[ModelVersionRecord]:
        """Every registered model version, up to `at_most` of them (the lineage index)."""
        client = self.client()
        found: list[ModelVersionRecord] = []
        token = None
        while len(found) < at_most:
            page = self.mlflow.call(
                client.search_model_versions, max_results=min(PAGE, at_most - len(found)), page_token=token
            )
            found += [model_version_record(v) for v in page]
            token = page.token
            if not token:
                break
        models = self.mlflow.every(client.search_registered_models, max_results=PAGE)
        return _with_aliases(found, [registered_model_record(m) for m in models])

    def _versions_of(self, names: list[str]) -> list[ModelVersionRecord]:
        search = self.client().search_model_versions
        found = [
            model_version_record(version)
            for chunk in chunks(sorted(set(names)))
            for version in self.mlflow.every(search, filter_string=in_filter("name", chunk))
        ]
        return _with_aliases(found, self._models_named({v.name for v in found}))

    def _models_named(self, names: set[str]) -> list[RegisteredModelRecord]:
        """The registered models of these names (their aliases: MLflow's version search leaves them out)."""
        return [m for m in (self.registered_model(n) for n in sorted(names)) if m is not None]

    def latest_versions(self, names: list[str]) -> dict[str, ModelVersionRecord]:
        latest: dict[str, ModelVersionRecord] = {}
        for record in self._versions_of(names):
            if record.name not in latest or record.version > latest[record.name].version:
                latest[record.name] = record
        return latest

    def versions_by_keys(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], ModelVersionRecord]:
        wanted = set(keys)
        versions = self._versions_of([name for name, _ in keys])
        return {(v.name, v.version): v for v in versions if (v.name, v.version) in wanted}

    def model_version(self, name: str, version: int) -> ModelVersionRecord | None:
        found = self.mlflow.lookup(self.client().get_model_version, name, str(version))
        return model_version_record(found) if found else None

    def model_version_by_alias(self, name: str, alias: str) -> ModelVersionRecord | None:
        found = self.mlflow.lookup(self.client().get_model_version_by_alias, name, alias)
        return model_version_record(found) if found else None

    def download_uri(self, version: ModelVersionRecord) -> str:
        """Where the version's model files are (an artifact URI MLflow can download from)."""
        return str(self.mlflow.call(self.client().get_model_version_download_uri, version.name, str(version.version)))

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
        self.mlflow.count("signatures")
        return {v: self.signature(v) for v in versions}

    def run_json(self, run_id: str, path: str, max_bytes: int) -> Any:
        """A run's JSON artifact at `path`, or None when it has none or it is larger than `max_bytes`; kept
        once read (artifacts are written once, when the run's job ends)."""
        key = (run_id, path)
        cached = self._json.get(key)
        if cached is not None:
            return cached[0]
        import json

        from mlflow.artifacts import download_artifacts

        self.mlflow.count("download_json")
        with tempfile.TemporaryDirectory() as tmp:
            try:
                local = download_artifacts(
                    run_id=run_id, artifact_path=path, dst_path=tmp, tracking_uri=self.tracking_uri
                )
                if os.path.getsize(local) > max_bytes:
                    log.warning("%s of run %s is larger than %d bytes: not read", path, run_id, max_bytes)
                    return None
                with open(local, encoding="utf-8") as source:
                    found = json.load(source)
            except Exception:  # no such artifact (or none readable): nothing recorded
                log.info("run %s has no readable %s", run_id, path)
                return None
        self._json.put(key, (found,))
        return found

    def _load_signature(self, version: ModelVersionRecord) -> SignatureRecord | None:
        from mlflow.artifacts import download_artifacts
        from mlflow.models import Model

        self.mlflow.count("download_mlmodel")
        uri = self.download_uri(version)
        with tempfile.TemporaryDirectory() as tmp:
            local = download_artifacts(
                artifact_uri=f"{uri.rstrip('/')}/MLmodel", dst_path=tmp, tracking_uri=self.tracking_uri
            )
            signature = Model.load(local).signature
        return signature_record(signature) if signature is not None else None


def _with_aliases(versions: list[ModelVersionRecord], models: list[RegisteredModelRecord]) -> list[ModelVersionRecord]:
    """Versions with the aliases their registered models point at them (a search of versions has none)."""
    held: dict[tuple[str, int], list[str]] = {}
    for model in models:
        for alias, number in model.aliases:
            held.setdefault((model.name, number), []).append(alias)
    return [replace(v, aliases=tuple(sorted(held.get((v.name, v.version), v.aliases)))) for v in versions]
