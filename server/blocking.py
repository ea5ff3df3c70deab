"""Blocking calls (Feast, MLflow, pyiceberg, SQL) off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from server.services.errors import UserError, UserErrors

T = TypeVar("T")


async def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking SDK call (Feast, MLflow, pyiceberg) off the event loop."""
    return await asyncio.to_thread(fn, *args)


async def run_refusable(fn: Callable[..., T], *args: Any) -> tuple[T | None, list[UserError]]:
    """Run a blocking service call off the loop; input the service refused comes back as user errors."""
    try:
        return await asyncio.to_thread(fn, *args), []
    except UserErrors as refused:
        return None, refused.errors
