"""Offline work (historical retrieval, exports, materialization) through a bounded queue.

DuckDB runs every query of a process on one connection, which refuses a second caller while busy; Trino
takes retrievals side by side, up to what the cluster is sized for. Either way a burst of 100,000-row
requests must not pile up without bound, each holding its parsed entity rows in memory while it waits.
So: at most `running` retrievals at once (DuckDB: 1), at most `waiting` more queued behind them, and a
request beyond that is refused at once with BUSY (retryable: `extensions.retryAfterSeconds`), before any
work starts. Materializations are background operations: they wait for a slot and are never refused.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from server.services.errors import RequestCode, RequestError


class Busy(RequestError):
    """Too much offline work queued already: try again later."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, code=RequestCode.BUSY)
        self.retry_after = retry_after

    @property
    def extensions(self) -> dict[str, object]:
        return {"code": self.code.value, "retryable": True, "retryAfterSeconds": self.retry_after}


class OfflineGate:
    def __init__(self, running: int, waiting: int, retry_after: int = 2) -> None:
        self.running = running
        self.waiting = waiting
        self.retry_after = retry_after
        self._slots = threading.BoundedSemaphore(running)
        self._admitted = threading.BoundedSemaphore(running + waiting)

    @contextmanager
    def request(self) -> Iterator[None]:
        """A retrieval's turn: refused with Busy when `running + waiting` are in already."""
        if not self._admitted.acquire(blocking=False):
            raise Busy(
                f"the server is busy with {self.running + self.waiting} offline reads already (at most "
                f"{self.running} at once and {self.waiting} waiting); try again in a few seconds",
                self.retry_after,
            )
        try:
            with self._slots:
                yield
        finally:
            self._admitted.release()

    @contextmanager
    def background(self) -> Iterator[None]:
        """A materialization's turn: it waits for a slot, however long the queue."""
        with self._slots:
            yield
