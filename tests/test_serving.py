"""Online retrieval and materialization, against the SQLite and the Redis online store."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from server.app import create_app, create_services
from server.services.demo import load_demo_gold_layer
from tests.support.client import local_client
from tests.support.graphql import customer_view_input, gql, register_view, unique
from tests.support.serving import END, MATERIALIZE, OPERATION, START, latest_rows, materialize

ONLINE = """
query($input: OnlineFeaturesInput!) {
  onlineFeatures(input: $input) { columns { name dtype } rows statuses eventTimestamps }
}
"""


@pytest.fixture(scope="module", params=["sqlite", "redis", "lakehouse", "trino"])
def backend(request, settings, services, client, tmp_path_factory):
    """A client, its services and a materialized online view, per online store; and on the real lakehouse
    (gold layer on Nessie + S3, registry on PostgreSQL), materialized into its SQLite online store by
    DuckDB or by Trino."""
    if request.param == "sqlite":
        yield client, services
        return
    if request.param in ("lakehouse", "trino"):
        yield request.getfixturevalue("lakehouse" if request.param == "lakehouse" else "lakehouse_trino")
        return
    url = os.environ.get("ASGARD_TEST_REDIS_URL")
    if not url:
        pytest.fail("ASGARD_TEST_REDIS_URL is not set: run the suite with `make test`, which starts Redis")
    redis_settings = replace(settings, data_dir=tmp_path_factory.mktemp("redis-data"), online_store=url).resolved()
    redis_services = create_services(redis_settings)
    load_demo_gold_layer(redis_services.gold)
    with local_client(create_app(redis_settings, redis_services)) as redis_client:
        yield redis_client, redis_services


@pytest.fixture(scope="module")
def online_view(backend):
    client, _ = backend
    view = unique("online_customers")
    register_view(client, customer_view_input(view, ttlSeconds=0))
    op = materialize(client, [view], start=START, end=END)
    assert op["status"] == "SUCCEEDED", op["error"]
    assert op["rowsWritten"] == 3000
    return view


def test_materialization_is_tracked_and_recorded_on_the_view(backend, online_view):
    client, services = backend
    assert services.registry.store.config.online_store.type == (
        "redis" if "redis" in services.settings.online_store else "sqlite"
    )
    # Redis reads go through Feast's async read on the event loop (small requests), SQLite's through a thread
    assert services.serving.async_reads is ("redis" in services.settings.online_store)
    view = gql(
        client,
        "query($n: String!) { featureView(name: $n) { materializationIntervals { start end } } }",
        {"n": online_view},
    ).data["featureView"]
    assert view["materializationIntervals"] == [{"start": START, "end": END}]


def test_online_values_are_the_latest_row_per_entity(backend, online_view):
    client, services = backend
    ids = [1001, 1002, 2500, 4000, 999_999]  # the last is no customer: NOT_FOUND
    table = gql(
        client,
        ONLINE,
        {
            "input": {
                "features": [f"{online_view}:total_spent", f"{online_view}:total_orders"],
                "entities": {"customer_id": ids},
            }
        },
    ).data["onlineFeatures"]
    assert table["columns"] == [
        {"name": "customer_id", "dtype": "INT64"},
        {"name": "total_spent", "dtype": "FLOAT64"},
        {"name": "total_orders", "dtype": "INT64"},
    ]
    oracle = latest_rows(services)
    assert 999_999 not in oracle.index
    for row, status, stamp in zip(table["rows"], table["statuses"], table["eventTimestamps"], strict=True):
        key = row[0]
        if key in oracle.index:
            expected = oracle.loc[key]
            assert row[1:] == [pytest.approx(expected["total_spent"]), int(expected["total_orders"])]
            assert status == ["PRESENT", "PRESENT", "PRESENT"]
            assert datetime.fromisoformat(stamp[1]) == expected["updated_at"].to_pydatetime().astimezone(UTC)
        else:
            assert row == [key, None, None]
            assert status == ["PRESENT", "NOT_FOUND", "NOT_FOUND"]
            assert stamp == [None, None, None]


def test_rows_form_full_names_and_feature_services(backend, online_view):
    client, _ = backend
    table = gql(
        client,
        ONLINE,
        {
            "input": {
                "features": [f"{online_view}:days_since_last_order"],
                "entities": [{"customer_id": 1003}, {"customer_id": 1004}],
                "fullFeatureNames": True,
            }
        },
    ).data["onlineFeatures"]
    assert [c["name"] for c in table["columns"]] == ["customer_id", f"{online_view}__days_since_last_order"]
    assert [r[0] for r in table["rows"]] == [1003, 1004]
    service = unique("online_svc")
    gql(
        client,
        "mutation($i: CreateFeatureServiceInput!) { createFeatureService(input: $i) { userErrors { code } } }",
        {"i": {"name": service, "featureViews": [{"name": online_view, "features": ["avg_order_value"]}]}},
    )
    by_service = gql(client, ONLINE, {"input": {"featureService": service, "entities": {"customer_id": [1005]}}}).data[
        "onlineFeatures"
    ]
    assert [c["name"] for c in by_service["columns"]] == ["customer_id", "avg_order_value"]
    assert by_service["statuses"] == [["PRESENT", "PRESENT"]]


def test_values_past_the_ttl_are_outside_max_age(backend):
    client, _ = backend
    view = unique("short_ttl")
    register_view(client, customer_view_input(view, ttlSeconds=86400))
    assert materialize(client, [view], start=START, end=END)["status"] == "SUCCEEDED"
    table = gql(
        client, ONLINE, {"input": {"features": [f"{view}:total_orders"], "entities": {"customer_id": [1001]}}}
    ).data["onlineFeatures"]
    # the demo data is from January 2026: far older than one day now
    assert table["statuses"] == [["PRESENT", "OUTSIDE_MAX_AGE"]]


def test_incremental_materialization_continues_where_the_last_ended(backend, online_view):
    client, _ = backend
    op = materialize(client, [online_view], incremental=True)
    assert op["status"] == "SUCCEEDED"
    assert op["rowsWritten"] == 0  # nothing newer than the last run's end
    intervals = gql(
        client,
        "query($n: String!) { featureView(name: $n) { materializationIntervals { start end } } }",
        {"n": online_view},
    ).data["featureView"]["materializationIntervals"]
    assert len(intervals) == 2 and intervals[1]["start"] == END


def test_a_second_materialize_of_a_running_view_is_a_conflict(backend):
    client, _ = backend
    view = unique("busy")
    register_view(client, customer_view_input(view))
    first = gql(client, MATERIALIZE, {"input": {"featureViews": [view], "start": START, "end": END}}).data[
        "materialize"
    ]
    second = gql(client, MATERIALIZE, {"input": {"featureViews": [view], "start": START, "end": END}}).data[
        "materialize"
    ]
    assert first["operation"]["status"] == "RUNNING"
    assert second["operation"] is None
    assert [(e["code"], e["field"]) for e in second["userErrors"]] == [("CONFLICT", ["featureViews", "0"])]
    deadline = time.monotonic() + 120
    while gql(client, OPERATION, {"id": first["operation"]["id"]}).data["materialization"]["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"features": ["nope:total_orders"]}, "NOT_FOUND", "features.0"),
        ({"features": ["VIEW:not_a_feature"]}, "NOT_FOUND", "features.0"),
        ({"features": ["no_colon"]}, "BAD_USER_INPUT", "features.0"),
        ({"features": None, "featureService": "no_such_service"}, "NOT_FOUND", "featureService"),
        ({"featureService": "x"}, "BAD_USER_INPUT", "features"),
        ({"entities": {"order_id": [1]}}, "BAD_USER_INPUT", "entities.customer_id"),
        ({"entities": {"customer_id": ["1001"]}}, "BAD_USER_INPUT", "entities.customer_id"),
        ({"entities": {"customer_id": [1001.5]}}, "BAD_USER_INPUT", "entities.customer_id"),
        ({"entities": {"customer_id": []}}, "BAD_USER_INPUT", "entities"),
        ({"entities": []}, "BAD_USER_INPUT", "entities"),
        ({"entities": "1001"}, "BAD_USER_INPUT", "entities"),
        ({"entities": {"customer_id": [1], "other": [2]}}, "BAD_USER_INPUT", "entities.other"),
    ],
)
def test_bad_online_requests_name_the_argument(backend, online_view, changes, code, field):
    client, _ = backend
    request = {"features": [f"{online_view}:total_orders"], "entities": {"customer_id": [1001]}} | changes
    if request.get("features"):
        request["features"] = [f.replace("VIEW", online_view) for f in request["features"]]
    result = gql(client, ONLINE, {"input": request}, errors=True)
    assert result.codes() == [code], result.errors
    assert result.errors[0]["extensions"]["field"] == field
    assert "Traceback" not in str(result.payload)


def test_an_offline_view_is_not_served_online(backend):
    client, _ = backend
    view = unique("offline_only")
    register_view(client, customer_view_input(view, online=False))
    result = gql(
        client, ONLINE, {"input": {"features": [f"{view}:total_orders"], "entities": {"customer_id": [1]}}}, errors=True
    )
    assert result.codes() == ["BAD_USER_INPUT"]
    assert "online" in result.errors[0]["message"]


def test_materialize_input_errors(backend, online_view):
    client, _ = backend
    offline = unique("not_online")
    register_view(client, customer_view_input(offline, online=False))
    cases = [
        ({"featureViews": ["ghost"], "start": START, "end": END}, [("NOT_FOUND", ["featureViews", "0"])]),
        ({"featureViews": [offline], "start": START, "end": END}, [("INVALID_VALUE", ["featureViews", "0"])]),
        ({"featureViews": [online_view], "end": END}, [("INVALID_VALUE", ["start"])]),
        ({"featureViews": [online_view], "start": END, "end": START}, [("INVALID_VALUE", ["end"])]),
        ({"featureViews": [online_view], "start": START, "incremental": True}, [("INVALID_VALUE", ["start"])]),
        ({"featureViews": [online_view], "start": "2026-01-01T00:00:00", "end": END}, [("INVALID_VALUE", ["start"])]),
    ]
    for request, expected in cases:
        payload = gql(client, MATERIALIZE, {"input": request}).data["materialize"]
        assert payload["operation"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == expected, request
