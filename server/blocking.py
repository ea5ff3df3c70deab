"""Blocking calls (Feast, MLflow, pyiceberg, SQL) off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from server import tracing

T = TypeVar("T")


async def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking SDK call (Feast, MLflow, pyiceberg) off the event loop, in a span when tracing."""
    if not tracing.enabled():
        return await asyncio.to_thread(fn, *args)
    with tracing.call_span(fn):
        return await asyncio.to_thread(fn, *args)
