"""GraphQL over websockets (graphql-transport-ws): a message that breaks the protocol closes the socket
with 4400 and its reason, never an internal error; the access log says how each socket went."""

from __future__ import annotations

import logging
import time

import pytest

from tests.support.graphql import customer_view_input

PROTOCOL = ["graphql-transport-ws"]
QUERY = "{ platformStatus { version } }"


def _closed_by(client, message) -> dict:
    with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        if isinstance(message, str):
            ws.send_text(message)
        else:
            ws.send_json(message)
        return ws.receive()


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ({"id": "1", "type": "subscribe", "payload": None}, "payload is an object"),
        ({"id": "1", "type": "subscribe"}, "payload is an object"),
        ({"id": "1", "type": "subscribe", "payload": []}, "payload is an object"),
        ({"id": "1", "type": "subscribe", "payload": {"query": 7}}, "payload.query"),
        ({"id": "1", "type": "subscribe", "payload": {}}, "payload.query"),
        ({"id": "1", "type": "subscribe", "payload": {"query": QUERY, "variables": [1]}}, "variables"),
        ({"id": "1", "type": "subscribe", "payload": {"query": QUERY, "operationName": 1}}, "operationName"),
        ({"id": "1", "type": "subscribe", "payload": {"query": QUERY, "extensions": "x"}}, "extensions"),
        ({"id": 1, "type": "subscribe", "payload": {"query": QUERY}}, "string id"),
        ({"id": "", "type": "subscribe", "payload": {"query": QUERY}}, "string id"),
        ({"type": "complete"}, "string id"),
        ({"type": 5}, "string type"),
        ("[]", "JSON object"),
        ("null", "JSON object"),
        ('"subscribe"', "JSON object"),
    ],
)
def test_a_message_outside_the_protocol_closes_with_4400_and_why(client, message, reason, caplog):
    with caplog.at_level(logging.ERROR):
        closed = _closed_by(client, message)
    assert closed["type"] == "websocket.close" and closed["code"] == 4400, closed
    assert reason in closed["reason"], closed
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def test_a_null_connection_init_payload_is_accepted_and_the_socket_works(client):
    with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": None})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "a", "type": "subscribe", "payload": {"query": QUERY, "variables": None}})
        assert ws.receive_json()["payload"]["data"]["platformStatus"]["version"]
        assert ws.receive_json() == {"id": "a", "type": "complete"}


def test_the_access_log_gives_a_socket_its_upgrade_and_its_close(client, caplog):
    with caplog.at_level(logging.INFO, logger="asgard.access"):
        _closed_by(client, {"type": 5})
        with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            ws.receive_json()
    lines = [r.getMessage() for r in caplog.records if r.name == "asgard.access" and "method=WS" in r.getMessage()]
    assert any("status=101 close=4400" in line for line in lines), lines
    assert any(" status=101 operation" in line for line in lines), lines
    assert not any("status=500" in line for line in lines), lines


def _operate(ws, op_id: str, query: str, variables: dict | None = None) -> list[dict]:
    """Subscribe, and every message for that id until it completes or errs."""
    ws.send_json({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
    messages = []
    while True:
        message = ws.receive_json()
        assert message.get("id") == op_id, message
        messages.append(message)
        if message["type"] in ("complete", "error"):
            return messages


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ platformStatus { version }", "GRAPHQL_PARSE_FAILED"),
        ("{ platformStatus { version } }" + " " * 70_000, "LIMIT_EXCEEDED"),
        ("{ entities { " + "name " * 2_100 + "} }", "LIMIT_EXCEEDED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
def test_a_document_that_fails_before_it_runs_is_the_operations_error_as_over_http(client, query, code, caplog):
    with caplog.at_level(logging.ERROR), client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        ws.receive_json()
        messages = _operate(ws, "1", query)
        assert [m["type"] for m in messages] == ["error"], messages
        assert messages[0]["payload"][0]["extensions"]["code"] == code, messages
        assert _operate(ws, "2", QUERY)[0]["payload"]["data"]  # the socket goes on
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    over_http = client.post("/graphql", json={"query": query}).json()
    assert over_http["errors"][0]["extensions"]["code"] == code


def test_each_operation_on_a_socket_has_its_own_budgets_and_sees_current_data(client):
    from server.global_ids import encode
    from tests.support.graphql import gql, register_view, unique

    ids = [encode("FeatureView", f"no-such-view-{i}") for i in range(60)]
    entity, view = unique("ws_entity"), unique("ws_view")
    register = "mutation($i: RegisterEntityInput!) { registerEntity(input: $i) { userErrors { code } } }"
    assert gql(client, register, {"i": {"name": entity, "joinKey": "customer_id", "description": "before"}})
    register_view(client, customer_view_input(view, entities=[entity]))
    read = f'{{ featureView(name: "{view}") {{ entities {{ name description }} }} }}'
    with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        ws.receive_json()
        for i in range(4):  # 60 ids each: past the 100 a request may look up, were the budget the socket's
            answer = _operate(ws, f"n{i}", "query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }", {"ids": ids})
            assert answer[0]["type"] == "next" and "errors" not in answer[0]["payload"], answer
        first = _operate(ws, "r1", read)[0]["payload"]["data"]["featureView"]["entities"]
        assert first == [{"name": entity, "description": "before"}]
        gql(client, register, {"i": {"name": entity, "joinKey": "customer_id", "description": "after"}})
        deadline = time.monotonic() + 30  # the registry snapshot's cache time, then the socket's next read
        while _operate(ws, "r2", read)[0]["payload"]["data"]["featureView"]["entities"][0]["description"] != "after":
            assert time.monotonic() < deadline, "the socket kept the entity it had read first"
            time.sleep(0.2)


def test_a_subscribe_with_an_id_in_use_closes_4409_before_its_document_is_read(client):
    with client.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        ws.receive_json()
        ws.send_json(
            {"id": "A", "type": "subscribe", "payload": {"query": "subscription { featureViewChanged { name } }"}}
        )
        ws.send_json({"id": "A", "type": "subscribe", "payload": {"query": "{ not graphql"}})
        closed = ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 4409, closed
    # (the close came first: no GRAPHQL_PARSE_FAILED error for an id the running subscription holds)
