"""Per-request DataLoaders: nested fields batch their lookups into one registry read."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from strawberry.dataloader import DataLoader

from server.context import Context, run_blocking
from server.services.mlflow_records import ExperimentRecord, LoggedModelRecord, ModelVersionRecord, RunRecord
from server.services.registry_records import EntityRecord, FeatureViewRecord, RegistrySnapshot

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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


# ---- MLflow -------------------------------------------------------------------------------------


def _batch(ctx: Context, name: str, load_many: Callable[[list[K]], dict[K, V]]) -> DataLoader[K, V | None]:
    """A request-scoped loader over one batched, blocking service call."""

    def make(_: Context) -> DataLoader[K, V | None]:
        async def load(keys: list[K]) -> list[V | None]:
            found = await run_blocking(load_many, list(keys))
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load)

    return ctx.loader(name, make)


def experiment_loader(ctx: Context) -> DataLoader[str, ExperimentRecord | None]:
    return _batch(ctx, "experiments", ctx.services.mlflow.experiments_by_ids)


def run_loader(ctx: Context) -> DataLoader[str, RunRecord | None]:
    return _batch(ctx, "runs", ctx.services.mlflow.runs_by_ids)


def run_versions_loader(ctx: Context) -> DataLoader[str, list[ModelVersionRecord] | None]:
    return _batch(ctx, "run_versions", ctx.services.mlflow.model_versions_by_runs)


def run_models_loader(ctx: Context) -> DataLoader[RunRecord, list[LoggedModelRecord] | None]:
    mlflow = ctx.services.mlflow

    def by_run(runs: list[RunRecord]) -> dict[RunRecord, list[LoggedModelRecord]]:
        found = mlflow.logged_models_by_runs(runs)
        return {r: found.get(r.id, []) for r in runs}

    return _batch(ctx, "run_models", by_run)


def latest_version_loader(ctx: Context) -> DataLoader[str, ModelVersionRecord | None]:
    return _batch(ctx, "latest_versions", ctx.services.mlflow.latest_versions)


def model_version_loader(ctx: Context) -> DataLoader[tuple[str, int], ModelVersionRecord | None]:
    return _batch(ctx, "model_versions", ctx.services.mlflow.versions_by_keys)
