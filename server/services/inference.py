"""Predictions: resolve the model version, fetch online features, order them by the model's
signature, predict. Loaded models are cached by resolved version; what a name or alias resolves to is
cached until this process writes to MLflow, or for the registry cache time (writes from elsewhere)."""

from __future__ import annotations

import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.services.errors import ErrorCode, RequestError, UserErrors, user_error
from server.services.feature_serving import FeatureRef, FeatureServing, entity_columns, json_value, resolve_features
from server.services.mlflow_records import ModelVersionRecord
from server.services.mlflow_tracking import FEATURE_SERVICE_TAG, MlflowTracking
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


RESOLVED_CACHE_SIZE = 256


def _refused(error: RequestError) -> UserErrors:
    """A retrieval problem, as the mutation's user error on the same field."""
    code = ErrorCode.NOT_FOUND if error.code == "NOT_FOUND" else ErrorCode.INVALID_VALUE
    return UserErrors([user_error(code, str(error), *(error.field or "entities").split("."))])


ResolveKey = tuple[str, int | None, str | None]


class Predictor:
    def __init__(
        self,
        mlflow: MlflowTracking,
        serving: FeatureServing,
        cache_dir: Path,
        cache_size: int = 8,
        resolve_ttl: float = 0.0,
    ):
        self.mlflow = mlflow
        self.serving = serving
        self.cache_dir = cache_dir
        self.cache_size = cache_size
        self.resolve_ttl = resolve_ttl
        self._models: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[tuple[str, int], threading.Lock] = {}
        self._resolved: dict[ResolveKey, tuple[ModelVersionRecord, float, int]] = {}

    # ---- model versions and models ----------------------------------------------------------

    def resolve(self, model: str, version: int | None, alias: str | None) -> ModelVersionRecord:
        """The version a request means. A registry read costs milliseconds, more than the prediction:
        an answer is reused until this process writes to MLflow (an alias set through the API, a job
        that registered a model) or, for writes from elsewhere, for `resolve_ttl` seconds."""
        key = (model, version, alias)
        now = time.monotonic()
        cached = self._resolved.get(key)
        if cached is not None and cached[2] == self.mlflow.generation and now - cached[1] <= self.resolve_ttl:
            return cached[0]
        generation = self.mlflow.generation
        found = self._resolve(model, version, alias)
        if len(self._resolved) >= RESOLVED_CACHE_SIZE:
            self._resolved.clear()
        self._resolved[key] = (found, now, generation)
        return found

    def _resolve(self, model: str, version: int | None, alias: str | None) -> ModelVersionRecord:
        """One registry read when the version is found; saying what is missing costs a second."""
        if version is not None and alias is not None:
            raise UserErrors([user_error(ErrorCode.INVALID_VALUE, "give version or alias, not both", "version")])
        if version is not None:
            found = self.mlflow.model_version(model, version)
            missing = user_error(ErrorCode.NOT_FOUND, f"model {model!r} has no version {version}", "version")
        elif alias is not None:
            found = self.mlflow.model_version_by_alias(model, alias)
            missing = user_error(ErrorCode.NOT_FOUND, f"model {model!r} has no alias {alias!r}", "alias")
        else:
            found = next(iter(self.mlflow.model_versions(model, 1, None).items), None)  # newest first
            missing = user_error(ErrorCode.NOT_FOUND, f"model {model!r} has no versions", "model")
        if found is not None:
            return found
        if self.mlflow.registered_model(model) is None:
            raise UserErrors([user_error(ErrorCode.NOT_FOUND, f"model {model!r} does not exist", "model")])
        raise UserErrors([missing])

    def load(self, version: ModelVersionRecord) -> Any:
        key = (version.name, version.version)
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:  # one load per version, however many requests ask at once
            with self._lock:
                if key in self._models:
                    return self._models[key]
            model = self._load(version)
            with self._lock:
                self._models[key] = model
                while len(self._models) > self.cache_size:
                    self._models.popitem(last=False)
                self._loading.pop(key, None)
            return model

    def _load(self, version: ModelVersionRecord) -> Any:
        from mlflow.artifacts import download_artifacts
        from mlflow.pyfunc import load_model

        target = self.cache_dir / _safe(version.name) / str(version.version)
        if not (target / "MLmodel").exists():
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
        return load_model(str(target))

    # ---- predictions ------------------------------------------------------------------------

    def predict(self, snap: RegistrySnapshot, request: PredictRequest) -> PredictionRecord:
        version = self.resolve(request.model, request.version, request.alias)
        model = self.load(version)
        schema = model.metadata.get_input_schema()
        inputs: list[str] | None = schema.input_names() if schema is not None and schema.has_input_names() else None
        frame = self._frame(snap, request, version, inputs)
        if inputs is None:
            inputs = list(frame.columns)
        required = {
            spec.name for spec in (schema.inputs if schema is not None else []) if getattr(spec, "required", True)
        }
        absent = [name for name in inputs if name not in frame.columns]
        if [name for name in absent if name in required or not required]:
            raise UserErrors(
                [
                    user_error(
                        ErrorCode.INVALID_VALUE,
                        f"the model needs {', '.join(absent)}, which the request does not supply",
                        "features",
                    )
                ]
            )
        ordered = frame[[name for name in inputs if name in frame.columns]]
        incomplete = ordered.isna().any(axis=1)
        missing = [name for name in ordered.columns if ordered[name].isna().any()]
        predictions: list[Any] = [None] * len(ordered)
        complete = _as_signature(ordered[~incomplete], schema)
        if len(complete):
            from mlflow.exceptions import MlflowException

            try:
                output = model.predict(complete)
            except MlflowException as error:  # the input does not fit the model's schema
                raise UserErrors([user_error(ErrorCode.INVALID_VALUE, error.message[:500], "rows")]) from error
            values = _rows(output)
            for position, value in zip([i for i, bad in enumerate(incomplete) if not bad], values, strict=True):
                predictions[position] = json_value(value)
        return PredictionRecord(predictions=predictions, version=version, missing_features=missing)

    def _frame(
        self, snap: RegistrySnapshot, request: PredictRequest, version: ModelVersionRecord, inputs: list[str] | None
    ) -> Any:
        import pandas as pd

        if request.entities is None and request.rows is None:
            raise UserErrors([user_error(ErrorCode.INVALID_VALUE, "give entities (or rows of features)", "entities")])
        frames = []
        try:
            if request.entities is not None:
                refs = self._features_for(snap, request, version, inputs)
                table = self.serving.online(snap, refs, request.entities, full_names=False)
                names = [c.name for c in table.columns]
                if len(set(names)) != len(names):
                    raise RequestError("two feature views give features of the same name", field="features")
                frames.append(pd.DataFrame(table.rows, columns=names))
            if request.rows is not None:
                frames.append(pd.DataFrame(entity_columns(request.rows, field="rows")))
        except RequestError as error:
            raise _refused(error) from error
        if len(frames) == 2 and len(frames[0]) != len(frames[1]):
            raise UserErrors([user_error(ErrorCode.INVALID_VALUE, "rows and entities differ in length", "rows")])
        frame = pd.concat(frames, axis=1) if len(frames) == 2 else frames[0]
        return frame.loc[:, ~frame.columns.duplicated(keep="last")]

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
        keys = set(entity_columns(request.entities))
        refs: list[FeatureRef] = []
        for name in inputs or []:
            if name in keys:
                continue
            ref = _find_online_feature(snap, name, keys)
            if ref is not None:
                refs.append(ref)
        if not refs:
            raise RequestError(
                "name features or a featureService: no online feature matches the model's inputs", field="features"
            )
        return refs


def _find_online_feature(snap: RegistrySnapshot, name: str, keys: set[str]) -> FeatureRef | None:
    for view in sorted(snap.views.values(), key=lambda v: v.name):
        joins = {snap.entities[e].join_key for e in view.entities if e in snap.entities}
        if view.online and joins <= keys and any(f.name == name for f in view.features):
            return FeatureRef(view.name, name)
    return None


def _as_signature(frame: Any, schema: Any) -> Any:
    """Widen columns to the signature's types (Feast gives int64 where a model was fit on doubles;
    MLflow refuses to convert that by itself)."""
    if schema is None or not schema.has_input_names():
        return frame
    widened = frame.copy()
    for spec in schema.inputs:
        if spec.name not in widened.columns:
            continue
        try:
            target = spec.type.to_numpy()
        except Exception:
            continue
        if widened[spec.name].dtype != target and target.kind == "f" and widened[spec.name].dtype.kind in "iuO":
            widened[spec.name] = widened[spec.name].astype(target)
    return widened


def _rows(output: Any) -> list[Any]:
    if hasattr(output, "to_dict") and hasattr(output, "columns"):
        if len(output.columns) == 1:
            return list(output.iloc[:, 0])
        return output.to_dict(orient="records")
    if hasattr(output, "tolist"):
        return list(output.tolist())
    return list(output)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
