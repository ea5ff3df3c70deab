"""The job runner: claims queued jobs (up to the configured concurrency), keeps their leases honest
and releases the jobs of workers that died; server/jobs/execution.py runs each one.

It runs on a thread with its own event loop, so child processes, pipes and timers never compete
with the API's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable

from server.config import Settings
from server.jobs.events import JobEvents
from server.jobs.execution import JobExecutor
from server.jobs.job_log import JobLog
from server.jobs.processes import alive, host_prefix, pid_of, signal_job
from server.jobs.records import JobRecord
from server.jobs.store import JobStore
from server.jobs.tracking_channel import TrackingChannel
from server.sandbox import Sandbox
from server.services.job_tracking import JobTracking

log = logging.getLogger(__name__)


class JobRunner:
    """Claims and runs jobs; one per server process."""

    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        tracking: JobTracking,
        events: JobEvents,
        sandbox: Sandbox,
        feast_registry: Callable[[], bytes],
    ) -> None:
        """`feast_registry`: the Feast registry as it is now, serialized; each job reads a snapshot of it."""
        self.config = settings.jobs
        self.store = store
        self.events = events
        self.sandbox = sandbox
        self.channel = TrackingChannel(tracking.tracking.store, tracking.tracking.tracking_uri)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.executor = JobExecutor(
            settings, store, tracking, events, sandbox, self.channel, self.worker_id, feast_registry
        )
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._stopping: asyncio.Event | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._users = 0
        self._started = threading.Event()
        self._guard = threading.Lock()
        self._lock_path = settings.data_dir / "job-runner.lock"
        self._lock_fd: int | None = None

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

    def _lead(self) -> bool:
        """Whether this process runs the data dir's jobs: the one that holds the runner lock. The workers
        of `asgard serve --workers N` share a data dir; one of them claims and runs jobs, and when it exits
        (its lock goes with it) another takes over within a poll. Other servers, with data dirs of their
        own, claim from the same queue as before (claims are safe between them)."""
        if self._lock_fd is not None:
            return True
        if self.config.concurrency == 0:
            return False  # an API-only process leaves the jobs to another
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake, self._stopping = asyncio.Event(), asyncio.Event()
        self._started.set()
        while not await asyncio.to_thread(self._lead):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.config.poll_seconds)
            if self._stopping.is_set():
                return
        try:
            await self._run_jobs()
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # the lock goes with it: another process may take over
                self._lock_fd = None

    async def _run_jobs(self) -> None:
        """Claim and run jobs until stopped (this process holds the runner lock)."""
        assert self._wake is not None and self._stopping is not None
        await self.channel.start()
        try:
            await asyncio.to_thread(self._recover_dead_local_workers)
            while not self._stopping.is_set():
                try:
                    await asyncio.to_thread(self._recover_stale)
                    while len(self._tasks) < self.config.concurrency:
                        job = await asyncio.to_thread(self.store.claim, self.worker_id, self.config.lease_seconds)
                        if job is None:
                            break
                        self.executor.publish(job.id)
                        self._tasks[job.id] = asyncio.create_task(self._run(job))
                except Exception:
                    log.exception("job runner loop failed; retrying")
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.config.poll_seconds)
        finally:
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
        job_log = JobLog(self.store, self.events, job.id)
        job_log.system(f"interrupted: worker {job.worker_id} is gone; {status.value}")
        job_log.flush()
        self.executor.publish(job.id)

    # ---- one job ----------------------------------------------------------------------------

    async def _run(self, job: JobRecord) -> None:
        try:
            await self.executor.run(job)
        finally:
            self._tasks.pop(job.id, None)
            if self._wake is not None:
                self._wake.set()
