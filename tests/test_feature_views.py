"""Registering, reading, filtering and paging feature views."""

from __future__ import annotations

from tests.support.graphql import customer_view_input, gql, register_view, unique

VIEW = """
query($name: String!) {
  featureView(name: $name) {
    name description ttlSeconds online owner createdAt updatedAt
    entities { name joinKey valueType }
    features { name dtype description }
    source { table timestampField }
    tags { key value }
  }
}
"""

PAGE = """
query($first: Int, $after: String, $filter: FeatureViewFilter) {
  featureViews(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { name } }
  }
}
"""


def test_register_customer_view_then_read_it_back(client):
    name = unique("customer_stats")
    result = register_view(client, customer_view_input(name))
    assert result["userErrors"] == []
    assert result["change"] == "CREATED"
    view = gql(client, VIEW, {"name": name}).data["featureView"]
    assert view == result["featureView"] | {"source": view["source"]}
    assert view["entities"] == [{"name": "customer_id", "joinKey": "customer_id", "valueType": "INT64"}]
    assert [(f["name"], f["dtype"]) for f in view["features"]] == [
        ("total_orders", "INT64"),
        ("total_spent", "FLOAT64"),
        ("avg_order_value", "FLOAT64"),
        ("days_since_last_order", "INT32"),
    ]
    assert view["features"][0]["description"] == "Orders so far"
    assert view["source"] == {"table": "gold.customer_aggregates", "timestampField": "updated_at"}
    assert view["ttlSeconds"] == 30 * 86400
    assert view["online"] is True
    assert view["owner"] == "ml@example.com"
    assert view["tags"] == [{"key": "team", "value": "growth"}]
    assert view["createdAt"].endswith("+00:00")


def test_same_definition_twice_is_unchanged_and_a_change_is_an_update(client):
    name = unique("idempotent")
    first = register_view(client, customer_view_input(name))
    again = register_view(client, customer_view_input(name))
    assert again["change"] == "UNCHANGED"
    assert again["featureView"]["updatedAt"] == first["featureView"]["updatedAt"]
    changed = register_view(client, customer_view_input(name, description="new", ttlSeconds=0))
    assert changed["change"] == "UPDATED"
    assert changed["featureView"]["description"] == "new"
    assert changed["featureView"]["ttlSeconds"] is None
    fewer = customer_view_input(name, description="new", ttlSeconds=0)
    fewer["features"] = fewer["features"][:1]
    assert register_view(client, fewer)["change"] == "UPDATED"
    view = gql(client, VIEW, {"name": name}).data["featureView"]
    assert [f["name"] for f in view["features"]] == ["total_orders"]


def test_unknown_view_is_null(client):
    assert gql(client, VIEW, {"name": "does_not_exist"}).data["featureView"] is None


def test_paging_walks_every_view_once(client):
    prefix = unique("paged")
    names = [f"{prefix}_{i:02d}" for i in range(7)]
    for name in names:
        register_view(client, customer_view_input(name))
    seen, after = [], None
    while True:
        page = gql(client, PAGE, {"first": 3, "after": after, "filter": {"nameContains": prefix}}).data["featureViews"]
        assert page["totalCount"] == 7
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert seen == names


def test_default_page_size_is_20(client):
    prefix = unique("many")
    for i in range(21):
        register_view(client, customer_view_input(f"{prefix}_{i:02d}"))
    page = gql(client, PAGE, {"filter": {"nameContains": prefix}}).data["featureViews"]
    assert len(page["edges"]) == 20
    assert page["pageInfo"]["hasNextPage"] is True


def test_page_size_over_100_is_bad_user_input(client):
    result = gql(client, PAGE, {"first": 101}, errors=True)
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "first"
    assert "100" in result.errors[0]["message"]
    assert gql(client, PAGE, {"first": 100}).data["featureViews"]["totalCount"] >= 0


def test_bad_cursor_is_bad_user_input(client):
    result = gql(client, PAGE, {"after": "not-a-cursor"}, errors=True)
    assert result.codes() == ["BAD_USER_INPUT"]
    assert result.errors[0]["extensions"]["field"] == "after"


def test_filter_by_name_entity_and_tag(client):
    tag = unique("tagged")
    customer = unique("by_customer")
    register_view(client, customer_view_input(customer, tags=[{"key": "suite", "value": tag}]))
    orders = unique("by_order")
    register_view(
        client,
        {
            "name": orders,
            "entities": ["order_id"],
            "features": [{"name": "order_amount", "dtype": "FLOAT64"}],
            "source": {"table": "gold.order_features", "timestampField": "event_timestamp"},
            "tags": [{"key": "suite", "value": tag}],
        },
    )

    def names(filter):
        page = gql(client, PAGE, {"first": 100, "filter": filter}).data["featureViews"]
        return {e["node"]["name"] for e in page["edges"]}

    assert names({"tag": {"key": "suite", "value": tag}}) == {customer, orders}
    assert names({"tag": {"key": "suite", "value": tag}, "entity": "order_id"}) == {orders}
    assert names({"nameContains": customer.upper()}) == {customer}
    assert names({"tag": {"key": "suite", "value": "other"}}) == set()


def test_feast_in_another_process_sees_the_view(client, services):
    import subprocess
    import sys

    name = unique("interop")
    register_view(client, customer_view_input(name))
    code = (  # Feast imported as the server and jobs import it (without typeguard's instrumentation: ~5 s less)
        "import sys; from server.feast_import import skip_feast_instrumentation; skip_feast_instrumentation(); "
        "from feast import FeatureStore; "
        "fs = FeatureStore(repo_path=sys.argv[1]); "
        "fv = fs.get_feature_view(sys.argv[2]); "
        "print(fv.name, sorted(f.name for f in fv.features), fv.entities)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(services.registry.repo_path), name],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert name in out
    assert "total_spent" in out and "customer_id" in out


def test_registered_view_reads_historical_features_from_iceberg(client, services):
    """The registration is real: Feast's offline store reads the gold table through it."""
    import pandas as pd

    name = unique("readable")
    register_view(client, customer_view_input(name))
    entity_df = pd.DataFrame(
        {
            "customer_id": [1001, 1002],
            "event_timestamp": pd.to_datetime(["2026-01-03T12:00:00Z", "2026-01-09T00:00:00Z"]),
        }
    )
    df = services.registry.store.get_historical_features(entity_df=entity_df, features=[f"{name}:total_orders"]).to_df()
    assert len(df) == 2
    assert df["total_orders"].notna().all()


def test_mutation_over_get_is_refused(client):
    response = client.get("/graphql", params={"query": 'mutation { deleteFeatureView(name: "x") { name } }'})
    assert response.status_code in (400, 405)


def test_registration_checks_the_table_as_its_engine_reads_it(gold_backend):
    """The same checks and answers on every gold layer and engine; with Trino the columns come from
    Trino's information_schema, and a view read back from Feast compares equal to what was asked."""
    client, services = gold_backend
    engine = services.settings.offline_engine
    store = gql(client, "{ featureStore { offlineStoreType } }").data["featureStore"]
    assert store["offlineStoreType"] == engine.upper()
    ready = client.get("/readyz").json()
    assert ready["ready"] is True and ready["checks"].get("trino") == ("ok" if engine == "trino" else None)
    name = unique("engine_view")
    created = register_view(client, customer_view_input(name))
    assert created["userErrors"] == [] and created["change"] == "CREATED"
    assert created["featureView"]["source"] == {
        "table": "gold.customer_aggregates",
        "timestampField": "updated_at",
        "createdTimestampField": None,
        "catalog": "iceberg",
    }
    assert register_view(client, customer_view_input(name))["change"] == "UNCHANGED"
    features = [{"name": "no_such_column", "dtype": "INT64"}, {"name": "total_spent", "dtype": "STRING"}]
    refused = register_view(client, customer_view_input(unique("engine_bad"), features=features))
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("UNKNOWN_COLUMN", ["features", "0", "name"]),
        ("TYPE_MISMATCH", ["features", "1", "dtype"]),
    ]
    missing = register_view(
        client, customer_view_input(unique("engine_missing"), source={"table": "gold.nope", "timestampField": "t"})
    )
    assert [(e["code"], e["field"]) for e in missing["userErrors"]] == [("UNKNOWN_TABLE", ["source", "table"])]
