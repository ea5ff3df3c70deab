"""Internal errors are masked with a request id; a backend that is down is an answer, not a crash."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from server.app import create_app
from server.services.gold_catalog import GoldCatalog
from tests.support.client import local_client
from tests.support.graphql import gql


@pytest.fixture(scope="module")
def broken_gold(settings, services, tmp_path_factory):
    """The same server with its gold catalog pointed at a database that cannot be opened."""
    missing = tmp_path_factory.mktemp("gone") / "no" / "such" / "dir" / "catalog.db"
    bad_settings = replace(settings, catalog_uri=f"sqlite:///{missing}")
    broken = replace(services, gold=GoldCatalog(bad_settings))
    with local_client(create_app(bad_settings, broken)) as c:
        yield c


def test_internal_error_is_masked_and_logged_with_the_request_id(broken_gold, caplog):
    caplog.set_level(logging.ERROR, logger="asgard.errors")
    response = broken_gold.post(
        "/graphql",
        json={"query": "{ goldTables { name } }"},
        headers={"X-Request-ID": "trace-me-1"},
    )
    body = response.json()
    error = body["errors"][0]
    assert error["message"] == "internal error (request id trace-me-1)"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "trace-me-1"}
    assert "sqlite" not in response.text.lower() and "traceback" not in response.text.lower()
    assert any("trace-me-1" in r.getMessage() for r in caplog.records)
    assert any(r.exc_info for r in caplog.records)


def test_platform_status_reports_a_backend_that_is_down(broken_gold):
    status = gql(broken_gold, "{ platformStatus { catalogAvailable feastAvailable goldTables featureViews } }").data[
        "platformStatus"
    ]
    assert status["catalogAvailable"] is False
    assert status["goldTables"] is None
    assert status["feastAvailable"] is True
    assert isinstance(status["featureViews"], int)


def test_readyz_says_which_backend_is_not_ready(broken_gold):
    response = broken_gold.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["checks"]["registry"] == "ok"
    assert body["checks"]["mlflow"] == "ok"
    assert body["checks"]["goldCatalog"].startswith("unavailable")


def test_syntax_and_validation_errors_are_shown_as_they_are(client):
    result = gql(client, "{ entities { nosuchfield } }", errors=True)
    assert "nosuchfield" in result.errors[0]["message"]
    result = gql(client, "{ entities { ", errors=True)
    assert "Syntax Error" in result.errors[0]["message"]


def test_malformed_json_body_is_a_400(client):
    response = client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_subscription_over_plain_http_is_refused_with_a_pointer_to_the_websocket(client, method):
    query = 'subscription Follow { trainingJob(id: "no-such-job") { status } } query Other { viewer { name } }'
    params = {"query": query, "operationName": "Follow"}
    response = client.post("/graphql", json=params) if method == "POST" else client.get("/graphql", params=params)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "websocket" in error["message"]
    # the other operation of the same document, and the word in a string, are not refused
    other = client.post("/graphql", json={"query": query, "operationName": "Other"})
    assert other.status_code == 200 and other.json()["data"]["viewer"]["name"]
    text = client.post("/graphql", json={"query": '{ goldTable(name: "subscription") { name } }'})
    assert text.status_code == 200 and text.json()["data"] == {"goldTable": None}
