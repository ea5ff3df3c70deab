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
from server.services.errors import ErrorCode, UserErrors, user_error
from server.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)


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


# What a materialization does: (views, start or None for incremental, end) -> rows written.
Work = Callable[[list[str], datetime | None, datetime], int]


class Materializations:
    """Starts materializations in the background and keeps their state in the job database."""

    def __init__(self, store: JobStore, work: Work, workers: int = 2) -> None:
        self.engine = store.engine
        self.work = work
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="asgard-materialize")
        self._lock = threading.Lock()
        self._recover()

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

    def get(self, op_id: str) -> MaterializationRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(materializations).where(materializations.c.id == op_id)).first()
        return _record(row) if row else None

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
                raise UserErrors(
                    [
                        user_error(
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
        self._executor.submit(self._run, op_id, views, start, end)
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

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
