"""The old /mlops routes: platform status, training script upload, job status, inference."""

from __future__ import annotations

import base64
import binascii
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.auth.middleware import principal_of
from server.auth.roles import Role
from server.config import Settings
from server.rest.bodies import Body, Problem
from server.rest.bridge import Bridge, Refusal, check, check_user_errors, reply
from server.rest.names import Path, job_status_to_old
from server.rest.operations import PLATFORM_STATUS, PREDICT, SUBMIT_TRAINING_JOB, TRAINING_JOB
from server.schema.jobs import MAX_LOG_LINES

JOB_RENAMES: dict[Path, str] = {
    ("scriptBase64",): "script_content",
    ("script",): "script_content",
    ("timeoutSeconds",): "timeout",
}
PREDICT_RENAMES: dict[Path, str] = {("model",): "model_name", ("version",): "model_version", ("rows",): "inputs"}
LATEST = "latest"


def tracking_uri(settings: Settings) -> str:
    """The MLflow tracking URI as clients may see it: no credentials, no server paths."""
    return settings.public(settings.mlflow_tracking_uri)


def job_input(body: Body) -> dict[str, Any]:
    """SubmitTrainingJobInput from an old TrainingScriptUploadRequest."""
    if body.labels("environment_vars"):
        body.refuse(
            "environment_vars",
            "environment variables are not supported: pass values in `parameters`, "
            "which the script reads as JSON from ASGARD_PARAMS",
        )
    body.labels("tags")  # type-checked like before; runs get no tags from this route
    content = body.text("script_content", required=True)
    job = {
        "scriptName": body.text("script_name", required=True),
        _script_field(content): content,
        "experimentName": body.text("experiment_name", required=True),
        "modelName": body.text("model_name"),
        "requirements": body.texts("requirements") or [],
        "timeoutSeconds": body.integer("timeout"),
        "parameters": body.value("parameters"),
        "featureService": body.text("feature_service"),
    }
    check(body)
    return job


def _script_field(content: str | None) -> str:
    """The old server took base64 and, failing that, the script's plain text: so do we."""
    try:
        base64.b64decode(content or "", validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return "script"
    return "scriptBase64"


def _job(job: dict[str, Any]) -> dict[str, Any]:
    version = job["modelVersion"]
    return {
        "job_id": job["id"],
        "script_name": job["scriptName"],
        "experiment_name": job["experimentName"],
        "model_name": job["modelName"],
        "status": job_status_to_old(job["status"]),
        "state": job["status"],
        "run_id": job["runId"],
        "model_version": str(version["version"]) if version else None,
        "error": job.get("error"),  # for the job's submitter, trainers and admins
        "created_at": job["submittedAt"],
        "started_at": job["startedAt"],
        "completed_at": job["finishedAt"],
    }


def _seconds_between(start: str | None, end: str | None) -> float | None:
    if start is None or end is None:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


async def upload_training_script(bridge: Bridge, request: Request, payload: Any) -> Response:
    job = job_input(Body.of(payload))
    data = await bridge.run(request, SUBMIT_TRAINING_JOB, {"input": job}, JOB_RENAMES)
    result = data["submitTrainingJob"]
    check_user_errors(result["userErrors"], JOB_RENAMES)
    return reply(_job(result["job"]), 202)


async def training_job(bridge: Bridge, request: Request, _: Any) -> Response:
    job_id = request.path_params["job_id"]
    principal = principal_of(request.scope)
    output = principal is not None and principal.role.includes(Role.TRAINER)
    data = await bridge.run(request, TRAINING_JOB, {"id": job_id, "logLines": MAX_LOG_LINES, "output": output})
    job = data["trainingJob"]
    if job is None:
        message = f"Training job {job_id} not found"
        raise Refusal(404, [Problem("job_id", "NOT_FOUND", message)])
    return reply(
        _job(job)
        | {
            "logs": "\n".join(line["text"] for line in job.get("logs") or []),
            "duration_seconds": _seconds_between(job["startedAt"], job["finishedAt"]),
        }
    )


def _model_version(body: Body) -> int | None:
    """A version number (the old API sent it as a string) or "latest"; aliases go in `alias`."""
    value = body.value("model_version")
    if value is None or value == LATEST:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    body.refuse("model_version", f'must be a version number or "{LATEST}" (give an alias in `alias`)')
    return None


def predict_input(body: Body) -> dict[str, Any]:
    """PredictInput from an old InferenceRequest (plus entities, features and aliases)."""
    prediction = {
        "model": body.text("model_name", required=True),
        "version": _model_version(body),
        "alias": body.text("alias"),
        "rows": body.value("inputs"),
        "entities": body.value("entities"),
        "features": body.texts("features"),
        "featureService": body.text("feature_service"),
    }
    body.flag("return_probabilities", False)  # accepted; probabilities are not computed (always null)
    check(body)
    return prediction


async def inference(bridge: Bridge, request: Request, payload: Any) -> Response:
    prediction = predict_input(Body.of(payload))
    started = time.perf_counter()
    data = await bridge.run(request, PREDICT, {"input": prediction}, PREDICT_RENAMES)
    elapsed_ms = (time.perf_counter() - started) * 1000
    result = data["predict"]
    check_user_errors(result["userErrors"], PREDICT_RENAMES)
    version = result["modelVersion"]
    return reply(
        {
            "model_name": version["model"],
            "model_version": str(version["version"]),
            "predictions": result["predictions"],
            "probabilities": None,
            "missing_features": result["missingFeatures"],
            "inference_time_ms": round(elapsed_ms, 2),
            "timestamp": datetime.now(UTC).isoformat(),
        }
    )


async def platform_status(bridge: Bridge, request: Request, _: Any) -> Response:
    status = (await bridge.run(request, PLATFORM_STATUS))["platformStatus"]
    return reply(
        {
            "mlflow_tracking_uri": tracking_uri(bridge.settings),
            "mlflow_available": status["mlflowAvailable"],
            "feast_store_available": status["feastAvailable"],
            "registered_models": status["registeredModels"],
            "active_experiments": status["activeExperiments"],
            "feature_views": status["featureViews"],
            "timestamp": status["timestamp"],
        }
    )
