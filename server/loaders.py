"""How a request reaches the backends: its DataLoaders, typed (nested fields batch their lookups into one
backend call each), the registry snapshot, and the two reads with a policy of their own (online reads on
the event loop or in a thread; offline reads through the offline gate).

Every schema type reaches the backends through these (`info.context.loaders.runs.load(id)`), never by
calling a service itself; each loader is made on first use and lives as long as its request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from strawberry.dataloader import DataLoader

from server import tracing
from server.blocking import run_blocking
from server.jobs.records import LogRecord
from server.services.drift import FeatureDriftRecord
from server.services.errors import RequestCode, RequestError
from server.services.freshness import FreshnessRecord, read_freshness
from server.services.gold_catalog import GoldPreviewRecord
from server.services.gold_stats import TableStatsRecord
from server.services.histograms import HistogramRecord
from server.services.lineage_rules import TrainedOnRecord
from server.services.mlflow_records import (
    ArtifactRecord,
    ExperimentRecord,
    LoggedModelRecord,
    MetricRecord,
    ModelVersionRecord,
    RunRecord,
    SignatureRecord,
)
from server.services.online_store import WouldBlock
from server.services.registry_records import EntityRecord, FeatureServiceRecord, FeatureViewRecord, RegistrySnapshot
from server.services.view_history import ViewVersionRecord

if TYPE_CHECKING:  # services import Feast and MLflow: kept out of schema-only imports
    from server.context import Services
    from server.services.feature_serving import FeatureServing
    from server.services.feature_values import FeatureTableRecord

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
V = TypeVar("V")


async def registry_snapshot(services: Services) -> RegistrySnapshot:
    """The registry snapshot; only a stale cache costs a trip to a worker thread."""
    snap = services.registry.cached_snapshot()
    return snap if snap is not None else await run_blocking(services.registry.snapshot)


async def read_online(
    serving: FeatureServing,
    snap: RegistrySnapshot,
    features: Sequence[str] | None,
    feature_service: str | None,
    entities: Any,
    full_names: bool,
) -> FeatureTableRecord:
    """onlineFeatures' read: on the event loop where the request is small and the store can be read without
    waiting (no hop to a worker thread, as `feast serve` does it with Feast's async read), else in a worker
    thread."""
    if serving.reads_on_loop(features, entities):
        try:
            if not tracing.enabled():  # the hottest path: not even a no-op span
                return await serving.read_online_async(snap, features, feature_service, entities, full_names)
            with tracing.span("FeatureServing.read_online_async", **{"asgard.backend": "feast.online"}):
                return await serving.read_online_async(snap, features, feature_service, entities, full_names)
        except WouldBlock:
            pass
    await serving.ready()  # Feast's store open (at a start it opens in the background): no thread waits for it
    return await run_blocking(serving.read_online, snap, features, feature_service, entities, full_names)


async def offline_turn(services: Services, owner: object, call: Callable[..., T], *args: Any) -> T:
    """An offline read (historical retrieval, export) in a worker thread once it has its turn in the
    offline gate: refused as BUSY before any work when too many requests are queued already. `owner`:
    what identifies the HTTP request (its context), whose reads count as one."""
    await services.serving.ready()  # Feast's store open: no worker thread waits for it
    async with services.serving.offline.request(owner):
        return await run_blocking(call, *args)


def batched(load_many: Callable[[list[K]], dict[K, V]]) -> DataLoader[K, V | None]:
    """A loader over one batched, blocking service call (keys it does not return load as None)."""

    async def load(keys: list[K]) -> list[V | None]:
        found = await run_blocking(load_many, list(keys))
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


class _Lazy(Generic[K, V]):
    """A loader attribute, made on first use per Loaders instance."""

    def __init__(self, make: Callable[[Loaders], DataLoader[K, V]]) -> None:
        self.make = make

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = f"_{name}"

    def __get__(self, loaders: Loaders, owner: Any = None) -> DataLoader[K, V]:
        found: DataLoader[K, V] | None = loaders.__dict__.get(self.name)
        if found is None:
            found = loaders.__dict__[self.name] = self.make(loaders)
        return found


def _entities(loaders: Loaders) -> DataLoader[str, EntityRecord | None]:
    async def load(names: list[str]) -> list[EntityRecord | None]:
        snap = await registry_snapshot(loaders.services)
        return [snap.entities.get(n) for n in names]

    return DataLoader(load_fn=load)


def _views(loaders: Loaders) -> DataLoader[str, FeatureViewRecord | None]:
    async def load(names: list[str]) -> list[FeatureViewRecord | None]:
        snap = await registry_snapshot(loaders.services)
        return [snap.views.get(n) for n in names]

    return DataLoader(load_fn=load)


def _freshness(loaders: Loaders) -> DataLoader[str, FreshnessRecord | None]:
    """Freshness of views by name: one manifest read per distinct source table and snapshot (cached), one
    look at the materializations, for however many views a page asks about."""
    services = loaders.services

    async def load(names: list[str]) -> list[FreshnessRecord | None]:
        snap = await registry_snapshot(services)
        views = [snap.views[n] for n in names if n in snap.views]  # the loader's keys are distinct already
        found = await run_blocking(read_freshness, services.gold, services.materializations, views) if views else {}
        return [found.get(n) for n in names]

    return DataLoader(load_fn=load)


def _run_models(loaders: Loaders) -> DataLoader[RunRecord, list[LoggedModelRecord] | None]:
    mlflow = loaders.services.mlflow

    def by_run(runs: list[RunRecord]) -> dict[RunRecord, list[LoggedModelRecord]]:
        found = mlflow.logged_models_by_runs(runs)
        return {r: found.get(r.id, []) for r in runs}

    return batched(by_run)


def _view_history(loaders: Loaders) -> DataLoader[tuple[str, int], list[ViewVersionRecord] | None]:
    """Views' latest versions by (name, how many): one query per distinct page size."""
    history = loaders.services.registry.history

    def by_keys(keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[ViewVersionRecord]]:
        found: dict[tuple[str, int], list[ViewVersionRecord]] = {}
        for first in {f for _, f in keys}:
            names = [n for n, f in keys if f == first]
            versions = history.versions(names, first) if history is not None else {}
            found.update({(n, first): versions.get(n, []) for n in names})
        return found

    return batched(by_keys)


def _trained_on(loaders: Loaders) -> DataLoader[ModelVersionRecord, TrainedOnRecord | None]:
    """What model versions were trained on: one batched read of their runs (and signatures where needed)."""
    services = loaders.services

    async def load(versions: list[ModelVersionRecord]) -> list[TrainedOnRecord | None]:
        snap = await registry_snapshot(services)
        found = await run_blocking(services.lineage.of_versions, list(versions), snap)
        return [found.get(v) for v in versions]

    return DataLoader(load_fn=load)


# Fields that scan gold tables, at most this many per request (or websocket operation): each is bounded,
# their number is what a request could otherwise multiply (a page of views, every feature's histogram);
# and objects fetched by global id, across every node and nodes field of the request
SCAN_BUDGET = {"histogram": 20, "featureDrift": 5, "node": 100}


def scan_budget(loaders: Loaders, kind: str, keys: int, field: str | None = None) -> None:
    """Refuse the request's scans past its budget, before any is made."""
    loaders.scans[kind] += keys
    if loaders.scans[kind] > SCAN_BUDGET[kind]:
        raise RequestError(
            f"at most {SCAN_BUDGET[kind]} {kind} lookups in one request",
            code=RequestCode.LIMIT_EXCEEDED,
            field=field or kind,
        )


def _histograms(loaders: Loaders) -> DataLoader[tuple[str, str, int], HistogramRecord | None]:
    gold = loaders.services.gold

    async def load(keys: list[tuple[str, str, int]]) -> list[HistogramRecord | None]:
        scan_budget(loaders, "histogram", len(keys))
        found = await run_blocking(gold.histograms, list(keys))
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def _drift(loaders: Loaders) -> DataLoader[tuple[ModelVersionRecord, int, float], list[FeatureDriftRecord] | None]:
    services = loaders.services

    async def load(keys: list[tuple[ModelVersionRecord, int, float]]) -> list[list[FeatureDriftRecord] | None]:
        scan_budget(loaders, "featureDrift", len(keys))
        snap = await registry_snapshot(services)
        found = await run_blocking(services.drift.of_versions, list(keys), snap)
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def _services(loaders: Loaders) -> DataLoader[str, FeatureServiceRecord | None]:
    async def load(names: list[str]) -> list[FeatureServiceRecord | None]:
        snap = await registry_snapshot(loaders.services)
        return [snap.services.get(n) for n in names]

    return DataLoader(load_fn=load)


def _table_views(loaders: Loaders) -> DataLoader[str, list[FeatureViewRecord] | None]:
    """The views over gold tables, by the tables' qualified names."""

    async def load(names: list[str]) -> list[list[FeatureViewRecord] | None]:
        snap = await registry_snapshot(loaders.services)
        by_table: dict[str, list[FeatureViewRecord]] = {}
        for name in sorted(snap.views):
            by_table.setdefault(snap.views[name].source.table, []).append(snap.views[name])
        return [by_table.get(n, []) for n in names]

    return DataLoader(load_fn=load)


def _run_features(loaders: Loaders) -> DataLoader[RunRecord, TrainedOnRecord | None]:
    """What runs were trained on, from their tags (no backend read)."""

    async def load(runs: list[RunRecord]) -> list[TrainedOnRecord | None]:
        snap = await registry_snapshot(loaders.services)
        found = loaders.services.lineage.of_runs(list(runs), snap)
        return [found.get(r.id) for r in runs]

    return DataLoader(load_fn=load)


def _models_of(loaders: Loaders, services_not_views: bool) -> DataLoader[str, list[ModelVersionRecord] | None]:
    """The model versions trained on views (or feature services) by name, from the lineage index."""
    services = loaders.services

    async def load(names: list[str]) -> list[list[ModelVersionRecord] | None]:
        snap = await registry_snapshot(services)
        index = await run_blocking(services.lineage.index, snap)
        found = index.models_of_services(names) if services_not_views else index.models_of_views(names)
        return [found.get(n) for n in names]

    return DataLoader(load_fn=load)


class Loaders:
    """The loaders of one request (or websocket operation)."""

    services: Services
    entities = _Lazy[str, EntityRecord | None](_entities)
    views = _Lazy[str, FeatureViewRecord | None](_views)
    experiments = _Lazy[str, ExperimentRecord | None](lambda ls: batched(ls.services.mlflow.experiments_by_ids))
    runs = _Lazy[str, RunRecord | None](lambda ls: batched(ls.services.mlflow.runs_by_ids))
    run_versions = _Lazy[str, list[ModelVersionRecord] | None](
        lambda ls: batched(ls.services.mlflow.model_versions_by_runs)
    )
    run_models = _Lazy[RunRecord, list[LoggedModelRecord] | None](_run_models)
    latest_versions = _Lazy[str, ModelVersionRecord | None](lambda ls: batched(ls.services.mlflow.latest_versions))
    model_versions = _Lazy[tuple[str, int], ModelVersionRecord | None](
        lambda ls: batched(ls.services.mlflow.versions_by_keys)
    )
    signatures = _Lazy[ModelVersionRecord, SignatureRecord | None](lambda ls: batched(ls.services.mlflow.signatures))
    artifacts = _Lazy[tuple[str, str | None], list[ArtifactRecord] | None](
        lambda ls: batched(ls.services.mlflow.artifacts_of)
    )
    metric_histories = _Lazy[tuple[str, str], list[MetricRecord] | None](
        lambda ls: batched(ls.services.mlflow.metric_histories)
    )
    gold_previews = _Lazy[tuple[str, int], GoldPreviewRecord | None](lambda ls: batched(ls.services.gold.previews))
    gold_stats = _Lazy[str, TableStatsRecord | None](lambda ls: batched(ls.services.gold.stats))
    gold_histograms = _Lazy[tuple[str, str, int], HistogramRecord | None](_histograms)
    freshness = _Lazy[str, FreshnessRecord | None](_freshness)
    view_history = _Lazy[tuple[str, int], list[ViewVersionRecord] | None](_view_history)
    feature_services = _Lazy[str, FeatureServiceRecord | None](_services)
    table_views = _Lazy[str, list[FeatureViewRecord] | None](_table_views)
    run_features = _Lazy[RunRecord, TrainedOnRecord | None](_run_features)
    feature_drift = _Lazy[tuple[ModelVersionRecord, int, float], list[FeatureDriftRecord] | None](_drift)
    trained_on = _Lazy[ModelVersionRecord, TrainedOnRecord | None](_trained_on)
    view_models = _Lazy[str, list[ModelVersionRecord] | None](lambda ls: _models_of(ls, services_not_views=False))
    service_models = _Lazy[str, list[ModelVersionRecord] | None](lambda ls: _models_of(ls, services_not_views=True))
    job_logs = _Lazy[tuple[str, int, int], list[LogRecord] | None](lambda ls: batched(ls.services.jobs.logs_of))

    def __init__(self, services: Services) -> None:
        self.services = services
        self.scans: Counter[str] = Counter()  # scans asked for by this request, by kind (see `scan_budget`)
