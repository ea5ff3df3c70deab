"""Offline work (historical retrieval, exports, materialization) through a bounded queue.

DuckDB runs every query of a process on one connection, which refuses a second caller while busy; Trino
takes retrievals side by side, up to what the cluster is sized for. Either way a burst of 100,000-row
requests must not pile up without bound, each holding its parsed entity rows in memory while it waits.
So: at most `running` retrievals at once (DuckDB: 1), at most `waiting` more queued behind them, and a
request beyond that is refused at once with BUSY (retryable: `extensions.retryAfterSeconds`), before any
work starts (the resolver takes its turn before the entity rows are even parsed). Materializations are
background operations: they wait for a slot and are never refused. The bounds are per process: with
`--workers N` each worker has its own.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from server.services.errors import RequestCode, RequestError

POLL_SECONDS = 0.01  # how often a waiting request looks for a free slot


class Busy(RequestError):
    """Too much offline work queued already: try again later."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, code=RequestCode.BUSY)
        self.retry_after = retry_after

    @property
    def extensions(self) -> dict[str, object]:
        return {"code": self.code.value, "retryable": True, "retryAfterSeconds": self.retry_after}


class OfflineGate:
    """Requests wait on the event loop (never in a worker thread, where a queue of them would hold every
    thread the server's other blocking calls need); a materialization waits in its own thread and goes
    before the requests waiting beside it."""

    def __init__(self, running: int, waiting: int, retry_after: int = 2) -> None:
        self.running = running
        self.waiting = waiting
        self.retry_after = retry_after
        self._slots = threading.BoundedSemaphore(running)
        self._lock = threading.Lock()
        self._requests: dict[int, int] = {}  # id of an admitted request -> its reads in the gate
        self._queue: deque[object] = deque()  # reads waiting for a slot, first come first served
        self._background_waiting = 0

    @asynccontextmanager
    async def request(self, owner: object) -> AsyncIterator[None]:
        """A read's turn, taken before any of its work. `owner` is the HTTP request it belongs to: the reads
        of one request (aliased fields) count as one request in the queue, so a request within the limits
        is never refused for its own size; a new request is refused with Busy when `running + waiting`
        requests are in already. Works from any event loop (it polls: no loop-bound primitive)."""
        key = id(owner)
        with self._lock:
            if key not in self._requests and len(self._requests) >= self.running + self.waiting:
                raise Busy(
                    f"the server is busy with {len(self._requests)} requests of offline reads already (at most "
                    f"{self.running} at once and {self.waiting} waiting); try again in a few seconds",
                    self.retry_after,
                )
            self._requests[key] = self._requests.get(key, 0) + 1
            place = object()
            self._queue.append(place)
        try:
            while not self._take(place):
                await asyncio.sleep(POLL_SECONDS)
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._lock:
                if place in self._queue:
                    self._queue.remove(place)
                self._requests[key] -= 1
                if not self._requests[key]:
                    del self._requests[key]

    def _take(self, place: object) -> bool:
        """A slot for the read at `place`, if it is first in line and no materialization is waiting."""
        with self._lock:
            if self._background_waiting or self._queue[0] is not place or not self._slots.acquire(blocking=False):
                return False
            self._queue.popleft()
            return True

    @contextmanager
    def background(self) -> Iterator[None]:
        """A materialization's turn (in its own thread): it waits for a slot, however long the queue, and
        requests arriving meanwhile wait behind it."""
        with self._lock:
            self._background_waiting += 1
        try:
            self._slots.acquire()
        finally:
            with self._lock:
                self._background_waiting -= 1
        try:
            yield
        finally:
            self._slots.release()
