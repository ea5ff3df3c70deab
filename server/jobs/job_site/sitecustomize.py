"""Run at the start of every training job (the runner puts this directory on PYTHONPATH).

- Feast's import without typeguard's instrumentation, as the server has it (server/feast_import.py): ~5 s
  less per job that opens a FeatureStore. Loaded by path: a job's own environment may not see the server's
  package.
- skops given scikit-learn's estimator names from the server's kept list (server/sklearn_estimators.py): ~0.5 s
  less per job that logs a scikit-learn model, and again in MLflow's requirements inference after it.
- Feast's DuckDB point-in-time join as the server makes it (server/services/point_in_time.py, DuckDB's ASOF
  join): a job's training frame has the rows the server's historicalFeatures gives for the same entities, in
  a fraction of Feast's time, and a TTL of a day and some seconds works (Feast's own join refuses it).
- Lineage: the features the script retrieves through Feast (get_historical_features, get_online_features)
  are appended, one JSON line per retrieval, to ASGARD_LINEAGE_FILE; the runner records them on the job's
  MLflow run when the job ends (server/jobs/lineage_file.py). Lineage changes nothing Feast answers.

The server's modules are loaded by path: a job's own environment may not see the server's package.
"""

import contextlib
import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any


def _server_module(name: str, relative: str) -> ModuleType | None:
    """A module of the server's package (`relative` to it), loaded by path; None where it is not there."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[2] / relative)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except OSError:
        return None
    return module


_import_hooks = _server_module("_asgard_import_hooks", "import_hooks.py")
if _import_hooks is not None:
    _feast_import = _server_module("_asgard_feast_import", "feast_import.py")
    if _feast_import is not None:
        _feast_import.skip_feast_instrumentation(_import_hooks.after_import)
    _sklearn_estimators = _server_module("_asgard_sklearn_estimators", "sklearn_estimators.py")
    if _sklearn_estimators is not None:
        _sklearn_estimators.give_skops_the_known_estimators(_import_hooks.around_import)


def _refs(features: Any) -> tuple[str | None, list[str]]:
    """(feature service name or None, ["view:feature", ...]) of what a retrieval was asked for."""
    if isinstance(features, (list, tuple)):
        return None, [str(f) for f in features]
    projections = getattr(features, "feature_view_projections", None)
    if projections is None:
        return None, []
    refs = []
    for projection in projections:
        view = projection.name_to_use() if hasattr(projection, "name_to_use") else projection.name
        refs += [f"{view}:{feature.name}" for feature in projection.features]
    return getattr(features, "name", None), refs


MAX_PROFILED = 200  # features profiled per retrieval


def _append(entry: dict[str, Any]) -> None:
    path = os.environ.get("ASGARD_LINEAGE_FILE")
    if path and entry.get("features"):
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")


def _profile_frames(job: Any, refs: list[str], full_names: bool) -> None:
    """Profile the training frame when the script reads it (to_df), for drift (ModelVersion.featureDrift)."""
    original = getattr(job, "to_df", None)
    if original is None:
        return

    def to_df(*args: Any, **kwargs: Any) -> Any:
        frame = original(*args, **kwargs)
        try:
            import _asgard_profile
            from pandas.api.types import is_numeric_dtype

            profiles = {}
            for ref in refs[:MAX_PROFILED]:
                column = ref.replace(":", "__") if full_names else ref.split(":", 1)[1]
                if column in frame.columns and is_numeric_dtype(frame[column]):
                    found = _asgard_profile.profile(frame[column].astype("float64").to_numpy())
                    if found is not None:
                        profiles[ref] = found
            _append({"kind": "profile", "features": profiles})
        except Exception:  # a profile must never break a retrieval
            pass
        return frame

    with contextlib.suppress(Exception):  # a retrieval job that takes no attribute: no profile
        job.to_df = to_df


def _recording(method: Callable[..., Any], kind: str) -> Callable[..., Any]:
    def retrieve(self: Any, *args: Any, **kwargs: Any) -> Any:
        features = kwargs.get("features")
        if features is None and kind == "historical" and len(args) >= 2:
            features = args[1]
        elif features is None and kind == "online" and args:
            features = args[0]
        service: str | None = None
        refs: list[str] = []
        try:
            service, refs = _refs(features)
            _append({"kind": kind, "feature_service": service, "features": refs})
        except Exception:  # lineage must never break a retrieval
            pass
        result = method(self, *args, **kwargs)
        if kind == "historical" and refs:
            _profile_frames(result, refs, bool(kwargs.get("full_feature_names", False)))
        return result

    retrieve.__wrapped__ = method  # type: ignore[attr-defined]
    return retrieve


def _record_retrievals(module: ModuleType) -> None:
    store = getattr(module, "FeatureStore", None)
    if store is not None:
        store.get_historical_features = _recording(store.get_historical_features, "historical")
        store.get_online_features = _recording(store.get_online_features, "online")


def _asof_join(module: ModuleType) -> None:
    if _point_in_time is not None and hasattr(module, "point_in_time_join"):
        _point_in_time.install()


_point_in_time = _server_module("_asgard_point_in_time", "services/point_in_time.py")
if _import_hooks is not None:
    _import_hooks.after_import("feast.infra.offline_stores.ibis", _asof_join)
    if os.environ.get("ASGARD_LINEAGE_FILE"):
        _import_hooks.after_import("feast.feature_store", _record_retrievals)
