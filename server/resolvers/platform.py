"""Resolver of platformStatus: every backend is asked at once, and one being down is an answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from strawberry.types import Info

from server import __version__
from server.blocking import run_blocking
from server.context import Context
from server.schema.platform import PlatformStatus

log = logging.getLogger(__name__)
T = TypeVar("T")


async def probe(name: str, call: Callable[[], T]) -> T | None:
    """The call's result, or None (logged) when the backend does not answer."""
    try:
        return await run_blocking(call)
    except Exception:
        log.warning("%s is not available", name, exc_info=True)
        return None


async def platform_status(info: Info[Context, None]) -> PlatformStatus:
    services = info.context.services
    snap, counts, tables = await asyncio.gather(
        probe("feast registry", services.registry.snapshot),
        probe("mlflow", services.mlflow.counts),
        probe("gold catalog", services.gold.count_tables),
    )
    return PlatformStatus(
        feast_available=snap is not None,
        mlflow_available=counts is not None,
        catalog_available=tables is not None,
        feature_views=len(snap.views) if snap else None,
        entities=len(snap.entities) if snap else None,
        feature_services=len(snap.services) if snap else None,
        registered_models=counts.registered_models if counts else None,
        active_experiments=counts.active_experiments if counts else None,
        gold_tables=tables,
        version=__version__,
        timestamp=datetime.now(UTC),
        view_names=tuple(snap.views) if snap else (),
    )
