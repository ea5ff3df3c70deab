"""The request being served (its id, operation and outcome), for the access log, errors and traces."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass
class RequestLog:
    request_id: str
    operation: str = "-"
    outcome: str = "-"


current_request: contextvars.ContextVar[RequestLog | None] = contextvars.ContextVar("asgard_request", default=None)


def request_id() -> str:
    info = current_request.get()
    return info.request_id if info else "-"
