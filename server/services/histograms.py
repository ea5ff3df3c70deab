"""Histograms of gold columns from a scan, on request: bounded (at most MAX_ROWS rows of one column, at most
MAX_BINS bins) and kept per table snapshot (a snapshot's data never changes). Numbers get equal-width bins
between their minimum and maximum; anything else its most frequent values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.services.errors import RequestError
from server.services.feature_values import json_value

MAX_BINS = 100
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class BinRecord:
    lower: float
    upper: float
    count: int


@dataclass(frozen=True)
class ValueCountRecord:
    value: Any  # JSON-ready
    count: int


@dataclass(frozen=True)
class HistogramRecord:
    snapshot_id: int | None
    rows: int  # rows read (at most MAX_ROWS)
    complete: bool  # every row of the snapshot was read
    null_count: int  # nulls and NaNs among the rows read
    bins: tuple[BinRecord, ...]  # numbers: equal-width, lower <= v < upper (the last includes its upper bound)
    top_values: tuple[ValueCountRecord, ...]  # anything else: the most frequent values, most frequent first


def check_bins(bins: int) -> int:
    if not 1 <= bins <= MAX_BINS:
        raise RequestError(f"bins must be between 1 and {MAX_BINS}", field="bins")
    return bins


def histogram(column: Any, bins: int, snapshot_id: int | None, complete: bool) -> HistogramRecord:
    """`column`: an Arrow array (or chunked array) of the rows read."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    rows = len(values)
    kind = values.type
    numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)
    if numeric:
        floats = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        finite = floats[np.isfinite(floats)]
        nulls = rows - len(finite)
        if len(finite) == 0:
            return HistogramRecord(snapshot_id, rows, complete, nulls, (), ())
        counts, edges = np.histogram(finite, bins=bins)
        made = tuple(BinRecord(float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(len(counts)))
        return HistogramRecord(snapshot_id, rows, complete, nulls, made, ())
    nulls = values.null_count
    present = values.drop_null()
    if pa.types.is_nested(present.type):
        return HistogramRecord(snapshot_id, rows, complete, nulls, (), ())
    counted = pc.value_counts(present)
    pairs = sorted(
        ((c, v) for v, c in zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)),
        key=lambda p: (-p[0], str(p[1])),
    )[:bins]
    top = tuple(ValueCountRecord(json_value(v), int(c)) for c, v in pairs)
    return HistogramRecord(snapshot_id, rows, complete, nulls, (), top)
