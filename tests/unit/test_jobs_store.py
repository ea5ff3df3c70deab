"""The job table's claim, lease and release rules (server/jobs/store.py), on SQLite in a temp dir."""

from __future__ import annotations

from datetime import timedelta

from server.jobs.records import JobSpec, JobStatus
from server.jobs.store import JobStore
from server.timeutil import utcnow


def _spec(name: str = "train.py", retries: int = 0) -> JobSpec:
    return JobSpec(name, "print(1)", "exp", None, (), None, 60, None, retries)


def test_claims_take_the_oldest_queued_job_once(tmp_path):
    store = JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")
    first, second = store.submit(_spec("a.py")), store.submit(_spec("b.py"))
    taken = store.claim("host:1:a", 30)
    assert taken is not None and taken.id == first.id
    assert taken.status is JobStatus.PREPARING and taken.attempts == 1 and taken.worker_id == "host:1:a"
    other = store.claim("host:2:b", 30)
    assert other is not None and other.id == second.id
    assert store.claim("host:1:a", 30) is None


def test_a_lease_that_runs_out_is_released_to_the_queue_until_retries_are_spent(tmp_path):
    store = JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")
    job = store.submit(_spec(retries=1))
    held = store.claim("host:1:a", 30)
    assert held is not None and store.stale() == []
    later = utcnow() + timedelta(seconds=31)
    (stale,) = store.stale(later)
    assert store.release(stale, "gone") is JobStatus.QUEUED
    again = store.claim("host:2:b", 30)
    assert again is not None and again.id == job.id and again.attempts == 2
    (stale,) = store.stale(utcnow() + timedelta(seconds=31))
    assert store.release(stale, "gone again") is JobStatus.FAILED
    ended = store.get(job.id)
    assert ended is not None and ended.status is JobStatus.FAILED and ended.error == "gone again"


def test_a_release_by_a_worker_that_no_longer_holds_the_job_changes_nothing(tmp_path):
    store = JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")
    store.submit(_spec(retries=3))
    held = store.claim("host:1:a", 30)
    assert held is not None
    store.release(held, "gone")  # back in the queue
    retaken = store.claim("host:2:b", 30)
    assert retaken is not None
    store.release(held, "a late second release of the old claim")
    now = store.get(held.id)
    assert now is not None and now.worker_id == "host:2:b" and now.status is JobStatus.PREPARING


def test_cancel_ends_a_queued_job_at_once_and_flags_a_running_one(tmp_path):
    store = JobStore(f"sqlite:///{tmp_path / 'jobs.db'}")
    queued = store.submit(_spec())
    cancelled = store.request_cancel(queued.id)
    assert cancelled is not None and cancelled.status is JobStatus.CANCELLED
    running = store.submit(_spec())
    store.claim("host:1:a", 30)
    assert store.heartbeat(running.id, "host:1:a", 30) is False
    flagged = store.request_cancel(running.id)
    assert flagged is not None and flagged.status is JobStatus.PREPARING
    assert store.heartbeat(running.id, "host:1:a", 30) is True
