"""MLflow's alias rules (server/services/model_aliases.py)."""

from __future__ import annotations

from server.services.model_aliases import check_alias


def _codes(errors) -> list[tuple[str, tuple[str, ...] | None]]:
    return [(e.code.value, e.field) for e in errors]


def test_model_aliases():
    assert check_alias("champion") == [] and check_alias("a-b_c9") == []
    for bad in ("latest", "LATEST", "v3", "V12", "", "has space", "x" * 256, "champion\n", "a/b"):
        assert _codes(check_alias(bad)) == [("INVALID_NAME", ("alias",))], bad
