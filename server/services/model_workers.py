"""Worker processes that run registered models' code, one per loaded model version, in the sandbox.

The API process downloads a version's files and starts `python -m server.model_worker` on them, with
the files read-only, no network, no data dir and none of the server's environment. A worker serves one
prediction at a time; one that dies (a segfault, the kernel's OOM killer, a model that exits) costs that
worker only: the next prediction starts a new one. A prediction that takes longer than the timeout ends
its worker. The least recently used workers are stopped when more than `size` versions are loaded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

import server
from server.config import NO_TELEMETRY
from server.jobs.processes import descendants
from server.model_worker import HEADER
from server.resource_groups import ResourceLimits
from server.sandbox import Confinement, Sandbox

log = logging.getLogger(__name__)

MAX_REPLY_BYTES = 64 * 1024**2
MAX_ON_LOOP_BYTES = 32 * 1024  # a request this small fits in an empty pipe (64 KiB): writing it never waits
WORKER_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"} | NO_TELEMETRY
PASSED_PREFIXES = ("OPENBLAS_", "OMP_", "MKL_")
LOAD_TIMEOUT_SECONDS = 120.0  # a model's loading: MLflow's imports, the flavor's, the model's own
DEFAULT_LIMITS = ResourceLimits(processes=256, memory_bytes=2048 * 1024**2)  # ASGARD_MODEL_* when served


class WorkerFailed(RuntimeError):
    """The worker died, hung or broke the protocol; the message says which."""


class ModelRefused(Exception):
    """The model refused the input (it does not fit the signature): the caller's to fix."""


@dataclass(frozen=True)
class ModelInputs:
    """What the model's signature asks for (None: no named inputs)."""

    names: list[str] | None
    required: set[str]


class ModelWorker:
    def __init__(
        self,
        sandbox: Sandbox,
        model_dir: Path,
        hidden: list[Path],
        timeout: float,
        limits: ResourceLimits,
        load_timeout: float = LOAD_TIMEOUT_SECONDS,
    ) -> None:
        self.model_dir = model_dir
        self.timeout = timeout
        self.limits = limits
        self.group = sandbox.open_group(limits)  # its own cgroup, where the server can make one
        self._lock = threading.Lock()
        self._buffer = bytearray()
        env = WORKER_ENV | {k: v for k, v in os.environ.items() if k.startswith(PASSED_PREFIXES)}
        env["PYTHONPATH"] = str(Path(server.__file__).resolve().parent.parent)  # `server`, even from a source tree
        command = sandbox.command(
            [sys.executable, "-m", "server.model_worker", str(model_dir)],
            Confinement(read_only=[model_dir], network=False, env=env, hidden=hidden),
            self.group,
        )
        try:
            self.proc = subprocess.Popen(
                command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except BaseException:
            if self.group is not None:
                self.group.close()
            raise
        self._stderr = threading.Thread(target=self._relay_stderr, name=f"model-worker-{self.proc.pid}", daemon=True)
        self._stderr.start()
        try:
            first = self._receive(load_timeout)  # loading imports MLflow and the model's flavor
        except BaseException:
            self.stop()  # never kept by the pool: nothing else would end it
            raise
        if not first.get("ok"):
            self.stop()
            raise WorkerFailed(f"the model could not be loaded: {first.get('error')}")
        names = first.get("inputs")
        self.inputs = ModelInputs(list(names) if names is not None else None, set(first.get("required") or ()))

    def _relay_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            log.info("model %s: %s", self.model_dir.name, line.decode("utf-8", "replace").rstrip())

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def rss_bytes(self) -> int | None:
        """Resident memory of the worker and everything it started."""
        total = 0
        for pid in [self.proc.pid, *descendants(self.proc.pid)]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total or None

    def _take(self) -> dict[str, Any] | None:
        """The next whole message in what has been read, or None if it has not all arrived."""
        if len(self._buffer) < HEADER.size:
            return None
        (size,) = HEADER.unpack_from(self._buffer)
        if size > MAX_REPLY_BYTES:  # the model's own code writes this: never held whole in the API process
            self.stop()
            raise WorkerFailed(f"the model's answer is over {MAX_REPLY_BYTES // 1024**2} MiB; its worker was stopped")
        if len(self._buffer) < HEADER.size + size:
            return None
        try:
            message = orjson.loads(bytes(self._buffer[HEADER.size : HEADER.size + size]))
        except orjson.JSONDecodeError:
            message = None
        del self._buffer[: HEADER.size + size]
        if not isinstance(message, dict):  # the model's code wrote to the pipe: the exchange is out of step
            self.stop()
            raise WorkerFailed("the worker broke the protocol")
        return message

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (message := self._take()) is None:
            self._wait(deadline, timeout)
            self._read()
        return message

    async def _receive_async(self, timeout: float) -> dict[str, Any]:
        """_receive on the event loop: the loop waits for the pipe, nothing else does."""
        assert self.proc.stdout is not None
        loop, fd = asyncio.get_running_loop(), self.proc.stdout.fileno()
        try:
            async with asyncio.timeout(timeout):
                while (message := self._take()) is None:
                    readable: asyncio.Future[None] = loop.create_future()
                    loop.add_reader(fd, _settle, readable)
                    try:
                        await readable
                    finally:
                        loop.remove_reader(fd)
                    self._read()
        except TimeoutError:
            raise self._timed_out(timeout) from None
        return message

    def _send(self, message: bytes) -> None:
        assert self.proc.stdin is not None
        fd, view = self.proc.stdin.fileno(), memoryview(message)
        while view:
            view = view[os.write(fd, view) :]

    def _wait(self, deadline: float, timeout: float) -> None:
        assert self.proc.stdout is not None
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([self.proc.stdout.fileno()], [], [], wait)[0]:
            raise self._timed_out(timeout)

    def _timed_out(self, timeout: float) -> WorkerFailed:
        self.stop()
        return WorkerFailed(f"the model did not answer within {timeout:.0f} s; its worker was stopped")

    def _read(self) -> None:
        """Read what the worker has written (one read for a whole message, usually); it is readable."""
        assert self.proc.stdout is not None
        chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
        if not chunk:
            try:  # it is exiting, usually; one that closed its pipe and lives on is not waited for (on the loop)
                code = self.proc.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                code = None
            out_of_memory = self.group is not None and self.group.oom_killed()  # read before the group goes
            self.stop()  # its group too (what it left is killed; the group goes, now or from the reaper)
            code = self.proc.returncode if code is None else code
            if out_of_memory:
                raise WorkerFailed(f"the model's worker was {self.limits.over_memory('ASGARD_MODEL_MEMORY_MB')}")
            raise WorkerFailed(f"the model's worker died (exit code {code})")
        self._buffer += chunk

    def predict(self, columns: list[str], values: list[list[Any]]) -> list[Any]:
        """Predictions for the rows whose values are given column by column."""
        with self._lock:
            self._request(orjson.dumps({"columns": columns, "values": values}))
            reply = self._receive(self.timeout)
        return _predictions(reply)

    async def predict_async(self, columns: list[str], values: list[list[Any]]) -> list[Any]:
        """predict with the exchange on the event loop: no hop to a thread and back, which costs a small
        prediction as much as the pipe does. A request that might not fit in the pipe at once, or a worker
        busy with another, is waited for in a thread instead. A caller that goes away does not leave the
        answer in the pipe: the exchange runs to its end, and the lock is released then."""
        data = orjson.dumps({"columns": columns, "values": values})
        if len(data) > MAX_ON_LOOP_BYTES or not self._lock.acquire(blocking=False):
            return await asyncio.to_thread(self.predict, columns, values)
        try:
            self._request(data)  # the worker has read every earlier request: the pipe is empty
        except BaseException:
            self._lock.release()
            raise
        exchange = asyncio.ensure_future(self._receive_async(self.timeout))
        exchange.add_done_callback(self._exchanged)
        return _predictions(await asyncio.shield(exchange))

    def _exchanged(self, exchange: asyncio.Future[dict[str, Any]]) -> None:
        self._lock.release()
        if not exchange.cancelled():
            exchange.exception()  # retrieved: an answer nobody waits for any more is dropped quietly

    def _request(self, data: bytes) -> None:
        try:
            self._send(HEADER.pack(len(data)) + data)
        except OSError as error:  # BrokenPipeError: it died
            raise WorkerFailed(f"the model's worker is gone ({error})") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        if self.group is not None:
            self.group.close()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _predictions(reply: dict[str, Any]) -> list[Any]:
    if reply.get("ok"):
        predictions: list[Any] = reply["predictions"]
        return predictions
    if reply.get("kind") == "input":
        raise ModelRefused(str(reply.get("error")))
    raise WorkerFailed(f"the model failed: {reply.get('error')}")


class ModelWorkers:
    """Live workers by model version, least recently used stopped first."""

    def __init__(
        self,
        sandbox: Sandbox,
        hidden: list[Path],
        size: int = 8,
        timeout: float = 30.0,
        limits: ResourceLimits = DEFAULT_LIMITS,
    ) -> None:
        self.sandbox = sandbox
        self.hidden = hidden
        self.limits = limits
        self.load_timeout = LOAD_TIMEOUT_SECONDS
        self.size = size
        self.timeout = timeout
        self._workers: OrderedDict[tuple[str, int], ModelWorker] = OrderedDict()
        self._lock = threading.Lock()
        self._starting: dict[tuple[str, int], threading.Lock] = {}
        self.started = 0  # workers started in all, restarts included

    def worker(self, key: tuple[str, int], model_dir: Path) -> ModelWorker:
        """The version's live worker, started (once, however many requests ask at once) when needed."""
        found = self.live(key)
        if found is not None:
            return found
        with self._lock:
            starting = self._starting.setdefault(key, threading.Lock())
        with starting:
            found = self.live(key)  # started while this one waited
            if found is not None:
                return found
            self.sandbox.check()
            worker = ModelWorker(
                self.sandbox, model_dir, self.hidden, self.timeout, self.limits, max(self.timeout, self.load_timeout)
            )
            with self._lock:
                self.started += 1
                old = self._workers.pop(key, None)
                self._workers[key] = worker
                evicted = []
                while len(self._workers) > self.size:
                    evicted.append(self._workers.popitem(last=False)[1])
            for stale in [w for w in (old, *evicted) if w is not None]:
                stale.stop()
            return worker

    def live(self, key: tuple[str, int]) -> ModelWorker | None:
        """The version's worker if one is running; never starts one."""
        with self._lock:
            found = self._workers.get(key)
            if found is None or not found.alive:
                return None
            self._workers.move_to_end(key)
            return found

    def forget(self, key: tuple[str, int]) -> None:
        with self._lock:
            worker = self._workers.pop(key, None)
        if worker is not None:
            worker.stop()

    def memory(self) -> dict[str, int | None]:
        """Resident bytes per loaded version ("name/version"), for the benchmark."""
        with self._lock:
            workers = list(self._workers.items())
        return {f"{name}/{version}": w.rss_bytes() for (name, version), w in workers}

    def stop(self) -> None:
        with self._lock:
            workers = list(self._workers.values())
            self._workers.clear()
        for worker in workers:
            worker.stop()
