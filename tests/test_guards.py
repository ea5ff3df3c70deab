"""What a browser can be made to send: cross-site writes, bodies that are not JSON, DNS rebinding.

The server under attack is the README's first session: `asgard serve --demo` on loopback, no tokens, so
every caller that gets through is admin.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest
import websockets
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocketDisconnect

from server.app import create_app
from tests.support.client import local_client
from tests.support.graphql import gql
from tests.support.http_client import HTTP
from tests.support.server import ServerProcess

EVIL = "https://evil.example"
SCRIPT = "print('pwned')"
UPLOAD = {"script_name": "x.py", "script_content": SCRIPT, "experiment_name": "csrf"}
ENTITIES = "{ entities { name } }"


def job_count(client) -> int:
    return gql(client, "{ trainingJobs { totalCount } }").data["trainingJobs"]["totalCount"]


# ---- bodies: application/json only ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ],
)
def test_a_simple_cross_site_upload_queues_no_job(client, content_type):
    """A page's <form> or fetch(..., {mode: "no-cors"}) sends text/plain without asking: it must run nothing."""
    before = job_count(client)
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/mlops/training/upload", content=json.dumps(UPLOAD), headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["errors"][0]["code"] == "UNSUPPORTED_MEDIA_TYPE"  # the REST shape
    assert job_count(client) == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx", None])
def test_graphql_bodies_must_be_json(client, content_type):
    mutation = 'mutation { createExperiment(input: {name: "csrf-exp"}) { experiment { id } } }'
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/graphql", content=json.dumps({"query": mutation}), headers=headers)
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    found = gql(client, '{ experiment(name: "csrf-exp") { id } }').data["experiment"]
    assert found is None


def test_json_with_a_charset_and_graphql_response_answers(client):
    ok = client.post(
        "/graphql",
        content=json.dumps({"query": ENTITIES}),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert ok.status_code == 200 and ok.headers["content-type"] == "application/json"
    spec = client.post(
        "/graphql",
        json={"query": ENTITIES},
        headers={"accept": "application/graphql-response+json, application/json;q=0.9"},
    )
    assert spec.status_code == 200
    assert spec.headers["content-type"] == "application/graphql-response+json"
    assert "entities" in spec.json()["data"]


def test_get_never_runs_a_mutation(client):
    mutation = 'mutation { createExperiment(input: {name: "by-get"}) { experiment { id } } }'
    response = client.get("/graphql", params={"query": mutation})
    assert response.status_code in (400, 405)
    assert gql(client, '{ experiment(name: "by-get") { id } }').data["experiment"] is None


# ---- cross-site writes ----------------------------------------------------------------------------


def _state_changing_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) of the app that may change state: any method but GET and HEAD."""
    found = []
    for route in app.routes:
        if isinstance(route, Route):
            for method in sorted((route.methods or set()) - {"GET", "HEAD"}):
                path = route.path.replace("{job_id}", "x").replace("{export_id}", "x").replace("{path:path}", "x")
                found.append((method, path))
    return found


def test_every_route_that_changes_state_refuses_a_cross_site_request(settings, services):
    app = create_app(settings, services)
    routes = _state_changing_routes(app)
    assert ("POST", "/graphql") in routes and ("POST", "/mlops/training/upload") in routes
    cross_site = [
        {"origin": EVIL},
        {"origin": EVIL, "sec-fetch-site": "cross-site"},
        {"origin": "null"},  # sandboxed frames, file:// pages
        {"sec-fetch-site": "cross-site"},
        {"origin": "http://localhost:9999"},  # another local port is another origin
    ]
    with local_client(app) as client:
        before = job_count(client)
        for method, path in routes:
            for headers in cross_site:
                response = client.request(method, path, json=UPLOAD | {"query": ENTITIES}, headers=headers)
                assert response.status_code == 403, (method, path, headers, response.text)
                body = response.json()
                codes = [e.get("code") or e.get("extensions", {}).get("code") for e in body["errors"]]
                assert codes == ["CROSS_SITE_REQUEST"]
        assert job_count(client) == before
        websocket_routes = [r for r in app.routes if isinstance(r, WebSocketRoute)]
        assert websocket_routes
        for route in websocket_routes:
            for headers in cross_site:
                with (
                    pytest.raises(WebSocketDisconnect),
                    client.websocket_connect(route.path, subprotocols=["graphql-transport-ws"], headers=headers) as ws,
                ):
                    ws.send_json({"type": "connection_init", "payload": {}})
                    ws.receive_json()


def test_same_origin_trusted_origins_and_non_browsers_may_write(settings, services):
    trusted = replace(settings, cors_origins=("https://ui.example.com",))
    mutation = {"query": 'mutation { createExperiment(input: {name: "allowed-origins"}) { experiment { name } } }'}
    with local_client(create_app(trusted, services)) as client:
        for headers in (
            {},  # curl, SDKs: no Origin, no Sec-Fetch-Site
            {"origin": "http://localhost:8000", "sec-fetch-site": "same-origin"},
            {"origin": "https://ui.example.com", "sec-fetch-site": "cross-site"},
            {"sec-fetch-site": "same-origin"},
            {"sec-fetch-site": "none"},  # typed into the address bar
        ):
            response = client.post("/graphql", json=mutation, headers=headers)
            assert response.status_code == 200, (headers, response.text)
        with client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"origin": "https://ui.example.com"}
        ) as ws:
            ws.send_json({"type": "connection_init", "payload": {}})
            assert ws.receive_json()["type"] == "connection_ack"
        # a page of a trusted origin may run queries over GET too
        trusted_get = client.get("/graphql", params={"query": ENTITIES}, headers={"origin": "https://ui.example.com"})
        assert trusted_get.status_code == 200


# ---- DNS rebinding ----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["rebind.evil.example", "rebind.evil.example:8000", "127.0.0.1.nip.io", "testserver"])
def test_a_foreign_host_is_refused_on_loopback(client, host):
    for method, path in (("GET", "/graphql?query={entities{name}}"), ("POST", "/graphql"), ("GET", "/metrics")):
        response = client.request(method, path, json={"query": ENTITIES}, headers={"host": host})
        assert response.status_code == 421, (method, path, response.text)
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"], headers={"host": host}) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {}})
        ws.receive_json()


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:1234", "[::1]:8000", "LOCALHOST:80"])
def test_the_loopback_names_are_served(client, host):
    response = client.post("/graphql", json={"query": ENTITIES}, headers={"host": host})
    assert response.status_code == 200


def test_allowed_hosts_widen_the_loopback_names(settings, services):
    widened = replace(settings, allowed_hosts=("devbox.lan", "*.corp.example"))
    with local_client(create_app(widened, services)) as client:
        for host, status in (
            ("devbox.lan:8000", 200),
            ("api.corp.example", 200),
            ("localhost:8000", 200),
            ("corp.example", 421),
            ("evil.example", 421),
        ):
            assert client.post("/graphql", json={"query": ENTITIES}, headers={"host": host}).status_code == status


def test_a_real_server_refuses_rebinding_and_cross_site_writes(tmp_path):
    """Over TCP, as a browser would send them: a foreign Host, and a text/plain cross-site upload."""

    server = ServerProcess(tmp_path / "real").start()
    try:
        rebound = HTTP.post(
            f"{server.url}/graphql", json={"query": ENTITIES}, headers={"host": f"rebind.evil.example:{server.port}"}
        )
        assert rebound.status_code == 421
        upload = HTTP.post(
            f"{server.url}/mlops/training/upload",
            content=json.dumps(UPLOAD),
            headers={"content-type": "text/plain", "origin": EVIL, "sec-fetch-site": "cross-site"},
        )
        assert upload.status_code in (403, 415)
        assert server.post("{ trainingJobs { totalCount } }")["trainingJobs"]["totalCount"] == 0

        async def handshake(headers: dict[str, str]) -> str:
            url = server.url.replace("http", "ws") + "/graphql"
            try:
                async with websockets.connect(url, subprotocols=["graphql-transport-ws"], additional_headers=headers):
                    return "open"
            except websockets.InvalidStatus as refused:
                return str(refused.response.status_code)

        assert asyncio.run(handshake({"Origin": EVIL})) == "403"
        assert asyncio.run(handshake({"Host": "rebind.evil.example"})) == "403"
        assert asyncio.run(handshake({"Origin": server.url})) == "open"
    finally:
        server.stop()


# ---- the pure rules -----------------------------------------------------------------------------------


def test_host_names_and_patterns():
    from server.guards import host_allowed, host_name

    assert host_name("[::1]:8000") == "[::1]" and host_name("Example.COM:80") == "example.com"
    assert host_allowed("anything", ()) and host_allowed("anything", ("*",))
    assert not host_allowed(None, ("localhost",)) and not host_allowed("", ("localhost",))
    assert host_allowed("a.b.example", ("*.example",)) and not host_allowed("example", ("*.example",))
    assert not host_allowed("localhost.evil.example", ("localhost",))


def test_cross_site_rules():
    from server.guards import is_cross_site, is_json

    trusted = frozenset({"https://ui.example.com"})
    assert not is_cross_site({}, trusted)
    assert not is_cross_site({b"origin": b"http://localhost:8000", b"host": b"localhost:8000"}, trusted)
    assert is_cross_site({b"origin": b"http://localhost:8000", b"host": b"localhost:9000"}, trusted)
    assert not is_cross_site({b"origin": b"https://UI.example.com", b"host": b"api"}, trusted)
    assert is_cross_site({b"origin": b"null", b"host": b"localhost"}, trusted)
    assert is_cross_site({b"sec-fetch-site": b"cross-site"}, trusted)
    assert not is_cross_site({b"sec-fetch-site": b"same-site"}, trusted)
    assert is_json(b"application/json") and is_json(b"Application/JSON; charset=utf-8")
    assert not is_json(b"application/jsonx") and not is_json(b"text/plain") and not is_json(None)


def test_route_paths_below_a_root_path():
    from server.route_path import route_path

    assert route_path({"path": "/asgard/graphql", "root_path": "/asgard"}) == "/graphql"
    assert route_path({"path": "/asgard", "root_path": "/asgard"}) == "/"
    assert route_path({"path": "/asgardx/graphql", "root_path": "/asgard"}) == "/asgardx/graphql"
    assert route_path({"path": "/graphql", "root_path": ""}) == "/graphql"


# ---- what a review as an attacker found ------------------------------------------------------------


def test_a_cross_site_get_runs_no_operation(client):
    """<img src=".../graphql?query=..."> would make the server work for any page: refused like a write."""
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": EVIL}):
        response = client.get("/graphql", params={"query": ENTITIES}, headers=headers)
        assert response.status_code == 403, headers
    page = client.get("/graphql", headers={"accept": "text/html", "sec-fetch-site": "cross-site"})
    assert page.status_code == 200  # following a link to the explorer is fine: no operation runs
    assert (
        client.get("/graphql", params={"query": ENTITIES}, headers={"sec-fetch-site": "same-origin"}).status_code == 200
    )


@pytest.mark.parametrize(
    "host", ["localhost:evil.example", "localhost:x@evil.example", "[::1]evil.example", "localhost."]
)
def test_a_host_that_is_no_host_is_refused(client, host):
    assert client.post("/graphql", json={"query": ENTITIES}, headers={"host": host}).status_code == 421


def test_an_origin_of_another_scheme_is_cross_site(client):
    for origin in ("chrome-extension://localhost:8000", "file://localhost:8000", "ws://evil.example"):
        assert client.post("/graphql", json={"query": ENTITIES}, headers={"origin": origin}).status_code == 403


def test_a_guarded_header_sent_twice_is_refused(client):
    import httpx

    transport = httpx.ASGITransport(app=client.app)

    async def send(headers: list[tuple[str, str]]) -> int:
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost:8000") as http:
            response = await http.post("/graphql", content=json.dumps({"query": ENTITIES}), headers=headers)
            return response.status_code

    twice = [("content-type", "application/json"), ("origin", EVIL), ("origin", "http://localhost:8000")]
    assert asyncio.run(send(twice)) == 400  # refused by the guards, before the app (and its lifespan) is reached


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (
            b'{"query": "{ entities { name } }", "variables": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
            "application/json",
        ),
        (b'"x"', "application/json"),
        (b"null", "application/json"),
        (b'["x"]', "application/json"),
        (b"[null]", "application/json"),
        (b'{"query": "{ viewer { name } }", "operationName": {"a": 1}}', "application/json"),
        (b'{"query": "{ viewer { name } }", "operationName": 5}', "application/json"),
    ],
)
def test_bodies_that_are_not_graphql_requests_are_400_not_500(client, body, content_type):
    response = client.post("/graphql", content=body, headers={"content-type": content_type})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_media_types_are_case_insensitive(client):
    response = client.post(
        "/graphql", content=json.dumps({"query": ENTITIES}), headers={"content-type": "APPLICATION/JSON; Charset=UTF-8"}
    )
    assert response.status_code == 200 and "entities" in response.json()["data"]


def test_a_token_in_a_websocket_url_is_refused(client):
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/graphql?token=asg_x", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {}})
        ws.receive_json()
