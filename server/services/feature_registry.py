"""The feature registry service: Feast's SQL registry behind a write lock and a read snapshot.

Feast's own appliers lose writes when they run concurrently, and SQLite refuses a second writer.
Here every write goes through one lock and is validated first, so concurrent registrations all
land, and reads are served from an immutable snapshot that is refreshed after each write (read
your writes) and at most every `registry_cache_seconds` otherwise (to see other writers).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from server.config import Settings
from server.services import gold_snapshots, point_in_time, record_file
from server.services.errors import ErrorCode, InputError, InputErrors, refuse
from server.services.feast_repo import registry_kind, write_feast_repo
from server.services.feast_store import open_feature_store
from server.services.gold_catalog import GoldCatalog
from server.services.offline_gate import OfflineGate
from server.services.registration import ViewPlan, plan_entity, plan_feature_service, plan_feature_view
from server.services.registry_records import (
    Change,
    EntityRecord,
    EntitySpec,
    FeatureServiceRecord,
    FeatureServiceSpec,
    FeatureViewRecord,
    FeatureViewSpec,
    RegistrySnapshot,
    StoreStatus,
)
from server.services.registry_tables import last_updated, registry_engine, stored_protos
from server.services.trino_engine import TrinoEngine
from server.services.trino_entities import TrinoEntities
from server.services.view_history import ViewHistory
from server.store_urls import online_store_config

if TYPE_CHECKING:  # Feast is imported when the store opens (in the background, where the records file allows)
    from feast import FeatureStore

log = logging.getLogger(__name__)
RECORDS_FILE = "registry-records.json"  # beside feature_store.yaml: server/services/record_file.py
OPEN_RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)  # a background open that fails is tried again after these
P = TypeVar("P")  # what a registration plans
R = TypeVar("R")  # the record it answers with


def _change(existing: object | None, new: object) -> Change:
    if existing is None:
        return Change.CREATED
    return Change.UNCHANGED if existing == new else Change.UPDATED


def _definition(record: Any) -> Any:
    """A record without its registry timestamps, for comparing definitions."""
    return replace(record, created_at=None, updated_at=None)


def _prepare_duckdb(cache_bytes: int) -> None:
    """This process's DuckDB offline store: gold tables kept by version, the ASOF point-in-time join."""
    gold_snapshots.install(cache_bytes)
    if not point_in_time.install():
        log.warning("this Feast is not of release %s: its own point-in-time join runs", point_in_time.VERIFIED)


def _logged(task: Callable[[], None]) -> Callable[[], None]:
    """A background task whose failure is logged, not lost."""

    def run() -> None:
        try:
            task()
        except Exception:
            log.warning("background task %s failed", getattr(task, "__qualname__", task), exc_info=True)

    return run


class FeatureRegistry:
    """Register, list and delete entities, feature views and feature services."""

    def __init__(self, settings: Settings, gold: GoldCatalog, history: ViewHistory | None = None) -> None:
        self._settings = settings
        self._gold = gold
        self.history = history  # every definition a view has had (None: not kept)
        self.listeners: list[Callable[[], None]] = []  # told after every write made through this process
        self.trino = TrinoEngine(settings) if settings.offline_engine == "trino" else None
        # How a retrieval's entity rows reach the engine: DuckDB takes the frame itself; Trino reads them
        # from an Iceberg table staged for the retrieval (Feast's own INSERT is slow and capped).
        self.stage_entities: Callable[[Any], AbstractContextManager[Any]] = contextlib.nullcontext
        if self.trino is not None:
            staging = TrinoEntities(gold, self.trino)
            self.stage_entities = staging.staged
            threading.Thread(target=_logged(staging.sweep), name="asgard-staged-sweep", daemon=True).start()
        if self.trino is not None:
            self.trino.prepare()
        self.repo_path = write_feast_repo(settings)
        self._project = settings.feast_project
        self._engine = registry_engine(settings.registry_url)  # the server's reads of what Feast stored
        self._write_lock = threading.Lock()
        self._read_lock = threading.Lock()
        # Feast's DuckDB offline store runs every query on one shared DuckDB connection, which refuses
        # a second caller while it is busy ("connection is busy with another call"): one at a time.
        # Trino runs retrievals side by side (each has temporary tables of its own).
        running = settings.offline_concurrency if settings.offline_engine == "trino" else 1
        self.offline = OfflineGate(running, settings.offline_queue)
        # and whatever the caller, never two users of DuckDB's connection at once
        self.engine_lock: AbstractContextManager[Any] = (
            gold_snapshots.PreparedTurn(lambda: _prepare_duckdb(settings.offline_cache_mb * 1024 * 1024))
            if settings.offline_engine == "duckdb"
            else contextlib.nullcontext()
        )
        self._snapshot: RegistrySnapshot | None = None
        self._loaded_at = 0.0
        self._marker: datetime | None = None
        self._loaded_wall = 0.0
        self._made: dict[tuple[str, str], tuple[bytes, Any]] = {}  # converted records by stored proto
        self._feast_stale = True
        self._feast_lock = threading.Lock()
        self._records_path = self.repo_path / RECORDS_FILE
        self._saver = record_file.QuietSaver(self._records_path, self._records)
        # Feast's store: opened here, or, where the records file holds a record of everything the registry
        # stores, in the background while the server answers from those records (a start without Feast's
        # import on its way to the first answer). `store` waits for it.
        self._feast: Future[FeatureStore] = Future()
        kept = self._kept_records()
        if kept is None:
            self._feast.set_result(self._open_feast())  # Feast creates the registry's tables, if it has none yet
        else:
            self._made = kept
            threading.Thread(target=self._open_in_background, name="asgard-feast-open", daemon=True).start()
        self._reload()

    # ---- Feast's store ----------------------------------------------------------------------

    @property
    def store(self) -> FeatureStore:
        """Feast's store, once open: waits for the background open (callers on the event loop await
        FeatureServing.ready() first, so that no worker thread is held waiting)."""
        return self._feast.result()

    @property
    def feast_open(self) -> bool:
        """Whether `store` answers without waiting (on the event loop, nothing may wait for it)."""
        return self._feast.done()

    @property
    def feast_opened(self) -> Future[FeatureStore]:
        return self._feast

    def _open_feast(self) -> FeatureStore:
        store = open_feature_store(self.repo_path)
        store.registry  # noqa: B018 -- Feast makes its registry (and its tables) on first use: now, not in a request
        return store

    def _open_in_background(self) -> None:
        """Until it opens: a failure (the registry's database away for a while) is tried again, and what needs
        Feast waits meanwhile (readiness says so), as a start that waits for its database would."""
        started = time.monotonic()
        for attempt in itertools.count():
            try:
                store = self._open_feast()
            except Exception:
                delay = OPEN_RETRY_SECONDS[min(attempt, len(OPEN_RETRY_SECONDS) - 1)]
                log.exception("Feast's store could not be opened; trying again in %.0f s", delay)
                time.sleep(delay)
                continue
            self._feast.set_result(store)
            log.info("Feast's store opened in the background in %.2f s", time.monotonic() - started)
            return

    def _kept_records(self) -> dict[tuple[str, str], tuple[bytes, Any]] | None:
        """The records file's records of everything the registry stores, or None (no file, a registry Feast
        has not made yet, anything stored that the file has no record of)."""
        if not self._records_path.exists():
            return None
        try:
            entities, views, services = stored_protos(self._engine, self._project)
        except Exception:
            log.info("the registry could not be read before Feast opened it", exc_info=True)
            return None
        entities = {name: proto for name, proto in entities.items() if not name.startswith("__")}  # Feast's own
        kept = record_file.load(self._records_path, {"entity": entities, "view": views, "service": services})
        return None if kept is None else {key: (proto, _as_made(record)) for key, (proto, record) in kept.items()}

    def _records(self) -> record_file.Records:
        """The records made so far, as the records file keeps them."""
        return {key: (proto, _as_record(as_made)) for key, (proto, as_made) in self._made.items()}

    def close(self) -> None:
        """At the server's stop: the records file written, if a record is not in it yet."""
        self._saver.close()
        self._engine.dispose()

    # ---- reads ------------------------------------------------------------------------------

    def serialized(self) -> bytes:
        """The whole registry as it is now (not the cache), in Feast's own format (a RegistryProto)."""
        return bytes(self.store.registry.proto().SerializeToString())

    def cached_snapshot(self) -> RegistrySnapshot | None:
        """The snapshot if it is fresh enough to serve without touching the registry."""
        if time.monotonic() - self._loaded_at <= self._settings.registry_cache_seconds:
            return self._snapshot
        return None

    def snapshot(self, max_age: float | None = None) -> RegistrySnapshot:
        """The registry as of at most `max_age` seconds ago (default: the configured cache)."""
        max_age = self._settings.registry_cache_seconds if max_age is None else max_age
        snap = self._snapshot
        if snap is not None and time.monotonic() - self._loaded_at <= max_age:
            return snap
        with self._read_lock:
            if self._snapshot is not None and time.monotonic() - self._loaded_at <= max_age:
                return self._snapshot
            if self._snapshot is not None and max_age > 0 and not self._changed_since_load():
                self._loaded_at = time.monotonic()
                return self._snapshot
            return self._reload()

    def _changed_since_load(self) -> bool:
        """Whether another writer touched the registry since our last load: one small query, instead
        of re-reading every view (a 500-view registry takes over a second to load)."""
        marker = self._registry_marker()
        if marker is None or marker != self._marker:
            return True
        # The marker has whole seconds: a write in the second of our last load may not move it.
        return marker.timestamp() >= self._loaded_wall - 1

    def _registry_marker(self) -> datetime | None:
        try:
            return last_updated(self._engine, self._project)
        except Exception:
            log.debug("could not read the registry's last-updated marker", exc_info=True)
            return None

    def _reload(self) -> RegistrySnapshot:
        """Read the registry again. From Feast's SQL registry the stored protos are read as bytes, and only
        those that changed since the last load are converted (5,000 views: about 30 ms instead of seconds);
        other registries are listed through Feast."""
        started = time.monotonic()
        marker, wall = self._registry_marker(), time.time()
        if marker is None or marker != self._marker:
            # Feast's own reads (historical retrieval, its online read) resolve views from its registry
            # cache: refreshed before the next of them (feast_current), not here, as it costs a full parse.
            self._feast_stale = True
        snap = self._converted(*stored_protos(self._engine, self._project))
        self._snapshot, self._loaded_at, self._marker, self._loaded_wall = snap, started, marker, wall
        return snap

    def _converted(
        self, entity_rows: dict[str, bytes], view_rows: dict[str, bytes], service_rows: dict[str, bytes]
    ) -> RegistrySnapshot:
        """Records from stored protos, each converted once (by Feast): unchanged bytes give the record made
        before, in this process or, at its start, kept in the records file."""
        made = self._made
        seen: dict[tuple[str, str], tuple[bytes, Any]] = {}
        converted = False

        def record(kind: str, name: str, key: bytes) -> Any:
            nonlocal converted
            found = made.get((kind, name))
            if found is None or found[0] != key:
                from server.services.feast_objects import record_from_proto  # imports Feast

                found, converted = (key, _as_made(record_from_proto(kind, key))), True
            seen[(kind, name)] = found
            return found[1]

        def keyed(made_view: tuple[FeatureViewRecord, frozenset[str]]) -> FeatureViewRecord:
            """No join key of any entity is a feature: applied here, so that a new entity costs a set
            intersection per view, not a conversion of every view again."""
            record, names = made_view
            if join_keys.isdisjoint(names):
                return record
            return replace(record, features=tuple(f for f in record.features if f.name not in join_keys))

        entities = {name: record("entity", name, raw) for name, raw in entity_rows.items() if not name.startswith("__")}
        join_keys = {e.join_key for e in entities.values()}
        views = {name: keyed(record("view", name, raw)) for name, raw in view_rows.items()}
        services = {name: record("service", name, raw) for name, raw in service_rows.items()}
        self._made = seen
        if converted or len(seen) != len(made):
            self._saver.changed()
        return RegistrySnapshot(entities=entities, views=views, services=services)

    @property
    def feast_stale(self) -> bool:
        return self._feast_stale

    def feast_current(self) -> None:
        """Refresh Feast's own registry cache if the registry changed since it was last refreshed: call before
        asking Feast for something it resolves from that cache (historical retrieval, its online read)."""
        if not self._feast_stale:
            return
        with self._feast_lock:
            if self._feast_stale:
                self._feast_stale = False
                self.store.registry.refresh(self._project)

    def ping(self) -> bool:
        """Ready: Feast's store open (the caller awaits FeatureServing.ready() first) and the registry read."""
        self.store  # noqa: B018
        self._reload()
        return True

    def status(self) -> StoreStatus:
        snap = self.snapshot()
        online = online_store_config(self._settings.online_store)
        return StoreStatus(
            registry_type=registry_kind(self._settings.registry_url),
            registry_location=self._settings.public(self._settings.registry_url),
            offline_store_type=self._settings.offline_engine.upper(),
            online_store_type=str(online["type"]).upper() if online else "DISABLED",
            feature_views=len(snap.views),
            entities=len(snap.entities),
            feature_services=len(snap.services),
        )

    # ---- writes -----------------------------------------------------------------------------

    def register_feature_view(self, spec: FeatureViewSpec, by: str = "local") -> tuple[FeatureViewRecord, Change]:
        """`by`: who registers it, for the view's history."""
        # Outside the lock: the catalog may be slow. With Trino as the engine, a table is checked as
        # Trino sees it, since Trino is what will read it.
        table = (self.trino or self._gold).describe(spec.source.table)
        from server.services import feast_objects as fo  # imports Feast

        def build(plan: ViewPlan) -> list[Any]:
            entities = [fo.build_entity(e) for e in plan.new_entities]
            return [*entities, fo.build_feature_view(plan.view, plan.entities, self._gold, self.trino)]

        return self._register(
            spec.name,
            lambda snap: snap.views,
            lambda snap: plan_feature_view(spec, table, snap, self._gold.name),
            lambda plan: plan.view,
            build,
            lambda existing, plan: self._undo_view(spec.name, existing, plan.new_entities),
            lambda plan: bool(plan.new_entities),  # a new entity for an unchanged view is still a change
            lambda previous, current: self._record(previous, current, by),
        )

    def register_entity(self, spec: EntitySpec) -> tuple[EntityRecord, Change]:
        from server.services import feast_objects as fo  # imports Feast

        return self._register(
            spec.name,
            lambda snap: snap.entities,
            lambda snap: plan_entity(spec, snap),
            lambda record: record,
            lambda record: [fo.build_entity(record)],
            lambda existing, _: self._restore_entity(spec.name, existing),
        )

    def create_feature_service(self, spec: FeatureServiceSpec) -> tuple[FeatureServiceRecord, Change]:
        from server.services import feast_objects as fo  # imports Feast

        def build(record: FeatureServiceRecord) -> list[Any]:
            registry, project = self.store.registry, self._project
            views = {p.view: registry.get_feature_view(p.view, project) for p in record.projections}
            return [fo.build_feature_service(record, views)]

        return self._register(
            spec.name,
            lambda snap: snap.services,
            lambda snap: plan_feature_service(spec, snap),
            lambda record: record,
            build,
            lambda existing, _: self._restore_service(spec.name, existing),
        )

    def _register(
        self,
        name: str,
        section: Callable[[RegistrySnapshot], Mapping[str, R]],
        plan: Callable[[RegistrySnapshot], tuple[P | None, list[InputError]]],
        definition: Callable[[P], Any],
        build: Callable[[P], list[Any]],
        undo: Callable[[R | None, P], None],
        changes_anyway: Callable[[P], bool] = lambda _: False,
        recorded: Callable[[R | None, R], None] = lambda previous, current: None,
    ) -> tuple[R, Change]:
        """Every registration: plan against the current registry (or refuse with every problem), compare
        with what is there, apply all-or-nothing, and answer from the reloaded snapshot."""
        with self._write_lock:
            snap = self._reload()
            planned, errors = plan(snap)
            if planned is None:
                raise InputErrors(errors)
            existing = section(snap).get(name)
            change = _change(_definition(existing) if existing is not None else None, definition(planned))
            if change is Change.UNCHANGED:
                if existing is not None and not changes_anyway(planned):
                    return existing, change
                change = Change.UPDATED
            self._apply(build(planned), undo=lambda: undo(existing, planned))
            current = section(self._reload())[name]
            if change is not Change.UNCHANGED and (existing is None or _definition(existing) != _definition(current)):
                recorded(existing, current)
            self._changed()
            return current, change

    def materialize(self, views: list[str], start: datetime, end: datetime) -> None:
        """Load [start, end) of `views` into the online store.

        Feast's materialize rewrites the views in the registry (state, intervals), so it holds the
        write lock: a registration waits rather than overwrite the intervals, or be overwritten.
        """
        with self.offline.background(), self._write_lock, self.engine_lock:
            try:
                self.store.materialize(start_date=start, end_date=end, feature_views=views)
            finally:
                self._reload()
                self._changed()

    def materialize_views(self, views: list[str], start: datetime | None, end: datetime) -> int:
        """Materialize each view from `start`, or (incremental, start None) from where it last ended
        (else end - ttl, else the epoch), as Feast's materialize_incremental does. Returns the
        entity rows written."""
        written = 0
        for name in views:
            view = self.snapshot(max_age=0).views[name]
            view_start = start or _incremental_start(view, end)
            self.materialize([name], view_start, end)
            keys = [self.snapshot().entities[e].join_key for e in view.entities]
            written += self._gold.count_keys(view.source.table, keys, view.source.timestamp_field, view_start, end)
        return written

    def write_online(self, name: str, rows: Any) -> None:
        """Write Arrow rows holding the view's join keys, features and event time to the online store, as a
        materialization does (through Feast's conversion and its store's batch write)."""
        from feast.utils import _convert_arrow_to_proto

        view = self.store.registry.get_feature_view(name, self._project, allow_cache=False)
        join_keys = {column.name: column.dtype.to_value_type() for column in view.entity_columns}
        data = _convert_arrow_to_proto(rows.combine_chunks(), view, join_keys)
        self.store._get_provider().online_write_batch(self.store.config, view, data, progress=None)

    def delete_feature_view(self, name: str, by: str = "local") -> FeatureViewRecord:
        with self._write_lock:
            snap = self._reload()
            view = snap.views.get(name)
            if view is None:
                refuse(ErrorCode.NOT_FOUND, f"feature view {name!r} does not exist", "name")
            users = snap.services_using(name)
            if users:
                refuse(
                    ErrorCode.IN_USE,
                    f"feature view {name!r} is used by feature services {', '.join(users)}; "
                    "delete or change them first",
                    "name",
                )
            feast_view = self.store.registry.get_feature_view(name, self._project)
            assert feast_view.batch_source is not None
            self.store.apply([], objects_to_delete=[feast_view, feast_view.batch_source], partial=False)
            self._reload()
            self._record(view, None, by)
            self._changed()
            return view

    def delete_feature_service(self, name: str) -> FeatureServiceRecord:
        with self._write_lock:
            snap = self._reload()
            service = snap.services.get(name)
            if service is None:
                refuse(ErrorCode.NOT_FOUND, f"feature service {name!r} does not exist", "name")
            self.store.registry.delete_feature_service(name, self._project, commit=True)
            self._reload()
            self._changed()
            return service

    def _changed(self) -> None:
        for listener in self.listeners:
            try:
                listener()
            except Exception:
                log.exception("a listener of registry writes failed")

    def _record(self, previous: FeatureViewRecord | None, current: FeatureViewRecord | None, by: str) -> None:
        """The change in the view's history; the registry's write stands if the history cannot be written."""
        if self.history is None:
            return
        try:
            self.history.record(previous, current, by)
        except Exception:
            either = current or previous
            log.exception("the history of feature view %s could not be written", either.name if either else "?")

    # ---- all-or-nothing apply ---------------------------------------------------------------

    def _apply(self, objects: list[Any], undo: Any) -> None:
        try:
            self.store.apply(objects)
        except Exception:
            # Feast's SQL registry writes object by object: put back what was there before.
            log.exception("feast apply failed; restoring the previous registry state")
            try:
                undo()
            except Exception:
                log.exception("could not restore the registry after a failed apply")
            self._reload()
            raise

    def _undo_view(self, name: str, previous: FeatureViewRecord | None, new_entities: tuple[EntityRecord, ...]) -> None:
        from server.services import feast_objects as fo  # imports Feast

        registry = self.store.registry
        if previous is None:
            _ignore_missing(registry.delete_feature_view, name, self._project)
            _ignore_missing(registry.delete_data_source, fo.source_name(name), self._project)
        else:
            entities = tuple(self._snapshot.entities[e] for e in previous.entities) if self._snapshot else ()
            self.store.apply([fo.build_feature_view(previous, entities, self._gold, self.trino)])
        for entity in new_entities:
            _ignore_missing(registry.delete_entity, entity.name, self._project)

    def _restore_entity(self, name: str, previous: EntityRecord | None) -> None:
        from server.services import feast_objects as fo  # imports Feast

        if previous is None:
            _ignore_missing(self.store.registry.delete_entity, name, self._project)
        else:
            self.store.apply([fo.build_entity(previous)])

    def _restore_service(self, name: str, previous: FeatureServiceRecord | None) -> None:
        from server.services import feast_objects as fo  # imports Feast

        if previous is None:
            _ignore_missing(self.store.registry.delete_feature_service, name, self._project)
        else:
            views = {p.view: self.store.registry.get_feature_view(p.view, self._project) for p in previous.projections}
            self.store.apply([fo.build_feature_service(previous, views)])


def _as_made(record: Any) -> Any:
    """A record as `_made` keeps it: a view with its feature names (for `keyed`), anything else as it is."""
    return (record, frozenset(f.name for f in record.features)) if isinstance(record, FeatureViewRecord) else record


def _as_record(as_made: Any) -> Any:
    return as_made[0] if isinstance(as_made, tuple) else as_made


def _incremental_start(view: FeatureViewRecord, end: datetime) -> datetime:
    if view.materialized:
        return max(e for _, e in view.materialized)
    if view.ttl_seconds:
        return end - timedelta(seconds=view.ttl_seconds)
    return datetime(1970, 1, 1, tzinfo=UTC)


def _ignore_missing(delete: Any, name: str, project: str) -> None:
    try:
        delete(name, project, commit=True)
    except Exception:  # already gone is what we want
        log.debug("nothing to delete for %s", name)
