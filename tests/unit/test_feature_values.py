"""Served values as JSON (server/services/feature_values.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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


def test_integer_features_handed_over_as_floats_become_integers_again():
    import pyarrow as pa

    from server.services.dtypes import FeatureDtype
    from server.services.feature_values import typed_column

    floats = pa.chunked_array([[1.0, float("nan"), None, 3.0]])
    assert typed_column(floats, FeatureDtype.INT64).to_pylist() == [1, None, None, 3]
    assert typed_column(floats, FeatureDtype.INT64).type == pa.int64()
    assert typed_column(floats, FeatureDtype.FLOAT64) is floats
    with pytest.raises(pa.ArrowInvalid):
        typed_column(pa.chunked_array([[1.5]]), FeatureDtype.INT32)  # never truncated in silence
