"""server/services/push_rows.py: a push's rows checked against the view and its table, and which of them
the online store takes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from server.services.dtypes import FeatureDtype
from server.services.gold_catalog import GoldColumn, GoldTableRecord
from server.services.push_rows import PushSpec, PushTarget, newest_rows, plan_push
from server.services.registry_records import (
    EntityRecord,
    FeatureRecord,
    FeatureViewRecord,
    RegistrySnapshot,
    SourceRecord,
)

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _table(*extra: GoldColumn, day: bool = False) -> GoldTableRecord:
    columns = (
        GoldColumn("customer_id", "long", nullable=False),
        GoldColumn("spend", "double", nullable=True),
        GoldColumn("scores", "list<int>", nullable=True),
        GoldColumn("updated_at", "date" if day else "timestamptz", nullable=True),
        *extra,
    )
    return GoldTableRecord("gold", "t", columns, 1, 0, 1, None, "file:///t")


def _snap() -> RegistrySnapshot:
    view = FeatureViewRecord(
        name="v",
        entities=("customer",),
        features=(FeatureRecord("spend", FeatureDtype.FLOAT64), FeatureRecord("scores", FeatureDtype.INT32_LIST)),
        source=SourceRecord("gold.t", "updated_at"),
        ttl_seconds=None,
        online=True,
    )
    entity = EntityRecord("customer", "customer_id", FeatureDtype.INT64)
    return RegistrySnapshot(entities={"customer": entity}, views={"v": view}, services={})


def _plan(rows, target=PushTarget.ONLINE, table=None, max_rows=10):
    return plan_push(PushSpec("v", rows, target), _snap(), table or _table(), max_rows, NOW)


def _errors(result):
    return [(e.code.value, e.field) for e in result[1]]


def test_a_valid_push_is_planned_in_the_tables_types():
    plan, errors = _plan(
        [{"customer_id": 1, "spend": 2, "scores": [1, 2]}, {"customer_id": 2, "spend": None, "scores": None}]
    )
    assert errors == [] and plan is not None
    assert plan.columns == {
        "customer_id": [1, 2],
        "spend": [2.0, None],
        "scores": [[1, 2], None],
        "updated_at": [NOW, NOW],  # not given: the push's time
    }
    assert isinstance(plan.columns["spend"][0], float) and plan.join_keys == ("customer_id",)


def test_times_are_kept_as_the_column_keeps_them():
    plan, _ = _plan({"customer_id": [1], "spend": [1.0], "scores": [[]], "updated_at": ["2026-12-01T23:30:00-01:00"]})
    assert plan is not None and plan.columns["updated_at"] == [datetime(2026, 12, 2, 0, 30, tzinfo=UTC)]
    plan, _ = _plan([{"customer_id": 1, "spend": 1.0, "scores": []}], table=_table(day=True))
    assert plan is not None and plan.columns["updated_at"] == [date(2026, 12, 3)]


def test_an_element_out_of_the_columns_range_is_refused():
    assert _errors(_plan([{"customer_id": 1, "spend": 1.0, "scores": [2**31]}])) == [
        ("TYPE_MISMATCH", ("rows", "0", "scores"))
    ]


def test_a_table_that_changed_under_the_view_refuses_the_push():
    table = GoldTableRecord("gold", "t", (GoldColumn("customer_id", "long", False),), 1, 0, 1, None, "x")
    assert {e for e in _errors(_plan([{"customer_id": 1}], table=table))} == {("UNKNOWN_COLUMN", ("featureView",))}


def test_offline_the_rows_give_the_tables_other_columns_and_must_give_those_it_requires():
    table = _table(GoldColumn("region", "string", nullable=False), GoldColumn("note", "string", nullable=True))
    row = {"customer_id": 1, "spend": 1.0, "scores": []}
    assert _errors(_plan([row], PushTarget.OFFLINE, table)) == [("INVALID_VALUE", ("rows", "0", "region"))]
    plan, errors = _plan([row | {"region": "eu"}], PushTarget.ONLINE_AND_OFFLINE, table)
    assert errors == [] and plan is not None
    assert plan.columns["region"] == ["eu"] and plan.columns["note"] == [None]  # optional: null when not given
    assert _errors(_plan([row | {"region": 3}], PushTarget.OFFLINE, table)) == [
        ("TYPE_MISMATCH", ("rows", "0", "region"))
    ]
    assert _plan([row], PushTarget.ONLINE, table)[1] == []  # the online store has no such column
    refused = _plan([row | {"region": "eu"}], PushTarget.ONLINE, table)[1]
    assert [(e.code.value, e.field) for e in refused] == [("UNKNOWN_COLUMN", ("rows", "0", "region"))]
    assert "OFFLINE" in refused[0].message  # the way to give it


def test_the_row_cap_is_checked_before_any_value():
    assert _errors(_plan([{"x": 1}] * 11)) == [("LIMIT_EXCEEDED", ("rows",))]
    assert _errors(_plan({"customer_id": list(range(11))})) == [("LIMIT_EXCEEDED", ("rows",))]


def test_columns_form_names_the_column_then_the_row():
    assert _errors(_plan({"customer_id": [1, "2"], "spend": [1.0, 1.0], "scores": [[], []]})) == [
        ("TYPE_MISMATCH", ("rows", "customer_id", "1"))
    ]
    assert _errors(_plan({"customer_id": [1], "spend": [1.0]})) == [("INVALID_VALUE", ("rows", "scores"))]
    assert _errors(_plan([{"customer_id": 1, "spend": 1.0}] * 2)) == [("INVALID_VALUE", ("rows", "0", "scores"))]


def _micros(stamp: datetime) -> int:
    return round(stamp.timestamp() * 1e6)


def test_the_online_store_takes_each_entitys_newest_row_if_newer_than_its_own():
    at = [datetime(2026, 12, 1, h, tzinfo=UTC) for h in range(4)]
    rows = {"customer_id": [1, 1, 2, 3, 3], "spend": [0.0] * 5, "scores": [[]] * 5}
    rows["updated_at"] = [t.isoformat() for t in (at[1], at[2], at[1], at[3], at[3])]
    plan, _ = _plan(rows)
    assert plan is not None
    # 1: its later row; 2: older than the store's; 3: two rows at one instant, the later one
    stored = [None, None, _micros(at[2]), _micros(at[0]), _micros(at[0])]
    assert newest_rows(plan, stored) == [1, 4]
    assert newest_rows(plan, [_micros(at[2])] * 5) == [4]  # the same instant as the store's: kept as is
    assert newest_rows(plan, [_micros(at[3]) - 1] * 5) == [4]  # a microsecond newer is newer


def test_a_missing_column_and_bad_values_are_reported_together():
    assert _errors(_plan([{"customer_id": "1", "spend": 1.0, "updated_at": "2026-12-01T00:00:00"}])) == [
        ("INVALID_VALUE", ("rows", "0", "scores")),
        ("TYPE_MISMATCH", ("rows", "0", "customer_id")),
        ("TYPE_MISMATCH", ("rows", "0", "updated_at")),
    ]


def test_times_and_numbers_out_of_range_are_the_callers_mistake():
    for stamp in (
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "0001-01-01T00:00:00Z",
        "2500-01-01T00:00:00Z",
    ):
        row = [{"customer_id": 1, "spend": 1.0, "scores": [], "updated_at": stamp}]
        assert _errors(_plan(row)) == [("TYPE_MISMATCH", ("rows", "0", "updated_at"))], stamp
    assert _errors(_plan([{"customer_id": 1, "spend": 10**400, "scores": []}])) == [
        ("TYPE_MISMATCH", ("rows", "0", "spend"))
    ]


def test_rows_that_each_name_a_key_of_their_own_cost_only_their_size():
    """The unknown names are found in one pass; no column is built for them; at most 50 are reported."""
    from server.services.push_rows import _shape

    rows = [{"customer_id": i, "spend": 1.0, "scores": [], f"k{i}": 1} for i in range(10)]
    shaped = _shape(rows, 10, {"customer_id", "spend", "scores", "updated_at"})
    assert set(shaped.columns) == {"customer_id", "spend", "scores"} and len(shaped.unknown) == 10
    assert shaped.unknown_path("k3") == ("rows", 3, "k3")
    many = [{"customer_id": i, f"k{i}": 1} for i in range(200)]
    errors = _errors(_plan(many, max_rows=200))
    assert len(errors) == 50 and errors[:2] == [
        ("UNKNOWN_COLUMN", ("rows", "0", "k0")),
        ("UNKNOWN_COLUMN", ("rows", "1", "k1")),
    ]
