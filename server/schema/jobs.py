"""GraphQL types of training jobs: the job, its log lines, inputs, payloads and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from server.context import Context
from server.jobs.records import JobRecord, LogRecord
from server.schema.common import UserError
from server.schema.enums import JobStatus, LogStream
from server.schema.mlflow import ModelVersion, Run
from server.schema.node import Node
from server.schema.permissions import JOB_OUTPUT, TRAINER
from server.services.errors import RequestError

MAX_LOG_LINES = 10_000


@strawberry.type(description="One line of a job's log.")
class LogLine:
    number: int = strawberry.field(description="Line number, from 0, in the order lines were written.")
    text: str = strawberry.field(description="The line, without its newline.")
    stream: LogStream = strawberry.field(description="STDOUT, STDERR or SYSTEM (the server's own notes).")
    time: datetime = strawberry.field(description="When the line was written.")

    @classmethod
    def from_record(cls, r: LogRecord) -> LogLine:
        return cls(number=r.number, text=r.text, stream=LogStream(r.stream.value), time=r.time)


@strawberry.type(description="A training script run as a tracked job.")
class TrainingJob(Node):
    id: strawberry.ID = strawberry.field(description="Job id.")
    status: JobStatus = strawberry.field(description="QUEUED, PREPARING, RUNNING, or how it ended.")
    script_name: str = strawberry.field(description="File name the script runs under.")
    script_sha256: str = strawberry.field(description="SHA-256 of the script's text.")
    script: Optional[str] = strawberry.field(
        description="The script's text (trainer and admin only).", permission_classes=TRAINER
    )
    experiment_name: str = strawberry.field(description="MLflow experiment the job's run belongs to.")
    model_name: Optional[str] = strawberry.field(description="Registered model the run's model becomes a version of.")
    feature_service: Optional[str] = strawberry.field(description="Feature service the script uses (lineage).")
    requirements: Optional[list[str]] = strawberry.field(
        description="PEP 508 requirements the script needs (its submitter, trainers and admins only).",
        permission_classes=JOB_OUTPUT,
    )
    parameters: Optional[JSON] = strawberry.field(
        description="Parameters given to the script in ASGARD_PARAMS (trainer and admin only).",
        permission_classes=TRAINER,
    )
    timeout_seconds: int = strawberry.field(description="Seconds the script may run before it is stopped.")
    retries: int = strawberry.field(description="How often the job is requeued when its worker dies.")
    attempts: int = strawberry.field(description="How often a worker has started it.")
    exit_code: Optional[int] = strawberry.field(description="The script's exit code, once it ended.")
    error: Optional[str] = strawberry.field(
        description="Why the job did not succeed: the end of stderr, pip's message... (its submitter, trainers "
        "and admins only).",
        permission_classes=JOB_OUTPUT,
    )
    warning: Optional[str] = strawberry.field(description="Something worth knowing about a job that succeeded.")
    submitted_at: datetime = strawberry.field(description="When it was submitted.")
    started_at: Optional[datetime] = strawberry.field(description="When a worker took it.")
    finished_at: Optional[datetime] = strawberry.field(description="When it ended.")
    run_id: Optional[strawberry.ID] = strawberry.field(description="Id of the job's MLflow run.")
    worker_id: Optional[str] = strawberry.field(description="The server process (host:pid:tag) that ran it.")
    submitted_by: Optional[str] = strawberry.field(
        description='Name of the token that submitted it ("local" without tokens); null for older jobs.'
    )
    record: strawberry.Private[JobRecord]

    def node_key(self) -> tuple[str, ...]:
        return (str(self.id),)

    @classmethod
    def from_record(cls, r: JobRecord) -> TrainingJob:
        return cls(
            id=strawberry.ID(r.id),
            status=JobStatus(r.status.value),
            script_name=r.script_name,
            script_sha256=r.script_sha256,
            script=r.script,
            experiment_name=r.experiment_name,
            model_name=r.model_name,
            feature_service=r.feature_service,
            requirements=list(r.requirements),
            parameters=r.parameters,
            timeout_seconds=r.timeout_seconds,
            retries=r.retries,
            attempts=r.attempts,
            exit_code=r.exit_code,
            error=r.error,
            warning=r.warning,
            submitted_at=r.submitted_at,
            started_at=r.started_at,
            finished_at=r.finished_at,
            run_id=strawberry.ID(r.mlflow_run_id) if r.mlflow_run_id else None,
            worker_id=r.worker_id,
            submitted_by=r.submitted_by,
            record=r,
        )

    @strawberry.field(description="The job's MLflow run (created before the script starts).")
    async def run(self, info: Info[Context, None]) -> Optional[Run]:
        if not self.record.mlflow_run_id:
            return None
        found = await info.context.loaders.runs.load(self.record.mlflow_run_id)
        return Run.from_record(found) if found else None

    @strawberry.field(description="The model version the job registered, if any.")
    async def model_version(self, info: Info[Context, None]) -> Optional[ModelVersion]:
        if self.record.model_name is None or self.record.model_version is None:
            return None
        found = await info.context.loaders.model_versions.load((self.record.model_name, self.record.model_version))
        return ModelVersion.from_record(found) if found else None

    @strawberry.field(
        description="Log lines from `fromLine` on, readable while the job runs (its submitter, trainers, admins).",
        permission_classes=JOB_OUTPUT,
    )
    async def logs(
        self,
        info: Info[Context, None],
        from_line: Annotated[int, strawberry.argument(description="First line number to return.")] = 0,
        limit: Annotated[int, strawberry.argument(description="At most this many lines (up to 10000).")] = 1000,
    ) -> Optional[list[LogLine]]:
        if from_line < 0:
            raise RequestError("fromLine must not be negative", field="fromLine")
        if not 0 <= limit <= MAX_LOG_LINES:
            raise RequestError(f"limit must be between 0 and {MAX_LOG_LINES}", field="limit")
        lines = await info.context.loaders.job_logs.load((self.record.id, from_line, limit))
        return [LogLine.from_record(line) for line in lines or []]


@strawberry.input(description="Narrows a list of training jobs; all given conditions must hold.")
class TrainingJobFilter:
    status: Optional[list[JobStatus]] = strawberry.field(default=None, description="Any of these states.")
    experiment_name: Optional[str] = strawberry.field(default=None, description="Jobs of this experiment.")
    model_name: Optional[str] = strawberry.field(default=None, description="Jobs that register this model.")


@strawberry.input(description="A training script to run as a job.")
class SubmitTrainingJobInput:
    script_name: str = strawberry.field(description="File name to run the script under, ending in .py.")
    script: Optional[str] = strawberry.field(default=None, description="The script's text (or use scriptBase64).")
    script_base64: Optional[str] = strawberry.field(default=None, description="The script, base64-encoded UTF-8.")
    experiment_name: str = strawberry.field(description="MLflow experiment for the job's run (created if missing).")
    model_name: Optional[str] = strawberry.field(
        default=None, description="Register the model the run logs as a new version of this model."
    )
    requirements: Optional[list[str]] = strawberry.field(
        default=None, description="PEP 508 requirements; those the server lacks go into a cached virtualenv."
    )
    parameters: Optional[JSON] = strawberry.field(default=None, description="Any JSON, given in ASGARD_PARAMS.")
    timeout_seconds: Optional[int] = strawberry.field(
        default=None, description="Stop the script after this many seconds (server default when null)."
    )
    feature_service: Optional[str] = strawberry.field(
        default=None, description="Feature service the script will use, recorded for lineage."
    )
    retries: int = strawberry.field(default=0, description="Requeue this often if the worker dies (0-5).")


@strawberry.type(description="Result of submitTrainingJob.")
class SubmitTrainingJobPayload:
    job: Optional[TrainingJob] = strawberry.field(default=None, description="The queued job; null on errors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; nothing was queued."
    )


@strawberry.type(description="Result of a mutation on a training job.")
class TrainingJobPayload:
    job: Optional[TrainingJob] = strawberry.field(default=None, description="The job as it is now; null on errors.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why nothing changed, if so.")
