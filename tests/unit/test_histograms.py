"""server/services/histograms.py: numbers in equal-width bins, anything else by its most frequent values."""

from __future__ import annotations

from datetime import UTC, datetime

import pyarrow as pa

from server.services.histograms import histogram


def test_numbers_leave_nulls_and_nans_out_of_the_bins():
    found = histogram(pa.array([0.0, 1.0, 2.0, 3.0, None, float("nan"), 4.0]), 2, 7, True)
    assert [(b.lower, b.upper, b.count) for b in found.bins] == [(0.0, 2.0, 2), (2.0, 4.0, 3)]
    assert found.null_count == 2 and found.rows == 7 and found.top_values == ()


def test_other_values_by_frequency_then_value():
    found = histogram(pa.chunked_array([["b", "a", "b", None], ["c", "a"]]), 2, 1, False)
    assert [(v.value, v.count) for v in found.top_values] == [("a", 2), ("b", 2)]
    assert found.null_count == 1 and found.bins == () and found.complete is False
    times = histogram(pa.array([datetime(2026, 1, 1, tzinfo=UTC)] * 2), 3, 1, True)
    assert [(v.value, v.count) for v in times.top_values] == [("2026-01-01T00:00:00+00:00", 2)]


def test_nothing_but_nulls_has_no_bins():
    found = histogram(pa.array([None, None], pa.float64()), 5, 1, True)
    assert found.bins == () and found.null_count == 2
