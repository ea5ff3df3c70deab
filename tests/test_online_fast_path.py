"""The compiled onlineFeatures path answers exactly what the generic GraphQL pipeline answers."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from graphql import parse
from starlette.testclient import TestClient

from server.app import create_app
from server.online_fast_path import compile_plan
from tests.support.client import local_client
from tests.support.graphql import create_service, customer_view_input, register_view, unique
from tests.support.serving import END, START, count_compiled, materialize

QUERIES = {
    "plain": """query Online($i: OnlineFeaturesInput!) {
        onlineFeatures(input: $i) { columns { name dtype } rows statuses eventTimestamps } }""",
    "aliases and repeats": """query Aliased($i: OnlineFeaturesInput!) {
        t: onlineFeatures(input: $i) { __typename cols: columns { n: name } columns { dtype __typename }
        columns { name } values: rows rows } }""",
    "anonymous": "query($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { rows } }",
    "literal argument": """{ onlineFeatures(input: {features: ["%s:total_orders"], entities: {customer_id: [1001]}})
        { columns { name } rows } }""",
}
NOT_COMPILED = {
    "fragment": """query($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { ...T } }
        fragment T on FeatureTable { rows }""",
    "directive": "query($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { rows @include(if: true) } }",
    "two root fields": "query($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { rows } viewer { name } }",
    "another field": "query { viewer { name } }",
    "mutation": 'mutation { createExperiment(input: {name: "x"}) { userErrors { code } } }',
}


@pytest.fixture(scope="module")
def view(client: TestClient) -> str:
    name = unique("fast_customers")
    register_view(client, customer_view_input(name))
    assert materialize(client, [name], start=START, end=END)["status"] == "SUCCEEDED"
    return name


@pytest.fixture(scope="module")
def generic(settings, services) -> Any:
    with local_client(create_app(replace(settings, online_fast_path=False), services)) as c:
        yield c


def post(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def compiled(monkeypatch) -> list[bool]:
    """Whether each request the compiled path looked at was answered by it (True) or left to the pipeline."""
    return count_compiled(monkeypatch)


def both(client: TestClient, generic: TestClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Ask three times (the second and third take the compiled path) and compare with the generic app."""
    answers = [post(client, query, variables) for _ in range(3)]
    expected = post(generic, query, variables)
    for answer in answers:
        assert answer == expected
        assert list(answer.get("data") or {}) == list(expected.get("data") or {})
    return expected


@pytest.mark.parametrize("shape", sorted(QUERIES))
def test_same_answers_as_the_generic_pipeline(client, generic, view, shape, compiled):
    query = QUERIES[shape].replace("%s", view)
    variables = {
        "i": {
            "features": [f"{view}:total_orders", f"{view}:avg_order_value"],
            "entities": {"customer_id": [1001, 1002, 999999]},
        }
    }
    answer = both(client, generic, query, variables)
    assert "errors" not in answer
    data = next(iter(answer["data"].values()))
    assert any(v for v in data.values())
    assert True in compiled  # the compiled path answered: a fast path that always failed would not pass


@pytest.mark.parametrize(
    "variables",
    [
        {"i": {"features": ["nope:x"], "entities": {"customer_id": [1]}}},
        {"i": {"features": [], "entities": {"customer_id": [1]}}},
        {"i": {"entities": {"customer_id": [1]}}},
        {"i": {"features": ["%s:total_orders"], "entities": {"order_id": [1]}}},
        {"i": {"features": ["%s:total_orders"], "entities": {"customer_id": ["not a number"]}}},
        {"i": {"features": ["%s:total_orders"], "entities": {"customer_id": [1]}, "fullFeatureNames": "yes"}},
        {"i": {"features": "%s:total_orders"}},
        {},
    ],
)
def test_bad_input_is_worded_by_the_generic_pipeline(client, generic, view, variables):
    query = QUERIES["plain"]
    good = {"i": {"features": [f"{view}:total_orders"], "entities": {"customer_id": [1001]}}}
    assert "errors" not in post(client, query, good)  # compiled from here on
    bad = json.loads(json.dumps(variables).replace("%s", view))
    answer = both(client, generic, query, bad)
    assert answer["errors"] and "data" in answer


def test_full_feature_names_and_feature_services(client, generic, view):
    service = unique("fast_service")
    assert create_service(client, service, [view])["userErrors"] == []
    both(client, generic, QUERIES["plain"], {"i": {"featureService": service, "entities": [{"customer_id": 1003}]}})
    both(
        client,
        generic,
        QUERIES["plain"],
        {"i": {"features": [f"{view}:total_spent"], "entities": {"customer_id": [1004]}, "fullFeatureNames": True}},
    )


def test_compiled_requests_are_counted_in_metrics(client, view):
    query = QUERIES["plain"].replace("query Online", "query CountedOnline")
    variables = {"i": {"features": [f"{view}:total_orders"], "entities": {"customer_id": [1001]}}}
    for _ in range(4):
        assert "errors" not in post(client, query, variables)
    metrics = client.get("/metrics").text
    line = next(
        x for x in metrics.splitlines() if x.startswith("asgard_graphql_operations_total") and "CountedOnline" in x
    )
    assert line.endswith(" 4.0"), line


@pytest.mark.parametrize("name", sorted(NOT_COMPILED))
def test_only_plain_online_queries_compile(name):
    assert compile_plan(parse(NOT_COMPILED[name]), None) is None


def test_plain_online_queries_compile():
    for query in QUERIES.values():
        assert compile_plan(parse(query), None) is not None
    two = QUERIES["plain"] + " query Other { viewer { name } }"
    assert compile_plan(parse(two), None) is None  # which one runs is the client's choice: name it
    assert compile_plan(parse(two), "Online") is not None
    assert compile_plan(parse(two), "Other") is None


def test_the_compiled_answer_carries_the_pipelines_headers(client, generic, view, compiled):
    query = QUERIES["plain"]
    variables = {"i": {"features": [f"{view}:total_orders"], "entities": {"customer_id": [1001]}}}
    for accept in ("application/json", "application/graphql-response+json"):
        answers = [
            c.post("/graphql", json={"query": query, "variables": variables}, headers={"accept": accept})
            for c in (client, client, generic)
        ]
        for answer in answers:
            assert answer.headers["content-type"] == accept and answer.headers["cache-control"] == "no-store"
    assert True in compiled
