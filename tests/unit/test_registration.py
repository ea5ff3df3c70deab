"""Name and tag rules of registrations (server/services/registration.py)."""

from __future__ import annotations

from server.services.registration import check_name, check_tags


def _codes(errors) -> list[tuple[str, tuple[str, ...] | None]]:
    return [(e.code.value, e.field) for e in errors]


def test_names_and_tags():
    assert check_name("customer_features") == []
    assert _codes(check_name("1bad", "name")) == [("INVALID_NAME", ("name",))]
    assert _codes(check_name("__reserved", "name")) == [("INVALID_NAME", ("name",))]
    errors = check_tags([("team", "growth"), ("team", "again"), ("bad key!", "x"), ("long", "v" * 2000)])
    assert _codes(errors) == [
        ("DUPLICATE", ("tags", "1", "key")),
        ("INVALID_VALUE", ("tags", "2", "key")),
        ("INVALID_VALUE", ("tags", "3", "value")),
    ]
