"""Browsing the Iceberg gold layer through GraphQL."""

from __future__ import annotations

from tests.support.graphql import gql

TABLES = """
query Tables($ns: String) {
  goldTables(namespace: $ns) {
    name namespace table snapshotId snapshotCount rowCount lastUpdated
    columns { name type nullable }
  }
}
"""


def test_gold_tables_lists_the_demo_layer(gold_backend):
    client, _ = gold_backend
    tables = {t["name"]: t for t in gql(client, TABLES).data["goldTables"]}
    assert {"gold.customer_aggregates", "gold.order_features"} <= set(tables)
    customers = tables["gold.customer_aggregates"]
    assert [(c["name"], c["type"]) for c in customers["columns"]] == [
        ("customer_id", "long"),
        ("total_orders", "long"),
        ("total_spent", "double"),
        ("avg_order_value", "double"),
        ("days_since_last_order", "int"),
        ("updated_at", "timestamptz"),
    ]
    assert customers["rowCount"] == 3000 * 7
    # Nessie keeps a table's history as its own commits: its Iceberg metadata holds the current snapshot only
    _, services = gold_backend
    assert customers["snapshotCount"] == (7 if services.gold.kind == "sql" else 1)
    assert customers["snapshotId"].lstrip("-").isdigit()
    assert customers["columns"][0]["nullable"] is False


def test_namespace_filter_and_unknown_namespace(client):
    assert len(gql(client, TABLES, {"ns": "gold"}).data["goldTables"]) >= 2
    assert gql(client, TABLES, {"ns": "nope"}).data["goldTables"] == []


def test_gold_table_by_name(gold_backend):
    client, services = gold_backend
    query = "query($n: String!) { goldTable(name: $n) { name snapshotId rowCount } }"
    table = gql(client, query, {"n": "gold.order_features"}).data["goldTable"]
    native = services.gold.catalog().load_table(("gold", "order_features"))
    assert table == {
        "name": "gold.order_features",
        "snapshotId": str(native.current_snapshot().snapshot_id),
        "rowCount": 10000,
    }
    assert gql(client, query, {"n": "gold.missing"}).data["goldTable"] is None
    assert gql(client, query, {"n": "no_namespace"}).data["goldTable"] is None


def test_a_namespace_with_an_empty_part_is_bad_input(client):
    """Found by the fuzzer: pyiceberg refuses it with a ValueError, which was an internal error."""
    for namespace in (".", "gold.", "a..b", " "):
        result = gql(client, "query($n: String) { goldTables(namespace: $n) { name } }", {"n": namespace}, errors=True)
        assert result.codes() == ["BAD_USER_INPUT"], namespace
        assert result.errors[0]["extensions"]["field"] == "namespace"


PREVIEW = (
    "query($n: String!, $first: Int!) { goldTable(name: $n) { preview(first: $first) { columns { name type } rows } } }"
)


def test_a_preview_shows_the_first_rows_typed_as_json(gold_backend):
    """Every Iceberg type a gold table may hold comes back as exact JSON (no float for a decimal, no
    zone invented for a timestamp without one), in the table's column order."""
    import uuid
    from datetime import UTC, date, datetime, time
    from decimal import Decimal

    import pyarrow as pa

    from tests.support.graphql import unique

    client, services = gold_backend
    name = unique("preview_types")
    catalog = services.gold.catalog()
    arrow = pa.table(
        {
            "id": pa.array([1, 2], pa.int64()),
            "price": pa.array([Decimal("12.30"), None], pa.decimal128(10, 2)),
            "ratio": pa.array([float("nan"), 0.5], pa.float64()),
            "tag": pa.array([uuid.UUID(int=1).bytes, uuid.UUID(int=2).bytes], pa.binary(16)),
            "raw": pa.array([b"\x00\xff", b""], pa.binary()),
            "at": pa.array([datetime(2026, 1, 8, 9, 30, tzinfo=UTC)] * 2, pa.timestamp("us", tz="UTC")),
            "local": pa.array([datetime(2026, 1, 8, 9, 30)] * 2, pa.timestamp("us")),
            "day": pa.array([date(2026, 1, 8)] * 2, pa.date32()),
            "clock": pa.array([time(9, 30)] * 2, pa.time64("us")),
            "scores": pa.array([[1, 2], []], pa.list_(pa.int64())),
            "address": pa.array(
                [{"city": "Oslo", "zip": 150}, None], pa.struct([("city", pa.string()), ("zip", pa.int32())])
            ),
            "attrs": pa.array([[("a", "1")], []], pa.map_(pa.string(), pa.string())),
            "flag": pa.array([True, None], pa.bool_()),
        }
    )
    table = catalog.create_table(("gold", name), schema=arrow.schema)
    empty = gql(client, PREVIEW, {"n": f"gold.{name}", "first": 5}).data["goldTable"]["preview"]
    assert empty["rows"] == [] and [c["name"] for c in empty["columns"]] == arrow.column_names
    table.append(arrow)
    preview = gql(client, PREVIEW, {"n": f"gold.{name}", "first": 5}).data["goldTable"]["preview"]
    assert [c["type"] for c in preview["columns"]][:3] == ["long", "decimal(10, 2)", "double"]
    first = dict(zip(arrow.column_names, preview["rows"][0], strict=True))
    assert first == {
        "id": 1,
        "price": "12.30",
        "ratio": None,
        "tag": "AAAAAAAAAAAAAAAAAAAAAQ==",
        "raw": "AP8=",
        "at": "2026-01-08T09:30:00+00:00",
        "local": "2026-01-08T09:30:00",
        "day": "2026-01-08",
        "clock": "09:30:00",
        "scores": [1, 2],
        "address": {"city": "Oslo", "zip": 150},
        "attrs": [["a", "1"]],
        "flag": True,
    }
    assert preview["rows"][1][1] is None and preview["rows"][1][-1] is None
    one = gql(client, PREVIEW, {"n": f"gold.{name}", "first": 1}).data["goldTable"]["preview"]
    assert len(one["rows"]) == 1


def test_a_preview_is_bounded_and_works_inside_lists(client, services):
    demo = gql(client, PREVIEW, {"n": "gold.customer_aggregates", "first": 3}).data["goldTable"]["preview"]
    assert len(demo["rows"]) == 3 and all(len(row) == len(demo["columns"]) for row in demo["rows"])
    for wrong in (-1, 101):
        refused = gql(client, PREVIEW, {"n": "gold.customer_aggregates", "first": wrong}, errors=True)
        assert refused.codes() == ["BAD_USER_INPUT"] and refused.errors[0]["extensions"]["field"] == "first"
    everything = gql(client, "{ goldTables { name preview(first: 2) { rows } } }").data["goldTables"]
    assert all(len(t["preview"]["rows"]) <= 2 for t in everything)


def test_a_sql_catalog_on_postgresql_serves_the_api_and_the_jobs(tmp_path):
    """ASGARD_CATALOG_URI=postgresql://... (pyiceberg's SQL catalog on a database server): browsing,
    registration and retrieval in the API, and a training job reading features with the jobs' own URI."""
    from server.app import create_app, create_services
    from server.config import load_settings
    from server.services.demo import load_demo_gold_layer
    from tests.support.client import local_client
    from tests.support.graphql import customer_view_input, register_view
    from tests.support.jobs import submit, wait_for
    from tests.support.lakehouse import new_database, require

    catalog = new_database(require("ASGARD_TEST_POSTGRES_URL")["ASGARD_TEST_POSTGRES_URL"])
    env = {"ASGARD_JOB_CATALOG_URI": catalog}  # the jobs' role (here the same one)
    settings = load_settings(env=env, data_dir=tmp_path, catalog_uri=catalog, registry_cache_seconds=0.5).resolved()
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    with local_client(create_app(settings, services)) as client:
        tables = {t["name"] for t in gql(client, TABLES).data["goldTables"]}
        assert "gold.customer_aggregates" in tables
        assert register_view(client, customer_view_input("pg_customers"))["userErrors"] == []
        rows = gql(
            client,
            "query($i: HistoricalFeaturesInput!) { historicalFeatures(input: $i) { rows } }",
            {
                "i": {
                    "features": ["pg_customers:total_orders"],
                    "entities": {"customer_id": [1001], "event_timestamp": ["2026-01-06T00:00:00Z"]},
                }
            },
        ).data["historicalFeatures"]["rows"]
        assert rows[0][2] is not None
        script = (
            "import os, pandas as pd\nfrom feast import FeatureStore\n"
            "store = FeatureStore(repo_path=os.environ['FEAST_REPO_PATH'])\n"
            "entities = pd.DataFrame({'customer_id': [1001], 'event_timestamp': pd.Timestamp('2026-01-06', tz='UTC')})\n"
            "frame = store.get_historical_features(entity_df=entities, features=['pg_customers:total_orders']).to_df()\n"
            "print('VALUE', int(frame['total_orders'][0]))\n"
        )
        job = wait_for(client, submit(client, script)["job"]["id"], {"SUCCEEDED", "FAILED"}, timeout=120)
        assert job["status"] == "SUCCEEDED", job["error"]
        assert f"VALUE {rows[0][2]}" in [line["text"] for line in job["logs"]]


def test_pushed_rows_are_appended_on_every_gold_layer_and_read_by_its_engine(gold_backend):
    """pushFeatures to OFFLINE writes a snapshot through the catalog in use (SQL or Nessie's REST, local
    files or S3), and the offline engine (DuckDB or Trino) reads the rows at once, in a table with a column
    of a type the view does not carry (left null)."""
    import pyarrow as pa

    from tests.support.graphql import customer_view_input, register_view, unique

    client, services = gold_backend
    table = unique("pushed_gold")
    catalog = services.gold.catalog()
    demo = catalog.load_table(("gold", "customer_aggregates")).scan().to_arrow()
    schema = demo.schema.append(pa.field("segment", pa.decimal128(10, 2)))
    catalog.create_table(("gold", table), schema=schema)
    view = unique("pushed_gold_view")
    source = {"table": f"gold.{table}", "timestampField": "updated_at"}
    assert register_view(client, customer_view_input(view, source=source, online=False))["userErrors"] == []
    row = {
        "customer_id": 424242,
        "total_orders": 3,
        "total_spent": 99.5,
        "avg_order_value": 33.25,
        "days_since_last_order": 1,
        "updated_at": "2026-12-01T00:00:00Z",
    }
    push = """mutation($input: PushFeaturesInput!) {
      pushFeatures(input: $input) { rowsWritten snapshotId userErrors { code field } } }"""
    payload = gql(client, push, {"input": {"featureView": view, "rows": [row], "to": "OFFLINE"}}).data
    assert payload["pushFeatures"]["rowsWritten"] == 1 and payload["pushFeatures"]["userErrors"] == []
    found = gql(client, "query($n: String!) { goldTable(name: $n) { snapshotId rowCount } }", {"n": f"gold.{table}"})
    assert found.data["goldTable"] == {"snapshotId": payload["pushFeatures"]["snapshotId"], "rowCount": 1}
    historical = """query($input: HistoricalFeaturesInput!) { historicalFeatures(input: $input) { rows } }"""
    request = {
        "features": [f"{view}:total_spent", f"{view}:days_since_last_order"],
        "entities": {"customer_id": [424242], "event_timestamp": ["2026-12-02T00:00:00Z"]},
    }
    rows = gql(client, historical, {"input": request}).data["historicalFeatures"]["rows"]
    assert rows == [[424242, "2026-12-02T00:00:00+00:00", 99.5, 1]]
