"""The job table: submit, claim atomically, lease, log, cancel, recover.

On PostgreSQL a claim is `SELECT ... FOR UPDATE SKIP LOCKED`, so many API replicas share one queue
without running a job twice. On SQLite (one host) a claim is a compare-and-set update.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, create_engine, event, func, or_, select, update
from sqlalchemy.engine import Row

from server.jobs.records import ACTIVE, JobRecord, JobSpec, JobStatus, LogRecord, LogStream
from server.jobs.tables import create_tables, job_logs, jobs
from server.sql_urls import sqlalchemy_url
from server.timeutil import as_utc, utcnow


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(sqlalchemy_url(url), pool_pre_ping=True, pool_size=5, max_overflow=5)


def _record(row: Row[Any]) -> JobRecord:
    m = row._mapping
    return JobRecord(
        id=m["id"],
        status=JobStatus(m["status"]),
        script_name=m["script_name"],
        script=m["script"],
        script_sha256=m["script_sha256"],
        experiment_name=m["experiment_name"],
        model_name=m["model_name"],
        feature_service=m["feature_service"],
        requirements=tuple(m["requirements"] or ()),
        parameters=m["parameters"],
        timeout_seconds=m["timeout_seconds"],
        retries=m["retries"],
        attempts=m["attempts"],
        exit_code=m["exit_code"],
        error=m["error"],
        warning=m["warning"],
        mlflow_run_id=m["mlflow_run_id"],
        model_version=m["model_version"],
        worker_id=m["worker_id"],
        pid=m["pid"],
        cancel_requested=bool(m["cancel_requested"]),
        submitted_at=as_utc(m["submitted_at"]) or utcnow(),
        started_at=as_utc(m["started_at"]),
        finished_at=as_utc(m["finished_at"]),
        lease_expires_at=as_utc(m["lease_expires_at"]),
        submitted_by=m["submitted_by"],
        owner=m["owner"],
    )


class JobStore:
    """All reads and writes of the job table."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.calls: Counter[str] = Counter()  # batched reads, counted for the tests that bound them
        self.engine = make_engine(url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        create_tables(self.engine)

    # ---- submit and read --------------------------------------------------------------------

    def submit(self, spec: JobSpec, submitted_by: str = "local", owner: str = "local") -> JobRecord:
        """Queue a job; `submitted_by` names the submitter, `owner` keys who may cancel it."""
        job_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(
                jobs.insert().values(
                    id=job_id,
                    seq=time.time_ns() // 1000,
                    status=JobStatus.QUEUED.value,
                    script_name=spec.script_name,
                    script=spec.script,
                    script_sha256=hashlib.sha256(spec.script.encode()).hexdigest(),
                    experiment_name=spec.experiment_name,
                    model_name=spec.model_name,
                    feature_service=spec.feature_service,
                    requirements=list(spec.requirements),
                    parameters=spec.parameters,
                    timeout_seconds=spec.timeout_seconds,
                    retries=spec.retries,
                    attempts=0,
                    cancel_requested=False,
                    submitted_at=utcnow(),
                    submitted_by=submitted_by,
                    owner=owner,
                )
            )
        found = self.get(job_id)
        assert found is not None
        return found

    def get(self, job_id: str) -> JobRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return _record(row) if row else None

    def _filters(self, statuses: Iterable[JobStatus] | None, experiment: str | None, model: str | None) -> list[Any]:
        clauses: list[Any] = []
        if statuses:
            clauses.append(jobs.c.status.in_([s.value for s in statuses]))
        if experiment:
            clauses.append(jobs.c.experiment_name == experiment)
        if model:
            clauses.append(jobs.c.model_name == model)
        return clauses

    def search(
        self,
        statuses: Iterable[JobStatus] | None,
        experiment: str | None,
        model: str | None,
        limit: int,
        before: tuple[int, str] | None,
    ) -> list[tuple[tuple[int, str], JobRecord]]:
        """Newest first; `before` is the (seq, id) of the last job of the previous page."""
        clauses = self._filters(statuses, experiment, model)
        if before is not None:
            seq, job_id = before
            clauses.append((jobs.c.seq < seq) | and_(jobs.c.seq == seq, jobs.c.id < job_id))
        query = select(jobs).where(*clauses).order_by(jobs.c.seq.desc(), jobs.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [((r.seq, r.id), _record(r)) for r in rows]

    def count(self, statuses: Iterable[JobStatus] | None, experiment: str | None, model: str | None) -> int:
        query = select(func.count()).select_from(jobs).where(*self._filters(statuses, experiment, model))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # ---- claim and lease --------------------------------------------------------------------

    def claim(self, worker_id: str, lease_seconds: float) -> JobRecord | None:
        """Take the oldest queued job for `worker_id`, or None when the queue is empty."""
        values = {
            "status": JobStatus.PREPARING.value,
            "worker_id": worker_id,
            "attempts": jobs.c.attempts + 1,
            "started_at": utcnow(),
            "lease_expires_at": utcnow() + timedelta(seconds=lease_seconds),
            "cancel_requested": False,
            "pid": None,
        }
        oldest = (
            select(jobs.c.id).where(jobs.c.status == JobStatus.QUEUED.value).order_by(jobs.c.seq, jobs.c.id).limit(1)
        )
        with self.engine.begin() as conn:
            if self.is_postgres:
                job_id = conn.execute(oldest.with_for_update(skip_locked=True)).scalar()
                if job_id is None:
                    return None
                conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))
            else:
                while True:
                    job_id = conn.execute(oldest).scalar()
                    if job_id is None:
                        return None
                    taken = conn.execute(
                        update(jobs)
                        .where(jobs.c.id == job_id, jobs.c.status == JobStatus.QUEUED.value)
                        .values(**values)
                    )
                    if taken.rowcount == 1:
                        break
        return self.get(job_id)

    def heartbeat(self, job_id: str, worker_id: str, lease_seconds: float) -> bool:
        """Extend the lease; returns whether a cancel was requested."""
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.worker_id == worker_id)
                .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
            )
            return bool(conn.execute(select(jobs.c.cancel_requested).where(jobs.c.id == job_id)).scalar())

    def update(self, job_id: str, **values: Any) -> None:
        if "status" in values and isinstance(values["status"], JobStatus):
            values["status"] = values["status"].value
        with self.engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))

    def finish(self, job_id: str, status: JobStatus, **values: Any) -> None:
        self.update(job_id, status=status, finished_at=utcnow(), lease_expires_at=None, **values)

    def request_cancel(self, job_id: str) -> JobRecord | None:
        """A queued job is cancelled at once; a running one is flagged for its worker."""
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.status == JobStatus.QUEUED.value)
                .values(status=JobStatus.CANCELLED.value, finished_at=utcnow(), cancel_requested=True)
            )
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.status.in_([s.value for s in ACTIVE]))
                .values(cancel_requested=True)
            )
        return self.get(job_id)

    def stale(self, now: datetime | None = None) -> list[JobRecord]:
        """Active jobs whose lease ran out: their worker is gone."""
        now = now or utcnow()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(jobs).where(jobs.c.status.in_([s.value for s in ACTIVE]), jobs.c.lease_expires_at < now)
            ).all()
        return [_record(r) for r in rows]

    def held_by(self, worker_prefix: str) -> list[JobRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(jobs).where(
                    jobs.c.status.in_([s.value for s in ACTIVE]), jobs.c.worker_id.startswith(worker_prefix)
                )
            ).all()
        return [_record(r) for r in rows]

    def release(self, job: JobRecord, reason: str) -> JobStatus:
        """Requeue a job whose worker died, or fail it when it has no retries left."""
        requeue = job.attempts <= job.retries
        status = JobStatus.QUEUED if requeue else JobStatus.FAILED
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job.id, jobs.c.worker_id == job.worker_id, jobs.c.status == job.status.value)
                .values(
                    status=status.value,
                    error=None if requeue else reason,
                    finished_at=None if requeue else utcnow(),
                    lease_expires_at=None,
                    worker_id=None if requeue else job.worker_id,
                    pid=None,
                )
            )
        return status

    # ---- logs -------------------------------------------------------------------------------

    def append_logs(self, job_id: str, first_number: int, lines: Sequence[tuple[LogStream, str, datetime]]) -> None:
        if not lines:
            return
        with self.engine.begin() as conn:
            conn.execute(
                job_logs.insert(),
                [
                    {"job_id": job_id, "number": first_number + i, "stream": s.value, "text": t, "time": when}
                    for i, (s, t, when) in enumerate(lines)
                ],
            )

    def log_count(self, job_id: str) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(select(func.max(job_logs.c.number)).where(job_logs.c.job_id == job_id)).scalar()
        return 0 if value is None else int(value) + 1

    def logs(self, job_id: str, from_line: int, limit: int) -> list[LogRecord]:
        return self.logs_of([(job_id, from_line, limit)])[(job_id, from_line, limit)]

    def logs_of(self, keys: list[tuple[str, int, int]]) -> dict[tuple[str, int, int], list[LogRecord]]:
        """Log lines of several jobs, each (job id, from line, limit), in one query: the lines of each job
        are numbered from 0, so a job's range is `from <= number < from + limit`."""
        self.calls["logs_of"] += 1
        keys = list(dict.fromkeys(keys))
        found: dict[tuple[str, int, int], list[LogRecord]] = {key: [] for key in keys}
        if not keys:
            return found
        ranges = [
            (job_logs.c.job_id == job_id) & (job_logs.c.number >= start) & (job_logs.c.number < start + limit)
            for job_id, start, limit in keys
        ]
        query = select(job_logs).where(or_(*ranges)).order_by(job_logs.c.job_id, job_logs.c.number)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        by_job: dict[str, list[tuple[str, int, int]]] = {}
        for key in keys:
            by_job.setdefault(key[0], []).append(key)
        for r in rows:
            record = LogRecord(
                number=r.number, stream=LogStream(r.stream), text=r.text, time=as_utc(r.time) or utcnow()
            )
            for key in by_job[r.job_id]:
                if key[1] <= r.number < key[1] + key[2]:
                    found[key].append(record)
        return found

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(select(1))
        return True
