"""Training jobs as callers ask for them: who may submit or cancel, and what a submission must be."""

from __future__ import annotations

from collections.abc import Callable

from server.auth.roles import Principal, Role
from server.config import Settings
from server.jobs.events import JobEvents
from server.jobs.records import JobRecord
from server.jobs.runner import JobRunner
from server.jobs.store import JobStore
from server.jobs.submission import Submission, validate_submission
from server.services.errors import ErrorCode, InputErrors, input_error, refuse
from server.services.mlflow_records import another_owners_model


class Training:
    """Submits and cancels jobs for API callers; the runner does the rest."""

    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        runner: JobRunner,
        events: JobEvents,
        model_owner: Callable[[str], str | None] = lambda name: None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.runner = runner
        self.events = events
        self.model_owner = model_owner  # a registered model's owner key (None: no such model, or open)

    def allowed(self, caller: Principal) -> bool:
        """Uploaded code runs only where callers are known (tokens, then the trainer role) or trusted
        (loopback); ASGARD_ALLOW_TRAINING overrides both ways."""
        explicit = self.settings.jobs.allow_training
        if explicit is not None:
            return explicit
        return self.settings.serves_loopback or caller.authenticated

    def submit(self, submission: Submission, caller: Principal, feature_services: set[str]) -> JobRecord:
        """Queue a job, or raise InputErrors with every problem of the submission (nothing is queued)."""
        if not self.allowed(caller):
            refuse(
                ErrorCode.FORBIDDEN,
                "running uploaded scripts is off: serve on loopback, or set ASGARD_ALLOW_TRAINING=1",
                "scriptName",
            )
        spec, errors = validate_submission(submission, self.settings.jobs, feature_services)
        if spec is None:
            raise InputErrors(errors)
        model = spec.model_name
        if model and self.model_owner(model) not in (None, caller.owner_key):
            refuse(ErrorCode.FORBIDDEN, another_owners_model(model), "modelName")
        job = self.store.submit(spec, caller.name, caller.owner_key)
        self.runner.wake()
        return job

    def cancel(self, job_id: str, caller: Principal) -> JobRecord:
        """Ask the runner to stop a job; trainers cancel their own, an admin any. A job that already ended
        is refused with CONFLICT, and the refusal carries the job as it is."""
        job = self.store.get(job_id)
        if job is None:
            refuse(ErrorCode.NOT_FOUND, f"training job {job_id} does not exist", "id")
        if not (caller.role is Role.ADMIN or job.owner == caller.owner_key):
            refuse(ErrorCode.FORBIDDEN, "trainers cancel their own jobs; an admin may cancel any", "id")
        if job.status.finished:
            done = input_error(ErrorCode.CONFLICT, f"the job already ended ({job.status.value})", "id")
            raise InputErrors([done], current=job)
        updated = self.store.request_cancel(job_id)
        assert updated is not None
        self.events.publish(job_id, updated)
        self.runner.wake()
        return updated
