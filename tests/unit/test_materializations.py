"""The checks a materialize request goes through (server/jobs/materializations.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from server.jobs.materializations import MaterializationRequest, check_request

NOW = datetime(2026, 1, 8, tzinfo=UTC)


def _codes(errors) -> list[tuple[str, tuple[str, ...] | None]]:
    return [(e.code.value, e.field) for e in errors]


def test_materialization_requests():
    online = {"orders": True, "offline_only": False}
    ok, start, end = check_request(MaterializationRequest(("orders",), None, None, True), online, NOW)
    assert ok == [] and start is None and end == NOW
    errors, _, _ = check_request(
        MaterializationRequest(("ghost", "offline_only"), datetime(2026, 1, 9, tzinfo=UTC), NOW, False), online, NOW
    )
    assert _codes(errors) == [
        ("NOT_FOUND", ("featureViews", "0")),
        ("INVALID_VALUE", ("featureViews", "1")),
        ("INVALID_VALUE", ("end",)),
    ]
    naive, _, _ = check_request(MaterializationRequest(("orders",), datetime(2026, 1, 1), None, False), online, NOW)
    assert _codes(naive) == [("INVALID_VALUE", ("start",))]
    both, _, _ = check_request(MaterializationRequest(("orders",), NOW, None, True), online, NOW)
    assert _codes(both) == [("INVALID_VALUE", ("start",)), ("INVALID_VALUE", ("end",))]
