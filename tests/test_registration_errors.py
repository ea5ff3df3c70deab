"""Every bad registration gives typed user errors on the right field and writes nothing."""

from __future__ import annotations

import pytest

from tests.support.graphql import customer_view_input, gql, unique

COUNTS = "{ featureStore { featureViews entities featureServices } entities { name } }"


def _features(*pairs):
    return [{"name": n, "dtype": d} for n, d in pairs]


CASES = {
    "unknown table": (
        {"source": {"table": "gold.nope", "timestampField": "updated_at"}},
        [("UNKNOWN_TABLE", ["source", "table"])],
    ),
    "unqualified table": (
        {"source": {"table": "customer_aggregates", "timestampField": "updated_at"}},
        [("INVALID_VALUE", ["source", "table"])],
    ),
    "unknown catalog": (
        {"source": {"table": "gold.customer_aggregates", "timestampField": "updated_at", "catalog": "x"}},
        [("UNKNOWN_TABLE", ["source", "catalog"])],
    ),
    "missing timestamp column": (
        {"source": {"table": "gold.customer_aggregates", "timestampField": "ts"}},
        [("UNKNOWN_COLUMN", ["source", "timestampField"])],
    ),
    "timestamp field not a timestamp": (
        {"source": {"table": "gold.customer_aggregates", "timestampField": "total_spent"}},
        [
            ("TYPE_MISMATCH", ["source", "timestampField"]),
            ("INVALID_VALUE", ["features", "1", "name"]),
        ],
    ),
    "missing feature column": (
        {"features": _features(("total_orders", "INT64"), ("lifetime_value", "FLOAT64"))},
        [("UNKNOWN_COLUMN", ["features", "1", "name"])],
    ),
    "string declared for a double": (
        {"features": _features(("total_orders", "INT64"), ("total_spent", "STRING"))},
        [("TYPE_MISMATCH", ["features", "1", "dtype"])],
    ),
    "narrowing long to int32": (
        {"features": _features(("total_orders", "INT32"))},
        [("TYPE_MISMATCH", ["features", "0", "dtype"])],
    ),
    "scalar declared as list": (
        {"features": _features(("total_orders", "INT64_LIST"))},
        [("TYPE_MISMATCH", ["features", "0", "dtype"])],
    ),
    "bad view name": ({"name": "9 lives!"}, [("INVALID_NAME", ["name"])]),
    "bad feature name": (
        {"features": _features(("total-orders", "INT64"))},
        [("INVALID_NAME", ["features", "0", "name"])],
    ),
    "duplicate feature": (
        {"features": _features(("total_orders", "INT64"), ("total_orders", "INT64"))},
        [("DUPLICATE", ["features", "1", "name"])],
    ),
    "join key as feature": (
        {"features": _features(("customer_id", "INT64"))},
        [("INVALID_VALUE", ["features", "0", "name"])],
    ),
    "negative ttl": ({"ttlSeconds": -1}, [("INVALID_VALUE", ["ttlSeconds"])]),
    "no features": ({"features": []}, [("INVALID_VALUE", ["features"])]),
    "no entities": ({"entities": []}, [("INVALID_VALUE", ["entities"])]),
    "entity not a column": ({"entities": ["user_id"]}, [("UNKNOWN_COLUMN", ["entities", "0"])]),
    "duplicate entity": (
        {"entities": ["customer_id", "customer_id"]},
        [("DUPLICATE", ["entities", "1"])],
    ),
    "duplicate tag": (
        {"tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]},
        [("DUPLICATE", ["tags", "1", "key"])],
    ),
    "several problems at once": (
        {
            "ttlSeconds": -5,
            "features": _features(("total_spent", "STRING"), ("nope", "INT64")),
        },
        [
            ("INVALID_VALUE", ["ttlSeconds"]),
            ("TYPE_MISMATCH", ["features", "0", "dtype"]),
            ("UNKNOWN_COLUMN", ["features", "1", "name"]),
        ],
    ),
}

MUTATION = """
mutation($input: RegisterFeatureViewInput!) {
  registerFeatureView(input: $input) { change featureView { name } userErrors { field message code } }
}
"""


@pytest.mark.parametrize("case", list(CASES))
def test_bad_registration_is_a_typed_error_and_writes_nothing(client, case):
    changes, expected = CASES[case]
    name = unique("bad")
    view = customer_view_input(name) | changes
    before = gql(client, COUNTS).data
    result = gql(client, MUTATION, {"input": view}).data["registerFeatureView"]
    assert result["featureView"] is None
    assert result["change"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == expected
    assert all(e["message"] for e in result["userErrors"])
    assert gql(client, COUNTS).data == before
    query = "query($n: String!) { featureView(name: $n) { name } }"
    assert gql(client, query, {"n": view["name"]}).data["featureView"] is None


def test_failed_update_leaves_the_previous_definition(client):
    name = unique("kept")
    gql(client, MUTATION, {"input": customer_view_input(name)})
    bad = customer_view_input(name, description="changed", ttlSeconds=-1)
    errors = gql(client, MUTATION, {"input": bad}).data["registerFeatureView"]["userErrors"]
    assert errors
    query = "query($n: String!) { featureView(name: $n) { description ttlSeconds } }"
    view = gql(client, query, {"n": name}).data["featureView"]
    assert view == {"description": "Customer aggregates", "ttlSeconds": 30 * 86400}


def test_unknown_dtype_is_a_graphql_validation_error(client):
    view = customer_view_input(unique("dtype"), features=_features(("total_orders", "DECIMAL")))
    result = gql(client, MUTATION, {"input": view}, errors=True)
    assert result.errors and "DECIMAL" in result.errors[0]["message"]
    assert "Traceback" not in str(result.payload)
