"""pushFeatures over GraphQL, on the SQLite and the Redis online store: rows of every feature type read back
by onlineFeatures as they were pushed, offline pushes appended to the gold table as one snapshot that
historical reads see, and every refusal typed, placed and without a write."""

from __future__ import annotations

import os
import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pyarrow as pa
import pytest

from server.app import create_app, create_services
from server.services.push_rows import PushSpec, PushTarget
from tests.support.client import local_client
from tests.support.graphql import gql, register_view, unique

PUSH = """
mutation($input: PushFeaturesInput!) {
  pushFeatures(input: $input) { rowsWritten to snapshotId staleRows userErrors { code field message } }
}
"""
ONLINE = """
query($input: OnlineFeaturesInput!) {
  onlineFeatures(input: $input) { columns { name } rows statuses eventTimestamps }
}
"""
HISTORICAL = """
query($input: HistoricalFeaturesInput!) { historicalFeatures(input: $input) { columns { name } rows } }
"""
SNAPSHOT = "query($name: String!) { goldTable(name: $name) { snapshotId rowCount } }"

TYPED = {  # feature -> (dtype, Arrow type of its gold column, a value as the API answers it)
    "p_int64": ("INT64", pa.int64(), 2**62),
    "p_int32": ("INT32", pa.int32(), -(2**31)),
    "p_double": ("FLOAT64", pa.float64(), 0.1),
    "p_float": ("FLOAT32", pa.float32(), 0.5),
    "p_string": ("STRING", pa.string(), "é漢字"),
    "p_bool": ("BOOL", pa.bool_(), False),
    "p_bytes": ("BYTES", pa.binary(), "AAEC/w=="),
    "p_time": ("UNIX_TIMESTAMP", pa.timestamp("us", tz="UTC"), "2026-11-30T10:00:00+00:00"),
    "p_ints": ("INT64_LIST", pa.list_(pa.int64()), [1, -2, 3]),
    "p_doubles": ("FLOAT64_LIST", pa.list_(pa.float64()), [0.25, 1.0]),
    "p_strings": ("STRING_LIST", pa.list_(pa.string()), ["a", ""]),
}
PUSHED_AT = "2026-12-01T08:00:00+00:00"


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def store(request, settings, tmp_path_factory):
    """An app over its own online store, with a view of every feature type over a table of its own."""
    if request.param == "redis":
        url = os.environ.get("ASGARD_TEST_REDIS_URL")
        if not url:
            pytest.fail("ASGARD_TEST_REDIS_URL is not set: run the suite with `make test`, which starts Redis")
        # Redis outlives the run: a project of its own, so that no earlier run's rows are read back
        project = f"push_{uuid.uuid4().hex[:12]}"
        data_dir = tmp_path_factory.mktemp("push-redis")
        changed = replace(settings, data_dir=data_dir, online_store=url, feast_project=project).resolved()
    else:
        changed = replace(settings, data_dir=tmp_path_factory.mktemp("push-sqlite"), online_store="").resolved()
    services = create_services(changed)
    with local_client(create_app(changed, services)) as client:
        view, offline_only, table = _views_over_a_new_table(client, services)
        yield client, services, view, offline_only, table


def _views_over_a_new_table(client, services) -> tuple[str, str, str]:
    """An empty gold table with a column of every feature type, an online and an offline-only view of it."""
    catalog = services.gold.catalog()
    catalog.create_namespace_if_not_exists("gold")
    columns = {"p_customer": pa.array([], pa.int64())} | {f: pa.array([], t) for f, (_, t, _) in TYPED.items()}
    columns["updated_at"] = pa.array([], pa.timestamp("us", tz="UTC"))
    columns["other_view_column"] = pa.array([], pa.string())  # a column no view of this test carries
    table = unique("pushed")
    catalog.create_table(("gold", table), schema=pa.table(columns).schema)
    view = unique("push_view")
    features = [{"name": f, "dtype": d} for f, (d, _, _) in TYPED.items()]
    source = {"table": f"gold.{table}", "timestampField": "updated_at"}
    definition = {"name": view, "entities": ["p_customer"], "features": features, "online": True, "source": source}
    assert register_view(client, definition)["userErrors"] == []
    offline_only = unique("push_offline_only")
    assert register_view(client, definition | {"name": offline_only, "online": False})["userErrors"] == []
    return view, offline_only, f"gold.{table}"


def _row(customer: int, **changes: Any) -> dict[str, Any]:
    return {"p_customer": customer, "updated_at": PUSHED_AT} | {f: v for f, (_, _, v) in TYPED.items()} | changes


def _push(client, view, rows, to="ONLINE", errors_expected=False) -> dict[str, Any]:
    payload = gql(client, PUSH, {"input": {"featureView": view, "rows": rows, "to": to}}).data["pushFeatures"]
    if not errors_expected:
        assert payload["userErrors"] == [], payload
    return payload


def _online(client, view, customers) -> dict[str, Any]:
    request = {"features": [f"{view}:{f}" for f in TYPED], "entities": {"p_customer": customers}}
    return gql(client, ONLINE, {"input": request}).data["onlineFeatures"]


def _snapshot(client, table) -> dict[str, Any]:
    return gql(client, SNAPSHOT, {"name": table}).data["goldTable"]


def test_pushed_rows_are_read_online_as_they_were_pushed(store):
    client, _, view, _, table = store
    before = _snapshot(client, table)
    nulls = _row(2, **{f: None for f in TYPED})
    payload = _push(client, view, [_row(1), nulls])
    assert payload == {"rowsWritten": 2, "to": "ONLINE", "snapshotId": None, "staleRows": 0, "userErrors": []}
    read = _online(client, view, [1, 2, 3])
    assert read["rows"][0] == [1, *(v for _, _, v in TYPED.values())]
    assert read["statuses"][0] == ["PRESENT"] * (len(TYPED) + 1)
    assert read["rows"][1] == [2, *([None] * len(TYPED))]
    assert read["rows"][2][1:] == [None] * len(TYPED) and set(read["statuses"][2][1:]) == {"NOT_FOUND"}
    assert read["eventTimestamps"][0][1] == PUSHED_AT
    assert _snapshot(client, table) == before  # online only: the gold table is as it was


def test_an_entitys_newest_row_is_what_online_holds_and_columns_form_is_taken(store):
    client, _, view, _, _ = store
    columns = {"p_customer": [5], "updated_at": ["2026-12-01T09:00:00Z"]} | {f: [v] for f, (_, _, v) in TYPED.items()}
    assert _push(client, view, columns)["staleRows"] == 0
    columns["p_double"], columns["updated_at"] = [7.5], ["2026-12-01T11:00:00+01:00"]  # 10:00Z: newer
    assert _push(client, view, columns)["staleRows"] == 0
    read = _online(client, view, [5])
    assert read["rows"][0][3] == 7.5 and read["eventTimestamps"][0][1] == "2026-12-01T10:00:00+00:00"
    columns["p_double"], columns["updated_at"] = [1.0], ["2026-12-01T09:30:00Z"]  # older: kept as is
    assert _push(client, view, columns) | {"userErrors": []} == {
        "rowsWritten": 0,
        "to": "ONLINE",
        "snapshotId": None,
        "staleRows": 1,
        "userErrors": [],
    }
    assert _online(client, view, [5])["rows"][0][3] == 7.5
    columns["p_double"], columns["updated_at"] = [2.5], ["2026-12-01T10:00:00Z"]  # the same instant: kept
    assert _push(client, view, columns)["staleRows"] == 1
    assert _online(client, view, [5])["rows"][0][3] == 7.5
    rows = [_row(7, p_double=3.0, updated_at="2026-12-01T12:00:00Z"), _row(7, p_double=2.0), _row(8, p_double=4.0)]
    payload = _push(client, view, rows, to="ONLINE_AND_OFFLINE")  # offline, all three; online, the newest
    assert payload["rowsWritten"] == 3 and payload["staleRows"] == 1
    assert [r[3] for r in _online(client, view, [7, 8])["rows"]] == [3.0, 4.0]
    payload = _push(client, view, [_row(9, p_double=1.0, updated_at="2026-12-01T12:00:00Z"), _row(9)])
    assert payload["rowsWritten"] == 1 and payload["staleRows"] == 1  # online only: the rows the store took


def test_pushes_within_one_second_keep_the_newest(store):
    """SQLite keeps whole seconds of event time; the exact times a push wrote are kept beside them."""
    client, _, view, _, _ = store
    for stamp, value in (("2026-12-01T10:00:00.300Z", 1.0), ("2026-12-01T10:00:00.700Z", 2.0)):  # in order
        assert _push(client, view, [_row(15, p_double=value, updated_at=stamp)])["staleRows"] == 0
    assert _online(client, view, [15])["rows"][0][3] == 2.0
    earlier = _push(client, view, [_row(15, p_double=3.0, updated_at="2026-12-01T10:00:00.500Z")])
    assert earlier["staleRows"] == 1 and _online(client, view, [15])["rows"][0][3] == 2.0
    later = _push(client, view, [_row(15, p_double=4.0, updated_at="2026-12-01T10:00:00.900Z")])
    assert later["staleRows"] == 0 and _online(client, view, [15])["rows"][0][3] == 4.0
    # before 1970 (whole seconds truncate toward zero there) and after 2255 (a float of seconds loses the
    # microsecond): still to the microsecond
    for customer, stamps in (
        (16, ["1969-12-31T23:59:59.500Z", "1969-12-31T23:59:59.800Z"]),
        (19, ["2260-01-01T00:00:00.000001Z", "2260-01-01T00:00:00.000002Z", "2260-01-01T00:00:00.000003Z"]),
    ):
        for value, stamp in enumerate(stamps):
            assert _push(client, view, [_row(customer, p_double=float(value), updated_at=stamp)])["staleRows"] == 0
        assert _online(client, view, [customer])["rows"][0][3] == float(len(stamps) - 1)


def test_concurrent_pushes_from_two_processes_leave_the_newest_value(store):
    """Two services over the same stores (as two workers or replicas are): each has its own in-process
    lock, so only the store's push lock keeps their reads and writes from interleaving."""
    client, services, view, _, _ = store
    other = create_services(services.settings)
    stamps = [f"2026-12-01T{10 + i // 60:02d}:{i % 60:02d}:00Z" for i in range(40)]
    order = list(range(40))
    random.Random(7).shuffle(order)

    def push(push_service, indexes):
        for i in indexes:
            rows = [_row(17, p_double=float(i), updated_at=stamps[i])]
            push_service.push(PushSpec(view, rows, PushTarget.ONLINE), "local", 10)

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(push, s.push, order[k::2]) for k, s in enumerate((services, other))]:
            done.result()
    assert _online(client, view, [17])["rows"][0][3] == 39.0


def test_concurrent_offline_pushes_from_two_processes_all_land(store, monkeypatch):
    """Appends and the expiry of old push snapshots from two services to one table: every row lands, no
    push fails (they take turns on the table's lock)."""
    _, services, _, offline_only, table = store
    other = create_services(services.settings)
    for service in (services, other):
        monkeypatch.setattr(service.push, "snapshots_kept", 1)
    native = services.gold.catalog().load_table(tuple(table.split(".")))
    before = native.scan().to_arrow().num_rows

    def push(push_service, first):
        for i in range(8):
            push_service.push(PushSpec(offline_only, [_row(first + i)], PushTarget.OFFLINE), "local", 10)

    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(push, s.push, 500 + 100 * k) for k, s in enumerate((services, other))]:
            done.result()
    assert native.refresh().scan().to_arrow().num_rows == before + 16


def test_an_online_store_that_does_not_answer_is_unavailable_and_writes_nothing(store, monkeypatch):
    """Its first rows (the table had no snapshot: it has none again) and later ones (its snapshot before)."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    client, services, _, _, _ = store
    view, offline_only, table = _views_over_a_new_table(client, services)

    def down(name, rows):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    for customer in (32, 33):
        before = _snapshot(client, table)
        with monkeypatch.context() as patched:
            patched.setattr(services.registry, "write_online", down)
            answer = gql(
                client,
                PUSH,
                {"input": {"featureView": view, "rows": [_row(customer)], "to": "ONLINE_AND_OFFLINE"}},
                errors=True,
            )
        assert answer.codes() == ["UNAVAILABLE"] and answer.errors[0]["extensions"]["retryable"] is True
        assert _snapshot(client, table) == before, customer
        if customer == 32:
            assert before == {"snapshotId": None, "rowCount": 0}
            _push(client, offline_only, [_row(31)], to="OFFLINE")  # the second attempt finds a snapshot before it
    assert _snapshot(client, table)["rowCount"] == 1


def test_a_push_names_its_target_or_goes_online(store):
    client, _, view, _, _ = store
    payload = _push(client, view, [_row(18)], to=None)
    assert payload["to"] == "ONLINE" and payload["rowsWritten"] == 1


def test_without_an_event_time_a_row_is_stamped_with_the_push(store):
    client, _, view, _, _ = store
    row = _row(6)
    del row["updated_at"]
    _push(client, view, [row])
    stamp = _online(client, view, [6])["eventTimestamps"][0][1]
    assert stamp is not None and stamp.startswith("20")


def test_an_offline_push_appends_one_snapshot_that_historical_reads_see(store):
    client, services, _, offline_only, table = store
    before = _snapshot(client, table)
    payload = _push(client, offline_only, [_row(11, p_double=1.5), _row(12, p_double=2.5)], to="OFFLINE")
    assert payload["rowsWritten"] == 2 and payload["to"] == "OFFLINE"
    after = _snapshot(client, table)
    assert after["snapshotId"] == payload["snapshotId"] != before["snapshotId"]
    assert after["rowCount"] == before["rowCount"] + 2
    request = {
        "features": [f"{offline_only}:p_double", f"{offline_only}:p_strings"],
        "entities": {"p_customer": [11, 12, 13], "event_timestamp": ["2026-12-02T00:00:00Z"] * 3},
    }
    rows = gql(client, HISTORICAL, {"input": request}).data["historicalFeatures"]["rows"]
    assert [r[2:] for r in rows] == [[1.5, ["a", ""]], [2.5, ["a", ""]], [None, None]]
    native = services.gold.catalog().load_table(tuple(table.split(".")))
    summary = native.current_snapshot().summary
    assert summary["asgard.feature-view"] == offline_only and summary["asgard.pushed-by"] == "local"
    written = native.scan(row_filter="p_customer == 11").to_arrow()
    assert written.column("other_view_column").to_pylist() == [None]


def test_an_offline_push_gives_the_tables_other_columns(store):
    client, services, view, offline_only, table = store
    row = _row(13, other_view_column="from the stream")
    _push(client, offline_only, [row], to="OFFLINE")
    native = services.gold.catalog().load_table(tuple(table.split(".")))
    written = native.scan(row_filter="p_customer == 13").to_arrow()
    assert written.column("other_view_column").to_pylist() == ["from the stream"]
    refused = _push(client, view, [row], to="ONLINE", errors_expected=True)["userErrors"]
    assert [(e["code"], e["field"]) for e in refused] == [("UNKNOWN_COLUMN", ["rows", "0", "other_view_column"])]


def test_a_table_that_requires_a_column_the_view_lacks_takes_it_from_the_rows(store):
    client, services, _, _, _ = store
    catalog = services.gold.catalog()
    schema = pa.schema(
        [
            pa.field("p_customer", pa.int64(), nullable=False),
            pa.field("score", pa.float64()),
            pa.field("region", pa.string(), nullable=False),
            pa.field("updated_at", pa.timestamp("us", tz="UTC")),
        ]
    )
    name = unique("required")
    catalog.create_table(("gold", name), schema=schema)
    view = unique("push_required")
    source = {"table": f"gold.{name}", "timestampField": "updated_at"}
    definition = {"name": view, "entities": ["p_customer"], "features": [{"name": "score", "dtype": "FLOAT64"}]}
    assert register_view(client, definition | {"online": False, "source": source})["userErrors"] == []
    row = {"p_customer": 1, "score": 0.5, "updated_at": PUSHED_AT}
    refused = _push(client, view, [row], to="OFFLINE", errors_expected=True)["userErrors"]
    assert [(e["code"], e["field"]) for e in refused] == [("INVALID_VALUE", ["rows", "0", "region"])]
    assert _push(client, view, [row | {"region": "eu"}], to="OFFLINE")["rowsWritten"] == 1
    assert catalog.load_table(("gold", name)).scan().to_arrow().column("region").to_pylist() == ["eu"]


def test_old_push_snapshots_are_expired_and_their_rows_kept(store, monkeypatch):
    client, services, _, offline_only, table = store
    monkeypatch.setattr(services.push, "snapshots_kept", 2)
    native = services.gold.catalog().load_table(tuple(table.split(".")))
    rows_before = native.scan().to_arrow().num_rows
    snapshot_ids = [_push(client, offline_only, [_row(300 + i)], to="OFFLINE")["snapshotId"] for i in range(8)]
    native = native.refresh()
    pushed = [s for s in native.metadata.snapshots if s.summary.get("asgard.operation") == "push"]
    assert 2 <= len(pushed) <= 4 and str(native.current_snapshot().snapshot_id) == snapshot_ids[-1]
    assert {str(s.snapshot_id) for s in pushed} >= set(snapshot_ids[-2:])
    assert native.scan().to_arrow().num_rows == rows_before + 8


def test_online_and_offline_writes_both(store):
    client, _, view, _, table = store
    before = _snapshot(client, table)
    payload = _push(client, view, [_row(21, p_int32=7)], to="ONLINE_AND_OFFLINE")
    assert payload["snapshotId"] == _snapshot(client, table)["snapshotId"] != before["snapshotId"]
    assert _online(client, view, [21])["rows"][0][2] == 7


def test_a_failed_online_write_undoes_the_offline_append(store, monkeypatch):
    client, services, view, _, table = store
    before = _snapshot(client, table)

    def broken(name, rows):
        raise OSError("the online store went away")

    monkeypatch.setattr(services.registry, "write_online", broken)
    answer = gql(
        client, PUSH, {"input": {"featureView": view, "rows": [_row(31)], "to": "ONLINE_AND_OFFLINE"}}, errors=True
    )
    assert answer.codes() == ["INTERNAL_SERVER_ERROR"] and "went away" not in str(answer.payload)
    assert _snapshot(client, table) == before


REFUSALS = [  # (rows, to, [(code, field)]) against the online view
    ([_row(41, p_int64="12")], "ONLINE", [("TYPE_MISMATCH", ["rows", "0", "p_int64"])]),
    ([_row(41, p_int32=2**31)], "ONLINE", [("TYPE_MISMATCH", ["rows", "0", "p_int32"])]),
    ([_row(41, p_int64=True)], "ONLINE", [("TYPE_MISMATCH", ["rows", "0", "p_int64"])]),
    ([_row(41, p_double="NaN")], "ONLINE", [("TYPE_MISMATCH", ["rows", "0", "p_double"])]),
    ([_row(41, p_bytes="not base64!")], "ONLINE", [("TYPE_MISMATCH", ["rows", "0", "p_bytes"])]),
    ([_row(41, p_ints=[1, None])], "ONLINE", [("TYPE_MISMATCH", ["rows", "0", "p_ints"])]),
    ([_row(41, updated_at="2026-12-01T08:00:00")], "ONLINE", [("TYPE_MISMATCH", ["rows", "0", "updated_at"])]),
    ([_row(41, p_customer=None)], "ONLINE", [("INVALID_VALUE", ["rows", "0", "p_customer"])]),
    ([_row(41), _row(42, extra=1)], "ONLINE", [("UNKNOWN_COLUMN", ["rows", "1", "extra"])]),
    (
        [_row(41), {k: v for k, v in _row(42).items() if k != "p_bool"}],
        "ONLINE",
        [("INVALID_VALUE", ["rows", "1", "p_bool"])],
    ),
    (
        [_row(41), _row(42, p_string=3), _row(43, p_float="x")],
        "ONLINE",
        [
            ("TYPE_MISMATCH", ["rows", "1", "p_string"]),
            ("TYPE_MISMATCH", ["rows", "2", "p_float"]),
        ],
    ),
    ({"p_customer": [41, 42], "p_int64": [1]}, "ONLINE", [("INVALID_VALUE", ["rows"])]),
    ({"p_customer": [41]}, "ONLINE", [("INVALID_VALUE", ["rows", f]) for f in TYPED]),
    ([], "ONLINE", [("INVALID_VALUE", ["rows"])]),
    ([1, 2], "ONLINE", [("INVALID_VALUE", ["rows", "0"]), ("INVALID_VALUE", ["rows", "1"])]),
    ("rows", "ONLINE", [("INVALID_VALUE", ["rows"])]),
]


@pytest.mark.parametrize("rows,to,expected", REFUSALS)
def test_a_refused_push_says_where_and_writes_nothing(store, rows, to, expected):
    client, _, view, _, table = store
    before = _snapshot(client, table)
    payload = _push(client, view, rows, to=to, errors_expected=True)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == expected, payload
    assert payload["rowsWritten"] is None
    assert _snapshot(client, table) == before
    assert set(_online(client, view, [41, 42, 43])["statuses"][0][1:]) == {"NOT_FOUND"}


def test_views_and_targets_that_cannot_take_the_push(store):
    client, _, _, offline_only, _ = store
    missing = _push(client, unique("no_such_view"), [_row(1)], errors_expected=True)
    assert [(e["code"], e["field"]) for e in missing["userErrors"]] == [("NOT_FOUND", ["featureView"])]
    not_online = _push(client, offline_only, [_row(1)], to="ONLINE_AND_OFFLINE", errors_expected=True)
    assert [(e["code"], e["field"]) for e in not_online["userErrors"]] == [("INVALID_VALUE", ["to"])]


def test_a_push_over_the_row_cap_is_refused_before_it_starts(store):
    client, services, view, _, _ = store
    from tests.support.graphql import app_with_limits

    with app_with_limits(services.settings, services, max_online_rows=2) as capped:
        answer = gql(
            capped, PUSH, {"input": {"featureView": view, "rows": [_row(i) for i in (51, 52, 53)]}}, errors=True
        )
    assert answer.codes() == ["LIMIT_EXCEEDED"] and answer.errors[0]["extensions"]["field"] == "rows"
    assert set(_online(client, view, [51])["statuses"][0][1:]) == {"NOT_FOUND"}


def test_errors_are_capped(store):
    client, _, view, _, _ = store
    payload = _push(client, view, [_row(100 + i, p_int64="x") for i in range(80)], errors_expected=True)
    assert len(payload["userErrors"]) == 50


def test_a_server_in_another_time_zone_compares_and_reports_times_in_utc(tmp_path):
    """Feast's SQLite store turns event times into seconds through the local time zone: a server whose
    zone is not UTC still keeps the newest push and reports the times Feast's own read would."""
    from tests.support.server import ServerProcess

    server = ServerProcess(tmp_path / "data", "--demo", "--log-level", "WARNING", env={"TZ": "America/New_York"})
    server.start()
    try:
        view = {
            "name": "tz_view",
            "entities": ["customer_id"],
            "features": [{"name": "total_orders", "dtype": "INT64"}],
            "source": {"table": "gold.customer_aggregates", "timestampField": "updated_at"},
            "online": True,
        }
        assert not server.post(REGISTER, {"i": view})["registerFeatureView"]["userErrors"]

        def push(stamp, value):
            rows = [{"customer_id": 1001, "total_orders": value, "updated_at": stamp}]
            return server.post(PUSH, {"input": {"featureView": "tz_view", "rows": rows}})["pushFeatures"]

        assert push("2026-12-01T10:00:00.500Z", 1)["staleRows"] == 0
        assert push("2026-12-01T12:00:00Z", 2)["staleRows"] == 0  # newer by two hours: taken
        assert push("2026-12-01T11:00:00Z", 3)["staleRows"] == 1  # older: kept out
        read = server.post(
            ONLINE, {"input": {"features": ["tz_view:total_orders"], "entities": {"customer_id": [1001]}}}
        )
        assert read["onlineFeatures"]["rows"] == [[1001, 2]]
        assert read["onlineFeatures"]["eventTimestamps"][0][1] == "2026-12-01T12:00:00+00:00"
    finally:
        server.stop()


REGISTER = "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { userErrors { message } } }"
