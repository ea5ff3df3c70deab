"""One claimed job, from its install to its end: the script in the sandbox (server/sandbox.py), its output
relayed to the job log, its timeout and cancel, its MLflow run and the model it registers.

Each job: PREPARING (its requirements, installed in the sandbox), MLflow run created first, RUNNING (the
script in the sandbox, with a clean environment and MLflow reached through the tracking channel), then
SUCCEEDED / FAILED / TIMED_OUT / CANCELLED, and the model the run logged is registered when the job
names one. The install and the script share the job's timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from server import tracing
from server.config import NO_TELEMETRY, Settings
from server.jobs import lineage_file
from server.jobs.environments import Environments, InstallError
from server.jobs.events import JobEvents
from server.jobs.job_inputs import JobInputs
from server.jobs.job_log import JobLog
from server.jobs.processes import signal_job
from server.jobs.records import JobRecord, JobStatus, LogStream
from server.jobs.store import JobStore
from server.jobs.tracking_channel import TrackingChannel
from server.safe_files import remove_entry, strip_privileges, write_nofollow
from server.sandbox import Confinement, Sandbox, SandboxUnavailable
from server.services.job_tracking import JobTracking

log = logging.getLogger(__name__)

# Variables a script may see besides its own: locale, paths, and numeric-library tuning (some
# machines need OPENBLAS_* to run numpy at all). Nothing else of the server's environment leaks.
PASSED_THROUGH = (
    *("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"),
    *("AWS_REGION", "AWS_DEFAULT_REGION"),  # where S3 is; never a key
)
PASSED_PREFIXES = ("OPENBLAS_", "OMP_", "MKL_")
JOB_SITE = Path(__file__).with_name("job_site")
LOG_FLUSH_SECONDS = 0.2


class JobExecutor:
    """Runs claimed jobs for one runner (whose worker id holds their leases)."""

    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        tracking: JobTracking,
        events: JobEvents,
        sandbox: Sandbox,
        channel: TrackingChannel,
        worker_id: str,
        feast_registry: Callable[[], bytes],
    ) -> None:
        self.settings = settings
        self.config = settings.jobs
        self.store = store
        self.tracking = tracking
        self.events = events
        self.sandbox = sandbox
        self.channel = channel
        self.worker_id = worker_id
        self.environments = Environments(
            settings.data_dir / "envs",
            self.config.install_timeout_seconds,
            sandbox,
            [settings.data_dir],
            self.config.job_limits,
        )
        self.inputs = JobInputs(settings, feast_registry)

    def publish(self, job_id: str) -> None:
        self.events.publish(job_id, self.store.get(job_id))

    async def _update(self, job_id: str, **values: Any) -> None:
        await asyncio.to_thread(self.store.update, job_id, **values)
        await asyncio.to_thread(self.publish, job_id)

    async def _finish(self, job: JobRecord, status: JobStatus, job_log: JobLog, **values: Any) -> None:
        job_log.system(f"job {status.value.lower()}" + (f": {values['error']}" if values.get("error") else ""))
        await asyncio.to_thread(job_log.flush)
        await asyncio.to_thread(self.store.finish, job.id, status, **values)
        await asyncio.to_thread(self.publish, job.id)

    async def run(self, job: JobRecord) -> None:
        """Run one claimed job to its end; cancelling this (the server stopping) releases it."""
        job_log = JobLog(self.store, self.events, job.id)
        cancel = asyncio.Event()
        flusher = asyncio.create_task(self._flush_loop(job_log))
        heartbeat = asyncio.create_task(self._heartbeat(job, cancel))
        try:
            with tracing.span("job", **{"asgard.job_id": job.id, "asgard.script": job.script_name}):
                await self._execute(job, job_log, cancel)
        except asyncio.CancelledError:
            await asyncio.shield(asyncio.to_thread(self._shutdown_job, job, job_log))
        except Exception as error:
            log.exception("job %s failed inside the runner", job.id)
            await self._finish(job, JobStatus.FAILED, job_log, error=f"internal error: {type(error).__name__}")
        finally:
            heartbeat.cancel()
            flusher.cancel()
            with contextlib.suppress(Exception):
                await asyncio.to_thread(job_log.flush)

    def _shutdown_job(self, job: JobRecord, job_log: JobLog) -> None:
        current = self.store.get(job.id)
        confined = self.sandbox.confines
        signal_job(current.pid if current else None, signal.SIGTERM, confined)
        time.sleep(min(self.config.grace_seconds, 2.0))
        signal_job(current.pid if current else None, signal.SIGKILL, confined)
        job_log.system("the server is stopping")
        job_log.flush()
        if current is not None and not current.status.finished:
            self.store.release(current, "interrupted: the server stopped")
            self.publish(job.id)

    async def _flush_loop(self, job_log: JobLog) -> None:
        while True:
            await asyncio.sleep(LOG_FLUSH_SECONDS)
            await asyncio.to_thread(job_log.flush)

    async def _heartbeat(self, job: JobRecord, cancel: asyncio.Event) -> None:
        interval = max(self.config.lease_seconds / 3, 0.2)
        while True:
            if await asyncio.to_thread(self.store.heartbeat, job.id, self.worker_id, self.config.lease_seconds):
                cancel.set()
            await asyncio.sleep(min(interval, 0.5))

    async def _execute(self, job: JobRecord, job_log: JobLog, cancel: asyncio.Event) -> None:
        job_log.system(f"claimed by {self.worker_id} (attempt {job.attempts})")
        deadline = time.monotonic() + job.timeout_seconds  # the install and the script share the timeout
        try:
            with tracing.span("job.install", **{"asgard.job_id": job.id, "asgard.requirements": len(job.requirements)}):
                await asyncio.to_thread(self.sandbox.check)
                python = await asyncio.to_thread(
                    self.environments.python_for, list(job.requirements), job_log.system, cancel.is_set, deadline
                )
        except (InstallError, SandboxUnavailable) as error:
            status = JobStatus.CANCELLED if cancel.is_set() else JobStatus.FAILED
            if isinstance(error, InstallError) and error.timed_out:
                status = JobStatus.TIMED_OUT
            await self._finish(job, status, job_log, error=str(error))
            return
        if cancel.is_set():
            await self._finish(job, JobStatus.CANCELLED, job_log, error="cancelled before it started")
            return
        with tracing.span("job.start_run", **{"asgard.job_id": job.id, "asgard.backend": "mlflow"}):
            experiment_id, run_id = await self._start_run(job)
        await self._update(job.id, mlflow_run_id=run_id)
        await self._run_script(job, job_log, cancel, python, (experiment_id, run_id), deadline)

    async def _start_run(self, job: JobRecord) -> tuple[str, str]:
        started: tuple[str, str] = await asyncio.to_thread(
            self.tracking.start_run,
            job.experiment_name,
            f"{Path(job.script_name).stem}-{job.id[:8]}",
            {
                "asgard.job_id": job.id,
                "mlflow.source.name": job.script_name,
                "mlflow.source.type": "JOB",
                # lineage: the feature service it was declared to train on, as Feast's MLflow integration tags it
                **({"feast.feature_service": job.feature_service} if job.feature_service else {}),
            },
        )
        return started

    async def _run_script(
        self,
        job: JobRecord,
        job_log: JobLog,
        cancel: asyncio.Event,
        python: str,
        run: tuple[str, str],
        deadline: float,
    ) -> None:
        """The script in the sandbox, under its MLflow run (experiment id, run id), to its conclusion."""
        experiment_id, run_id = run
        workdir = self.settings.data_dir / "jobs" / job.id
        workdir.mkdir(parents=True, exist_ok=True)
        # A previous attempt may have left a symlink where the script goes: replaced, never followed.
        write_nofollow(workdir / job.script_name, job.script.encode())
        remove_entry(workdir / lineage_file.FILE_NAME)  # an earlier attempt's retrievals are not this one's
        owner = self.sandbox.owner()
        if owner is not None:
            os.chown(workdir, *owner)  # the sandbox uid writes there (never through a link: the dir itself)
        credential = self.channel.open(job.id, experiment_id, run_id)
        group = await asyncio.to_thread(self.sandbox.open_group, self.config.job_limits)
        try:
            view = await asyncio.to_thread(self.inputs.prepare, job.id)
            env = self._environment(job, experiment_id, run_id, workdir, credential, view.repo)
            command = self.sandbox.command(
                [python, "-u", job.script_name],
                Confinement(
                    workdir=workdir,
                    read_only=self.environments.mounts_for(python),
                    mounted=view.mounts,
                    env=env,
                    network=True,
                    hidden=[self.settings.data_dir],
                ),
                group,
            )
            proc = await asyncio.create_subprocess_exec(
                *command,
                cwd=workdir,
                env=env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,  # its own process group: timeout and cancel reach every child
            )
            await self._update(job.id, status=JobStatus.RUNNING, pid=proc.pid)
            job_log.system(f"running {job.script_name}" + (" in the sandbox" if self.sandbox.confines else ""))
            left = max(deadline - time.monotonic(), 1.0)
            with tracing.span("job.script", **{"asgard.job_id": job.id, "asgard.sandboxed": self.sandbox.confines}):
                outcome = await self._supervise(job, proc, job_log, cancel, left)
            signal_job(proc.pid, signal.SIGKILL, self.sandbox.confines)  # nothing the script started outlives it
            out_of_memory = group is not None and group.oom_killed()
        finally:
            if group is not None:
                await asyncio.to_thread(group.close)
            self.channel.close(credential)
            await asyncio.to_thread(self.inputs.release, job.id)
            await asyncio.to_thread(strip_privileges, workdir)
        await self._record_lineage(job, run_id, workdir)
        killed = self.config.job_limits.over_memory("ASGARD_JOB_MEMORY_MB") if out_of_memory else None
        if killed and outcome is None and proc.returncode != 0:
            job_log.system(killed)
        await self._conclude(job, proc.returncode, outcome, run_id, job_log, killed)

    async def _record_lineage(self, job: JobRecord, run_id: str, workdir: Path) -> None:
        """The features the script retrieved, as tags on its run (what a declared service says stays), and
        the profile of those it read, as an artifact of the run."""
        try:
            tags = await asyncio.to_thread(lineage_file.recorded_tags, workdir)
            if job.feature_service:
                tags.pop("feast.feature_service", None)
            if tags:
                await asyncio.to_thread(self.tracking.set_run_tags, run_id, tags)
            profile = await asyncio.to_thread(lineage_file.recorded_profile, workdir)
            if profile:
                await asyncio.to_thread(self.tracking.log_json, run_id, lineage_file.PROFILE_ARTIFACT, profile)
        except Exception:
            log.warning("the features job %s retrieved could not be recorded", job.id, exc_info=True)

    def _environment(
        self, job: JobRecord, experiment_id: str, run_id: str, workdir: Path, credential: str, repo: Path
    ) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH or k.startswith(PASSED_PREFIXES)}
        env.setdefault("PATH", os.defpath)
        env.update(
            HOME=str(workdir),
            TMPDIR="/tmp",
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONPATH=str(JOB_SITE),  # sitecustomize: Feast imports in ~1.5 s instead of ~7 (server/feast_import.py)
            MLFLOW_TRACKING_URI=self.channel.url,
            MLFLOW_TRACKING_TOKEN=credential,
            MLFLOW_EXPERIMENT_ID=experiment_id,
            MLFLOW_RUN_ID=run_id,
            FEAST_REPO_PATH=str(repo),
            ASGARD_LINEAGE_FILE=str(workdir / lineage_file.FILE_NAME),  # what sitecustomize records
            ASGARD_JOB_ID=job.id,
            ASGARD_PARAMS=json.dumps(job.parameters if job.parameters is not None else {}),
        )
        env.update(NO_TELEMETRY)
        if self.config.aws_access_key_id:  # the jobs' own keys, never the server's
            env["AWS_ACCESS_KEY_ID"] = self.config.aws_access_key_id
            env["AWS_SECRET_ACCESS_KEY"] = self.config.aws_secret_access_key
        return env

    async def _supervise(
        self, job: JobRecord, proc: asyncio.subprocess.Process, job_log: JobLog, cancel: asyncio.Event, left: float
    ) -> JobStatus | None:
        """Wait for the script; on timeout or cancel end its process group. Returns that outcome."""
        assert proc.stdout is not None and proc.stderr is not None
        readers = [
            asyncio.create_task(self._relay(proc.stdout, LogStream.STDOUT, job_log)),
            asyncio.create_task(self._relay(proc.stderr, LogStream.STDERR, job_log)),
        ]
        waiter = asyncio.create_task(proc.wait())
        cancelled = asyncio.create_task(cancel.wait())
        done, _ = await asyncio.wait({waiter, cancelled}, timeout=left, return_when="FIRST_COMPLETED")
        outcome: JobStatus | None = None
        if waiter not in done:
            outcome = JobStatus.CANCELLED if cancel.is_set() else JobStatus.TIMED_OUT
            job_log.system(
                "cancel requested: stopping the script"
                if outcome is JobStatus.CANCELLED
                else f"timed out after {job.timeout_seconds} s: stopping the script"
            )
            signal_job(proc.pid, signal.SIGTERM, self.sandbox.confines)
            try:
                await asyncio.wait_for(asyncio.shield(waiter), self.config.grace_seconds)
            except TimeoutError:
                job_log.system(f"still running after {self.config.grace_seconds:.0f} s: killing it")
                signal_job(proc.pid, signal.SIGKILL, self.sandbox.confines)
                await waiter
        cancelled.cancel()
        await asyncio.wait(readers, timeout=5)
        return outcome

    @staticmethod
    async def _relay(stream: asyncio.StreamReader, kind: LogStream, job_log: JobLog) -> None:
        while True:
            try:
                line = await stream.readline()
            except ValueError:  # a line longer than the stream's limit
                line = await stream.read(65536)
            if not line:
                return
            job_log.write(kind, line.decode("utf-8", "replace").rstrip("\n"))

    async def _conclude(
        self,
        job: JobRecord,
        code: int | None,
        outcome: JobStatus | None,
        run_id: str,
        job_log: JobLog,
        killed: str | None = None,
    ) -> None:
        if outcome is not None:
            await asyncio.to_thread(self.tracking.end_run, run_id, "KILLED")
            error = "cancelled" if outcome is JobStatus.CANCELLED else f"timed out after {job.timeout_seconds} s"
            await self._finish(job, outcome, job_log, exit_code=code, error=error)
            return
        if code != 0:
            await asyncio.to_thread(self.tracking.end_run, run_id, "FAILED")
            tail = "\n".join(job_log.stderr_tail) or "(no output on stderr)"
            if killed:
                tail = f"{killed}\n{tail}"
            await self._finish(job, JobStatus.FAILED, job_log, exit_code=code, error=f"exit code {code}: {tail}")
            return
        await asyncio.to_thread(self.tracking.end_run, run_id, "FINISHED")
        version, warning = None, None
        if job.model_name:
            with tracing.span("job.register", **{"asgard.job_id": job.id, "asgard.backend": "mlflow"}):
                version, warning = await asyncio.to_thread(
                    self.tracking.register_run_model, run_id, job.model_name, job.feature_service, job.owner
                )
            if version is not None:
                job_log.system(f"registered {job.model_name} version {version}")
            if warning:
                job_log.system(f"warning: {warning}")
        await self._finish(job, JobStatus.SUCCEEDED, job_log, exit_code=0, model_version=version, warning=warning)
