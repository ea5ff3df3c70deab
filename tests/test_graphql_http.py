"""GraphQL over HTTP as its specification says: media types and status codes, GET for queries only and
with caching headers, a 405 with Allow for a mutation over GET."""

from __future__ import annotations

import pytest

SPEC = "application/graphql-response+json"
ENTITIES = "{ entities { name } }"


def post(client, body, accept=None):
    headers = {"accept": accept} if accept else {}
    return client.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize(
    "query",
    [
        "{ entities { name ",  # does not parse
        "{ noSuchField }",  # does not validate
        "query A { entities { name } } query B { entities { name } }",  # no operation named
        {"query": "query A { entities { name } }", "operationName": "B"},  # no operation of that name
        "fragment F on Query { entities { name } }",  # no operation at all
        {"query": "query V($n: Int!) { featureViews(first: $n) { totalCount } }", "variables": {"n": "x"}},
        {"query": "query V($n: Int!) { featureViews(first: $n) { totalCount } }"},  # a required variable missing
        {"query": "query V($n: Int!) { featureViews(first: $n) { totalCount } }", "variables": {"n": 2**40}},
    ],
)
def test_a_request_error_is_a_400_without_data_for_the_spec_media_type(client, query):
    body = query if isinstance(query, dict) else {"query": query}
    answer = post(client, body, accept=SPEC)
    assert answer.status_code == 400 and answer.headers["content-type"] == SPEC, answer.text
    errors = answer.json()
    assert "data" not in errors and errors["errors"], errors
    assert all("INTERNAL" not in e.get("extensions", {}).get("code", "") for e in errors["errors"]), errors
    legacy = post(client, body, accept="application/json")  # legacy clients: 200 for every GraphQL response
    assert legacy.status_code == 200 and legacy.headers["content-type"].startswith("application/json")
    assert legacy.json()["data"] is None and legacy.json()["errors"]


def test_an_executed_request_is_a_200_with_data_even_with_field_errors(client):
    answer = post(client, {"query": '{ experiment(id: "1", name: "x") { id } entities { name } }'}, accept=SPEC)
    assert answer.status_code == 200 and answer.headers["content-type"] == SPEC
    body = answer.json()
    assert body["data"]["experiment"] is None and isinstance(body["data"]["entities"], list)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_the_client_chooses_the_media_type_by_its_accept_header(client):
    for accept, expected in [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (f"{SPEC}, application/json;q=0.9", SPEC),
        (f"{SPEC};q=0.5, application/json", "application/json"),
        (SPEC, SPEC),
    ]:
        answer = post(client, {"query": ENTITIES}, accept=accept)
        assert answer.status_code == 200 and answer.headers["content-type"] == expected, accept
        assert answer.headers["cache-control"] == "no-store"


def test_get_answers_queries_with_caching_headers_and_revalidates(client):
    answer = client.get("/graphql", params={"query": ENTITIES}, headers={"accept": "application/json"})
    assert answer.status_code == 200 and "entities" in answer.json()["data"]
    assert answer.headers["cache-control"] == "private, no-cache"
    assert answer.headers["vary"] == "Accept, Authorization"
    tag = answer.headers["etag"]
    again = client.get(
        "/graphql", params={"query": ENTITIES}, headers={"accept": "application/json", "if-none-match": tag}
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = client.get("/graphql", params={"query": "{ viewer { name } }"}, headers={"if-none-match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag


def test_a_mutation_over_get_is_405_with_allow(client):
    mutation = 'mutation { createExperiment(input: {name: "by-get-405"}) { experiment { id } } }'
    for accept in (SPEC, "application/json"):
        answer = client.get("/graphql", params={"query": mutation}, headers={"accept": accept})
        assert answer.status_code == 405 and answer.headers["allow"] == "POST"
        assert answer.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        assert answer.headers["cache-control"] == "no-store"
    assert post(client, {"query": '{ experiment(name: "by-get-405") { id } }'}).json()["data"]["experiment"] is None


def test_head_is_get_without_a_body_and_if_none_match_star_revalidates(client):
    get = client.get("/graphql", params={"query": ENTITIES}, headers={"accept": "application/json"})
    head = client.head("/graphql", params={"query": ENTITIES}, headers={"accept": "application/json"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"] and head.headers["content-length"] == str(len(get.content))
    star = client.get("/graphql", params={"query": ENTITIES}, headers={"if-none-match": "*"})
    assert star.status_code == 304 and star.content == b""
    mutation = 'mutation { createExperiment(input: {name: "by-head-405"}) { experiment { id } } }'
    assert client.head("/graphql", params={"query": mutation}).status_code == 405


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/json;q=0, text/plain"])
def test_an_accept_header_without_a_json_type_is_406_before_anything_runs(client, accept):
    mutation = 'mutation { createExperiment(input: {name: "not-acceptable"}) { experiment { id } } }'
    answer = post(client, {"query": mutation}, accept=accept)
    assert answer.status_code == 406 and answer.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert client.get("/graphql", params={"query": ENTITIES}, headers={"accept": accept}).status_code == 406
    assert post(client, {"query": '{ experiment(name: "not-acceptable") { id } }'}).json()["data"]["experiment"] is None
    for fine in ("*/*", "application/*", "application/json", f"{SPEC};q=0.1, text/html", f"{SPEC};q=abc"):
        assert post(client, {"query": ENTITIES}, accept=fine).status_code == 200, fine
    assert client.get("/graphql", headers={"accept": "text/html"}).status_code == 200  # GraphiQL's page


def test_parse_and_validation_errors_carry_codes(client):
    broken = post(client, {"query": "{ entities { name "}).json()["errors"]
    assert [e["extensions"]["code"] for e in broken] == ["GRAPHQL_PARSE_FAILED"]
    invalid = post(client, {"query": "{ noSuchField entities { nope } }"}).json()["errors"]
    assert {e["extensions"]["code"] for e in invalid} == {"GRAPHQL_VALIDATION_FAILED"} and len(invalid) == 2


@pytest.mark.parametrize("name", ["variables", "extensions"])
def test_a_get_parameter_that_is_not_json_is_named(client, name):
    answer = client.get("/graphql", params={"query": ENTITIES, name: "{not json"})
    assert answer.status_code == 400 and answer.headers["content-type"].startswith("application/json")
    assert answer.json()["errors"][0]["message"] == f"the {name} parameter is not JSON"
