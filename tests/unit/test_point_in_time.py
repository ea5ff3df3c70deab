"""The ASOF point-in-time join (server/services/point_in_time.py) against Feast's own, on random tables:
the same rows, values and column order, with and without TTLs, created-timestamp tie-breaks, duplicate
entity rows, keys named differently in the entity rows, two keys, several views, rows at exactly the event
time, and keys with no rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from server.feast_import import skip_feast_instrumentation

skip_feast_instrumentation()

import ibis  # noqa: E402
from feast.infra.offline_stores import ibis as feast_ibis  # noqa: E402

from server.services.point_in_time import PREFIX, asof_point_in_time_join  # noqa: E402

BASE = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
HOUR = 3_600_000_000
ORIGINAL = feast_ibis.point_in_time_join


def _stamps(values: np.ndarray) -> pa.Array:
    return pa.array(BASE + values, pa.timestamp("us", tz="UTC"))


def _view(rng: np.random.Generator, rows: int, keys: int, two_keys: bool, created: bool) -> pa.Table:
    # distinct (key, event time) pairs unless a created time breaks the tie: a tie on every timestamp has
    # no single right answer in either join
    slots = rng.choice(keys * 200, size=rows, replace=False)
    ts = (slots % 200) * HOUR // 4
    if created:  # half the rows share an event time with another row of their key
        ts[: rows // 2] = ts[rows // 2 : 2 * (rows // 2)]
    columns: dict[str, pa.Array] = {"driver_id": pa.array(slots // 200 + 1, pa.int64())}
    if two_keys:
        columns["city"] = pa.array(np.array(["a", "b"])[slots % 2])
    columns |= {
        "trips": pa.array(rng.integers(0, 100, rows)),
        "rating": pa.array(np.round(rng.uniform(1, 5, rows), 3), mask=rng.random(rows) < 0.1),
        "ts": _stamps(ts),
    }
    if created:
        columns["created"] = _stamps(rng.choice(10**9, size=rows, replace=False))
    return pa.table(columns)


def _entities(rng: np.random.Generator, rows: int, keys: int, two_keys: bool, feature: pa.Table) -> pa.Table:
    ts = rng.integers(-HOUR, 60 * HOUR, rows)
    exact = rng.random(rows) < 0.2  # some rows at exactly a feature row's time
    picks = rng.integers(0, feature.num_rows, rows)
    feature_ts = feature["ts"].cast(pa.int64()).to_numpy() - BASE
    ts[exact] = feature_ts[picks[exact]]
    ids = rng.integers(1, keys + 3, rows)  # some keys have no rows at all
    ids[exact] = feature["driver_id"].to_numpy()[picks[exact]]
    ids[: rows // 10] = ids[rows // 10 : 2 * (rows // 10)]  # duplicate entity rows
    ts[: rows // 10] = ts[rows // 10 : 2 * (rows // 10)]
    columns: dict[str, pa.Array] = {"driver": pa.array(ids, pa.int64())}
    if two_keys:
        columns["city"] = pa.array(np.array(["a", "b"])[rng.integers(0, 2, rows)])
    columns |= {"event_timestamp": _stamps(ts), "row": pa.array(np.arange(rows)), "note": pa.array(ids % 3)}
    return pa.table(columns)


def _joined(join, entities: pa.Table, views: list[tuple[pa.Table, list[str], str | None, timedelta | None]]):
    entity_table = feast_ibis._generate_row_id(ibis.memtable(entities), [], "event_timestamp")
    keys = {"driver_id": "driver"} | ({"city": "city"} if "city" in entities.column_names else {})
    tables = []
    for i, (table, features, created, ttl) in enumerate(views):
        renamed = {f"v{i}_{f}": f for f in features}
        tables.append((ibis.memtable(table).rename(renamed), "ts", created, keys, list(renamed), ttl))
    return join(entity_table, tables, event_timestamp_col="event_timestamp").to_pyarrow().sort_by("row")


def _asof(entity_table, feature_tables, **kwargs):
    return asof_point_in_time_join(ORIGINAL, entity_table, feature_tables, **kwargs)


@pytest.mark.parametrize("seed", range(12))
def test_the_asof_join_answers_as_feasts_join(seed):
    rng = np.random.default_rng(seed)
    two_keys = seed % 3 == 0
    keys = int(rng.integers(3, 40))
    entities = None
    views = []
    for i in range(1 + seed % 3):
        created = (seed + i) % 2 == 1
        table = _view(rng, int(rng.integers(20, 400)), keys, two_keys, created)
        ttl = [None, timedelta(hours=5), timedelta(days=2)][(seed + i) % 3]
        views.append((table, ["trips", "rating"], "created" if created else None, ttl))
        if entities is None:
            entities = _entities(rng, int(rng.integers(1, 300)), keys, two_keys, table)
    feast = _joined(ORIGINAL, entities, views)
    ours = _joined(_asof, entities, views)
    assert ours.column_names == feast.column_names
    assert ours.schema == feast.schema
    assert ours.equals(feast)
    assert ours.num_rows == entities.num_rows
    found = sum(ours.num_rows - ours.column(c).null_count for c in ours.column_names if c.startswith("v"))
    assert found > 0


def test_what_feasts_rules_decide_otherwise_goes_to_feasts_join():
    calls = []

    def original(*args, **kwargs):
        calls.append(kwargs)
        return "feast"

    rng = np.random.default_rng(1)
    table = _view(rng, 50, 5, False, False)
    entities = _entities(rng, 20, 5, False, table)
    entity_table = feast_ibis._generate_row_id(ibis.memtable(entities), [], "event_timestamp")

    def spec(renamed: dict[str, str], feature: str):
        return (ibis.memtable(table).rename(renamed), "ts", None, {"driver_id": "driver"}, [feature], None)

    view = spec({}, "trips")
    assert asof_point_in_time_join(original, entity_table, [view], filter_by_created_timestamp=True) == "feast"
    assert asof_point_in_time_join(original, entity_table, [view], event_expire_timestamp_fn=str) == "feast"
    named_like_an_entity_column = spec({"note": "trips"}, "note")
    assert asof_point_in_time_join(original, entity_table, [named_like_an_entity_column]) == "feast"
    assert asof_point_in_time_join(original, entity_table, [view, spec({}, "trips")]) == "feast"
    working_column = spec({f"{PREFIX}x": "rating"}, "trips")
    assert asof_point_in_time_join(original, entity_table, [working_column]) == "feast"
    assert len(calls) == 5
    assert not isinstance(asof_point_in_time_join(original, entity_table, [view]), str)


def test_installed_only_into_the_feast_release_it_was_checked_against(monkeypatch):
    from importlib import metadata

    from server.services import point_in_time

    assert metadata.version("feast").startswith(f"{point_in_time.VERIFIED}.")  # this test checks that release
    monkeypatch.setattr(feast_ibis, "point_in_time_join", ORIGINAL)
    monkeypatch.setattr(point_in_time, "VERIFIED", "0.1")  # a job's own, older Feast
    assert point_in_time.install() is False
    assert feast_ibis.point_in_time_join is ORIGINAL
    monkeypatch.undo()
    monkeypatch.setattr(feast_ibis, "point_in_time_join", ORIGINAL)
    assert point_in_time.install() is True
    assert getattr(feast_ibis.point_in_time_join, point_in_time.MARK)
    assert point_in_time.install() is True  # once: not wrapped twice
