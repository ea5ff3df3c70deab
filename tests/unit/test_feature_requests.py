"""Entity and feature parsing (server/services/feature_requests.py)."""

from __future__ import annotations

import pytest

from server.services.dtypes import FeatureDtype
from server.services.errors import RequestError
from server.services.feature_requests import coerce_key, entity_columns, parse_timestamps


def test_entity_parsing():
    assert entity_columns({"customer_id": [1, 2]}) == {"customer_id": [1, 2]}
    assert entity_columns([{"customer_id": 1}, {"customer_id": 2}]) == {"customer_id": [1, 2]}
    for bad in ([], {"a": [1], "b": [1, 2]}, [{"a": 1}, {"b": 2}], "x", {"a": []}):
        with pytest.raises(RequestError):
            entity_columns(bad)


def test_entity_keys_and_times():
    assert coerce_key([1, 2], FeatureDtype.INT64, "entities.id") == [1, 2]
    for values, dtype in (([True], FeatureDtype.INT64), (["1"], FeatureDtype.INT64), ([1], FeatureDtype.STRING)):
        with pytest.raises(RequestError) as wrong:
            coerce_key(values, dtype, "entities.id")
        assert wrong.value.field == "entities.id"
    stamps = parse_timestamps(["2026-01-08T00:00:00Z", "2026-01-08T02:00:00+02:00"], "t")
    assert stamps[0] == stamps[1]
    for bad in ("2026-01-08T00:00:00", "yesterday", "3000-01-01T00:00:00Z", None):
        with pytest.raises(RequestError):
            parse_timestamps([bad], "t")
