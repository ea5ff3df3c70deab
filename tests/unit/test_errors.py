"""The error collector (server/services/errors.py)."""

from __future__ import annotations

import pytest

from server.services.errors import ErrorCode, InputErrorList, InputErrors


def _codes(errors) -> list[tuple[str, tuple[str, ...] | None]]:
    return [(e.code.value, e.field) for e in errors]


def test_the_error_collector_refuses_only_when_something_is_wrong():
    errors = InputErrorList()
    errors.refuse()  # nothing yet: no exception
    errors.add(ErrorCode.INVALID_VALUE, "bad", "features", 1, "dtype")
    assert _codes(errors) == [("INVALID_VALUE", ("features", "1", "dtype"))]
    with pytest.raises(InputErrors) as refused:
        errors.refuse()
    assert refused.value.errors == list(errors)
