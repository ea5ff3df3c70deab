"""Served features as JSON-ready values: typed tables, Feast's online protos and Arrow columns encoded
without a Python call per number where the type allows."""

from __future__ import annotations

import base64
import math
import struct
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from server.services.dtypes import FeatureDtype
from server.services.feature_requests import FeatureRef, feature_dtype
from server.services.registry_records import RegistrySnapshot

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


def json_value(value: Any, naive_as_utc: bool = True) -> Any:
    """A value as exact JSON: NaN and infinities -> null, bytes -> base64, decimals and uuids -> strings,
    dates and times -> ISO-8601, structs -> objects, maps (key-value pairs) -> [key, value] lists. A time
    without a zone is UTC for a feature (`naive_as_utc`), and stays without one where the column says so."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is None and naive_as_utc:
        return value.replace(tzinfo=UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v, naive_as_utc) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(v, naive_as_utc) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return json_value(value.item(), naive_as_utc)
    return str(value)


def typed_column(column: Any, dtype: FeatureDtype | None) -> Any:
    """An Arrow column in its dtype's integer type when an engine handed it over as floats: Trino's
    results come through pandas, where an integer column with nulls turns float (NaN for null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    target = {FeatureDtype.INT64: pa.int64(), FeatureDtype.INT32: pa.int32()}.get(dtype) if dtype else None
    if target is None or column.type == target or not pa.types.is_floating(column.type):
        return column
    nulls = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
    return nulls.cast(target)  # safe: a fraction is an error, never a silent truncation


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
        array = column.to_numpy(zero_copy_only=False)  # nulls become NaN, and NaN becomes null
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


_LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z, the last time Python represents


def _iso(seconds: float) -> str | None:
    """Seconds since the epoch as ISO-8601; None for 0 (no time) and for what no time is: Feast writes a
    null time as pandas' NaT, the smallest 64-bit integer."""
    if not seconds or not -62135596800 <= seconds <= _LAST_SECOND:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


def _status(code: int, seconds: float, ttl: int | None, now: float) -> str:
    """Feast's status of one value, with the view's TTL applied: Feast's Python read path reports only
    PRESENT and NOT_FOUND, so the TTL is applied here, as Feast's other servers do (the value stays,
    flagged OUTSIDE_MAX_AGE)."""
    if code == 1 and not seconds:
        code = 3  # Feast's Redis store reports a key it does not hold as PRESENT, with no event time
    elif code == 1 and ttl and now - seconds > ttl:
        code = 4
    return _STATUS.get(code, "INVALID")


def _table(
    snap: RegistrySnapshot,
    refs: list[FeatureRef],
    keys: list[tuple[str, FeatureDtype | None]],
    full_names: bool,
    key_values: list[list[Any]],
    feature_columns: list[tuple[list[Any], list[str], list[str | None]]],
) -> FeatureTableRecord:
    """The rows, statuses and event times of a read: join key columns first, then each feature's."""
    width = len(key_values[0]) if key_values else 0
    columns = [ColumnRecord(k, d) for k, d in keys]
    columns += [ColumnRecord(r.column(full_names), feature_dtype(snap, r)) for r in refs]
    values = key_values + [c[0] for c in feature_columns]
    statuses = [["PRESENT"] * width for _ in keys] + [c[1] for c in feature_columns]
    stamps: list[list[str | None]] = [[None for _ in range(width)] for _ in keys]
    stamps += [c[2] for c in feature_columns]
    return FeatureTableRecord(
        columns=columns,
        rows=[list(row) for row in zip(*values, strict=True)],
        statuses=[list(row) for row in zip(*statuses, strict=True)],
        event_timestamps=[list(row) for row in zip(*stamps, strict=True)],
    )


def online_table(
    proto: Any,
    snap: RegistrySnapshot,
    refs: list[FeatureRef],
    keys: list[tuple[str, FeatureDtype | None]],
    full_names: bool,
) -> FeatureTableRecord:
    """A table from Feast's GetOnlineFeaturesResponse."""
    now = time.time()
    by_name = {name: i for i, name in enumerate(proto.metadata.feature_names.val)}
    key_values = [[_proto_value(v) for v in proto.results[by_name[k]].values] for k, _ in keys]
    stamps_seen: dict[float, str | None] = {}  # a view's features share their event times
    feature_columns = []
    for ref in refs:
        vector = proto.results[by_name[ref.column(full_names)]]
        ttl = snap.views[ref.view].ttl_seconds
        statuses: list[str] = []
        stamps: list[str | None] = []
        for code, ts in zip(vector.statuses, vector.event_timestamps, strict=False):
            seconds = ts.seconds + ts.nanos / 1e9
            statuses.append(_status(code, seconds, ttl, now))
            if seconds not in stamps_seen:
                stamps_seen[seconds] = _iso(seconds)
            stamps.append(stamps_seen[seconds])
        feature_columns.append(([_proto_value(v) for v in vector.values], statuses, stamps))
    return _table(snap, refs, keys, full_names, key_values, feature_columns)


def stored_table(
    snap: RegistrySnapshot,
    refs: list[FeatureRef],
    keys: list[tuple[str, FeatureDtype | None]],
    full_names: bool,
    columns: dict[str, list[Any]],
    found: dict[str, list[Any]],
) -> FeatureTableRecord:
    """A table from what the online store holds (server/services/online_store.py): `found[view]` has, per
    entity row, the view's Found (its event time and serialized values) or None. The same statuses as
    Feast's read: a value the store holds is PRESENT (null or not), a feature or entity it does not hold
    is NOT_FOUND, and the TTL applies as above."""
    now = time.time()
    stamps_seen: dict[float, str | None] = {}
    decoded: dict[bytes, Any] = {}  # the same serialized value, decoded once
    rows_of: dict[str, list[tuple[dict[str, bytes | None], str, str | None]]] = {}
    for view, entries in found.items():  # per entity row: its values, the status they have, their time
        ttl = snap.views[view].ttl_seconds
        rows = []
        for entry in entries:
            seconds = entry.seconds if entry is not None else 0.0
            if seconds not in stamps_seen:
                stamps_seen[seconds] = _iso(seconds)
            status = _status(1, seconds, ttl, now) if entry is not None else "NOT_FOUND"
            rows.append((entry.values if entry is not None else {}, status, stamps_seen[seconds]))
        rows_of[view] = rows
    feature_columns = []
    for ref in refs:
        feature = ref.feature
        values: list[Any] = []
        statuses: list[str] = []
        for held, status, _ in rows_of[ref.view]:
            raw = held.get(feature, _ABSENT)
            if raw is _ABSENT:
                values.append(None)
                statuses.append("NOT_FOUND")
                continue
            statuses.append(status)
            if not raw:
                values.append(None)
                continue
            value = decoded.get(raw, _ABSENT)
            if value is _ABSENT:
                value = decoded[raw] = _stored_value(raw)
            values.append(value)
        feature_columns.append((values, statuses, [stamp for _, _, stamp in rows_of[ref.view]]))
    return _table(snap, refs, keys, full_names, [list(columns[k]) for k, _ in keys], feature_columns)


_ABSENT: Any = object()
_DOUBLE = struct.Struct("<d")


def _stored_value(raw: bytes) -> Any:
    """A serialized Feast Value as JSON-ready Python; a double (the commonest feature) read off its wire
    format (field 5, fixed 64 bits) without a proto."""
    if len(raw) == 9 and raw[0] == 0x29:
        number: float = _DOUBLE.unpack_from(raw, 1)[0]
        return number if math.isfinite(number) else None
    from feast.protos.feast.types.Value_pb2 import Value

    return _proto_value(Value.FromString(raw))
