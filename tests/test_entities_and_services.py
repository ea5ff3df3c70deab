"""Entities (implicit and explicit), feature services, and deletes."""

from __future__ import annotations

from tests.support.graphql import CREATE_SERVICE, create_service, customer_view_input, gql, register_view, unique

REGISTER_ENTITY = """
mutation($input: RegisterEntityInput!) {
  registerEntity(input: $input) {
    change
    entity { name joinKey valueType description tags { key value } owner }
    userErrors { field message code }
  }
}
"""


DELETE_VIEW = "mutation($n: String!) { deleteFeatureView(name: $n) { name userErrors { field message code } } }"
DELETE_SERVICE = "mutation($n: String!) { deleteFeatureService(name: $n) { name userErrors { field message code } } }"


def test_entity_is_created_from_the_view_join_key(client):
    register_view(client, customer_view_input(unique("implicit")))
    query = '{ entity(name: "customer_id") { name joinKey valueType } entities { name } }'
    data = gql(client, query).data
    assert data["entity"] == {"name": "customer_id", "joinKey": "customer_id", "valueType": "INT64"}
    assert "customer_id" in [e["name"] for e in data["entities"]]
    assert all(not e["name"].startswith("__") for e in data["entities"])


def test_explicit_entity_then_a_view_that_uses_it_by_name(client):
    name = unique("customer")
    entity = {
        "name": name,
        "joinKey": "customer_id",
        "description": "A shop customer",
        "tags": [{"key": "pii", "value": "no"}],
        "owner": "crm",
    }
    created = gql(client, REGISTER_ENTITY, {"input": entity}).data["registerEntity"]
    assert created["change"] == "CREATED"
    assert created["entity"]["joinKey"] == "customer_id"
    assert gql(client, REGISTER_ENTITY, {"input": entity}).data["registerEntity"]["change"] == "UNCHANGED"
    view = register_view(client, customer_view_input(unique("by_entity"), entities=[name]))
    assert view["userErrors"] == []
    assert view["featureView"]["entities"][0]["name"] == name
    by_entity = gql(
        client,
        "query($e: String!) { featureViews(filter: {entity: $e}) { edges { node { name } } } }",
        {"e": name},
    ).data["featureViews"]["edges"]
    assert [e["node"]["name"] for e in by_entity] == [view["featureView"]["name"]]


def test_bad_entity_name_is_a_user_error(client):
    result = gql(client, REGISTER_ENTITY, {"input": {"name": "not ok"}}).data["registerEntity"]
    assert result["entity"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [("INVALID_NAME", ["name"])]


def test_service_with_whole_view_and_chosen_features(client):
    whole, part = unique("whole"), unique("part")
    register_view(client, customer_view_input(whole))
    register_view(client, customer_view_input(part))
    name = unique("svc")
    service_input = {
        "name": name,
        "description": "Churn model inputs",
        "featureViews": [{"name": whole}, {"name": part, "features": ["total_spent", "total_orders"]}],
        "tags": [{"key": "model", "value": "churn"}],
    }
    result = gql(client, CREATE_SERVICE, {"input": service_input}).data["createFeatureService"]
    assert result["userErrors"] == []
    assert result["change"] == "CREATED"
    projections = result["featureService"]["featureViews"]
    assert projections[0]["featureNames"] == [
        "total_orders",
        "total_spent",
        "avg_order_value",
        "days_since_last_order",
    ]
    assert projections[1]["featureNames"] == ["total_spent", "total_orders"]
    assert projections[1]["features"] == [
        {"name": "total_spent", "dtype": "FLOAT64"},
        {"name": "total_orders", "dtype": "INT64"},
    ]
    assert projections[1]["featureView"] == {"name": part, "online": True}
    again = gql(client, CREATE_SERVICE, {"input": service_input}).data["createFeatureService"]
    assert again["change"] == "UNCHANGED"
    listed = gql(client, "{ featureServices { name } }").data["featureServices"]
    assert name in [s["name"] for s in listed]
    one = gql(client, "query($n: String!) { featureService(name: $n) { name } }", {"n": name})
    assert one.data["featureService"] == {"name": name}


def test_service_errors_name_the_field(client):
    view = unique("svc_src")
    register_view(client, customer_view_input(view))
    service_input = {
        "name": unique("bad_svc"),
        "featureViews": [
            {"name": "no_such_view"},
            {"name": view, "features": ["total_spent", "nope"]},
            {"name": view},
        ],
    }
    result = gql(client, CREATE_SERVICE, {"input": service_input}).data["createFeatureService"]
    assert result["featureService"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [
        ("NOT_FOUND", ["featureViews", "0", "name"]),
        ("NOT_FOUND", ["featureViews", "1", "features", "1"]),
        ("DUPLICATE", ["featureViews", "2", "name"]),
    ]
    query = "query($n: String!) { featureService(name: $n) { name } }"
    assert gql(client, query, {"n": service_input["name"]}).data["featureService"] is None


def test_view_used_by_a_service_cannot_be_deleted_until_the_service_goes(client):
    view, service = unique("in_use"), unique("user")
    register_view(client, customer_view_input(view))
    create_service(client, service, [view])
    refused = gql(client, DELETE_VIEW, {"n": view}).data["deleteFeatureView"]
    assert refused["name"] is None
    assert refused["userErrors"][0]["code"] == "IN_USE"
    assert refused["userErrors"][0]["field"] == ["name"]
    assert service in refused["userErrors"][0]["message"]
    assert gql(client, DELETE_SERVICE, {"n": service}).data["deleteFeatureService"] == {
        "name": service,
        "userErrors": [],
    }
    assert gql(client, DELETE_VIEW, {"n": view}).data["deleteFeatureView"] == {
        "name": view,
        "userErrors": [],
    }
    query = "query($n: String!) { featureView(name: $n) { name } }"
    assert gql(client, query, {"n": view}).data["featureView"] is None
    # deleted means gone for Feast too: registering again creates it anew
    assert register_view(client, customer_view_input(view))["change"] == "CREATED"


def test_deleting_what_does_not_exist_is_not_found(client):
    for mutation, key in ((DELETE_VIEW, "deleteFeatureView"), (DELETE_SERVICE, "deleteFeatureService")):
        result = gql(client, mutation, {"n": "ghost"}).data[key]
        assert result["name"] is None
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [("NOT_FOUND", ["name"])]
