"""Materialization as a tracked background operation: one row per run, one run per view at a time."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update

from server.jobs.processes import alive, pid_of
from server.jobs.store import JobStore
from server.jobs.tables import materializations
from server.services.errors import ErrorCode, InputErrorList, InputErrors, input_error
from server.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)


LAST_FINISHED_SCAN = 10_000


class MaterializationStatus(StrEnum):
    """Where a materialization is."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class MaterializationRecord:
    id: str
    status: MaterializationStatus
    feature_views: tuple[str, ...]
    start: datetime | None
    end: datetime
    incremental: bool
    rows_written: int | None
    error: str | None
    started_at: datetime
    finished_at: datetime | None


def _record(row: Any) -> MaterializationRecord:
    m = row._mapping
    return MaterializationRecord(
        id=m["id"],
        status=MaterializationStatus(m["status"]),
        feature_views=tuple(m["feature_views"]),
        start=as_utc(m["start"]),
        end=as_utc(m["end"]) or utcnow(),
        incremental=bool(m["incremental"]),
        rows_written=m["rows_written"],
        error=m["error"],
        started_at=as_utc(m["started_at"]) or utcnow(),
        finished_at=as_utc(m["finished_at"]),
    )


@dataclass(frozen=True)
class MaterializationRequest:
    """What a caller asks to load into the online store, before it is checked."""

    feature_views: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    incremental: bool


def check_request(
    request: MaterializationRequest, online: dict[str, bool], now: datetime
) -> tuple[InputErrorList, datetime | None, datetime]:
    """Every problem with a request (views unknown or offline, times without a zone, a start an incremental
    run does not take, an empty range), and the range it means: (errors, start or None, end)."""
    errors = InputErrorList()
    if not request.feature_views:
        errors.add(ErrorCode.INVALID_VALUE, "name at least one feature view", "featureViews")
    for n, name in enumerate(request.feature_views):
        if name not in online:
            errors.add(ErrorCode.NOT_FOUND, f"feature view {name!r} does not exist", "featureViews", n)
        elif not online[name]:
            errors.add(ErrorCode.INVALID_VALUE, f"{name!r} is not an online feature view", "featureViews", n)
    for field, value in (("start", request.start), ("end", request.end)):
        if value is not None and value.tzinfo is None:
            errors.add(ErrorCode.INVALID_VALUE, f"{field} needs a time zone", field)
    end = request.end or now
    start = request.start
    if request.incremental and start is not None:
        errors.add(ErrorCode.INVALID_VALUE, "an incremental run takes no start", "start")
    if not request.incremental and start is None:
        errors.add(ErrorCode.INVALID_VALUE, "give start (or incremental: true)", "start")
    if start is not None and start.tzinfo and end.tzinfo and start >= end:
        errors.add(ErrorCode.INVALID_VALUE, "end must be after start", "end")
    return errors, start, end


# What a materialization does: (views, start or None for incremental, end) -> rows written.
Work = Callable[[list[str], datetime | None, datetime], int]


class Materializations:
    """Starts materializations in the background and keeps their state in the job database."""

    def __init__(self, store: JobStore, work: Work, workers: int = 2) -> None:
        self.engine = store.engine
        self.work = work
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.workers = workers
        self._executor: ThreadPoolExecutor | None = None  # made when an app opens these, or a run starts
        self._lock = threading.Lock()
        self._users = 0
        self._recover()

    def open(self) -> None:
        """An app starts using these (several apps may share one process's services)."""
        with self._lock:
            self._users += 1
            if self._executor is None:
                self._executor = self._new_executor()

    def _new_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="asgard-materialize")

    def close(self) -> None:
        """An app stops; the last one ends the background threads (running work is left to finish)."""
        with self._lock:
            self._users -= 1
            if self._users > 0 or self._executor is None:
                return
            executor, self._executor = self._executor, None
        executor.shutdown(wait=False, cancel_futures=True)

    def _recover(self) -> None:
        """Runs started by a process of this host that is gone will never finish: say so."""
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(materializations.c.id, materializations.c.worker_id).where(
                    materializations.c.status == MaterializationStatus.RUNNING.value
                )
            ).all()
            for op_id, worker in rows:
                pid = pid_of(worker)
                if pid is not None and not alive(pid):
                    conn.execute(
                        update(materializations)
                        .where(materializations.c.id == op_id)
                        .values(status="FAILED", error="interrupted: the server stopped", finished_at=utcnow())
                    )

    def last_finished(self, views: list[str]) -> dict[str, datetime]:
        """When the latest successful materialization that included each view finished; views none
        included are left out. Newest first, as far back as it takes to find them all (at most
        LAST_FINISHED_SCAN runs)."""
        wanted, found = set(views), {}
        query = (
            select(materializations.c.feature_views, materializations.c.finished_at)
            .where(
                materializations.c.status == MaterializationStatus.SUCCEEDED.value,
                materializations.c.finished_at.is_not(None),
            )
            .order_by(materializations.c.finished_at.desc())
            .limit(LAST_FINISHED_SCAN)
        )
        with self.engine.connect() as conn:
            for names, finished in conn.execute(query):
                at = as_utc(finished)
                assert at is not None  # runs without a finish time are filtered out above
                for name in set(names) & wanted:
                    found[name] = at
                wanted -= found.keys()
                if not wanted:
                    break
        return found

    def get(self, op_id: str) -> MaterializationRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(materializations).where(materializations.c.id == op_id)).first()
        return _record(row) if row else None

    def request(self, request: MaterializationRequest, online: dict[str, bool]) -> MaterializationRecord:
        """Check a request against the registry's views (`online`: which are online), then start it."""
        errors, start, end = check_request(request, online, datetime.now(UTC))
        errors.refuse()
        return self.start(list(request.feature_views), start, end)

    def start(self, views: list[str], start: datetime | None, end: datetime) -> MaterializationRecord:
        """Record and start a run; a view already being materialized is a CONFLICT."""
        op_id = str(uuid.uuid4())
        with self._lock, self.engine.begin() as conn:
            running = conn.execute(
                select(materializations.c.feature_views).where(
                    materializations.c.status == MaterializationStatus.RUNNING.value
                )
            ).scalars()
            busy = {v for group in running for v in group}
            clashes = [(i, v) for i, v in enumerate(views) if v in busy]
            if clashes:
                raise InputErrors(
                    [
                        input_error(
                            ErrorCode.CONFLICT, f"feature view {v!r} is being materialized already", "featureViews", i
                        )
                        for i, v in clashes
                    ]
                )
            conn.execute(
                materializations.insert().values(
                    id=op_id,
                    status=MaterializationStatus.RUNNING.value,
                    feature_views=list(views),
                    start=start,
                    end=end,
                    incremental=start is None,
                    worker_id=self.worker_id,
                    started_at=utcnow(),
                )
            )
        with self._lock:
            executor = self._executor or ThreadPoolExecutor(
                max_workers=self.workers, thread_name_prefix="asgard-materialize"
            )
            self._executor = executor
        executor.submit(self._run, op_id, views, start, end)
        found = self.get(op_id)
        assert found is not None
        return found

    def _run(self, op_id: str, views: list[str], start: datetime | None, end: datetime) -> None:
        try:
            rows = self.work(views, start, end)
            values: dict[str, Any] = {"status": MaterializationStatus.SUCCEEDED.value, "rows_written": rows}
        except Exception as error:
            log.exception("materialization %s failed", op_id)
            values = {"status": MaterializationStatus.FAILED.value, "error": f"{type(error).__name__}: {error}"[:2000]}
        with self.engine.begin() as conn:
            conn.execute(
                update(materializations)
                .where(materializations.c.id == op_id)
                .values(finished_at=datetime.now(UTC), **values)
            )
