"""The job runner: claims queued jobs and runs each script in the sandbox (server/sandbox.py).

It runs on a thread with its own event loop, so child processes, pipes and timers never compete
with the API's event loop. Each job: PREPARING (its requirements, installed in the sandbox), MLflow run
created first, RUNNING (the script in the sandbox, with a clean environment and MLflow reached through
the runner's tracking channel), then SUCCEEDED / FAILED / TIMED_OUT / CANCELLED, and the model the run
logged is registered when the job names one. The install and the script share the job's timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Any

from server.config import Settings
from server.jobs.environments import Environments, InstallError
from server.jobs.events import JobEvents
from server.jobs.job_inputs import JobInputs
from server.jobs.processes import alive, host_prefix, pid_of, signal_job
from server.jobs.records import JobRecord, JobStatus, LogStream
from server.jobs.store import JobStore
from server.jobs.tracking_channel import TrackingChannel
from server.safe_files import strip_privileges, write_nofollow
from server.sandbox import Confinement, Sandbox, SandboxUnavailable
from server.services.mlflow_tracking import JobTracking
from server.timeutil import utcnow

log = logging.getLogger(__name__)

# Variables a script may see besides its own: locale, paths, and numeric-library tuning (some
# machines need OPENBLAS_* to run numpy at all). Nothing else of the server's environment leaks.
PASSED_THROUGH = ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
PASSED_PREFIXES = ("OPENBLAS_", "OMP_", "MKL_")
STDERR_TAIL = 20
MAX_LOG_LINES = 100_000  # per job, 10,000 characters each at most
JOB_SITE = Path(__file__).with_name("job_site")
LOG_FLUSH_SECONDS = 0.2


class JobLog:
    """Buffers a job's output lines and writes them in batches, numbered from where it left off."""

    def __init__(self, store: JobStore, events: JobEvents, job_id: str) -> None:
        self.store, self.events, self.job_id = store, events, job_id
        self.next_number = store.log_count(job_id)
        self.pending: list[tuple[LogStream, str, datetime]] = []
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_TAIL)
        self.lock = threading.Lock()

    def write(self, stream: LogStream, text: str) -> None:
        with self.lock:
            if stream is LogStream.STDERR:
                self.stderr_tail.append(text[:10_000])
            kept = self.next_number + len(self.pending)
            if kept > MAX_LOG_LINES and stream is not LogStream.SYSTEM:
                return  # the job table is no place for a flood; the end of stderr is still kept for `error`
            if kept == MAX_LOG_LINES and stream is not LogStream.SYSTEM:
                stream, text = LogStream.SYSTEM, f"more than {MAX_LOG_LINES} log lines: the rest are not kept"
            self.pending.append((stream, text[:10_000], utcnow()))

    def system(self, text: str) -> None:
        self.write(LogStream.SYSTEM, text)

    def flush(self) -> None:
        with self.lock:
            lines, self.pending = self.pending, []
            first = self.next_number
            self.next_number += len(lines)
        if lines:
            self.store.append_logs(self.job_id, first, lines)
            self.events.publish(self.job_id, None)


class JobRunner:
    """Claims and runs jobs; one per server process."""

    def __init__(
        self, settings: Settings, store: JobStore, tracking: JobTracking, events: JobEvents, sandbox: Sandbox
    ) -> None:
        self.settings = settings
        self.config = settings.jobs
        self.store = store
        self.tracking = tracking
        self.events = events
        self.sandbox = sandbox
        self.environments = Environments(
            settings.data_dir / "envs", self.config.install_timeout_seconds, sandbox, [settings.data_dir]
        )
        self.inputs = JobInputs(settings)
        self.channel = TrackingChannel(tracking.tracking.store)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._users = 0
        self._started = threading.Event()
        self._guard = threading.Lock()

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the runner thread (idempotent: several apps may share one runner)."""
        with self._guard:
            self._users += 1
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._main, name="asgard-job-runner", daemon=True)
            self._thread.start()
        self._started.wait(timeout=30)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop when the last user stops: running jobs are ended and released (requeued or failed)."""
        with self._guard:
            self._users -= 1
            if self._users > 0 or self._thread is None:
                return
            thread, loop, stopping = self._thread, self._loop, self._stopping
            self._thread = None
        if loop is not None and stopping is not None:
            loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout=timeout)
        self._started.clear()

    def wake(self) -> None:
        """Look at the queue now (a job was submitted or cancelled)."""
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake, self._stopping = asyncio.Event(), asyncio.Event()
        await self.channel.start()
        self._started.set()
        await asyncio.to_thread(self._recover_dead_local_workers)
        while not self._stopping.is_set():
            try:
                await asyncio.to_thread(self._recover_stale)
                while len(self._tasks) < self.config.concurrency:
                    job = await asyncio.to_thread(self.store.claim, self.worker_id, self.config.lease_seconds)
                    if job is None:
                        break
                    self._publish(job.id)
                    self._tasks[job.id] = asyncio.create_task(self._run(job))
            except Exception:
                log.exception("job runner loop failed; retrying")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.config.poll_seconds)
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        await self.channel.stop()

    # ---- recovery ---------------------------------------------------------------------------

    def _recover_dead_local_workers(self) -> None:
        """Jobs held by a dead process on this host (a killed server) need not wait for their lease."""
        for job in self.store.held_by(host_prefix()):
            pid = pid_of(job.worker_id)
            if job.worker_id != self.worker_id and pid is not None and not alive(pid):
                self._release(job)

    def _recover_stale(self) -> None:
        for job in self.store.stale():
            if job.worker_id != self.worker_id:
                self._release(job)

    def _release(self, job: JobRecord) -> None:
        if pid_of(job.worker_id) is not None:
            signal_job(job.pid, signal.SIGKILL, self.sandbox.confines)  # an orphaned script of a dead server
        status = self.store.release(job, "interrupted: the server running the job stopped")
        log.warning("job %s was interrupted (worker %s gone): now %s", job.id, job.worker_id, status.value)
        JobLog(self.store, self.events, job.id).system(f"interrupted: worker {job.worker_id} is gone; {status.value}")
        self._publish(job.id)

    # ---- one job ----------------------------------------------------------------------------

    def _publish(self, job_id: str) -> None:
        self.events.publish(job_id, self.store.get(job_id))

    async def _update(self, job_id: str, **values: Any) -> None:
        await asyncio.to_thread(self.store.update, job_id, **values)
        await asyncio.to_thread(self._publish, job_id)

    async def _finish(self, job: JobRecord, status: JobStatus, job_log: JobLog, **values: Any) -> None:
        job_log.system(f"job {status.value.lower()}" + (f": {values['error']}" if values.get("error") else ""))
        await asyncio.to_thread(job_log.flush)
        await asyncio.to_thread(self.store.finish, job.id, status, **values)
        await asyncio.to_thread(self._publish, job.id)

    async def _run(self, job: JobRecord) -> None:
        job_log = JobLog(self.store, self.events, job.id)
        cancel = asyncio.Event()
        flusher = asyncio.create_task(self._flush_loop(job_log))
        heartbeat = asyncio.create_task(self._heartbeat(job, cancel))
        try:
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
            self._tasks.pop(job.id, None)
            if self._wake is not None:
                self._wake.set()

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
            self._publish(job.id)

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
        experiment_id, run_id = await asyncio.to_thread(
            self.tracking.start_run,
            job.experiment_name,
            f"{Path(job.script_name).stem}-{job.id[:8]}",
            {"asgard.job_id": job.id, "mlflow.source.name": job.script_name, "mlflow.source.type": "JOB"},
        )
        await self._update(job.id, mlflow_run_id=run_id)
        workdir = self.settings.data_dir / "jobs" / job.id
        workdir.mkdir(parents=True, exist_ok=True)
        # A previous attempt may have left a symlink where the script goes: replaced, never followed.
        write_nofollow(workdir / job.script_name, job.script.encode())
        owner = self.sandbox.owner()
        if owner is not None:
            os.chown(workdir, *owner)  # the sandbox uid writes there (never through a link: the dir itself)
        credential = self.channel.open(job.id, experiment_id, run_id)
        try:
            mounts = await asyncio.to_thread(self.inputs.prepare, job.id)
            env = self._environment(job, experiment_id, run_id, workdir, credential)
            command = self.sandbox.command(
                [python, "-u", job.script_name],
                Confinement(
                    workdir=workdir,
                    read_only=self.environments.mounts_for(python),
                    mounted=mounts,
                    env=env,
                    network=True,
                    hidden=[self.settings.data_dir],
                ),
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
            outcome = await self._supervise(job, proc, job_log, cancel, left)
            signal_job(proc.pid, signal.SIGKILL, self.sandbox.confines)  # nothing the script started outlives it
        finally:
            self.channel.close(credential)
            await asyncio.to_thread(self.inputs.release, job.id)
            await asyncio.to_thread(strip_privileges, workdir)
        await self._conclude(job, proc.returncode, outcome, run_id, job_log)

    def _environment(
        self, job: JobRecord, experiment_id: str, run_id: str, workdir: Path, credential: str
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
            FEAST_REPO_PATH=str(self.settings.feast_repo_path),
            ASGARD_JOB_ID=job.id,
            ASGARD_PARAMS=json.dumps(job.parameters if job.parameters is not None else {}),
        )
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
        self, job: JobRecord, code: int | None, outcome: JobStatus | None, run_id: str, job_log: JobLog
    ) -> None:
        if outcome is not None:
            await asyncio.to_thread(self.tracking.end_run, run_id, "KILLED")
            error = "cancelled" if outcome is JobStatus.CANCELLED else f"timed out after {job.timeout_seconds} s"
            await self._finish(job, outcome, job_log, exit_code=code, error=error)
            return
        if code != 0:
            await asyncio.to_thread(self.tracking.end_run, run_id, "FAILED")
            tail = "\n".join(job_log.stderr_tail) or "(no output on stderr)"
            await self._finish(job, JobStatus.FAILED, job_log, exit_code=code, error=f"exit code {code}: {tail}")
            return
        await asyncio.to_thread(self.tracking.end_run, run_id, "FINISHED")
        version, warning = None, None
        if job.model_name:
            version, warning = await asyncio.to_thread(
                self.tracking.register_run_model, run_id, job.model_name, job.feature_service
            )
            if version is not None:
                job_log.system(f"registered {job.model_name} version {version}")
            if warning:
                job_log.system(f"warning: {warning}")
        await self._finish(job, JobStatus.SUCCEEDED, job_log, exit_code=0, model_version=version, warning=warning)
