"""Plain records of training jobs and their log lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    """Where a training job is in its life."""

    QUEUED = "QUEUED"
    PREPARING = "PREPARING"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    TIMED_OUT = "TIMED_OUT"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.TIMED_OUT})
ACTIVE = frozenset({JobStatus.PREPARING, JobStatus.RUNNING})


class LogStream(StrEnum):
    """Where a log line came from."""

    STDOUT = "STDOUT"
    STDERR = "STDERR"
    SYSTEM = "SYSTEM"


@dataclass(frozen=True)
class JobSpec:
    """A validated submission."""

    script_name: str
    script: str
    experiment_name: str
    model_name: str | None
    requirements: tuple[str, ...]
    parameters: Any
    timeout_seconds: int
    feature_service: str | None
    retries: int


@dataclass(frozen=True)
class JobRecord:
    id: str
    status: JobStatus
    script_name: str
    script: str
    script_sha256: str
    experiment_name: str
    model_name: str | None
    feature_service: str | None
    requirements: tuple[str, ...]
    parameters: Any
    timeout_seconds: int
    retries: int
    attempts: int
    exit_code: int | None
    error: str | None
    warning: str | None
    mlflow_run_id: str | None
    model_version: int | None
    worker_id: str | None
    pid: int | None
    cancel_requested: bool
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    lease_expires_at: datetime | None
    submitted_by: str | None = None  # the submitting token's name (None: submitted before it was recorded)
    owner: str | None = None  # the owner key of the submitting token (server.auth.roles.Principal.owner_key)


@dataclass(frozen=True)
class LogRecord:
    number: int
    stream: LogStream
    text: str
    time: datetime
