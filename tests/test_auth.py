"""Tokens and roles: who may call, and what each role may do. A server of its own (tokens exist)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import websockets

from server.app import create_app, create_services
from server.auth.roles import Role
from server.auth.tokens import TokenStore
from server.config import ConfigError, load_settings
from server.schema.build import build_schema
from server.services.demo import load_demo_gold_layer
from tests.support.client import local_client
from tests.support.graphql import REGISTER_VIEW, customer_view_input, unique
from tests.support.http_client import HTTP
from tests.support.server import ServerProcess, asgard_command, create_token

ROLES = ("reader", "editor", "trainer", "admin")


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    settings = load_settings(env={}, data_dir=tmp_path_factory.mktemp("secured"), registry_cache_seconds=0.5)
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    tokens = {role: services.tokens.create(f"{role}-bot", Role(role)) for role in ROLES}
    tokens["revoked"] = services.tokens.create("old-bot", Role.ADMIN)
    services.tokens.revoke("old-bot")
    with local_client(create_app(settings, services)) as client:
        yield client, tokens, services, settings


def client_document(name: str) -> str:
    """An operation of clients/operations with its fragments, as the typed clients send it."""
    manifest = Path(__file__).resolve().parent.parent / "clients" / "typescript" / "src" / "gql"
    documents = json.loads((manifest / "persisted-documents.json").read_text()).values()
    return next(d for d in documents if re.search(rf"\b(query|mutation|subscription) {name}\b", d))


def call(client, token: str | None, query: str, variables: dict | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


def test_requests_without_a_valid_token_get_401(secured):
    client, tokens, _, _ = secured
    for token in (None, "asg_000000000000_" + "x" * 43, "not-even-a-token", tokens["revoked"]):
        response = call(client, token, "{ entities { name } }")
        assert response.status_code == 401, token
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert call(client, tokens["reader"], "{ entities { name } }").status_code == 200
    basic = client.post("/graphql", json={"query": "{ entities { name } }"}, headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


def test_a_token_in_the_url_is_refused(secured):
    client, tokens, _, _ = secured
    response = client.post(
        f"/graphql?token={tokens['admin']}",
        json={"query": "{ entities { name } }"},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert response.status_code == 401
    assert "never in the URL" in response.json()["errors"][0]["message"]
    assert client.get(f"/graphql?access_token={tokens['admin']}&query={{entities{{name}}}}").status_code == 401


def test_open_and_closed_endpoints(secured):
    client, tokens, _, _ = secured
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {tokens['reader']}"}).status_code == 200
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()  # the explorer itself holds no data
    assert client.get("/graphql", params={"query": "{ entities { name } }"}).status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_viewer_tells_the_caller_who_they_are(secured, role):
    client, tokens, _, _ = secured
    viewer = call(client, tokens[role], "{ viewer { name role authenticated } }").json()["data"]["viewer"]
    assert viewer == {"name": f"{role}-bot", "role": role.upper(), "authenticated": True}


# One call per mutation; the test below fails when a mutation is added without a role test.
MUTATIONS = {
    "registerFeatureView": (
        "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { change } }",
        {"i": customer_view_input("role_view")},
        "editor",
    ),
    "registerEntity": (
        'mutation { registerEntity(input: {name: "role_entity", joinKey: "customer_id"}) { change } }',
        {},
        "editor",
    ),
    "deleteFeatureView": ('mutation { deleteFeatureView(name: "x") { name } }', {}, "editor"),
    "createFeatureService": (
        'mutation { createFeatureService(input: {name: "s", featureViews: [{name: "x"}]}) { change } }',
        {},
        "editor",
    ),
    "deleteFeatureService": ('mutation { deleteFeatureService(name: "x") { name } }', {}, "editor"),
    "createExperiment": (
        'mutation { createExperiment(input: {name: "role-exp"}) { experiment { id } } }',
        {},
        "editor",
    ),
    "setExperimentTag": (
        'mutation { setExperimentTag(input: {experimentId: "0", key: "k", value: "v"}) { experiment { id } } }',
        {},
        "editor",
    ),
    "setModelAlias": (
        'mutation { setModelAlias(input: {model: "m", alias: "a", version: 1}) { userErrors { code } } }',
        {},
        "editor",
    ),
    "deleteModelAlias": ('mutation { deleteModelAlias(input: {model: "m", alias: "a"}) { name } }', {}, "editor"),
    "setModelVersionTag": (
        'mutation { setModelVersionTag(input: {model: "m", version: 1, key: "k", value: "v"}) { userErrors { code } } }',
        {},
        "editor",
    ),
    "updateRegisteredModel": (
        'mutation { updateRegisteredModel(input: {name: "m", description: "d"}) { userErrors { code } } }',
        {},
        "editor",
    ),
    "materialize": (
        'mutation { materialize(input: {featureViews: ["x"], incremental: true}) { userErrors { code } } }',
        {},
        "editor",
    ),
    "pushFeatures": (
        'mutation { pushFeatures(input: {featureView: "x", rows: [{a: 1}]}) { userErrors { code } } }',
        {},
        "editor",
    ),
    "predict": ('mutation { predict(input: {model: "m", rows: [{a: 1}]}) { userErrors { code } } }', {}, "editor"),
    "exportHistoricalFeatures": (
        'mutation { exportHistoricalFeatures(input: {features: ["x:y"], entities: {customer_id: [1]}}) { userErrors { code } } }',
        {},
        "reader",
    ),
    "submitTrainingJob": (
        'mutation { submitTrainingJob(input: {scriptName: "t.py", script: "print(1)", experimentName: "role-jobs"}) { job { id } } }',
        {},
        "trainer",
    ),
    "cancelTrainingJob": ('mutation { cancelTrainingJob(id: "x") { userErrors { code } } }', {}, "trainer"),
}


def test_every_mutation_has_a_role_test():
    assert set(MUTATIONS) == set(build_schema()._schema.mutation_type.fields)


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_each_mutation_needs_its_role(secured, mutation):
    client, tokens, services, _ = secured
    query, variables, needed = MUTATIONS[mutation]
    before = services.registry.snapshot(max_age=0)
    for role in ROLES:
        body = call(client, tokens[role], query, variables).json()
        allowed = Role(role).includes(Role(needed))
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
        if allowed:
            assert "FORBIDDEN" not in codes, (role, body)
        else:
            assert codes == ["FORBIDDEN"], (role, body)
            assert body["data"] is None
            # a refused call changes nothing
            assert services.registry.snapshot(max_age=0) == before


def test_scripts_and_parameters_are_for_trainers(secured):
    client, tokens, _, _ = secured
    submitted = call(
        client,
        tokens["trainer"],
        'mutation { submitTrainingJob(input: {scriptName: "t.py", script: "print(2)", experimentName: "vis", parameters: {secret: 1}}) { job { id } userErrors { code } } }',
    ).json()["data"]["submitTrainingJob"]
    job_id = submitted["job"]["id"]
    query = "query($id: ID!) { trainingJob(id: $id) { id status script parameters } }"
    as_reader = call(client, tokens["reader"], query, {"id": job_id}).json()
    assert as_reader["data"]["trainingJob"]["id"] == job_id
    assert as_reader["data"]["trainingJob"]["script"] is None
    assert as_reader["data"]["trainingJob"]["parameters"] is None
    assert sorted(e["path"][-1] for e in as_reader["errors"]) == ["parameters", "script"]
    assert {e["extensions"]["code"] for e in as_reader["errors"]} == {"FORBIDDEN"}
    as_trainer = call(client, tokens["trainer"], query, {"id": job_id}).json()
    assert "errors" not in as_trainer
    assert as_trainer["data"]["trainingJob"]["script"] == "print(2)"
    assert as_trainer["data"]["trainingJob"]["parameters"] == {"secret": 1}
    # nested access is checked too: a reader reaching jobs through a list sees no scripts either
    listed = call(client, tokens["reader"], "{ trainingJobs { edges { node { script } } } }").json()
    assert {e["extensions"]["code"] for e in listed["errors"]} == {"FORBIDDEN"}


def test_websockets_authenticate_in_connection_init(secured):
    client, tokens, _, _ = secured
    query = 'subscription { trainingJob(id: "missing") { status } }'
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {}})
        closed = ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 4403
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {tokens['reader']}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        message = ws.receive_json()
        assert message["type"] == "next"
        assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_batches_and_root_fields_are_limited(secured):
    client, tokens, _, _ = secured
    headers = {"Authorization": f"Bearer {tokens['reader']}"}
    ten = [{"query": "{ viewer { name } }"}] * 10
    assert client.post("/graphql", json=ten, headers=headers).status_code == 200
    eleven = client.post("/graphql", json=ten + ten[:1], headers=headers)
    assert eleven.status_code == 400
    assert eleven.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    twenty = (
        "{ "
        + " ".join(f"v{i}: viewer {{ name }}" for i in range(15))
        + " "
        + " ".join(["entities { name }"] * 5)
        + " }"
    )
    assert "errors" not in call(client, tokens["reader"], twenty).json()
    over = (
        "{ "
        + " ".join(f"v{i}: viewer {{ name }}" for i in range(15))
        + " "
        + " ".join(["entities { name }"] * 6)
        + " }"
    )
    assert call(client, tokens["reader"], over).json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


def test_only_json_posts(secured):
    client, tokens, _, _ = secured
    response = client.post(
        "/graphql",
        content="query=%7Bentities%7Bname%7D%7D",
        headers={"Authorization": f"Bearer {tokens['reader']}", "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_a_50_mb_body_is_refused_before_it_is_read(secured):
    client, tokens, _, _ = secured
    response = client.post(
        "/graphql",
        content=b"x" * (50 * 1024 * 1024),
        headers={"Authorization": f"Bearer {tokens['reader']}", "content-type": "application/json"},
    )
    assert response.status_code == 413


def test_introspection_graphiql_cors_and_hosts_are_configurable(secured):
    _, tokens, services, settings = secured
    locked = replace(
        settings,
        introspection=False,
        graphiql=False,
        cors_origins=("https://ui.example.com",),
        allowed_hosts=("asgard.example.com", "testserver"),
    )
    with local_client(create_app(locked, services)) as client:
        headers = {"Authorization": f"Bearer {tokens['reader']}"}
        introspection = client.post("/graphql", json={"query": "{ __schema { types { name } } }"}, headers=headers)
        assert introspection.json()["errors"]
        assert (
            client.get("/graphql", headers={"Accept": "text/html"}).status_code != 200
            or "graphiql" not in client.get("/graphql", headers={"Accept": "text/html"}).text.lower()
        )
        allowed = client.post(
            "/graphql", json={"query": "{ viewer { name } }"}, headers=headers | {"Origin": "https://ui.example.com"}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://ui.example.com"
        other = client.post(
            "/graphql", json={"query": "{ viewer { name } }"}, headers=headers | {"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        wrong_host = client.get("/healthz", headers={"Host": "evil.example"})
        assert wrong_host.status_code == 421


def test_token_cli_and_a_public_bind_without_tokens(tmp_path):
    data = tmp_path / "cli"
    created = subprocess.run(
        [*asgard_command(), "token", "create", "--name", "ci", "--role", "editor", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        check=True,
    )
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("asg_") and len(token) > 40
    listed = subprocess.run(
        [*asgard_command(), "token", "list", "--data-dir", str(data)], capture_output=True, text=True, check=True
    ).stdout
    assert "ci\teditor" in listed and token not in listed
    subprocess.run(
        [*asgard_command(), "token", "revoke", "ci", "--data-dir", str(data)], check=True, capture_output=True
    )
    assert (
        "revoked"
        in subprocess.run(
            [*asgard_command(), "token", "list", "--data-dir", str(data)], capture_output=True, text=True, check=True
        ).stdout
    )
    _refuses_to_serve_without_tokens("0.0.0.0", tmp_path / "open")


def _refuses_to_serve_without_tokens(host: str, data: Path) -> None:
    refused = subprocess.run(
        [*asgard_command(), "serve", "--host", host, "--port", "0", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2
    assert "asgard token create" in refused.stderr


def test_tokens_are_stored_hashed(secured):
    _, tokens, services, _ = secured
    from sqlalchemy import select

    from server.auth.tokens import api_tokens

    with services.tokens.engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(select(api_tokens)).all() for v in row)
    for token in tokens.values():
        secret = token.split("_", 2)[2]  # asg_<id>_<secret>: the secret may hold "_" itself (URL-safe base64)
        assert len(secret) >= 40 and secret not in stored


def test_a_real_server_with_tokens_over_tcp_and_websockets(tmp_path):
    data = tmp_path / "tcp"
    token = create_token(data, "ops", "reader")
    server = ServerProcess(data).start()
    try:
        assert HTTP.post(f"{server.url}/graphql", json={"query": "{ viewer { name } }"}).status_code == 401
        ok = HTTP.post(
            f"{server.url}/graphql",
            json={"query": "{ viewer { name role } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert ok.json()["data"]["viewer"] == {"name": "ops", "role": "READER"}

        async def ws(payload: dict) -> dict:
            async with websockets.connect(
                server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
            ) as conn:
                await conn.send(json.dumps({"type": "connection_init", "payload": payload}))
                try:
                    return json.loads(await conn.recv())
                except websockets.ConnectionClosed as closed:
                    return {"closed": closed.rcvd.code if closed.rcvd else None}

        assert asyncio.run(ws({})) == {"closed": 4403}
        assert asyncio.run(ws({"Authorization": f"Bearer {token}"}))["type"] == "connection_ack"
    finally:
        server.stop()
    assert sys.executable


# ---- failing closed ---------------------------------------------------------------------------------

ANONYMOUS = {"query": "{ viewer { name role } }"}


def _fresh(tmp_path_factory, name: str, **changes):
    settings = load_settings(env={}, data_dir=tmp_path_factory.mktemp(name), registry_cache_seconds=0.5)
    return replace(settings, **changes), create_services(replace(settings, **changes))


def test_revoking_every_token_never_opens_the_server(tmp_path_factory):
    """The mode is decided at start-up: a server that started with tokens stays closed."""
    settings, services = _fresh(tmp_path_factory, "rotation", token_cache_seconds=0.2)
    token = services.tokens.create("only", Role.ADMIN)
    with local_client(create_app(settings, services)) as client:
        assert client.post("/graphql", json=ANONYMOUS).status_code == 401
        services.tokens.revoke("only")
        # and from another process (the CLI), whose revoke this process learns only from the database
        other = TokenStore(services.jobs.engine)
        second = services.tokens.create("second", Role.ADMIN)
        other.revoke("second")
        time.sleep(0.5)  # past the token cache: nothing anyone cached can open it
        for headers in ({}, {"Authorization": f"Bearer {token}"}, {"Authorization": f"Bearer {second}"}):
            response = client.post("/graphql", json=ANONYMOUS, headers=headers)
            assert response.status_code == 401, (headers, response.text)
        for path in ("/metrics", "/mlops/status", "/feast/status"):
            assert client.get(path).status_code == 401
        with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            assert ws.receive()["code"] == 4403


def test_a_server_without_tokens_closes_when_one_is_created(tmp_path_factory):
    settings, services = _fresh(tmp_path_factory, "closing", token_cache_seconds=0.2)
    with local_client(create_app(settings, services)) as client:
        assert client.post("/graphql", json=ANONYMOUS).json()["data"]["viewer"]["role"] == "ADMIN"
        token = TokenStore(services.jobs.engine).create("first", Role.READER)  # another process
        time.sleep(0.5)
        assert client.post("/graphql", json=ANONYMOUS).status_code == 401
        ok = client.post("/graphql", json=ANONYMOUS, headers={"Authorization": f"Bearer {token}"})
        assert ok.json()["data"]["viewer"] == {"name": "first", "role": "READER"}
        TokenStore(services.jobs.engine).revoke("first")
        time.sleep(0.5)
        assert client.post("/graphql", json=ANONYMOUS).status_code == 401


def test_a_token_revoked_while_its_websocket_is_open_stops_working(tmp_path_factory):
    settings, services = _fresh(tmp_path_factory, "socket", token_cache_seconds=1.0)
    token = services.tokens.create("watcher", Role.READER)
    services.tokens.create("keeper", Role.ADMIN)
    other_process = TokenStore(services.jobs.engine)
    # an idle socket is closed within the cache's lifetime and a half
    with (
        local_client(create_app(settings, services)) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        other_process.revoke("watcher")
        started = time.monotonic()
        closed = ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 4403
        assert time.monotonic() - started <= 1.0 * 1.5 + 1.0
    settings, services = _fresh(tmp_path_factory, "socket-op", token_cache_seconds=5.0)
    token = services.tokens.create("watcher", Role.READER)
    # the next operation on it is refused (revoked in this process: no cache to wait for)
    with (
        local_client(create_app(settings, services)) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        services.tokens.revoke("watcher")
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": "{ entities { name } }"}})
        closed = ws.receive()
        assert closed["type"] == "websocket.close" and closed["code"] == 4403


def test_loopback_is_an_address_not_a_prefix():
    from server.config import is_loopback

    for host in ("127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("127.evil.example", "127.0.0.1.nip.io", "0.0.0.0", "::", "10.0.0.1", "localhost.evil.example"):
        assert not is_loopback(host), host


def test_a_name_that_starts_with_127_is_not_loopback(tmp_path):
    _refuses_to_serve_without_tokens("127.0.0.1.nip.io", tmp_path / "d")


def test_behind_a_prefix_every_path_rule_still_holds(tmp_path):
    """`asgard serve --root-path /prefix`: uvicorn puts the prefix in front of every path."""
    data = tmp_path / "prefixed"
    token = create_token(data, "ops", "reader")
    server = ServerProcess(data, "--root-path", "/prefix").start()
    try:
        for path in ("/graphql?query={viewer{name}}", "/metrics", "/mlops/status", "/feast/status"):
            for prefix in ("", "/prefix"):
                assert HTTP.get(f"{server.url}{prefix}{path}").status_code in (401, 404), (prefix, path)
        assert HTTP.post(f"{server.url}/graphql", json=ANONYMOUS).status_code == 401
        ok = HTTP.post(f"{server.url}/graphql", json=ANONYMOUS, headers={"Authorization": f"Bearer {token}"})
        assert ok.json()["data"]["viewer"]["name"] == "ops"
        page = HTTP.get(f"{server.url}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "/prefix/graphql/static/" in page.text
    finally:
        server.stop()


def test_the_root_path_setting():
    assert load_settings(env={"ASGARD_ROOT_PATH": "/asgard/"}).root_path == "/asgard"
    assert load_settings(env={}).root_path == ""
    with pytest.raises(ConfigError):
        load_settings(env={"ASGARD_ROOT_PATH": "asgard"})
    with pytest.raises(ConfigError):
        load_settings(env={"ASGARD_TOKEN_CACHE_SECONDS": "60"})


# ---- roles on jobs ---------------------------------------------------------------------------------

JOB_VIEW = """
query($id: ID!) { trainingJob(id: $id) {
  id status submittedBy submittedAt startedAt finishedAt exitCode runId
  requirements error logs { text }
} }
"""
PRIVATE = {"requirements", "error", "logs"}


def _submit(client, token: str, script: str = "import time\nprint('secret=hunter2')\ntime.sleep(30)") -> str:
    job = call(
        client,
        token,
        "mutation($i: SubmitTrainingJobInput!) { submitTrainingJob(input: $i) { job { id submittedBy } userErrors { code } } }",
        {"i": {"scriptName": "t.py", "script": script, "experimentName": "roles-on-jobs", "requirements": ["pip"]}},
    ).json()["data"]["submitTrainingJob"]
    assert job["userErrors"] == [], job
    return str(job["job"]["id"])


def _cancel(client, token: str, job_id: str) -> dict:
    return call(
        client,
        token,
        "mutation($id: ID!) { cancelTrainingJob(id: $id) { job { status } userErrors { code field } } }",
        {"id": job_id},
    ).json()["data"]["cancelTrainingJob"]


def test_job_output_is_for_its_submitter_trainers_and_admins(secured):
    client, tokens, _, _ = secured
    job_id = _submit(client, tokens["trainer"])
    deadline = time.monotonic() + 60
    while "secret=hunter2" not in str(call(client, tokens["trainer"], JOB_VIEW, {"id": job_id}).json()):
        assert time.monotonic() < deadline  # until the script has printed its line
        time.sleep(0.2)
    as_reader = call(client, tokens["reader"], JOB_VIEW, {"id": job_id}).json()
    job = as_reader["data"]["trainingJob"]
    assert job["id"] == job_id and job["status"] == "RUNNING" and job["submittedBy"] == "trainer-bot"
    assert job["startedAt"] is not None
    assert {key for key in PRIVATE if job[key] is not None} == set()
    assert sorted(e["path"][-1] for e in as_reader["errors"]) == sorted(PRIVATE)
    assert {e["extensions"]["code"] for e in as_reader["errors"]} == {"FORBIDDEN"}
    for role in ("trainer", "admin"):
        seen = call(client, tokens[role], JOB_VIEW, {"id": job_id}).json()
        assert "errors" not in seen, seen
        assert "secret=hunter2" in [line["text"] for line in seen["data"]["trainingJob"]["logs"]]
        assert seen["data"]["trainingJob"]["requirements"] == ["pip"]
    # the clients' own TrainingJob document: a reader's view without the output, which `output: true` adds
    document = client_document("TrainingJob")
    as_reader = call(client, tokens["reader"], document, {"id": job_id}).json()
    assert "errors" not in as_reader and as_reader["data"]["trainingJob"]["status"] == "RUNNING", as_reader
    with_output = call(client, tokens["reader"], document, {"id": job_id, "output": True}).json()
    assert sorted(e["path"][-1] for e in with_output["errors"]) == ["error", "logs", "requirements"]
    trainer = call(client, tokens["trainer"], document, {"id": job_id, "output": True}).json()
    assert "errors" not in trainer and trainer["data"]["trainingJob"]["requirements"] == ["pip"]
    # the subscription to its logs too
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {tokens['reader']}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        query = "subscription($id: ID!) { trainingJobLogs(id: $id) { text } }"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {"id": job_id}}})
        message = ws.receive_json()
        assert message["type"] == "next" and message["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # and the old REST route: state for readers, the error text and logs for trainers
    old = client.get(f"/mlops/training/jobs/{job_id}", headers={"Authorization": f"Bearer {tokens['reader']}"})
    assert old.status_code == 200 and old.json()["error"] is None and "hunter2" not in old.text
    old = client.get(f"/mlops/training/jobs/{job_id}", headers={"Authorization": f"Bearer {tokens['trainer']}"})
    assert "secret=hunter2" in old.json()["logs"]
    assert _cancel(client, tokens["admin"], job_id)["userErrors"] == []


def test_trainers_cancel_their_own_jobs_and_admins_any(secured):
    client, tokens, services, _ = secured
    other = services.tokens.create(f"trainer-{time.monotonic_ns()}", Role.TRAINER)
    mine = _submit(client, tokens["trainer"])
    theirs = _submit(client, other)
    refused = _cancel(client, tokens["trainer"], theirs)
    assert refused["job"] is None and refused["userErrors"] == [{"code": "FORBIDDEN", "field": ["id"]}]
    assert services.jobs.get(theirs).cancel_requested is False
    assert _cancel(client, tokens["trainer"], mine)["userErrors"] == []
    assert _cancel(client, tokens["admin"], theirs)["userErrors"] == []
    assert services.jobs.get(theirs).cancel_requested is True


def test_jobs_submitted_without_tokens_are_the_local_callers(client):
    submitted = client.post(
        "/graphql",
        json={
            "query": 'mutation { submitTrainingJob(input: {scriptName: "t.py", script: "print(1)", experimentName: "local-jobs"}) { job { submittedBy } } }'
        },
    ).json()
    assert submitted["data"]["submitTrainingJob"]["job"]["submittedBy"] == "local"


def test_a_version_1_job_table_gains_the_submitter_columns(tmp_path):
    from sqlalchemy import create_engine, inspect, text

    from server.jobs.tables import SCHEMA_VERSION, create_tables

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    create_tables(engine)
    with engine.begin() as conn:  # as a server of schema version 1 left it
        conn.execute(text("ALTER TABLE training_jobs DROP COLUMN submitted_by"))
        conn.execute(text("ALTER TABLE training_jobs DROP COLUMN owner"))
        conn.execute(text("UPDATE asgard_schema_version SET version = 1"))
    create_tables(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("training_jobs")}
    assert {"submitted_by", "owner"} <= columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM asgard_schema_version")).scalars().all() == [SCHEMA_VERSION]


def test_a_gold_preview_is_for_editors(secured):
    """Rows of a gold table include columns no feature view exposes: readers see its metadata, not its data."""
    client, tokens, _, _ = secured
    query = '{ goldTable(name: "gold.customer_aggregates") { name preview(first: 2) { rows } } }'
    as_reader = call(client, tokens["reader"], query).json()
    assert [e["extensions"]["code"] for e in as_reader["errors"]] == ["FORBIDDEN"]
    assert as_reader["data"]["goldTable"] is None or as_reader["data"]["goldTable"]["preview"] is None
    as_editor = call(client, tokens["editor"], query).json()
    assert "errors" not in as_editor and len(as_editor["data"]["goldTable"]["preview"]["rows"]) == 2


def test_a_gold_columns_statistics_are_for_editors_a_features_for_readers(secured):
    """A column's bounds are values of it: a table's for editors (as its preview), a feature's for readers."""
    client, tokens, _, _ = secured
    table = '{ goldTable(name: "gold.customer_aggregates") { columns { name stats { upperBound } } } }'
    as_reader = call(client, tokens["reader"], table).json()
    assert {e["extensions"]["code"] for e in as_reader["errors"]} == {"FORBIDDEN"}
    as_editor = call(client, tokens["editor"], table).json()
    assert "errors" not in as_editor
    bounds = {c["name"]: c["stats"]["upperBound"] for c in as_editor["data"]["goldTable"]["columns"]}
    assert bounds["customer_id"] == 4000
    views = "{ featureViews(first: 5) { edges { node { features { name stats { upperBound } } } } } }"
    assert "errors" not in call(client, tokens["reader"], views).json()


def test_a_views_history_names_the_token_that_changed_it(secured):
    client, tokens, _, _ = secured
    name = unique("history_by_token")
    registered = call(client, tokens["editor"], REGISTER_VIEW, {"input": customer_view_input(name)}).json()
    assert registered["data"]["registerFeatureView"]["userErrors"] == []
    query = "query($n: String!) { featureView(name: $n) { history { version changedBy } } }"
    found = call(client, tokens["reader"], query, {"n": name}).json()["data"]["featureView"]["history"]
    assert found == [{"version": 1, "changedBy": "editor-bot"}]


def test_a_model_is_its_creators_and_other_trainers_jobs_add_no_versions_to_it(secured):
    """A trainer cannot push a version (code that predict then runs for everyone) into another's model."""
    from server.services.job_tracking import JobTracking
    from server.services.mlflow_records import OWNER_TAG

    client, tokens, services, _ = secured
    owned, open_model = unique("someone_elses_model"), unique("open_model")
    mlflow_client = services.mlflow.client()
    mlflow_client.create_registered_model(owned, tags={OWNER_TAG: "token:another-trainer"})
    mlflow_client.create_registered_model(open_model)  # made outside Asgard: no owner, open as before
    submit = "mutation($i: SubmitTrainingJobInput!) { submitTrainingJob(input: $i) { job { id } userErrors { code field message } } }"
    job = {"scriptName": "t.py", "script": "print(1)", "experimentName": "owned-models"}
    for role in ("trainer", "admin"):
        refused = call(client, tokens[role], submit, {"i": {**job, "modelName": owned}}).json()["data"]
        payload = refused["submitTrainingJob"]
        assert payload["job"] is None and [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("FORBIDDEN", ["modelName"])
        ], payload
    accepted = call(client, tokens["trainer"], submit, {"i": {**job, "modelName": open_model}}).json()["data"]
    assert accepted["submitTrainingJob"]["userErrors"] == []
    # and when the model became another's after the submission: the job's end registers nothing
    tracking = JobTracking(services.mlflow, services.mlflow_writes)
    version, warning = tracking.register_run_model("any-run", owned, None, owner="token:this-trainer")
    assert version is None and "another trainer's model" in (warning or "")
    assert mlflow_client.search_model_versions(f"name = '{owned}'") == []
