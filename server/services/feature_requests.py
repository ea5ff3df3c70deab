"""What callers ask to be served, parsed: feature references and entity columns, checked against the
registry. Callers name features as `view:feature` or by a feature service, and give entities as columns
(`{"customer_id": [1, 2]}`) or rows (`[{"customer_id": 1}]`). Every mistake is a RequestError naming
the argument it concerns. Pure: no store is read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from server.services.dtypes import FeatureDtype
from server.services.errors import RequestCode, RequestError
from server.services.registry_records import FeatureViewRecord, RegistrySnapshot

EVENT_TIMESTAMP = "event_timestamp"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# pandas' nanosecond timestamps, which Feast's point-in-time join goes through, end here
_EARLIEST, _LATEST = -9_223_372_036_854_775, 9_223_372_036_854_775


@dataclass(frozen=True)
class FeatureRef:
    view: str
    feature: str

    @property
    def ref(self) -> str:
        return f"{self.view}:{self.feature}"

    def column(self, full_names: bool) -> str:
        return f"{self.view}__{self.feature}" if full_names else self.feature


def row_count(value: Any) -> int:
    """Entity rows in columns form ({"id": [1, 2]}) or rows form ([{"id": 1}]); anything else is 0."""
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        return max((len(v) if isinstance(v, list) else 1 for v in value.values()), default=0)
    return 0


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


def key_column(values: list[Any], dtype: FeatureDtype | None, field: str) -> Any:
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
                f"feature service {feature_service!r} does not exist",
                code=RequestCode.NOT_FOUND,
                field="featureService",
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
            raise RequestError(
                f"feature view {view_name!r} does not exist", code=RequestCode.NOT_FOUND, field=f"features.{i}"
            )
        if feature not in {f.name for f in view.features}:
            raise RequestError(
                f"feature view {view_name!r} has no feature {feature!r}",
                code=RequestCode.NOT_FOUND,
                field=f"features.{i}",
            )
        refs.append(FeatureRef(view_name, feature))
    if len({r.ref for r in refs}) != len(refs):
        raise RequestError("a feature is named twice", field="features")
    return refs


def join_keys(snap: RegistrySnapshot, views: list[FeatureViewRecord]) -> list[tuple[str, FeatureDtype | None]]:
    keys: dict[str, FeatureDtype | None] = {}
    for view in views:
        for name in view.entities:
            entity = snap.entities.get(name)
            if entity is not None:
                keys.setdefault(entity.join_key, entity.value_type)
    return list(keys.items())


def feature_dtype(snap: RegistrySnapshot, ref: FeatureRef) -> FeatureDtype | None:
    view = snap.views[ref.view]
    return next((f.dtype for f in view.features if f.name == ref.feature), None)


def check_columns(refs: list[FeatureRef], keys: Sequence[str], full_names: bool) -> None:
    """Every column of the answer named once: two views' features of one name need full names."""
    seen = set(keys)
    clashes = []
    for ref in refs:
        name = ref.column(full_names)
        if name in seen:
            clashes.append(name)
        seen.add(name)
    if clashes:
        names = ", ".join(sorted(set(clashes)))
        raise RequestError(
            f"more than one column would be named {names}: ask with fullFeatureNames: true", field="fullFeatureNames"
        )
