"""Served values as JSON (server/services/feature_values.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from server.services.feature_values import iso_utc, json_column, json_value


def test_feature_values_as_json():
    import pyarrow as pa

    assert json_value(float("nan")) is None and json_value(b"\x00\x01") == "AAE="
    assert json_value(datetime(2026, 1, 8)) == "2026-01-08T00:00:00+00:00"
    assert json_column(pa.array([1.5, None, float("inf")])) == [1.5, None, None]
    times = pa.array([datetime(2026, 1, 8, tzinfo=UTC), datetime(2026, 1, 8, 0, 0, 0, 5, tzinfo=UTC)])
    assert iso_utc(times.cast(pa.timestamp("us", tz="UTC"))) == [
        "2026-01-08T00:00:00+00:00",
        "2026-01-08T00:00:00.000005+00:00",
    ]
