"""Operations by hash over GraphQL: trusted documents (only a manifest's operations run, but for admins)
and automatic persisted queries, over POST, GET, batches and websockets."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import replace

import pytest

from server.app import create_app, create_services
from server.auth.roles import Role
from server.config import load_settings
from server.persisted_documents import ManifestError, load_manifest
from tests.support.client import local_client
from tests.support.server import asgard_command

VIEWS = "query Views { featureViews(first: 5) { totalCount } }"
VIEWER = "query Who { viewer { name role } }"
FOLLOW = 'subscription Follow { trainingJob(id: "missing") { status } }'
OTHER = "{ platformStatus { version } }"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def by_hash(text: str) -> dict:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}}


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    settings = load_settings(env={}, data_dir=tmp_path_factory.mktemp("persisted"))
    services = create_services(settings)
    tokens = {role: services.tokens.create(f"{role}-pq", Role(role)) for role in ("reader", "admin")}
    manifest = tmp_path_factory.mktemp("manifest") / "persisted-documents.json"
    # Code Generator's format, one entry under a non-SHA-256 id (as Relay's md5 would be)
    manifest.write_text(json.dumps({sha(VIEWS): VIEWS, "relay-md5-id": VIEWER, sha(FOLLOW): FOLLOW}))
    return settings, services, tokens, manifest


@pytest.fixture(scope="module")
def trusted(backend):
    settings, services, tokens, manifest = backend
    with local_client(create_app(replace(settings, trusted_documents=str(manifest)), services)) as client:
        yield client, tokens


def post(client, token, body, **headers):
    return client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}", **headers})


def test_a_trusted_operation_runs_by_its_hash_over_post_and_get(trusted):
    client, tokens = trusted
    answer = post(client, tokens["reader"], by_hash(VIEWS)).json()
    assert answer == {"data": {"featureViews": {"totalCount": 0}}}
    params = {"extensions": json.dumps(by_hash(VIEWER)["extensions"])}
    got = client.get("/graphql", params=params, headers={"Authorization": f"Bearer {tokens['reader']}"})
    assert got.json() == {"data": {"viewer": {"name": "reader-pq", "role": "READER"}}}, got.text


def test_a_document_id_names_a_trusted_document_as_the_graphql_over_http_proposal_spells_it(trusted):
    client, tokens = trusted
    auth = {"Authorization": f"Bearer {tokens['reader']}"}
    for document_id in (f"sha256:{sha(VIEWS)}", sha(VIEWS)):
        assert post(client, tokens["reader"], {"documentId": document_id}).json()["data"]["featureViews"]
    got = client.get("/graphql", params={"documentId": f"sha256:{sha(VIEWER)}"}, headers=auth)
    assert got.json()["data"]["viewer"]["name"] == "reader-pq", got.text
    batch = post(client, tokens["reader"], [{"documentId": f"sha256:{sha(VIEWS)}"}, {"documentId": sha(OTHER)}]).json()
    assert (
        batch[0]["data"]["featureViews"] and batch[1]["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    )
    for bad in ("md5:abc", 7, None, "sha256:" + "z" * 64):
        answer = post(client, tokens["reader"], {"documentId": bad}).json()
        assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (bad, answer)
    empty_query = client.get("/graphql", params={"documentId": sha(VIEWER), "query": ""}, headers=auth).json()
    assert empty_query["data"]["viewer"]["name"] == "reader-pq", empty_query
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": auth})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"documentId": f"sha256:{sha(FOLLOW)}"}})
        message = ws.receive_json()
        assert message["type"] == "next" and message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    variables = {"documentId": f"sha256:{sha(VIEWS)}"}  # a variable of that name is only a variable
    refused = post(client, tokens["reader"], {"query": OTHER, "variables": variables}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_an_unknown_hash_is_persisted_query_not_found(trusted):
    client, tokens = trusted
    answer = post(client, tokens["reader"], by_hash(OTHER)).json()
    assert answer["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert answer.get("data") is None


def test_only_admins_may_send_other_documents_and_any_may_send_a_trusted_one_as_text(trusted):
    client, tokens = trusted
    refused = post(client, tokens["reader"], {"query": OTHER}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN" and refused.get("data") is None
    assert post(client, tokens["admin"], {"query": OTHER}).json()["data"]["platformStatus"]["version"]
    assert post(client, tokens["reader"], {"query": VIEWS}).json() == {"data": {"featureViews": {"totalCount": 0}}}
    # a hash that is not its text's, or a malformed one, is the caller's mistake
    wrong = post(client, tokens["reader"], {"query": OTHER, **by_hash(VIEWS)}).json()
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad = post(client, tokens["reader"], {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "xyz"}}})
    assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_batch_runs_its_trusted_operations_and_refuses_the_others(trusted):
    client, tokens = trusted
    answers = post(client, tokens["reader"], [by_hash(VIEWS), {"query": OTHER}, by_hash(OTHER)]).json()
    assert answers[0] == {"data": {"featureViews": {"totalCount": 0}}}
    assert [a["errors"][0]["extensions"]["code"] for a in answers[1:]] == ["FORBIDDEN", "PERSISTED_QUERY_NOT_FOUND"]


def test_a_compiled_online_read_is_refused_as_any_other_text(trusted, backend):
    client, tokens = trusted
    query = '{ onlineFeatures(input: {features: ["x:y"], entities: {id: [1]}}) { rows } }'
    for _ in range(2):  # learned by the admin's run, then asked by a reader
        post(client, tokens["admin"], {"query": query})
    refused = post(client, tokens["reader"], {"query": query}).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_websocket_operations_go_by_hash_too(trusted):
    client, tokens = trusted
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {tokens['reader']}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(
            {"id": "1", "type": "subscribe", "payload": {"query": 'subscription { trainingJob(id: "x") { status } }'}}
        )
        refused = ws.receive_json()
        assert refused["type"] == "error" and refused["payload"][0]["extensions"]["code"] == "FORBIDDEN"
        ws.send_json({"id": "2", "type": "subscribe", "payload": by_hash(FOLLOW)})
        message = ws.receive_json()
        assert message["type"] == "next" and message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_automatic_persisted_queries_register_on_first_use(backend):
    settings, services, tokens, _ = backend
    with local_client(create_app(replace(settings, persisted_queries="auto"), services)) as client:
        first = post(client, tokens["reader"], by_hash(OTHER)).json()
        assert first["errors"][0]["message"] == "PersistedQueryNotFound"
        assert first["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        registered = post(client, tokens["reader"], {"query": OTHER, **by_hash(OTHER)}).json()
        assert registered["data"]["platformStatus"]["version"]
        assert post(client, tokens["reader"], by_hash(OTHER)).json() == registered
        assert post(client, tokens["reader"], {"query": VIEWS}).json()["data"]  # text still runs: not trusted mode
        oversized = "{ viewer { name } }" + "#" * 70_000  # over the 64 KiB query cap: refused, never kept
        refused = post(client, tokens["reader"], {"query": oversized, **by_hash(oversized)}).json()
        assert refused["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        again = post(client, tokens["reader"], by_hash(oversized)).json()
        assert again["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


def test_without_the_settings_a_hash_is_not_looked_up(backend):
    settings, services, tokens, _ = backend
    with local_client(create_app(settings, services)) as client:
        answer = post(client, tokens["reader"], by_hash(VIEWS))
        assert answer.status_code == 400  # no query: as before


def test_manifests_in_each_tools_format_and_damaged_ones(tmp_path):
    apollo = tmp_path / "apollo.json"
    operations = [{"id": sha(VIEWS), "name": "Views", "type": "query", "body": VIEWS}]
    apollo.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}))
    assert load_manifest(apollo) == {sha(VIEWS): VIEWS}
    for content in ("[]", "{}", json.dumps({sha(OTHER): VIEWS}), json.dumps({"x": 1}), "not json"):
        (tmp_path / "bad.json").write_text(content)
        with pytest.raises(ManifestError):
            load_manifest(tmp_path / "bad.json")
    with pytest.raises(ManifestError):
        load_manifest(tmp_path / "missing.json")


def test_a_bad_manifest_stops_the_server_with_a_message_not_a_traceback(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"x": 1}))
    for manifest in (tmp_path / "bad.json", tmp_path / "missing.json"):
        refused = subprocess.run(
            [*asgard_command(), "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "ASGARD_TRUSTED_DOCUMENTS": str(manifest)},
        )
        assert refused.returncode == 2 and "asgard: " in refused.stderr and str(manifest) in refused.stderr
        assert "Traceback" not in refused.stderr, refused.stderr
