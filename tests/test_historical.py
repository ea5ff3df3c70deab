"""Point-in-time correct historical retrieval, checked against an independent oracle."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from server.services import gold_snapshots
from tests.support.graphql import app_with_limits, customer_view_input, gql, register_view, unique
from tests.support.historical import BASE, SCHEMA, oracle, random_feature_rows, register, write_table

HISTORICAL = """
query($input: HistoricalFeaturesInput!) {
  historicalFeatures(input: $input) { columns { name dtype } rows statuses }
}
"""


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_historical_features_match_an_independent_oracle(gold_backend, seed):
    client, services = gold_backend
    rng = np.random.default_rng(seed)
    # 25 hours: a day and some seconds, a TTL Feast's own DuckDB join cannot express (ibis refuses the literal)
    ttl = [None, 3 * 86400, 12 * 3600, 25 * 3600][seed - 1]
    table, view = unique(f"prop_{seed}"), unique(f"prop_view_{seed}")
    features = random_feature_rows(rng, drivers=12, rows=400)
    write_table(services, table, features)
    register(client, view, table, ttl)
    entity_count = 250
    entities = pd.DataFrame(
        {
            "driver_id": rng.integers(1, 15, entity_count),  # some drivers have no rows at all
            "event_timestamp": [
                BASE + timedelta(seconds=int(s)) for s in rng.integers(-86400, 32 * 86400, entity_count)
            ],
        }
    )
    result = gql(
        client,
        HISTORICAL,
        {
            "input": {
                "features": [f"{view}:rating", f"{view}:trips"],
                "entities": {
                    "driver_id": [int(d) for d in entities["driver_id"]],
                    "event_timestamp": [t.isoformat() for t in entities["event_timestamp"]],
                },
            }
        },
    ).data["historicalFeatures"]
    assert [c["name"] for c in result["columns"]] == ["driver_id", "event_timestamp", "rating", "trips"]
    assert [c["dtype"] for c in result["columns"]] == ["INT64", "UNIX_TIMESTAMP", "FLOAT64", "INT64"]
    assert result["statuses"] is None
    expected = oracle(features, entities, ttl)
    assert len(result["rows"]) == entity_count
    mismatches = []
    for i, row in enumerate(result["rows"]):
        want = expected.iloc[i]
        assert row[0] == want["driver_id"]
        assert datetime.fromisoformat(row[1]) == want["event_timestamp"]
        want_rating = None if pd.isna(want["rating"]) else float(want["rating"])
        want_trips = None if pd.isna(want["trips"]) else int(want["trips"])
        if row[2:] != [want_rating, want_trips]:
            mismatches.append((i, row, want_rating, want_trips))
    assert mismatches == []
    # an INT64 feature stays an integer, nulls or not (Trino's results come through pandas as floats)
    assert all(type(row[3]) is int for row in result["rows"] if row[3] is not None)


def test_an_overwritten_gold_table_shows_no_stale_or_duplicate_rows(gold_backend):
    client, services = gold_backend
    table, view = unique("rewritten"), unique("rewritten_view")
    first = pd.DataFrame(
        {"driver_id": [1, 2], "trips": [10, 20], "rating": [4.0, 3.0], "ts": [BASE, BASE + timedelta(hours=1)]}
    )
    write_table(services, table, first)
    register(client, view, table, None)
    request = {
        "input": {
            "features": [f"{view}:trips"],
            "entities": {"driver_id": [1, 2], "event_timestamp": [(BASE + timedelta(days=1)).isoformat()] * 2},
        }
    }
    assert [r[2] for r in gql(client, HISTORICAL, request).data["historicalFeatures"]["rows"]] == [10, 20]
    hits = gold_snapshots.CACHE.hits
    assert [r[2] for r in gql(client, HISTORICAL, request).data["historicalFeatures"]["rows"]] == [10, 20]
    if services.settings.offline_engine == "duckdb":  # the same table version: read from memory, not scanned
        assert gold_snapshots.CACHE.hits == hits + 1
    corrected = pd.DataFrame(
        {"driver_id": [1, 2], "trips": [11, 21], "rating": [4.5, 3.5], "ts": [BASE, BASE + timedelta(hours=1)]}
    )
    write_table(services, table, corrected, overwrite=True)
    rows = gql(client, HISTORICAL, request).data["historicalFeatures"]["rows"]
    assert [r[2] for r in rows] == [11, 21]
    assert len(rows) == 2
    later = pd.DataFrame({"driver_id": [2], "trips": [22], "rating": [3.6], "ts": [BASE + timedelta(hours=2)]})
    services.gold.catalog().load_table(("gold", table)).append(  # another writer's commit: a new version
        pa.Table.from_pandas(later, schema=SCHEMA, preserve_index=False)
    )
    assert [r[2] for r in gql(client, HISTORICAL, request).data["historicalFeatures"]["rows"]] == [11, 22]


def test_historical_input_errors(client, services):
    table, view = unique("hist_errors"), unique("hist_errors_view")
    write_table(services, table, random_feature_rows(np.random.default_rng(0), 3, 20))
    register(client, view, table, None)
    base = {"features": [f"{view}:trips"], "entities": {"driver_id": [1], "event_timestamp": ["2026-03-05T00:00:00Z"]}}
    cases = [
        ({"entities": {"driver_id": [1], "event_timestamp": ["2026-03-05T00:00:00"]}}, "entities.event_timestamp"),
        ({"entities": {"driver_id": [1], "event_timestamp": ["yesterday"]}}, "entities.event_timestamp"),
        ({"entities": {"driver_id": [1], "event_timestamp": ["2500-01-01T00:00:00Z"]}}, "entities.event_timestamp"),
        ({"entities": {"driver_id": [1]}}, "entities.event_timestamp"),
        ({"entities": {"event_timestamp": ["2026-03-05T00:00:00Z"]}}, "entities.driver_id"),
        ({"limit": 100_001}, "limit"),
        ({"limit": 0}, "limit"),
    ]
    for changes, field in cases:
        result = gql(client, HISTORICAL, {"input": base | changes}, errors=True)
        assert result.codes() == ["BAD_USER_INPUT"], (changes, result.errors)
        assert result.errors[0]["extensions"]["field"] == field
    limited = gql(
        client,
        HISTORICAL,
        {
            "input": base
            | {"entities": {"driver_id": [1, 2, 3], "event_timestamp": ["2026-03-05T00:00:00Z"] * 3}, "limit": 2}
        },
    ).data["historicalFeatures"]
    assert [r[0] for r in limited["rows"]] == [1, 2]


def test_more_entity_rows_than_the_cap_is_refused(client, settings, services):
    view = unique("capped")
    register_view(client, customer_view_input(view))
    with app_with_limits(settings, services, max_historical_rows=5) as small:
        result = gql(
            small,
            HISTORICAL,
            {
                "input": {
                    "features": [f"{view}:total_orders"],
                    "entities": {"customer_id": list(range(6)), "event_timestamp": ["2026-01-02T00:00:00Z"] * 6},
                }
            },
            errors=True,
        )
    assert result.codes() == ["LIMIT_EXCEEDED"]
    assert "at most 5" in result.errors[0]["message"]


def test_concurrent_reads_share_the_offline_engine(gold_backend):
    """Aliases run at once; Feast's DuckDB offline store has one connection, busy with one query at a time,
    while Trino runs them side by side."""
    client, _ = gold_backend
    view = unique("concurrent")
    register_view(client, customer_view_input(view))
    fields = " ".join(f"h{i}: historicalFeatures(input: $input) {{ rows }}" for i in range(4))
    entities = {"customer_id": [1001, 1002, 1003], "event_timestamp": ["2026-01-05T00:00:00Z"] * 3}
    data = gql(
        client,
        f"query($input: HistoricalFeaturesInput!) {{ {fields} }}",
        {"input": {"features": [f"{view}:total_orders"], "entities": entities}},
    ).data
    assert len({str(data[f"h{i}"]["rows"]) for i in range(4)}) == 1


def test_null_values_and_time_zones_come_through_every_engine(gold_backend):
    """Feast's Trino store's rough edges, pinned on every engine: a row whose value is null answers null
    (not NaN, not 0, and an integer stays an integer), and entity times given in any zone, with
    microseconds, mean the same instant as in UTC."""
    client, services = gold_backend
    table, view = unique("rough_edges"), unique("rough_edges_view")
    rows = pd.DataFrame(
        {
            "driver_id": [1, 1, 2],
            "trips": [7, None, 3],
            "rating": [4.5, None, None],
            "ts": [BASE, BASE + timedelta(hours=2), BASE + timedelta(hours=1)],
        }
    )
    rows["trips"] = rows["trips"].astype("Int64")
    write_table(services, table, rows)
    register(client, view, table, None)
    at = BASE + timedelta(hours=3, microseconds=250)
    zoned = [at.astimezone(timezone(timedelta(hours=5, minutes=30))), at.astimezone(timezone(timedelta(hours=-8)))]
    result = gql(
        client,
        HISTORICAL,
        {
            "input": {
                "features": [f"{view}:trips", f"{view}:rating"],
                "entities": {"driver_id": [1, 2], "event_timestamp": [t.isoformat() for t in zoned]},
            }
        },
    ).data["historicalFeatures"]
    assert result["rows"] == [
        [1, "2026-03-01T03:00:00.000250+00:00", None, None],  # the latest row holds nulls: nulls
        [2, "2026-03-01T03:00:00.000250+00:00", 3, None],
    ]
    assert type(result["rows"][1][2]) is int


def test_more_entity_rows_than_one_trino_statement_could_carry(lakehouse_trino):
    """Feast's Trino store would send the entity rows as one INSERT, which Trino refuses above its
    query.max-length (about 17,900 rows): they go as a staged Iceberg table instead, dropped afterwards."""
    client, services = lakehouse_trino
    view = unique("trino_many")
    register_view(client, customer_view_input(view))
    rows = 25_000
    ids = [1001 + i % 300 for i in range(rows)]
    entities = {"customer_id": ids, "event_timestamp": ["2026-01-06T12:00:00.123456Z"] * rows}
    request = {"input": {"features": [f"{view}:total_orders"], "entities": entities}}
    result = gql(client, HISTORICAL, request).data["historicalFeatures"]
    assert len(result["rows"]) == rows
    assert [row[0] for row in result["rows"]] == ids  # in the order asked for
    assert result["rows"][0][1] == "2026-01-06T12:00:00.123456+00:00"  # microseconds kept
    first = {row[0]: row[2] for row in result["rows"][:300]}
    assert all(first[row[0]] == row[2] for row in result["rows"])
    assert sum(value is not None for value in first.values()) > 100
    scratch = services.registry.trino.query(
        f'SELECT table_name FROM "{services.registry.trino.catalog}".information_schema.tables '
        "WHERE table_schema = 'asgard_feast'"
    )
    assert scratch == []  # staged tables are dropped


def test_offline_reads_beyond_the_queue_are_refused_as_busy_before_any_work(client, services, monkeypatch):
    """With the one DuckDB slot taken and no room to wait, a read and an export are refused at once with a
    retryable BUSY (a GraphQL error, not a user error of the export's input); then they run."""
    from server.services.offline_gate import OfflineGate

    gate = OfflineGate(running=1, waiting=0, retry_after=2)
    monkeypatch.setattr(services.serving, "offline", gate)
    view = unique("busy_view")
    register_view(client, customer_view_input(view))
    entities = {"customer_id": [1001, 1002], "event_timestamp": ["2026-01-05T00:00:00Z"] * 2}
    request = {"input": {"features": [f"{view}:total_orders"], "entities": entities}}
    export = (
        "mutation($input: HistoricalFeaturesInput!) { exportHistoricalFeatures(input: $input) { export { rowCount } } }"
    )
    import asyncio
    import threading

    inside, done = threading.Event(), threading.Event()

    async def long_read() -> None:
        async with gate.request(object()):
            inside.set()
            await asyncio.to_thread(done.wait, 30)

    holder = threading.Thread(target=asyncio.run, args=(long_read(),))
    holder.start()
    try:
        assert inside.wait(10)  # a long read in progress
        refused = gql(client, HISTORICAL, request, errors=True)
        assert refused.codes() == ["BUSY"]
        assert refused.errors[0]["extensions"]["retryable"] is True
        assert refused.errors[0]["extensions"]["retryAfterSeconds"] == 2
        assert gql(client, export, request, errors=True).codes() == ["BUSY"]
    finally:
        done.set()
        holder.join(10)
    assert len(gql(client, HISTORICAL, request).data["historicalFeatures"]["rows"]) == 2
    assert gql(client, export, request).data["exportHistoricalFeatures"]["export"]["rowCount"] == 2
    # the aliased reads of one request count as one request: a gate with no room to wait still serves them
    aliased = (
        "query($input: HistoricalFeaturesInput!) { "
        + " ".join(f"a{i}: historicalFeatures(input: $input) {{ rows }}" for i in range(5))
        + " }"
    )
    answered = gql(client, aliased, request).data
    assert [len(answered[f"a{i}"]["rows"]) for i in range(5)] == [2] * 5


def test_offline_reads_leave_no_table_registered_on_duckdb(client, services):
    """Feast hands DuckDB each gold table and entity frame as a view on ibis's default connection, which
    ibis drops only at exit; the engine's turn unregisters them, or every read kept its data in memory."""
    import ibis

    table, view = unique("released"), unique("released_view")
    rows = pd.DataFrame({"driver_id": [1, 2], "trips": [1, 2], "rating": [1.0, 2.0], "ts": [BASE, BASE]})
    write_table(services, table, rows)
    register(client, view, table, None)
    con = ibis.get_backend().con
    before = gold_snapshots._memtable_views(con)
    request = {
        "input": {
            "features": [f"{view}:trips"],
            "entities": {"driver_id": [1, 2], "event_timestamp": [(BASE + timedelta(days=1)).isoformat()] * 2},
        }
    }
    for _ in range(3):
        assert gql(client, HISTORICAL, request).data["historicalFeatures"]["rows"]
    assert gold_snapshots._memtable_views(con) == before
