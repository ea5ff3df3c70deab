"""Serving features: online reads and point-in-time correct historical retrieval, as typed tables.

Callers name features as `view:feature` or by a feature service, and give entities as columns
(`{"customer_id": [1, 2]}`) or rows (`[{"customer_id": 1}]`). Every mistake is a RequestError
naming the argument it concerns; columns come back in the order asked for.
"""

from __future__ import annotations

import base64
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from server.services.dtypes import FeatureDtype
from server.services.errors import RequestError
from server.services.registry_records import FeatureViewRecord, RegistrySnapshot

EVENT_TIMESTAMP = "event_timestamp"
_ROW_ID = "__asgard_row__"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# pandas' nanosecond timestamps, which Feast's point-in-time join goes through, end here
_EARLIEST, _LATEST = -9_223_372_036_854_775, 9_223_372_036_854_775
_STATUS = {0: "INVALID", 1: "PRESENT", 2: "NULL_VALUE", 3: "NOT_FOUND", 4: "OUTSIDE_MAX_AGE"}


@dataclass(frozen=True)
class ColumnRecord:
    name: str
    dtype: FeatureDtype | None


@dataclass(frozen=True)
class FeatureTableRecord:
    columns: list[ColumnRecord]
    rows: list[list[Any]]
    statuses: list[list[str]] | None = None
    event_timestamps: list[list[str | None]] | None = None


@dataclass(frozen=True)
class HistoricalTable:
    """Point-in-time correct values in Arrow's own types: join keys, event_timestamp (the UTC times
    asked for), then the features; one row per entity row, in the order given."""

    table: Any  # a pyarrow.Table, its columns named and ordered as `columns`
    columns: list[ColumnRecord]


@dataclass(frozen=True)
class FeatureRef:
    view: str
    feature: str

    @property
    def ref(self) -> str:
        return f"{self.view}:{self.feature}"

    def column(self, full_names: bool) -> str:
        return f"{self.view}__{self.feature}" if full_names else self.feature


# ---- input parsing (pure) -----------------------------------------------------------------------


def entity_columns(raw: Any, field: str = "entities") -> dict[str, list[Any]]:
    """Columns from either form of entity input; every column the same, non-zero length."""
    if isinstance(raw, list):
        if not raw:
            raise RequestError("give at least one entity row", field=field)
        if not all(isinstance(row, dict) for row in raw):
            raise RequestError('entity rows must be objects, e.g. [{"customer_id": 1}]', field=field)
        keys = list(raw[0])
        if any(list(row) != keys and set(row) != set(keys) for row in raw):
            raise RequestError("every entity row must have the same keys", field=field)
        columns = {k: [row[k] for row in raw] for k in keys}
    elif isinstance(raw, dict):
        columns = raw
        if not columns:
            raise RequestError("give at least one entity column", field=field)
        for key, values in columns.items():
            if not isinstance(values, list):
                raise RequestError(f"column {key!r} must be a list of values", field=f"{field}.{key}")
    else:
        raise RequestError('entities must be columns {"key": [...]} or rows [{"key": ...}]', field=field)
    lengths = {len(v) for v in columns.values()}
    if lengths == {0}:
        raise RequestError("give at least one entity row", field=field)
    if len(lengths) != 1:
        raise RequestError("every entity column must have the same length", field=field)
    return columns


def coerce_key(values: list[Any], dtype: FeatureDtype | None, field: str) -> list[Any]:
    """Entity key values checked against the entity's type (no silent conversions)."""
    kinds = set(map(type, values))  # JSON gives exact types: bool is not taken for an int here
    if dtype in (FeatureDtype.INT64, FeatureDtype.INT32):
        ok, expected = kinds <= {int}, "integers"
    elif dtype is FeatureDtype.STRING:
        ok, expected = kinds <= {str}, "strings"
    elif dtype is FeatureDtype.BOOL:
        ok, expected = kinds <= {bool}, "booleans"
    else:
        ok, expected = type(None) not in kinds, "values"
    if not ok:
        raise RequestError(f"entity key values must be {expected}", field=field)
    return values


def _key_column(values: list[Any], dtype: FeatureDtype | None, field: str) -> Any:
    """Integer keys (checked by coerce_key) as one int64 array: pandas would inspect each Python int again."""
    import numpy as np

    if dtype not in (FeatureDtype.INT64, FeatureDtype.INT32):
        return values
    try:
        return np.array(values, dtype=np.int64)
    except OverflowError:
        raise RequestError("entity key values must fit in 64 bits", field=field) from None


def parse_timestamps(values: list[Any], field: str) -> Any:
    """ISO-8601 times with a zone, as a numpy array of UTC datetime64[us]."""
    import numpy as np

    stamps = _parse_in_bulk(values)
    if stamps is None:  # a shape Arrow does not read, or a mistake to name: one value at a time
        micros = []
        for value in values:
            try:
                ts = datetime.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                ts = None
            if ts is None:
                raise RequestError(f"{value!r} is not an ISO-8601 time", field=field)
            if ts.tzinfo is None:
                raise RequestError(f"{value!r} has no time zone; add Z or an offset like +02:00", field=field)
            micros.append((ts - _EPOCH) // _MICROSECOND)
        stamps = np.array(micros, dtype=np.int64)
    outside = np.flatnonzero((stamps < _EARLIEST) | (stamps > _LATEST))
    if len(outside):
        raise RequestError(
            f"{values[outside[0]]!r} is outside the times Feast can join on (years 1678 to 2261)", field=field
        )
    return stamps.view("datetime64[us]")


def _parse_in_bulk(values: list[Any]) -> Any:
    """Microseconds since the epoch when Arrow reads every value (its ISO-8601 shapes are a subset
    of Python's, and it refuses times without a zone); None otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        strings = pa.array(values, pa.string())
        if strings.null_count:
            return None
        return pc.cast(strings, pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_numpy()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def resolve_features(
    snap: RegistrySnapshot, features: Sequence[str] | None, feature_service: str | None
) -> list[FeatureRef]:
    if (features is None) == (feature_service is None):
        raise RequestError("give either features or featureService", field="features")
    if feature_service is not None:
        service = snap.services.get(feature_service)
        if service is None:
            raise RequestError(
                f"feature service {feature_service!r} does not exist", code="NOT_FOUND", field="featureService"
            )
        return [FeatureRef(p.view, f) for p in service.projections for f in p.features]
    assert features is not None
    if not features:
        raise RequestError("name at least one feature", field="features")
    refs = []
    for i, ref in enumerate(features):
        view_name, sep, feature = ref.partition(":")
        if not sep or not view_name or not feature:
            raise RequestError(f"{ref!r} is not a feature reference view:feature", field=f"features.{i}")
        view = snap.views.get(view_name)
        if view is None:
            raise RequestError(f"feature view {view_name!r} does not exist", code="NOT_FOUND", field=f"features.{i}")
        if feature not in {f.name for f in view.features}:
            raise RequestError(
                f"feature view {view_name!r} has no feature {feature!r}", code="NOT_FOUND", field=f"features.{i}"
            )
        refs.append(FeatureRef(view_name, feature))
    if len({r.ref for r in refs}) != len(refs):
        raise RequestError("a feature is named twice", field="features")
    return refs


def _join_keys(snap: RegistrySnapshot, views: list[FeatureViewRecord]) -> list[tuple[str, FeatureDtype | None]]:
    keys: dict[str, FeatureDtype | None] = {}
    for view in views:
        for name in view.entities:
            entity = snap.entities.get(name)
            if entity is not None:
                keys.setdefault(entity.join_key, entity.value_type)
    return list(keys.items())


def _dtype(snap: RegistrySnapshot, ref: FeatureRef) -> FeatureDtype | None:
    view = snap.views[ref.view]
    return next((f.dtype for f in view.features if f.name == ref.feature), None)


def json_value(value: Any) -> Any:
    """A feature value as JSON: NaN -> null, bytes -> base64, times -> ISO-8601."""
    if value is None:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return json_value(value.item())
    return value


class FeatureServing:
    """Online and historical retrieval over the Feast store the registry service owns."""

    def __init__(self, registry: Any) -> None:
        self.store = registry.store
        self.offline_lock: threading.Lock = registry.offline_lock

    def _entities(
        self, snap: RegistrySnapshot, refs: list[FeatureRef], raw: Any, extra: Sequence[str] = ()
    ) -> tuple[dict[str, list[Any]], list[tuple[str, FeatureDtype | None]]]:
        columns = entity_columns(raw)
        keys = _join_keys(snap, [snap.views[v] for v in dict.fromkeys(r.view for r in refs)])
        for key, dtype in keys:
            if key not in columns:
                raise RequestError(f"the entities need a {key!r} column", field=f"entities.{key}")
            coerce_key(columns[key], dtype, f"entities.{key}")
        known = {k for k, _ in keys} | set(extra)
        for name in columns:
            if name not in known:
                raise RequestError(f"{name!r} is not a join key of the features asked for", field=f"entities.{name}")
        return columns, keys

    def online(
        self, snap: RegistrySnapshot, refs: list[FeatureRef], raw_entities: Any, full_names: bool
    ) -> FeatureTableRecord:
        offline_only = sorted({r.view for r in refs if not snap.views[r.view].online})
        if offline_only:
            raise RequestError(
                f"feature views {', '.join(offline_only)} are not served online (registered with online: false)",
                field="features",
            )
        columns, keys = self._entities(snap, refs, raw_entities)
        response = self.store.get_online_features(
            features=[r.ref for r in refs],
            entity_rows={k: columns[k] for k, _ in keys},
            full_feature_names=full_names,
        )
        return _online_table(response.proto, snap, refs, keys, full_names)

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
        rows = len(next(iter(columns.values())))
        if rows > cap:
            raise RequestError(f"at most {cap} entity rows per request (got {rows})", field="entities")
        if EVENT_TIMESTAMP not in columns:
            raise RequestError("the entities need an event_timestamp column", field=f"entities.{EVENT_TIMESTAMP}")
        stamps = parse_timestamps(columns[EVENT_TIMESTAMP], f"entities.{EVENT_TIMESTAMP}")
        frame = pd.DataFrame({k: _key_column(columns[k], d, f"entities.{k}") for k, d in keys})
        frame[EVENT_TIMESTAMP] = pd.to_datetime(stamps, utc=True)
        frame[_ROW_ID] = range(rows)
        # Arrow, not to_df(): Feast's DataFrame would only be converted again, value by value.
        with self.offline_lock:
            result = self.store.get_historical_features(
                entity_df=frame, features=[r.ref for r in refs], full_feature_names=full_names
            ).to_arrow()
        result = result.take(pc.sort_indices(result[_ROW_ID]))
        if limit is not None:
            result = result.slice(0, limit)
        # Each row's event time is the one asked for: those, not Feast's copies of them.
        row_times = pa.array(stamps[result[_ROW_ID].to_numpy()], pa.timestamp("us", tz="UTC"))
        table_columns = (
            [ColumnRecord(k, d) for k, d in keys]
            + [ColumnRecord(EVENT_TIMESTAMP, FeatureDtype.UNIX_TIMESTAMP)]
            + [ColumnRecord(r.column(full_names), _dtype(snap, r)) for r in refs]
        )
        arrays = [result[k] for k, _ in keys] + [row_times] + [result[r.column(full_names)] for r in refs]
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


def iso_utc(stamps: Any) -> list[str]:
    """An Arrow column of UTC times as datetime.isoformat() writes them, formatted by Arrow in bulk."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.replace_substring(pc.cast(stamps.cast(pa.timestamp("us")), pa.string()), " ", "T")
    whole = pc.equal(pc.utf8_slice_codeunits(text, 19), ".000000")
    text = pc.if_else(whole, pc.utf8_slice_codeunits(text, 0, 19), text)
    return list(pc.binary_join_element_wise(text, "+00:00", "").to_pylist())


def json_column(column: Any) -> list[Any]:
    """An Arrow column as JSON-ready values, like json_value but without a Python call per number."""
    import numpy as np
    import pyarrow as pa

    kind = column.type
    if pa.types.is_floating(kind):
        array = column.to_numpy()  # nulls become NaN, and NaN becomes null
        out: list[Any] = array.tolist()
        for i in np.flatnonzero(~np.isfinite(array)).tolist():
            out[i] = None
        return out
    if (
        pa.types.is_integer(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
    ):
        return list(column.to_pylist())
    return [json_value(v) for v in column.to_pylist()]


def _proto_value(value: Any) -> Any:
    """A Feast Value proto as JSON-ready Python, without Feast's slower general converter."""
    kind = value.WhichOneof("val")
    if kind is None or kind == "null_val":
        return None
    raw = getattr(value, kind)
    if kind.endswith("_list_val"):
        items = list(raw.val)
        if kind == "unix_timestamp_list_val":
            return [_iso(v) for v in items]
        return (
            [json_value(v) for v in items] if kind in ("double_list_val", "float_list_val", "bytes_list_val") else items
        )
    if kind == "double_val" or kind == "float_val":
        return raw if math.isfinite(raw) else None
    if kind == "unix_timestamp_val":
        return _iso(raw)
    if kind == "bytes_val":
        return base64.b64encode(raw).decode()
    return raw


def _iso(seconds: float) -> str | None:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat() if seconds else None


def _online_table(
    proto: Any,
    snap: RegistrySnapshot,
    refs: list[FeatureRef],
    keys: list[tuple[str, FeatureDtype | None]],
    full_names: bool,
) -> FeatureTableRecord:
    # Feast's Python read path reports only PRESENT and NOT_FOUND: the TTL is applied here, as
    # Feast's other servers do (the value stays, flagged OUTSIDE_MAX_AGE).
    now = time.time()
    by_name = {name: i for i, name in enumerate(proto.metadata.feature_names.val)}
    names = [k for k, _ in keys] + [r.column(full_names) for r in refs]
    ttls: list[int | None] = [None for _ in keys]
    ttls += [snap.views[r.view].ttl_seconds for r in refs]
    stamps_seen: dict[float, str | None] = {}  # a view's features share their event times
    value_columns: list[list[Any]] = []
    status_columns: list[list[str]] = []
    stamp_columns: list[list[str | None]] = []
    for c, name in enumerate(names):
        vector = proto.results[by_name[name]]
        value_columns.append([_proto_value(v) for v in vector.values])
        if c < len(keys):
            status_columns.append(["PRESENT"] * len(vector.values))
            stamp_columns.append([None] * len(vector.values))
            continue
        ttl = ttls[c]
        statuses: list[str] = []
        stamps: list[str | None] = []
        for code, ts in zip(vector.statuses, vector.event_timestamps, strict=False):
            seconds = ts.seconds + ts.nanos / 1e9
            if code == 1 and ttl and seconds and now - seconds > ttl:
                code = 4
            statuses.append(_STATUS.get(code, "INVALID"))
            if seconds not in stamps_seen:
                stamps_seen[seconds] = _iso(seconds)
            stamps.append(stamps_seen[seconds])
        status_columns.append(statuses)
        stamp_columns.append(stamps)
    columns = [ColumnRecord(k, d) for k, d in keys]
    columns += [ColumnRecord(r.column(full_names), _dtype(snap, r)) for r in refs]
    return FeatureTableRecord(
        columns=columns,
        rows=[list(row) for row in zip(*value_columns, strict=True)],
        statuses=[list(row) for row in zip(*status_columns, strict=True)],
        event_timestamps=[list(row) for row in zip(*stamp_columns, strict=True)],
    )
