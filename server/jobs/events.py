"""In-process notifications of job changes, from the runner's thread to subscribers' event loops.

Subscribers also poll the job table, so a job run by another replica is seen too; these events
only make local changes arrive at once (and let no short-lived state slip between two polls).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from server.jobs.records import JobRecord


class JobEvents:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[JobRecord | None]]]] = (
            defaultdict(list)
        )

    @contextmanager
    def subscribe(self, job_id: str) -> Iterator[asyncio.Queue[JobRecord | None]]:
        """A queue receiving each new state of the job (None: new log lines only)."""
        entry = (asyncio.get_running_loop(), asyncio.Queue[JobRecord | None]())
        with self._lock:
            self._subscribers[job_id].append(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                self._subscribers[job_id].remove(entry)
                if not self._subscribers[job_id]:
                    del self._subscribers[job_id]

    def publish(self, job_id: str, record: JobRecord | None) -> None:
        with self._lock:
            targets = list(self._subscribers.get(job_id, ()))
        for loop, queue in targets:
            with contextlib.suppress(RuntimeError):  # that subscriber's loop has closed
                loop.call_soon_threadsafe(queue.put_nowait, record)
