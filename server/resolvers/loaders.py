"""Per-request DataLoaders: nested fields batch their lookups into one registry read."""

from __future__ import annotations

from strawberry.dataloader import DataLoader

from server.context import Context, run_blocking
from server.services.registry_records import EntityRecord, FeatureViewRecord, RegistrySnapshot


async def registry_snapshot(ctx: Context) -> RegistrySnapshot:
    """The registry snapshot; only a stale cache costs a trip to a worker thread."""
    registry = ctx.services.registry
    snap = registry.cached_snapshot()
    return snap if snap is not None else await run_blocking(registry.snapshot)


def _entities(ctx: Context) -> DataLoader[str, EntityRecord | None]:
    async def load(names: list[str]) -> list[EntityRecord | None]:
        snap = await registry_snapshot(ctx)
        return [snap.entities.get(n) for n in names]

    return DataLoader(load_fn=load)


def _views(ctx: Context) -> DataLoader[str, FeatureViewRecord | None]:
    async def load(names: list[str]) -> list[FeatureViewRecord | None]:
        snap = await registry_snapshot(ctx)
        return [snap.views.get(n) for n in names]

    return DataLoader(load_fn=load)


def entity_loader(ctx: Context) -> DataLoader[str, EntityRecord | None]:
    return ctx.loader("entities", _entities)


def view_loader(ctx: Context) -> DataLoader[str, FeatureViewRecord | None]:
    return ctx.loader("views", _views)
