"""Relay object identification over GraphQL: every linkable type's globalId round-trips through node(id:)
and nodes(ids:) to the same object, a malformed id or one of an unknown kind is BAD_USER_INPUT, and the
connections keep Relay's connection shape."""

from __future__ import annotations

import base64
import json

import pytest

from tests.support import TRAIN_ON_SERVICE
from tests.support.graphql import create_service, customer_view_input, gql, register_view, unique
from tests.support.jobs import submit, wait_for
from tests.support.serving import END, START, materialize

NODE = "query($id: ID!) { node(id: $id) { __typename globalId ...Keys } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename globalId ...Keys } }"
KEYS = """
fragment Keys on Node {
  ... on FeatureView { name }
  ... on Entity { name }
  ... on FeatureService { name }
  ... on GoldTable { name }
  ... on Experiment { id name }
  ... on Run { id experimentId }
  ... on RegisteredModel { name }
  ... on ModelVersion { model version }
  ... on TrainingJob { id scriptName }
  ... on Materialization { id incremental }
}
"""
OBJECTS = """
query($view: String!, $service: String!, $model: String!, $version: Int!, $job: ID!, $run: ID!, $operation: ID!,
      $experiment: String!) {
  featureView(name: $view) { __typename globalId name }
  entity(name: "customer_id") { __typename globalId name }
  featureService(name: $service) { __typename globalId name }
  goldTable(name: "gold.customer_aggregates") { __typename globalId name }
  experiment(name: $experiment) { __typename globalId id name }
  run(id: $run) { __typename globalId id experimentId }
  registeredModel(name: $model) { __typename globalId name }
  modelVersion(model: $model, version: $version) { __typename globalId model version }
  trainingJob(id: $job) { __typename globalId id scriptName }
  materialization(id: $operation) { __typename globalId id incremental }
}
"""


def _id(*parts: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts), separators=(",", ":")).encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
def objects(client):
    """One object of every kind: a view, its entity and service, the gold table, a materialization, and a
    training job with its experiment, run, registered model and version."""
    view, service, model, experiment = unique("node_view"), unique("node_svc"), unique("node_model"), unique("node_exp")
    register_view(client, customer_view_input(view, ttlSeconds=0))
    operation = materialize(client, [view], start=START, end=END)
    create_service(client, service, [view])
    submitted = submit(
        client,
        TRAIN_ON_SERVICE.read_text(),
        modelName=model,
        featureService=service,
        experimentName=experiment,
        parameters={"service": service},
    )
    assert submitted["userErrors"] == [], submitted
    job = wait_for(client, submitted["job"]["id"], {"SUCCEEDED", "FAILED"}, timeout=300)
    assert job["status"] == "SUCCEEDED", job["error"]
    variables = {
        "view": view,
        "service": service,
        "model": model,
        "version": job["modelVersion"]["version"],
        "job": job["id"],
        "run": job["runId"],
        "operation": operation["id"],
        "experiment": experiment,
    }
    found = gql(client, OBJECTS, variables).data
    assert [name for name, value in found.items() if not value] == [], found
    return found


def test_every_kinds_global_id_round_trips_to_the_same_object(client, objects):
    assert len({o["globalId"] for o in objects.values()}) == len(objects) == 10
    for name, expected in objects.items():
        got = gql(client, NODE + KEYS, {"id": expected["globalId"]}).data["node"]
        assert got == expected, name


def test_nodes_come_in_the_order_asked_with_null_for_what_is_gone(client, objects):
    ids = [o["globalId"] for o in reversed(objects.values())]
    gone = _id("FeatureView", unique("no_such_view"))
    got = gql(client, NODES + KEYS, {"ids": [*ids, gone, ids[0]]}).data["nodes"]
    assert got == [*reversed(objects.values()), None, got[0]]
    assert gql(client, NODE + KEYS, {"id": _id("ModelVersion", objects["registeredModel"]["name"], "999")}).data == {
        "node": None
    }


def test_the_global_id_is_stable_and_answered_wherever_the_object_appears(client, objects):
    listed = gql(client, "{ featureViews(first: 100) { edges { node { name globalId } } } }").data["featureViews"]
    by_name = {e["node"]["name"]: e["node"]["globalId"] for e in listed["edges"]}
    assert by_name[objects["featureView"]["name"]] == objects["featureView"]["globalId"]
    job = gql(client, "query($id: ID!) { trainingJob(id: $id) { run { globalId } modelVersion { globalId } } }",
              {"id": objects["trainingJob"]["id"]}).data["trainingJob"]  # fmt: skip
    assert job == {
        "run": {"globalId": objects["run"]["globalId"]},
        "modelVersion": {"globalId": objects["modelVersion"]["globalId"]},
    }


@pytest.mark.parametrize(
    "bad",
    [
        "not base64!",
        base64.urlsafe_b64encode(b"plain text").decode(),
        _id("Spaceship", "x"),
        _id("ModelVersion", "churn"),
        _id("ModelVersion", "churn", "three"),
        _id("FeatureView", "a", "b"),
        base64.urlsafe_b64encode(b'{"kind": "FeatureView"}').decode(),
        base64.urlsafe_b64encode(b'["FeatureView", 1]').decode(),
        "A" * 5000,
        _id("ModelVersion", "churn", "001"),  # one id per object: no other spelling of its key
        _id("ModelVersion", "churn", "0"),
        _id("Experiment", ""),
        base64.urlsafe_b64encode(b'["FeatureView", "customer_features"]').decode().rstrip("="),  # other JSON
        base64.urlsafe_b64encode(b'["FeatureView","customer_features"]').decode(),  # padded
    ],
)
def test_a_malformed_id_or_one_of_an_unknown_kind_is_the_callers_mistake(client, bad):
    answer = gql(client, NODE + KEYS, {"id": bad}, errors=True)
    assert answer.codes() == ["BAD_USER_INPUT"] and answer.errors[0]["extensions"]["field"] == "id", answer.payload
    answer = gql(client, NODES + KEYS, {"ids": [_id("Entity", "customer_id"), bad]}, errors=True)
    assert answer.codes() == ["BAD_USER_INPUT"] and answer.errors[0]["extensions"]["field"] == "ids.1"


def test_a_well_formed_id_of_nothing_is_null_whatever_its_key(client):
    for kind, key in [("Experiment", "1" * 300), ("Experiment", "-1"), ("Run", "x" * 300), ("TrainingJob", "9" * 300)]:
        answer = gql(client, NODE + KEYS, {"id": _id(kind, key)})
        assert answer.data["node"] is None, (kind, answer.payload)
    for key in ["1" * 300, "01", "-1", "9223372036854775808"]:  # the typed fields too, and the runs of such an id
        answer = gql(
            client,
            "query($id: ID!) { experiment(id: $id) { id } runs(experimentIds: [$id]) { totalCount } }",
            {"id": key},
        )
        assert answer.data["experiment"] is None and not answer.data["runs"]["totalCount"], (key, answer.payload)


def test_nodes_takes_at_most_a_page_of_ids(client):
    answer = gql(client, NODES + KEYS, {"ids": [_id("Entity", "customer_id")] * 101}, errors=True)
    assert answer.codes() == ["LIMIT_EXCEEDED"] and answer.errors[0]["extensions"]["field"] == "ids"


TYPES = """
{ __schema { types { name kind interfaces { name }
  fields { name args { name type { name kind ofType { name kind ofType { name kind ofType { name kind } } } } }
           type { name kind ofType { name kind ofType { name kind ofType { name kind } } } } } } } }
"""


def _named(t: dict) -> str:
    while t.get("ofType"):
        t = t["ofType"]
    return t["name"]


def _shape(t: dict) -> str:
    """A field's type as SDL: [X!]!, String, ..."""
    if t["kind"] == "NON_NULL":
        return _shape(t["ofType"]) + "!"
    if t["kind"] == "LIST":
        return "[" + _shape(t["ofType"]) + "]"
    return t["name"]


def test_connections_follow_relays_connection_spec(client):
    types = {t["name"]: t for t in gql(client, TYPES).data["__schema"]["types"]}
    fields = {name: {f["name"]: f for f in t["fields"] or ()} for name, t in types.items()}
    page_info = {name: _shape(f["type"]) for name, f in fields["PageInfo"].items()}
    assert page_info == {
        "hasNextPage": "Boolean!",
        "hasPreviousPage": "Boolean!",
        "startCursor": "String",
        "endCursor": "String",
    }
    connections = [name for name in types if name.endswith("Connection") and types[name]["kind"] == "OBJECT"]
    assert len(connections) >= 6
    for name in connections:
        edge = name[: -len("Connection")] + "Edge"
        assert _shape(fields[name]["edges"]["type"]) == f"[{edge}!]!", name
        assert _shape(fields[name]["pageInfo"]["type"]) == "PageInfo!", name
        assert _shape(fields[edge]["cursor"]["type"]) == "String!", edge
        assert "node" in fields[edge], edge
    returning = [(owner, f) for owner, fs in fields.items() for f in fs.values() if _named(f["type"]) in connections]
    assert returning
    for owner, field in returning:
        args = {a["name"]: _shape(a["type"]) for a in field["args"]}
        assert args.get("first") == "Int" and args.get("after") == "String", (owner, field["name"], args)
    node = {t["name"] for t in types.values() if any(i["name"] == "Node" for i in t["interfaces"] or ())}
    assert node == {
        "FeatureView", "Entity", "FeatureService", "GoldTable", "Experiment", "Run", "RegisteredModel",
        "ModelVersion", "TrainingJob", "Materialization",
    }  # fmt: skip


def test_page_info_says_where_a_page_starts_and_whether_items_come_before(client, objects):
    register_view(client, customer_view_input(unique("node_view_second")))
    query = "query($after: String) { featureViews(first: 1, after: $after) { edges { cursor } pageInfo { " \
            "startCursor endCursor hasNextPage hasPreviousPage } } }"  # fmt: skip
    first = gql(client, query).data["featureViews"]
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"] == first["pageInfo"]["endCursor"]
    assert first["pageInfo"]["hasPreviousPage"] is False and first["pageInfo"]["hasNextPage"] is True
    second = gql(client, query, {"after": first["pageInfo"]["endCursor"]}).data["featureViews"]
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["startCursor"] == second["edges"][0]["cursor"] != first["edges"][0]["cursor"]


def test_the_request_fetches_at_most_100_objects_by_id_across_its_fields(client):
    first = [_id("Entity", f"e{i}") for i in range(60)]
    second = [_id("Entity", f"f{i}") for i in range(60)]
    query = "query($a: [ID!]!, $b: [ID!]!) { a: nodes(ids: $a) { globalId } b: nodes(ids: $b) { globalId } }"
    answer = gql(client, query, {"a": first, "b": second}, errors=True)
    assert "LIMIT_EXCEEDED" in answer.codes() and answer.errors[0]["extensions"]["field"] == "ids"
    assert gql(client, query, {"a": first, "b": second[:40]}).data["a"] == [None] * 60
