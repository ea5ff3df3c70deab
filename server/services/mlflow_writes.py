"""Writes to MLflow made through the API: checked first, MLflow's refusals mapped to input errors.

Every write moves the reads' generation, so the caches of registry reads see their own writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from server.services.errors import ErrorCode, InputError, InputErrors, input_error, refuse
from server.services.mlflow_client import error_code
from server.services.mlflow_records import ExperimentRecord, ModelVersionRecord, RegisteredModelRecord
from server.services.mlflow_tracking import MlflowTracking
from server.services.model_aliases import check_alias

P = ParamSpec("P")
R = TypeVar("R")
Refusal = Callable[[Exception], list[InputError]]


def _message(error: Exception) -> str:
    return str(getattr(error, "message", error))


def invalid_value(field: str) -> Refusal:
    """MLflow's INVALID_PARAMETER_VALUE, as an INVALID_VALUE about `field`."""

    def refusal(error: Exception) -> list[InputError]:
        if error_code(error) == "INVALID_PARAMETER_VALUE":
            return [input_error(ErrorCode.INVALID_VALUE, _message(error), field)]
        return []

    return refusal


def nothing(error: Exception) -> list[InputError]:
    """For writes whose arguments were all checked first: any refusal is an internal error."""
    return []


class MlflowWrites:
    """Experiments, tags, aliases and model descriptions, written for API callers."""

    def __init__(self, tracking: MlflowTracking) -> None:
        self.tracking = tracking

    def _write(self, refusal: Refusal, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        from mlflow.exceptions import MlflowException

        try:
            return self.tracking.mlflow.call(method, *args, **kwargs)
        except MlflowException as error:
            mapped = refusal(error)
            if mapped:
                raise InputErrors(mapped) from error
            raise
        finally:
            self.tracking.changed()

    def create_experiment(self, name: str, tags: tuple[tuple[str, str], ...]) -> ExperimentRecord:
        t = self.tracking
        if not name.strip():
            refuse(ErrorCode.INVALID_NAME, "an experiment needs a name", "name")
        exists = input_error(ErrorCode.ALREADY_EXISTS, f"experiment {name!r} already exists", "name")
        if t.experiment_by_name(name) is not None:
            raise InputErrors([exists])
        artifact_location = None
        if t.tracking_uri.startswith("sqlite:"):
            # MlflowClient's own SQLite store would put artifacts under ./mlruns of the cwd.
            artifact_location = f"{t.artifact_root.rstrip('/')}/{uuid.uuid4().hex}"

        def refusal(error: Exception) -> list[InputError]:
            if error_code(error) == "RESOURCE_ALREADY_EXISTS":
                return [exists]
            return invalid_value("name")(error)

        experiment_id = self._write(refusal, t.client().create_experiment, name, artifact_location, dict(tags) or None)
        return self._reread(t.experiment(str(experiment_id)))

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> ExperimentRecord:
        t = self.tracking
        if t.experiment(experiment_id) is None:
            refuse(ErrorCode.NOT_FOUND, f"experiment {experiment_id!r} does not exist", "experimentId")
        if not key.strip():
            refuse(ErrorCode.INVALID_VALUE, "a tag needs a key", "key")
        self._write(invalid_value("key"), t.client().set_experiment_tag, experiment_id, key, value)
        return self._reread(t.experiment(experiment_id))

    def _require_version(self, name: str, version: int) -> ModelVersionRecord:
        t = self.tracking
        if t.registered_model(name) is None:
            refuse(ErrorCode.NOT_FOUND, f"model {name!r} does not exist", "model")
        found = t.model_version(name, version)
        if found is None:
            refuse(ErrorCode.NOT_FOUND, f"model {name!r} has no version {version}", "version")
        return found

    def set_model_alias(self, name: str, alias: str, version: int) -> ModelVersionRecord:
        problems = check_alias(alias)
        if problems:
            raise InputErrors(problems)
        self._require_version(name, version)
        self._write(nothing, self.tracking.client().set_registered_model_alias, name, alias, str(version))
        return self._reread(self.tracking.model_version(name, version))

    def delete_model_alias(self, name: str, alias: str) -> str:
        model = self.tracking.registered_model(name)
        if model is None:
            refuse(ErrorCode.NOT_FOUND, f"model {name!r} does not exist", "model")
        if alias not in dict(model.aliases):
            refuse(ErrorCode.NOT_FOUND, f"model {name!r} has no alias {alias!r}", "alias")
        self._write(nothing, self.tracking.client().delete_registered_model_alias, name, alias)
        return alias

    def set_model_version_tag(self, name: str, version: int, key: str, value: str) -> ModelVersionRecord:
        self._require_version(name, version)
        if not key.strip():
            refuse(ErrorCode.INVALID_VALUE, "a tag needs a key", "key")
        self._write(invalid_value("key"), self.tracking.client().set_model_version_tag, name, str(version), key, value)
        return self._reread(self.tracking.model_version(name, version))

    def update_registered_model(self, name: str, description: str) -> RegisteredModelRecord:
        if self.tracking.registered_model(name) is None:
            refuse(ErrorCode.NOT_FOUND, f"model {name!r} does not exist", "name")
        self._write(nothing, self.tracking.client().update_registered_model, name, description)
        return self._reread(self.tracking.registered_model(name))

    @staticmethod
    def _reread(found: R | None) -> R:
        """The object just written, read back (MLflow answers writes with ids, not objects)."""
        assert found is not None, "MLflow lost an object it just wrote"
        return found
