"""Served features as JSON-ready values: typed tables, Feast's online protos and Arrow columns encoded
without a Python call per number where the type allows."""

from __future__ import annotations

import base64
import math
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


def _iso(seconds: float) -> str | None:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat() if seconds else None


def online_table(
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
            if code == 1 and not seconds:
                code = 3  # Feast's Redis store reports a key it does not hold as PRESENT, with no event time
            elif code == 1 and ttl and now - seconds > ttl:
                code = 4
            statuses.append(_STATUS.get(code, "INVALID"))
            if seconds not in stamps_seen:
                stamps_seen[seconds] = _iso(seconds)
            stamps.append(stamps_seen[seconds])
        status_columns.append(statuses)
        stamp_columns.append(stamps)
    columns = [ColumnRecord(k, d) for k, d in keys]
    columns += [ColumnRecord(r.column(full_names), feature_dtype(snap, r)) for r in refs]
    return FeatureTableRecord(
        columns=columns,
        rows=[list(row) for row in zip(*value_columns, strict=True)],
        statuses=[list(row) for row in zip(*status_columns, strict=True)],
        event_timestamps=[list(row) for row in zip(*stamp_columns, strict=True)],
    )
