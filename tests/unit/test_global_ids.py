"""server/global_ids.py: the id's format, its round trip, and what is refused."""

from __future__ import annotations

import base64

import pytest

from server import global_ids
from server.services.errors import RequestError


@pytest.mark.parametrize(
    "kind,key",
    [
        ("FeatureView", ("customer_features",)),
        ("GoldTable", ("gold.customer_aggregates",)),
        ("ModelVersion", ("churn/model: é", "12")),
        ("Run", ("0f3a",)),
    ],
)
def test_an_id_round_trips_and_is_url_safe(kind, key):
    encoded = global_ids.encode(kind, *key)
    assert global_ids.decode(encoded) == (kind, key)
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_the_format_is_base64_of_a_json_array():
    assert base64.urlsafe_b64decode(global_ids.encode("Entity", "customer_id") + "==") == b'["Entity","customer_id"]'


def test_only_known_kinds_with_their_keys_shape_are_encoded():
    with pytest.raises(ValueError):
        global_ids.encode("Spaceship", "x")
    with pytest.raises(ValueError):
        global_ids.encode("ModelVersion", "churn")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "!!",
        "e30",
        "WyJFbnRpdHkiXQ",
        "WyJFbnRpdHkiLCAxXQ",
        "WyJNb2RlbFZlcnNpb24iLCJtIiwiXHUwNjYzIl0",
        "A" * 3000,
        "WyJFbnRpdHkiLCIiXQ",  # ["Entity",""]: no object has an empty key
        base64.urlsafe_b64encode(b"[" * 1500).decode(),  # nested past the JSON parser's recursion limit
        base64.urlsafe_b64encode(b'["RegisteredModel","\\ud800"]').decode(),  # a lone surrogate
    ],
)
def test_anything_else_is_refused_naming_the_field(raw):
    # {} ; ["Entity"] ; ["Entity", 1] ; ["ModelVersion","m","<arabic-indic digit three>"] ; too long
    with pytest.raises(RequestError) as refused:
        global_ids.decode(raw, field="ids.3")
    assert refused.value.field == "ids.3" and refused.value.code.value == "BAD_USER_INPUT"
