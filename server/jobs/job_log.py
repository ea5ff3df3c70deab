"""A job's output, buffered and written to the job table in numbered batches."""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime

from server.jobs.events import JobEvents
from server.jobs.records import LogStream
from server.jobs.store import JobStore
from server.timeutil import utcnow

STDERR_TAIL = 20
MAX_LOG_LINES = 100_000  # per job, 10,000 characters each at most


class JobLog:
    """Buffers a job's output lines and writes them in batches, numbered from where it left off."""

    def __init__(self, store: JobStore, events: JobEvents, job_id: str) -> None:
        self.store, self.events, self.job_id = store, events, job_id
        self.next_number = store.log_count(job_id)
        self.pending: list[tuple[LogStream, str, datetime]] = []
        self.stderr_tail: deque[str] = deque(maxlen=STDERR_TAIL)
        self.lock = threading.Lock()

    def write(self, stream: LogStream, text: str) -> None:
        with self.lock:
            if stream is LogStream.STDERR:
                self.stderr_tail.append(text[:10_000])
            kept = self.next_number + len(self.pending)
            if kept > MAX_LOG_LINES and stream is not LogStream.SYSTEM:
                return  # the job table is no place for a flood; the end of stderr is still kept for `error`
            if kept == MAX_LOG_LINES and stream is not LogStream.SYSTEM:
                stream, text = LogStream.SYSTEM, f"more than {MAX_LOG_LINES} log lines: the rest are not kept"
            self.pending.append((stream, text[:10_000], utcnow()))

    def system(self, text: str) -> None:
        self.write(LogStream.SYSTEM, text)

    def flush(self) -> None:
        with self.lock:
            lines, self.pending = self.pending, []
            first = self.next_number
            self.next_number += len(lines)
        if lines:
            self.store.append_logs(self.job_id, first, lines)
            self.events.publish(self.job_id, None)
