"""Column statistics of a gold table's current snapshot, from its manifests: no data file is read.

Iceberg keeps, per data file, each column's value count, null count, NaN count, size and lower and upper
bounds (pyiceberg's `inspect.files()` decodes them). Added up over the snapshot's data files they are the
table's, with two limits that hold for every Iceberg reader: bounds of strings and binaries may be
truncated (Iceberg's default keeps 16 characters: a prefix below the true bound, or above it), and rows
removed by delete files still count (the bounds then hold, but may be wider than the live rows'). A column
that a data file does not measure (metrics mode `none`, or a column added after the file was written)
makes the sums and bounds that depend on it unknown (null), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DATA_FILE = 0  # `content` of a data file; 1 and 2 are position and equality delete files


@dataclass(frozen=True)
class ColumnStatsRecord:
    value_count: int | None
    null_count: int | None
    nan_count: int | None
    size_bytes: int | None
    lower_bound: Any
    upper_bound: Any


@dataclass(frozen=True)
class TableStatsRecord:
    """A snapshot's column statistics by column name (no snapshot: an empty table, no columns measured)."""

    snapshot_id: int | None
    data_files: int
    columns: dict[str, ColumnStatsRecord]


EMPTY = ColumnStatsRecord(0, 0, 0, 0, None, None)


def table_stats(snapshot_id: int | None, columns: list[str], files: list[dict[str, Any]]) -> TableStatsRecord:
    """Statistics of `columns` from the rows of `inspect.files()` (each a dict with `content` and
    `readable_metrics`, a dict per column of the file's metrics)."""
    data = [f for f in files if f.get("content", DATA_FILE) == DATA_FILE]
    per_column = {name: [(f.get("readable_metrics") or {}).get(name) for f in data] for name in columns}
    return TableStatsRecord(
        snapshot_id=snapshot_id,
        data_files=len(data),
        columns={name: _column(metrics) for name, metrics in per_column.items()},
    )


def _column(metrics: list[dict[str, Any] | None]) -> ColumnStatsRecord:
    if not metrics:
        return EMPTY
    return ColumnStatsRecord(
        value_count=_sum(metrics, "value_count"),
        null_count=_sum(metrics, "null_value_count"),
        nan_count=_sum(metrics, "nan_value_count"),
        size_bytes=_sum(metrics, "column_size"),
        lower_bound=_bound(metrics, "lower_bound", min),
        upper_bound=_bound(metrics, "upper_bound", max),
    )


def _sum(metrics: list[dict[str, Any] | None], key: str) -> int | None:
    values = [m.get(key) if m is not None else None for m in metrics]
    if any(v is None for v in values):
        return None
    return int(sum(values))  # type: ignore[arg-type]  # no None left


def _bound(metrics: list[dict[str, Any] | None], key: str, pick: Any) -> Any:
    """The table's bound from the files': unknown if any file has none (that file's values could lie
    anywhere), except files whose values are all null, which bound nothing."""
    values = []
    for m in metrics:
        if m is None:
            return None
        value = m.get(key)
        if value is None:
            count, nulls, nans = m.get("value_count"), m.get("null_value_count") or 0, m.get("nan_value_count") or 0
            if count is not None and count == nulls + nans:
                continue  # only nulls (and NaNs, which have no bounds) in this file
            return None
        values.append(value)
    if not values:
        return None
    try:
        return pick(values)
    except TypeError:  # values that do not compare (a column whose type changed between files)
        return None
