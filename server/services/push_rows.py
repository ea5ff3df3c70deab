"""Rows pushed into a feature view, checked against the view and its gold table before anything is written
(pure functions).

A push names every column of the view: its entities' join keys, each of its features (null for no value,
where the table's column allows it) and, optionally, the event time (`timestamp_field`; the server's
time when it is not given) and the created time. Rows come as objects (`[{"customer_id": 1, ...}]`) or as
columns (`{"customer_id": [1, 2], ...}`), as onlineFeatures' entities do. Values are JSON as the API
answers them: integers, numbers, strings, booleans, ISO-8601 times with a zone, base64 for bytes, lists.
Every problem is an InputError naming the row and column (up to MAX_ERRORS of them); a plan is only
returned when there are none, so a push writes all of its rows or none.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from server.services.dtypes import FeatureDtype, natural_dtype
from server.services.errors import ErrorCode, InputError, InputErrorList, input_error
from server.services.gold_catalog import GoldColumn, GoldTableRecord
from server.services.registry_records import RegistrySnapshot

MAX_ERRORS = 50
_EARLIEST = datetime(1678, 1, 1, tzinfo=UTC)  # pandas' nanosecond times, which Feast goes through
_LATEST = datetime(2261, 12, 31, tzinfo=UTC)
_INT_BITS = {"int": 32, "long": 64}


class PushTarget(StrEnum):
    """Where pushed rows go."""

    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"
    ONLINE_AND_OFFLINE = "ONLINE_AND_OFFLINE"

    @property
    def online(self) -> bool:
        return self is not PushTarget.OFFLINE

    @property
    def offline(self) -> bool:
        return self is not PushTarget.ONLINE


@dataclass(frozen=True)
class PushSpec:
    view: str
    rows: Any  # the JSON as given
    target: PushTarget


@dataclass(frozen=True)
class PushPlan:
    """What a valid push writes: the view's columns as Python values in the table's types (UTC-aware
    datetimes for times, bytes for binaries), `count` rows of each."""

    view: str
    table: str
    columns: dict[str, list[Any]]
    count: int
    target: PushTarget
    join_keys: tuple[str, ...]
    event_time: str  # the column of the rows' event times


@dataclass(frozen=True)
class PushRecord:
    """What a push wrote."""

    view: str
    rows_written: int  # offline: every row appended; online only: the rows the store took
    target: PushTarget
    snapshot_id: int | None  # the gold table's new snapshot, for an offline push
    stale_rows: int | None  # rows the online store kept a newer value for (None: not pushed online)


@dataclass(frozen=True)
class _Column:
    """One column a push writes: how its JSON values are read, and whether the row may omit it."""

    name: str
    convert: Callable[[Any], Any]  # the value in the table's type; ValueError (its message) when it is not
    nullable: bool
    default: Any = None  # for an optional column a row leaves out (the time of the push)
    optional: bool = False
    extra: bool = False  # a column of the table the view does not carry (offline pushes)


class _Errors(InputErrorList):
    """Problems found, at most MAX_ERRORS of them (a caller fixes those and sends the rows again)."""

    @property
    def full(self) -> bool:
        return len(self) >= MAX_ERRORS


def plan_push(
    spec: PushSpec, snap: RegistrySnapshot, table: GoldTableRecord | None, max_rows: int, now: datetime
) -> tuple[PushPlan | None, list[InputError]]:
    view = snap.views.get(spec.view)
    if view is None:
        return None, _one(ErrorCode.NOT_FOUND, f"feature view {spec.view!r} does not exist", "featureView")
    if spec.target.online and not view.online:
        return None, _one(
            ErrorCode.INVALID_VALUE,
            f"feature view {view.name!r} is not served online: push to OFFLINE, or register it with online: true",
            "to",
        )
    if table is None:
        return None, _one(
            ErrorCode.UNKNOWN_TABLE, f"the view's table {view.source.table!r} no longer exists", "featureView"
        )
    columns, errors = _columns(snap, view.name, table, spec.target, now)
    if errors:
        return None, errors
    try:
        shaped = _shape(spec.rows, max_rows, {c.name for c in columns})
        view_columns = {c.name for c in columns if not c.extra}
        checked = _check(columns, shaped, {c.name for c in table.columns} - view_columns)
    except _Refused as refused:
        return None, list(refused.errors)
    keys = tuple(snap.entities[e].join_key for e in view.entities)
    plan = PushPlan(view.name, table.name, checked, shaped.count, spec.target, keys, view.source.timestamp_field)
    return plan, []


def newest_rows(plan: PushPlan, stored: list[int | None]) -> list[int]:
    """The rows the online store takes, in order: per entity the row with the latest event time (of two at
    the same instant, the later one), and only where that time is after the one the store holds for the
    entity (`stored`, per row, in microseconds; None: nothing), as Feast's Redis store decides. So whatever
    the store, an entity's online values are those of its newest row, as a materialization leaves them."""
    newest: dict[tuple[Any, ...], tuple[int, int]] = {}
    keys = list(zip(*(plan.columns[k] for k in plan.join_keys), strict=True))
    for i, (key, micros) in enumerate(zip(keys, event_micros(plan), strict=True)):
        held = newest.get(key)
        if held is None or micros >= held[0]:
            newest[key] = (micros, i)
    return sorted(i for micros, i in newest.values() if (at := stored[i]) is None or micros > at)


def event_micros(plan: PushPlan) -> list[int]:
    """Each row's event time, in microseconds since the epoch."""
    return [_micros(t) for t in plan.columns[plan.event_time]]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(stamp: datetime | date) -> int:
    if not isinstance(stamp, datetime):
        stamp = datetime(stamp.year, stamp.month, stamp.day, tzinfo=UTC)
    return (stamp - _EPOCH) // timedelta(microseconds=1)


def _one(code: ErrorCode, message: str, *path: str | int) -> list[InputError]:
    errors = InputErrorList()
    errors.add(code, message, *path)
    return errors


def _columns(
    snap: RegistrySnapshot, view_name: str, table: GoldTableRecord, target: PushTarget, now: datetime
) -> tuple[list[_Column], list[InputError]]:
    """The columns a push of this view writes, in the table's types; refused when the table has changed
    under the view, or (offline) has a required column the view does not carry."""
    view = snap.views[view_name]
    errors = InputErrorList()
    out: list[_Column] = []

    def gold(name: str) -> GoldColumn | None:
        found = table.column(name)
        if found is None:
            errors.add(
                ErrorCode.UNKNOWN_COLUMN,
                f"table {table.name} no longer has the view's column {name!r}; register the view again",
                "featureView",
            )
        return found

    for entity_name in view.entities:
        entity = snap.entities.get(entity_name)
        column = gold(entity.join_key) if entity else None
        if entity and column:
            dtype = entity.value_type or natural_dtype(column.type)
            out.append(_Column(column.name, _converter(dtype, column.type), nullable=False))
    for feature in view.features:
        column = gold(feature.name)
        if column:
            out.append(_Column(column.name, _converter(feature.dtype, column.type), nullable=column.nullable))
    for name in (view.source.timestamp_field, view.source.created_timestamp_field):
        column = gold(name) if name else None
        if column:
            convert = _time_converter(column.type)
            out.append(_Column(column.name, convert, nullable=False, default=convert(now), optional=True))
    if target.offline:  # the table's other columns: given by the rows where the table requires them
        written = {c.name for c in out}
        for column in table.columns:
            if column.name not in written:
                convert = _converter(None, column.type)
                out.append(_Column(column.name, convert, column.nullable, optional=column.nullable, extra=True))
    return out, errors


class _Refused(Exception):
    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


_ABSENT = object()  # a row that leaves a column out (rows form)


@dataclass(frozen=True)
class _Shaped:
    """The rows as columns (rows form: _ABSENT where a row leaves a column out), and where each value is."""

    columns: dict[str, list[Any]]
    count: int
    by_rows: bool
    unknown: dict[str, int]  # names no column has, and the first row that gives each (columns form: 0)

    def path(self, i: int, name: str) -> tuple[str | int, ...]:
        return ("rows", i, name) if self.by_rows else ("rows", name, i)

    def unknown_path(self, name: str) -> tuple[str | int, ...]:
        """A name no column has: in rows form, in the first row that gives it."""
        return ("rows", self.unknown[name], name) if self.by_rows else ("rows", name)


def _shape(raw: Any, max_rows: int, known: set[str]) -> _Shaped:
    """Columns from either form and their count; _Refused when the shape is wrong or too large. Only the
    `known` names become columns (rows form: one pass over the rows' keys, then one list per known name,
    so that rows each naming keys of their own cost no more than their size)."""
    if isinstance(raw, list):
        if len(raw) > max_rows:
            raise _Refused(_limit(len(raw), max_rows))
        if not raw:
            raise _Refused(_one(ErrorCode.INVALID_VALUE, "give at least one row", "rows"))
        bad = [i for i, row in enumerate(raw) if not isinstance(row, dict)][:MAX_ERRORS]
        if bad:
            message = 'a row must be an object, e.g. {"customer_id": 1, ...}'
            raise _Refused([input_error(ErrorCode.INVALID_VALUE, message, "rows", i) for i in bad])
        first: dict[str, int] = {}
        for i, row in enumerate(raw):
            for name in row:
                first.setdefault(name, i)
        unknown = {name: i for name, i in first.items() if name not in known}
        columns = {name: [row.get(name, _ABSENT) for row in raw] for name in first if name in known}
        return _Shaped(columns, len(raw), by_rows=True, unknown=unknown)
    if isinstance(raw, dict):
        if not raw:
            raise _Refused(_one(ErrorCode.INVALID_VALUE, "give at least one column", "rows"))
        for name, values in raw.items():
            if not isinstance(values, list):
                raise _Refused(_one(ErrorCode.INVALID_VALUE, f"column {name!r} must be a list of values", "rows", name))
        lengths = {len(v) for v in raw.values()}
        count = max(lengths)
        if count > max_rows:
            raise _Refused(_limit(count, max_rows))
        if len(lengths) != 1:
            raise _Refused(_one(ErrorCode.INVALID_VALUE, "every column must have the same length", "rows"))
        if count == 0:
            raise _Refused(_one(ErrorCode.INVALID_VALUE, "give at least one row", "rows"))
        unknown = {name: 0 for name in raw if name not in known}
        return _Shaped({k: v for k, v in raw.items() if k in known}, count, by_rows=False, unknown=unknown)
    message = 'rows must be objects [{"key": ...}] or columns {"key": [...]}'
    raise _Refused(_one(ErrorCode.INVALID_VALUE, message, "rows"))


def _limit(count: int, max_rows: int) -> list[InputError]:
    return _one(
        ErrorCode.LIMIT_EXCEEDED,
        f"{count} rows is more than the {max_rows} one push may write (ASGARD_MAX_ONLINE_ROWS)",
        "rows",
    )


def _check(columns: list[_Column], shaped: _Shaped, table_only: set[str]) -> dict[str, list[Any]]:
    """Every value in its column's type; _Refused with the problems found (at most MAX_ERRORS).
    `table_only`: the table's columns the view does not carry (named in the error should a row give one)."""
    errors = _Errors()
    for name in list(shaped.unknown)[:MAX_ERRORS]:
        message = f"the view has no column {name[:200]!r}: give its join keys, features and event time"
        if name in table_only:
            message += " (it is a column of the view's table: push to OFFLINE or ONLINE_AND_OFFLINE to give it)"
        errors.add(ErrorCode.UNKNOWN_COLUMN, message, *shaped.unknown_path(name))
    if errors:
        raise _Refused(errors[:MAX_ERRORS])
    given: list[tuple[_Column, list[Any]]] = []
    for column in columns:
        values = shaped.columns.get(column.name)
        if values is not None:
            given.append((column, values))
        elif not column.optional:
            hint = " (the table requires it in an offline push)" if column.extra else ""
            hint = " (null for no value)" if column.nullable else hint
            path = shaped.path(0, column.name) if shaped.by_rows else ("rows", column.name)
            errors.add(ErrorCode.INVALID_VALUE, f"give {column.name!r} in every row{hint}", *path)
    converted: list[list[Any]] = [[] for _ in given]
    for i in range(shaped.count):  # row by row, so that the problems come in the rows' order
        for (column, values), out in zip(given, converted, strict=True):
            value = values[i]
            if value is _ABSENT:
                if column.optional:
                    out.append(column.default)
                    continue
                hint = " (give null for no value)" if column.nullable else ""
                errors.add(
                    ErrorCode.INVALID_VALUE, f"the row has no {column.name!r}{hint}", *shaped.path(i, column.name)
                )
            elif value is None:
                if not column.nullable:
                    errors.add(
                        ErrorCode.INVALID_VALUE, f"{column.name!r} may not be null", *shaped.path(i, column.name)
                    )
                out.append(None)
            else:
                try:
                    out.append(column.convert(value))
                except ValueError as error:
                    errors.add(ErrorCode.TYPE_MISMATCH, str(error), *shaped.path(i, column.name))
        if errors.full:
            raise _Refused(errors[:MAX_ERRORS])
    if errors:
        raise _Refused(errors)
    result = {column.name: out for (column, _), out in zip(given, converted, strict=True)}
    for column in columns:  # optional columns no row gave: the push's own time
        result.setdefault(column.name, [column.default] * shaped.count)
    return result


# ---- values ---------------------------------------------------------------------------------------


def _converter(dtype: FeatureDtype | None, column_type: str) -> Callable[[Any], Any]:
    if dtype is None:
        dtype = natural_dtype(column_type)
    if dtype is None:
        raise_type = column_type

        def refuse(value: Any) -> Any:
            raise ValueError(f"values of type {raise_type} cannot be pushed")

        return refuse
    element_type = column_type[5:-1] if column_type.startswith("list<") else column_type
    scalar = _scalar(dtype.element if dtype.is_list else dtype, element_type)
    if not dtype.is_list:
        return scalar

    def listed(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise ValueError(f"expected a list for {dtype.value}")
        if any(v is None for v in value):
            raise ValueError("list elements may not be null")
        return [scalar(v) for v in value]

    return listed


def _scalar(dtype: FeatureDtype, column_type: str) -> Callable[[Any], Any]:
    if dtype in (FeatureDtype.INT32, FeatureDtype.INT64):
        bits = _INT_BITS.get(column_type, 64 if dtype is FeatureDtype.INT64 else 32)
        low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

        def integer(value: Any) -> int:
            if type(value) is not int:
                raise ValueError(f"expected an integer, got {_kind(value)}")
            if not low <= value <= high:
                raise ValueError(f"{value} does not fit in {bits} bits")
            return value

        return integer
    if dtype in (FeatureDtype.FLOAT32, FeatureDtype.FLOAT64):

        def number(value: Any) -> float:
            if type(value) not in (int, float):
                raise ValueError(f"expected a number, got {_kind(value)}")
            try:
                number = float(value)
            except OverflowError:
                raise ValueError("the number is too large for a float") from None
            if not math.isfinite(number):
                raise ValueError("expected a finite number")
            return number

        return number
    if dtype is FeatureDtype.STRING:
        return _exact(str, "a string")
    if dtype is FeatureDtype.BOOL:
        return _exact(bool, "a boolean")
    if dtype is FeatureDtype.BYTES:

        def binary(value: Any) -> bytes:
            if not isinstance(value, str):
                raise ValueError(f"expected base64 text, got {_kind(value)}")
            try:
                return base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise ValueError("not valid base64") from None

        return binary
    return _time_converter(column_type)


def _exact(kind: type, name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise ValueError(f"expected {name}, got {_kind(value)}")
        return value

    return check


def _time_converter(column_type: str) -> Callable[[Any], Any]:
    """ISO-8601 text with a zone (or a datetime, for defaults) as the column keeps it: a UTC-aware datetime,
    or a date for a date column."""

    def convert(value: Any) -> datetime | date:
        if isinstance(value, datetime):
            stamp = value
        elif isinstance(value, str):
            try:
                stamp = datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO-8601 time") from None
            if stamp.tzinfo is None:
                raise ValueError(f"{value!r} has no time zone; add Z or an offset like +02:00")
        else:
            raise ValueError(f"expected an ISO-8601 time, got {_kind(value)}")
        try:
            stamp = stamp.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{value!r} is outside the times that can be stored") from None
        if not _EARLIEST <= stamp <= _LATEST:
            raise ValueError(f"{value!r} is outside the times Feast can store and join on (years 1678 to 2261)")
        return stamp.date() if column_type == "date" else stamp

    return convert


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}.get(
        type(value), "an object"
    )
