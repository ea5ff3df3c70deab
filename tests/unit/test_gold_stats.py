"""server/services/gold_stats.py: a table's column statistics from its data files' metrics."""

from __future__ import annotations

from datetime import UTC, datetime

from server.services.gold_stats import table_stats


def _metrics(values, nulls, low, high, size=10, nans=None):
    return {
        "value_count": values,
        "null_value_count": nulls,
        "nan_value_count": nans,
        "column_size": size,
        "lower_bound": low,
        "upper_bound": high,
    }


def test_data_files_add_up_and_bounds_are_the_extremes():
    files = [
        {"content": 0, "readable_metrics": {"x": _metrics(3, 1, 5, 9, nans=0), "t": _metrics(3, 0, 1, 2)}},
        {"content": 0, "readable_metrics": {"x": _metrics(2, 0, -1, 7, nans=1), "t": _metrics(2, 0, 0, 4)}},
        {"content": 1, "readable_metrics": {"x": _metrics(100, 0, -50, 50)}},  # a delete file: not data
    ]
    stats = table_stats(7, ["x", "t"], files)
    assert stats.snapshot_id == 7 and stats.data_files == 2
    x = stats.columns["x"]
    assert (x.value_count, x.null_count, x.nan_count, x.size_bytes) == (5, 1, 1, 20)
    assert (x.lower_bound, x.upper_bound) == (-1, 9)
    assert stats.columns["t"].nan_count is None  # not recorded for every file: unknown, not 0


def test_what_one_file_does_not_record_is_unknown():
    stamp = datetime(2026, 1, 7, tzinfo=UTC)
    files = [
        {"content": 0, "readable_metrics": {"t": _metrics(3, 0, stamp, stamp)}},
        {"content": 0, "readable_metrics": {"t": _metrics(3, 0, None, None)}},  # metrics mode "counts"
        {"content": 0, "readable_metrics": {}},  # a file written before the column existed
    ]
    t = table_stats(1, ["t"], files).columns["t"]
    assert t.value_count is None and t.lower_bound is None and t.upper_bound is None
    assert table_stats(1, ["t"], files[:2]).columns["t"].value_count == 6


def test_a_file_of_nulls_bounds_nothing():
    files = [
        {"content": 0, "readable_metrics": {"s": _metrics(2, 2, None, None)}},
        {"content": 0, "readable_metrics": {"s": _metrics(3, 1, None, None, nans=2)}},  # nulls and NaNs only
        {"content": 0, "readable_metrics": {"s": _metrics(2, 0, "a", "k")}},
    ]
    s = table_stats(1, ["s"], files).columns["s"]
    assert (s.lower_bound, s.upper_bound, s.null_count) == ("a", "k", 3)


def test_an_empty_table_has_no_files_and_no_bounds():
    stats = table_stats(None, ["x"], [])
    assert stats.data_files == 0
    assert stats.columns["x"].value_count == 0 and stats.columns["x"].upper_bound is None
