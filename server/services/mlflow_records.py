"""Plain records of MLflow's tracking store and model registry (no MLflow objects leak out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from server.services.registry_records import Tags

T = TypeVar("T")
# On a model version: the feature service it was trained on (lineage; what predict fetches by default).
FEATURE_SERVICE_TAG = "asgard.feature_service"
# Whose jobs may add versions to a registered model: the owner key (server.auth.roles.Principal.owner_key)
# of the submitter whose job created it. A model without it (made before, or outside Asgard) is open.
OWNER_TAG = "asgard.owner"


def another_owners_model(name: str) -> str:
    """Why a version of `name` is not added for this caller (submission and registration say the same)."""
    return f"{name!r} is another trainer's model: only its owner's jobs add versions to it"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of an MLflow search and the token of the next one (None at the end)."""

    items: list[T]
    next_token: str | None


@dataclass(frozen=True)
class ExperimentRecord:
    id: str
    name: str
    lifecycle_stage: str
    artifact_location: str
    tags: Tags
    creation_time: int | None
    last_update_time: int | None


@dataclass(frozen=True)
class MetricRecord:
    key: str
    value: float
    timestamp: int
    step: int


@dataclass(frozen=True)
class DatasetRecord:
    name: str
    digest: str
    source_type: str
    context: str | None


@dataclass(frozen=True)
class RunRecord:
    id: str
    name: str
    experiment_id: str
    status: str
    lifecycle_stage: str
    user_id: str
    start_time: int | None
    end_time: int | None
    params: Tags
    metrics: tuple[MetricRecord, ...]
    tags: Tags
    datasets: tuple[DatasetRecord, ...] = ()


@dataclass(frozen=True)
class ArtifactRecord:
    path: str
    is_dir: bool
    size: int | None


@dataclass(frozen=True)
class LoggedModelRecord:
    id: str
    name: str
    experiment_id: str
    run_id: str | None
    status: str
    model_type: str | None
    creation_time: int | None
    tags: Tags
    artifact_location: str = ""


@dataclass(frozen=True)
class RegisteredModelRecord:
    name: str
    description: str
    tags: Tags
    aliases: tuple[tuple[str, int], ...]
    creation_time: int | None
    last_updated_time: int | None


@dataclass(frozen=True)
class ModelVersionRecord:
    name: str
    version: int
    status: str
    run_id: str | None
    model_id: str | None
    description: str
    aliases: tuple[str, ...]
    tags: Tags
    creation_time: int | None
    last_updated_time: int | None


@dataclass(frozen=True)
class SignatureColumnRecord:
    name: str | None
    type: str
    required: bool = True


@dataclass(frozen=True)
class SignatureRecord:
    inputs: tuple[SignatureColumnRecord, ...]
    outputs: tuple[SignatureColumnRecord, ...]
