"""Serving features: online reads and point-in-time correct historical retrieval, as typed tables;
columns come back in the order asked for. Parsing lives in feature_requests, encoding in feature_values.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from server.services.dtypes import FeatureDtype
from server.services.errors import RequestError
from server.services.feature_requests import (
    EVENT_TIMESTAMP,
    FeatureRef,
    check_columns,
    coerce_key,
    entity_columns,
    feature_dtype,
    join_keys,
    key_column,
    parse_timestamps,
    resolve_features,
    row_count,
)
from server.services.feature_values import (
    ColumnRecord,
    FeatureTableRecord,
    iso_utc,
    json_column,
    online_table,
    stored_table,
    typed_column,
)
from server.services.offline_gate import OfflineGate
from server.services.online_store import (
    NotServedHere,
    RedisReads,
    SqliteReads,
    StoredTimes,
    ViewRead,
    WouldBlock,
    entity_keys,
    store_reads,
    view_read,
)
from server.services.registry_records import RegistrySnapshot

log = logging.getLogger(__name__)
_ROW_ID = "__asgard_row__"
# What an async online read handles on the event loop (entity rows, feature references); more go to a thread
ASYNC_MAX_ROWS = 100
ASYNC_MAX_FEATURES = 200


@dataclass(frozen=True)
class HistoricalTable:
    """Point-in-time correct values in Arrow's own types: join keys, event_timestamp (the UTC times
    asked for), then the features; one row per entity row, in the order given."""

    table: Any  # a pyarrow.Table, its columns named and ordered as `columns`
    columns: list[ColumnRecord]


class FeatureServing:
    """Online and historical retrieval over the Feast store the registry service owns."""

    def __init__(self, registry: Any, direct_reads: bool = True) -> None:
        self.registry = registry  # feast_current(): Feast's own cache, refreshed before Feast resolves views
        self.offline: OfflineGate = registry.offline  # callers take a turn in it (server/loaders.py)
        self.engine_lock: AbstractContextManager[Any] = registry.engine_lock
        self.stage_entities: Callable[[Any], AbstractContextManager[Any]] = registry.stage_entities
        self._direct_reads = direct_reads
        # Feast's store may still be opening (in the background, at a start) when the server answers its first
        # requests: the reads are prepared in the thread that opens it, and until then nothing on the event
        # loop touches them (`reads_on_loop`, `online(wait=False)`); callers on the loop await `prepared`
        # before they send Feast's work to a worker thread, so that no thread is held waiting for it.
        self.prepared: Future[None] = Future()
        registry.feast_opened.add_done_callback(self._prepare)

    def _prepare(self, _: object) -> None:
        try:
            self.direct  # noqa: B018 -- made here, not on the event loop
            self.async_reads  # noqa: B018
        except Exception:
            log.exception("the online store's reads could not be prepared: they are made at first use")
        self.prepared.set_result(None)

    async def ready(self) -> None:
        """Returns once Feast's store is open and the reads are prepared (at once, after the start)."""
        if not self.prepared.done():
            await asyncio.wrap_future(self.prepared)

    async def close_loop_clients(self) -> None:
        """Closes the clients reads made for the running event loop (Redis's async one), as its app stops;
        nothing where the reads were never prepared."""
        direct = self.__dict__.get("direct")  # the cached property, when it was made
        if isinstance(direct, RedisReads):
            await direct.close_async_client()

    @cached_property
    def store(self) -> Any:
        return self.registry.store

    @cached_property
    def async_reads(self) -> bool:
        return bool(self.store._get_provider().async_supported.online.read)

    @cached_property
    def direct(self) -> SqliteReads | RedisReads | None:
        """Reads straight from the online store where its layout is known (None: Feast's read)."""
        direct = store_reads(self.store) if self._direct_reads else None
        if isinstance(direct, SqliteReads):
            direct.use_wal()
        return direct

    def _entities(
        self, snap: RegistrySnapshot, refs: list[FeatureRef], raw: Any, extra: Sequence[str] = ()
    ) -> tuple[dict[str, list[Any]], list[tuple[str, FeatureDtype | None]]]:
        columns = entity_columns(raw)
        keys = join_keys(snap, [snap.views[v] for v in dict.fromkeys(r.view for r in refs)])
        for key, dtype in keys:
            if key not in columns:
                raise RequestError(f"the entities need a {key!r} column", field=f"entities.{key}")
            coerce_key(columns[key], dtype, f"entities.{key}")
        known = {k for k, _ in keys} | set(extra)
        for name in columns:
            if name not in known:
                raise RequestError(f"{name!r} is not a join key of the features asked for", field=f"entities.{name}")
        return columns, keys

    def stored_times(self, snap: RegistrySnapshot, view_name: str, columns: dict[str, list[Any]]) -> StoredTimes:
        """Per entity row (its join keys' values in `columns`), the event time the online store holds for the
        entity in this view, in microseconds; None where it holds nothing. NotServedHere where the store is
        not read directly."""
        if self.direct is None:
            raise NotServedHere("the online store is read through Feast")
        view = snap.views[view_name]
        entities = [snap.entities[e] for e in view.entities]
        read = view_read(view, {e.join_key: e.value_type for e in entities}, ())
        keys = entity_keys(read, columns)
        found = self.direct.read([read], [keys], wait=True)[0]
        return StoredTimes(self.direct.event_micros(view_name, keys, found), keys)

    def record_push(self, view_name: str, stored: StoredTimes, rows: list[int], micros: list[int]) -> None:
        """The exact event times of the rows a push wrote (`rows`: their indexes in `stored`), where the
        store keeps less (server/services/online_store.py)."""
        if self.direct is not None:
            self.direct.record_push(view_name, [stored.keys[i] for i in rows], micros)

    def push_lock(self, view_name: str) -> AbstractContextManager[None]:
        """Held by a push between reading what the store holds and writing what is newer: across the
        processes sharing the store where it is read directly (server/services/online_store.py)."""
        return self.direct.push_lock(view_name) if self.direct is not None else contextlib.nullcontext()

    def read_online(
        self,
        snap: RegistrySnapshot,
        features: Sequence[str] | None,
        feature_service: str | None,
        raw_entities: Any,
        full_names: bool,
        wait: bool = True,
    ) -> FeatureTableRecord:
        """onlineFeatures, from what the caller named: the resolver and the compiled path both call this.
        `wait=False`: on the event loop, where a read that would wait raises WouldBlock."""
        return self.online(snap, resolve_features(snap, features, feature_service), raw_entities, full_names, wait)

    def reads_on_loop(self, features: Sequence[str] | None, raw_entities: Any) -> bool:
        """Whether a read of these entities is done on the event loop: a small one (building its answer
        costs the loop less than a hop to a worker thread would), from a store read directly (a SQLite read
        that never waits, or Redis's async client), or through Feast's async read where the store has one
        and Feast's own registry cache is fresh (else Feast would reload it, inside the read)."""
        if not self.prepared.done():
            return False
        small = row_count(raw_entities) <= ASYNC_MAX_ROWS and len(features or ()) <= ASYNC_MAX_FEATURES
        if self.direct is not None:
            return small  # a feature service's size is known once resolved: read_online_async checks it
        return self.async_reads and small and self._feast_fresh()

    def _feast_fresh(self) -> bool:
        """Whether Feast's registry cache holds the registry as it is (else Feast would read it inside a call)."""
        valid = bool(getattr(self.store.registry, "is_cache_valid", lambda: False)())
        return valid and not self.registry.feast_stale

    async def read_online_async(
        self,
        snap: RegistrySnapshot,
        features: Sequence[str] | None,
        feature_service: str | None,
        raw_entities: Any,
        full_names: bool,
    ) -> FeatureTableRecord:
        """read_online on the event loop (only where `reads_on_loop` says so); WouldBlock where it cannot
        be done there after all."""
        refs = resolve_features(snap, features, feature_service)
        if len(refs) > ASYNC_MAX_FEATURES:  # a large feature service: too long a read for the loop
            raise WouldBlock(f"{len(refs)} features")
        keys, columns = self._online_request(snap, refs, raw_entities, full_names)
        if isinstance(self.direct, RedisReads):
            try:
                reads, view_keys = self._direct_plan(snap, refs, columns)
            except NotServedHere:
                raise WouldBlock("Feast's read answers this one") from None
            found = await self.direct.read_on_loop(reads, view_keys)
            return self._stored(snap, refs, keys, columns, reads, view_keys, found, full_names)
        if self.direct is not None:
            return self.online(snap, refs, raw_entities, full_names, wait=False)
        if not self._feast_fresh():
            raise WouldBlock("Feast's registry cache is to be refreshed first")
        response = await self.store.get_online_features_async(
            features=[r.ref for r in refs], entity_rows=columns, full_feature_names=full_names
        )
        return online_table(response.proto, snap, refs, keys, full_names)

    def _online_request(
        self, snap: RegistrySnapshot, refs: list[FeatureRef], raw_entities: Any, full_names: bool
    ) -> tuple[list[tuple[str, FeatureDtype | None]], dict[str, list[Any]]]:
        offline_only = sorted({r.view for r in refs if not snap.views[r.view].online})
        if offline_only:
            raise RequestError(
                f"feature views {', '.join(offline_only)} are not served online (registered with online: false)",
                field="features",
            )
        columns, keys = self._entities(snap, refs, raw_entities)
        check_columns(refs, [k for k, _ in keys], full_names)
        return keys, {k: columns[k] for k, _ in keys}

    def _direct_plan(
        self, snap: RegistrySnapshot, refs: list[FeatureRef], columns: dict[str, list[Any]]
    ) -> tuple[list[ViewRead], list[list[bytes]]]:
        """Each view's read and its entity keys, one per entity row; NotServedHere where Feast must read."""
        reads = []
        for name, features in _by_view(refs).items():
            view = snap.views[name]
            entities = [snap.entities.get(e) for e in view.entities]
            if any(e is None for e in entities):
                raise NotServedHere(f"an entity of {name} is not registered")
            reads.append(view_read(view, {e.join_key: e.value_type for e in entities if e is not None}, features))
        return reads, [entity_keys(r, columns) for r in reads]

    def _stored(
        self,
        snap: RegistrySnapshot,
        refs: list[FeatureRef],
        keys: list[tuple[str, FeatureDtype | None]],
        columns: dict[str, list[Any]],
        reads: list[ViewRead],
        view_keys: list[list[bytes]],
        found: list[Any],
        full_names: bool,
    ) -> FeatureTableRecord:
        by_row = {r.view.name: [f.get(k) for k in ks] for r, ks, f in zip(reads, view_keys, found, strict=True)}
        return stored_table(snap, refs, keys, full_names, columns, by_row)

    def online(
        self, snap: RegistrySnapshot, refs: list[FeatureRef], raw_entities: Any, full_names: bool, wait: bool = True
    ) -> FeatureTableRecord:
        """The online read; `wait=False` (on the event loop): WouldBlock rather than wait (a locked SQLite
        store, a Redis round trip), read through Feast or read many features."""
        if not wait and len(refs) > ASYNC_MAX_FEATURES:
            raise WouldBlock(f"{len(refs)} features")
        if not wait and not self.prepared.done():
            raise WouldBlock("Feast's store is opening")
        if not wait and isinstance(self.direct, RedisReads):
            raise WouldBlock("a Redis read waits for its answer")
        keys, columns = self._online_request(snap, refs, raw_entities, full_names)
        if self.direct is not None:
            try:
                reads, view_keys = self._direct_plan(snap, refs, columns)
                found = self.direct.read(reads, view_keys, wait)
            except NotServedHere:
                pass
            else:
                return self._stored(snap, refs, keys, columns, reads, view_keys, found, full_names)
        if not wait:
            raise WouldBlock("Feast's read answers this one")
        self.registry.feast_current()
        response = self.store.get_online_features(
            features=[r.ref for r in refs], entity_rows=columns, full_feature_names=full_names
        )
        return online_table(response.proto, snap, refs, keys, full_names)

    def historical_table(
        self,
        snap: RegistrySnapshot,
        refs: list[FeatureRef],
        raw_entities: Any,
        full_names: bool,
        limit: int | None,
        cap: int,
    ) -> HistoricalTable:
        """At most `cap` entity rows in, and at most `limit` rows out, in the order they came in."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        if limit is not None and not 0 < limit <= cap:
            raise RequestError(f"limit must be between 1 and {cap}", field="limit")
        columns, keys = self._entities(snap, refs, raw_entities, extra=[EVENT_TIMESTAMP])
        check_columns(refs, [k for k, _ in keys] + [EVENT_TIMESTAMP], full_names)
        rows = len(next(iter(columns.values())))
        if rows > cap:
            raise RequestError(f"at most {cap} entity rows per request (got {rows})", field="entities")
        if EVENT_TIMESTAMP not in columns:
            raise RequestError("the entities need an event_timestamp column", field=f"entities.{EVENT_TIMESTAMP}")
        stamps = parse_timestamps(columns[EVENT_TIMESTAMP], f"entities.{EVENT_TIMESTAMP}")
        frame = pd.DataFrame({k: key_column(columns[k], d, f"entities.{k}") for k, d in keys})
        frame[EVENT_TIMESTAMP] = pd.to_datetime(stamps, utc=True)
        frame[_ROW_ID] = range(rows)
        # Arrow, not to_df(): Feast's DataFrame would only be converted again, value by value.
        self.registry.feast_current()
        with self.engine_lock, self.stage_entities(frame) as entity_df:
            result = self.store.get_historical_features(
                entity_df=entity_df, features=[r.ref for r in refs], full_feature_names=full_names
            ).to_arrow()
        result = result.take(pc.sort_indices(result[_ROW_ID]))
        if limit is not None:
            result = result.slice(0, limit)
        # Each row's event time is the one asked for: those, not Feast's copies of them.
        row_times = pa.array(stamps[result[_ROW_ID].to_numpy()], pa.timestamp("us", tz="UTC"))
        table_columns = (
            [ColumnRecord(k, d) for k, d in keys]
            + [ColumnRecord(EVENT_TIMESTAMP, FeatureDtype.UNIX_TIMESTAMP)]
            + [ColumnRecord(r.column(full_names), feature_dtype(snap, r)) for r in refs]
        )
        arrays = [result[k] for k, _ in keys] + [row_times]
        arrays += [typed_column(result[r.column(full_names)], feature_dtype(snap, r)) for r in refs]
        # from_arrays: no pandas metadata from Feast's frame (its index) comes along
        table = pa.Table.from_arrays(arrays, names=[c.name for c in table_columns])
        return HistoricalTable(table=table, columns=table_columns)

    def historical(
        self,
        snap: RegistrySnapshot,
        refs: list[FeatureRef],
        raw_entities: Any,
        full_names: bool,
        limit: int | None,
        cap: int,
    ) -> FeatureTableRecord:
        """historical_table's rows as JSON-ready values."""
        result = self.historical_table(snap, refs, raw_entities, full_names, limit, cap)
        at = [c.name for c in result.columns].index(EVENT_TIMESTAMP)
        values = [iso_utc(column) if i == at else json_column(column) for i, column in enumerate(result.table.columns)]
        return FeatureTableRecord(columns=result.columns, rows=list(map(list, zip(*values, strict=True))))


def _by_view(refs: list[FeatureRef]) -> dict[str, list[str]]:
    """The features asked of each view, views in the order they are first named."""
    out: dict[str, list[str]] = {}
    for ref in refs:
        out.setdefault(ref.view, []).append(ref.feature)
    return out
