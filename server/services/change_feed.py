"""Change events for subscribers: the registries read again every `poll_seconds` while anyone listens, and
at once after a write made through this replica (a kick), each reading compared with the last
(server/services/change_events.py). So another replica's writes arrive within a poll, this one's at once,
and each change is told once. Readings run off the event loop; nothing is read while no one listens."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from server.blocking import run_blocking
from server.services.change_events import ModelEvent, ViewEvent, version_changes, view_changes
from server.timeutil import utcnow

log = logging.getLogger(__name__)
VIEWS, MODELS = "views", "models"
MAX_QUEUED = 1000  # events a subscriber has not read yet; past that it is told it fell behind
MAX_VERSIONS = 10_000


class FellBehind(Exception):
    """A subscriber read too slowly: events were dropped."""


@dataclass(eq=False)
class _Subscriber:
    topic: str
    queue: asyncio.Queue[ViewEvent | ModelEvent | None] = field(default_factory=lambda: asyncio.Queue(MAX_QUEUED))
    behind: bool = False


class ChangeFeed:
    def __init__(
        self, views: Callable[[], Mapping[str, Any]], versions: Callable[[int], list[Any]], poll_seconds: float
    ) -> None:
        """`views()`: the registry's views by name, as fresh as a poll needs; `versions(n)`: up to n model
        versions."""
        self._read_views = views
        self._read_versions = versions
        self.poll_seconds = poll_seconds
        self._subscribers: set[_Subscriber] = set()
        self._state: dict[str, Mapping[Any, Any]] = {}
        self._reading = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._guard = threading.Lock()

    def kick(self) -> None:
        """Read again now (from any thread): a write was just made through this replica."""
        with self._guard:
            loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(wake.set)

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[ViewEvent | ModelEvent | None]]:
        """A queue of the topic's events from now on (None: the subscriber fell behind and events were lost)."""
        subscriber = _Subscriber(topic)
        self._subscribers.add(subscriber)
        try:
            async with self._reading:
                if topic not in self._state:  # the reading later ones are compared with
                    self._state[topic] = await self._read(topic)
            self._start()
            yield subscriber.queue
        finally:
            self._subscribers.discard(subscriber)
            if not any(s.topic == topic for s in self._subscribers):
                self._state.pop(topic, None)  # no one listens: a later first subscriber reads afresh
            if not self._subscribers:
                self._stop()

    def _start(self) -> None:
        if self._task is None or self._task.done():
            with self._guard:
                self._loop = asyncio.get_running_loop()
                self._wake = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run())

    def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        with self._guard:
            self._loop = self._wake = None

    async def _read(self, topic: str) -> Mapping[Any, Any]:
        if topic == VIEWS:
            return await run_blocking(self._read_views)
        versions = await run_blocking(self._read_versions, MAX_VERSIONS)
        return {(v.name, v.version): v for v in versions}

    async def _run(self) -> None:
        wake = self._wake
        assert wake is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.poll_seconds)
            wake.clear()
            for topic in sorted({s.topic for s in self._subscribers}):
                try:
                    await self._poll(topic)
                except Exception:  # a registry that did not answer this time: the next poll tries again
                    log.warning("the %s could not be read for change events", topic, exc_info=True)

    async def _poll(self, topic: str) -> None:
        async with self._reading:
            before = self._state.get(topic)
            after = await self._read(topic)
            if topic not in self._state:  # everyone left meanwhile
                return
            self._state[topic] = after
        if before is None:
            return
        at = utcnow()
        events: list[ViewEvent] | list[ModelEvent] = (
            view_changes(before, after, at) if topic == VIEWS else version_changes(before, after, at)
        )
        for subscriber in [s for s in self._subscribers if s.topic == topic and not s.behind]:
            for event in events:
                try:
                    subscriber.queue.put_nowait(event)
                except asyncio.QueueFull:
                    subscriber.behind = True
                    break
            if subscriber.behind:
                with contextlib.suppress(asyncio.QueueFull):
                    subscriber.queue.get_nowait()
                    subscriber.queue.put_nowait(None)
