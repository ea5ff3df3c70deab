"""GraphQL over websockets (graphql-transport-ws): a message that breaks the protocol closes the socket
with 4400 and its reason, never an internal error; the access log says how each socket went."""

from __future__ import annotations

import logging

import pytest

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
