"""Browsing the Iceberg gold layer through GraphQL."""

from __future__ import annotations

from tests.conftest import gql

TABLES = """
query Tables($ns: String) {
  goldTables(namespace: $ns) {
    name namespace table snapshotId snapshotCount rowCount lastUpdated
    columns { name type nullable }
  }
}
"""


def test_gold_tables_lists_the_demo_layer(client):
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
    assert customers["snapshotCount"] == 7
    assert customers["snapshotId"].lstrip("-").isdigit()
    assert customers["columns"][0]["nullable"] is False


def test_namespace_filter_and_unknown_namespace(client):
    assert len(gql(client, TABLES, {"ns": "gold"}).data["goldTables"]) >= 2
    assert gql(client, TABLES, {"ns": "nope"}).data["goldTables"] == []


def test_gold_table_by_name(client, services):
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
