"""Feature drift of a model version: the profile its training job recorded of the features it read
(server/jobs/job_site/_asgard_profile.py, an artifact of the run) against a bounded sample of the gold
tables' newest data. Per feature: the population stability index over the profile's bins and the
Kolmogorov-Smirnov distance at its quantiles; a feature has drifted when its index reaches the threshold
(0.2 by default: the usual mark of a significant shift)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from server.jobs.lineage_file import MAX_BYTES, PROFILE_ARTIFACT, is_profile
from server.services.errors import RequestError
from server.services.gold_catalog import GoldCatalog
from server.services.mlflow_records import ModelVersionRecord
from server.services.mlflow_tracking import MlflowTracking
from server.services.registry_records import RegistrySnapshot

SAMPLE_ROWS = 100_000  # rows of each table compared, at most
DEFAULT_WINDOW = 7 * 86400
DEFAULT_THRESHOLD = 0.2
MAX_WINDOW = 10 * 365 * 86400


@dataclass(frozen=True)
class FeatureDriftRecord:
    feature: str  # view:feature
    psi: float | None  # None: no current values, or none at training
    ks: float | None
    drifted: bool | None
    training_count: int
    current_count: int


def check_drift_arguments(window: int, threshold: float) -> None:
    if not 1 <= window <= MAX_WINDOW:
        raise RequestError(f"window must be between 1 and {MAX_WINDOW} seconds", field="window")
    if not threshold > 0:
        raise RequestError("psiThreshold must be more than 0", field="psiThreshold")


class Drift:
    def __init__(self, mlflow: MlflowTracking, gold: GoldCatalog) -> None:
        self.mlflow = mlflow
        self.gold = gold

    def of_versions(
        self, keys: list[tuple[ModelVersionRecord, int, float]], snap: RegistrySnapshot
    ) -> dict[tuple[ModelVersionRecord, int, float], list[FeatureDriftRecord] | None]:
        """Per (version, window in seconds, threshold): the drift of each profiled feature; None for a version
        whose run recorded no profile."""
        return {key: self._of_version(*key, snap) for key in keys}

    def _of_version(
        self, version: ModelVersionRecord, window: int, threshold: float, snap: RegistrySnapshot
    ) -> list[FeatureDriftRecord] | None:
        # the run's artifacts are its trainer's to write: read as the runner reads the job's file
        found = self.mlflow.run_json(version.run_id, PROFILE_ARTIFACT, MAX_BYTES) if version.run_id else None
        if not isinstance(found, dict):
            return None
        recorded = {ref: p for ref, p in found.items() if isinstance(ref, str) and ":" in ref and is_profile(p)}
        by_view: dict[str, list[str]] = {}
        for ref in sorted(recorded):
            name, _, feature = ref.partition(":")
            by_view.setdefault(name, []).append(feature)
        out: list[FeatureDriftRecord] = []
        for view_name, features in by_view.items():
            view = snap.views.get(view_name)
            rows = None
            if view is not None:
                rows = self.gold.recent_rows(
                    view.source.table, features, view.source.timestamp_field, timedelta(seconds=window), SAMPLE_ROWS
                )
            for feature in features:
                trained = recorded[f"{view_name}:{feature}"]
                current = (
                    rows.column(feature).to_numpy(zero_copy_only=False)
                    if rows is not None and feature in rows.column_names
                    else None
                )
                out.append(_drift(f"{view_name}:{feature}", trained, current, threshold))
        return out


def _drift(ref: str, trained: dict[str, Any], current: Any, threshold: float) -> FeatureDriftRecord:
    import numpy as np

    from server.jobs.job_site import _asgard_profile as profiles

    count = int(trained.get("count", 0))
    if current is None:
        return FeatureDriftRecord(ref, None, None, None, count, 0)
    values = np.asarray(current, dtype="float64")
    psi = profiles.stability_index(trained, values)
    ks = profiles.ks_statistic(trained, values)
    return FeatureDriftRecord(ref, psi, ks, psi >= threshold if psi is not None else None, count, int(values.size))
