"""MLflow's entities as Asgard's records: what the tracking reads hand to the layers above.

MLflow's entities differ between its stores and versions in which attributes they carry (aliases,
model ids, dataset inputs), so the mappers read the optional ones with defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.services.mlflow_records import (
    ArtifactRecord,
    DatasetRecord,
    ExperimentRecord,
    LoggedModelRecord,
    MetricRecord,
    ModelVersionRecord,
    RegisteredModelRecord,
    RunRecord,
    SignatureColumnRecord,
    SignatureRecord,
)
from server.services.registry_records import tags_of


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
        metrics=tuple(sorted(map(metric_record, metrics), key=lambda m: m.key)),
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


def _column_specs(schema: Any) -> tuple[SignatureColumnRecord, ...]:
    if schema is None:
        return ()
    specs = []
    for entry in schema.to_dict():
        kind = entry.get("type")
        if kind == "tensor":
            kind = f"tensor<{entry.get('tensor-spec', {}).get('dtype', '?')}>"
        specs.append(
            SignatureColumnRecord(name=entry.get("name"), type=str(kind), required=entry.get("required", True))
        )
    return tuple(specs)


def metric_record(m: Any) -> MetricRecord:
    return MetricRecord(m.key, m.value, m.timestamp, m.step)


def artifact_record(f: Any) -> ArtifactRecord:
    return ArtifactRecord(path=f.path, is_dir=f.is_dir, size=f.file_size)


def signature_record(signature: Any) -> SignatureRecord:
    return SignatureRecord(inputs=_column_specs(signature.inputs), outputs=_column_specs(signature.outputs))
