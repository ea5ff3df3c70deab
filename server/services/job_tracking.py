"""What the job runner asks of MLflow: a run per job, then the model it logged, registered."""

from __future__ import annotations

from server.auth.roles import LOCAL_ADMIN
from server.services.errors import InputErrors
from server.services.mlflow_client import error_code
from server.services.mlflow_records import (
    FEATURE_SERVICE_TAG,
    OWNER_TAG,
    RegisteredModelRecord,
    another_owners_model,
)
from server.services.mlflow_tracking import MlflowTracking
from server.services.mlflow_writes import MlflowWrites


class JobTracking:
    """The runs and model versions of training jobs."""

    def __init__(self, tracking: MlflowTracking, writes: MlflowWrites) -> None:
        self.tracking = tracking
        self.writes = writes

    def start_run(self, experiment_name: str, run_name: str, tags: dict[str, str]) -> tuple[str, str]:
        """Create the job's run first (so the script resumes it); returns (experiment id, run id)."""
        t = self.tracking
        experiment = t.experiment_by_name(experiment_name)
        if experiment is None:
            try:
                experiment = self.writes.create_experiment(experiment_name, ())
            except InputErrors:  # another job (or replica) created it first: use theirs
                experiment = t.experiment_by_name(experiment_name)
                if experiment is None:
                    raise
        run = t.mlflow.call(t.client().create_run, experiment.id, run_name=run_name, tags=tags)
        return experiment.id, run.info.run_id

    def set_run_tags(self, run_id: str, tags: dict[str, str]) -> None:
        from mlflow.entities import RunTag

        t = self.tracking
        t.mlflow.call(t.client().log_batch, run_id, tags=[RunTag(k, v) for k, v in tags.items()])
        t.changed()

    def log_json(self, run_id: str, path: str, content: object) -> None:
        """A JSON artifact of the run at `path` (e.g. asgard/feature_profile.json)."""
        import json
        import tempfile
        from pathlib import Path

        folder, _, name = path.rpartition("/")
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(tmp) / name
            local.write_text(json.dumps(content))
            t = self.tracking
            t.mlflow.call(t.client().log_artifact, run_id, str(local), folder or None)

    def end_run(self, run_id: str, status: str) -> None:
        """Close the run with the job's outcome, unless the script already closed it."""
        t = self.tracking
        run = t.run(run_id)
        if run is not None and run.status in {"RUNNING", "SCHEDULED"}:
            t.mlflow.call(t.client().set_terminated, run_id, status)

    def model_owner(self, model_name: str) -> str | None:
        """The owner key of the registered model (OWNER_TAG), or None: no such model, or an open one."""
        return _owner(self.tracking.registered_model(model_name))

    def register_run_model(
        self, run_id: str, model_name: str, feature_service: str | None = None, owner: str | None = None
    ) -> tuple[int | None, str | None]:
        """(version, warning): the version the script registered itself, or a new version of the model
        the run logged, or a warning when the run logged none or the model is another owner's (a model a
        job creates is its submitter's, `owner`: only their jobs add versions to it)."""
        t = self.tracking
        registered = t.registered_model(model_name)
        if _owner(registered) not in (None, owner):
            return None, another_owners_model(model_name)
        version, warning = self._register(run_id, model_name, owner, exists=registered is not None)
        t.changed()  # the script may have registered versions and moved aliases itself
        if version is not None and feature_service:
            # Lineage, and what predict fetches when a caller gives entity ids alone.
            t.mlflow.call(
                t.client().set_model_version_tag, model_name, str(version), FEATURE_SERVICE_TAG, feature_service
            )
        return version, warning

    def _register(self, run_id: str, model_name: str, owner: str | None, exists: bool) -> tuple[int | None, str | None]:
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
        client = t.client()
        if not exists:
            from mlflow.exceptions import MlflowException

            # No-token loopback mode's one caller owns nothing: its models stay open once tokens exist.
            tags = {OWNER_TAG: owner} if owner and owner != LOCAL_ADMIN.owner_key else None
            try:
                t.mlflow.call(client.create_registered_model, model_name, tags=tags)
            except MlflowException as error:
                if error_code(error) != "RESOURCE_ALREADY_EXISTS":
                    raise
                if self.model_owner(model_name) not in (None, owner):  # another job made it just now
                    return None, another_owners_model(model_name)
        # The artifact location, not models:/<id>: MLflow's SQL registry resolves that through the
        # process-global tracking URI, which is not ours.
        version = t.mlflow.call(
            client.create_model_version, model_name, model.artifact_location, run_id=run_id, model_id=model.id
        )
        return int(version.version), None


def _owner(model: RegisteredModelRecord | None) -> str | None:
    return dict(model.tags).get(OWNER_TAG) if model is not None else None
