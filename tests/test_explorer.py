"""GraphiQL served from the package: the page, its files, its policy, and how it meets tokens."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from sqlalchemy import create_engine

from server.app import create_app
from server.auth.roles import Role
from server.auth.tokens import TokenStore
from server.explorer import STATIC_DIR, asset_digest
from tests.support.client import local_client

HTML = {"Accept": "text/html,application/xhtml+xml"}
QUERY = "{ featureViews(first: 5) { edges { node { name } } } }"
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.attrs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in found.items() if k in ("src", "href") and v]
        if "id" in found:
            self.attrs[str(found["id"])] = found


def links(page: str) -> _Links:
    parser = _Links()
    parser.feed(page)
    return parser


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.fixture(scope="module")
def page(client):
    response = client.get("/graphql", headers=HTML)
    assert response.status_code == 200, response.text
    return response


def test_the_page_loads_only_files_of_this_server(page):
    assert page.headers["content-type"].startswith("text/html")
    assert "://" not in page.text  # no CDN, no other host: every URL is a path on this server
    urls = links(page.text).urls
    assert len(urls) == 9  # favicon, 3 stylesheets, 5 scripts
    assert all(u.startswith(f"/graphql/static/{asset_digest()}/") for u in urls), urls
    assert {u.rsplit("/", 1)[-1] for u in urls} >= {"graphiql.min.js", "react.production.min.js", "explorer.js"}


def test_the_page_policy_allows_this_server_only(page):
    policy = directives(page.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no other host
    nonce = links(page.text).attrs["graphiql"]["data-style-nonce"]
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert policy["connect-src"] == ["'self'", "ws://localhost:8000", "wss://localhost:8000"]
    assert policy["img-src"] == policy["font-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert page.headers["cache-control"] == "no-cache"


def test_each_page_gets_its_own_style_nonce(client, page):
    again = client.get("/graphql", headers=HTML)
    first, second = (links(p.text).attrs["graphiql"]["data-style-nonce"] for p in (page, again))
    assert first and second and first != second and len(first) >= 22


def test_a_host_header_cannot_write_the_policy(settings, services):
    with local_client(create_app(replace(settings, allowed_hosts=("*",)), services)) as any_host:
        response = any_host.get("/graphql", headers={**HTML, "Host": "evil; script-src *"})
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]


def test_every_file_is_served_with_its_type_and_cached_for_good(client, page):
    for url in links(page.text).urls:
        response = client.get(url, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, url
        suffix = "." + url.rsplit(".", 1)[-1]
        assert response.headers["content-type"].split(";")[0] in (TYPES[suffix], "application/javascript"), url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
        local = STATIC_DIR / url.split(f"/{asset_digest()}/", 1)[1]
        assert response.content == local.read_bytes(), url


def test_the_big_bundle_is_compressed_when_the_browser_accepts_it(client, page):
    url = next(u for u in links(page.text).urls if u.endswith("graphiql.min.js"))
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.num_bytes_downloaded) < (STATIC_DIR / "vendor/graphiql/graphiql.min.js").stat().st_size / 2


def test_files_of_another_release_or_outside_the_folder_are_not_found(client):
    assert client.get("/graphql/static/0000000000000000/explorer.js").status_code == 404
    assert client.get(f"/graphql/static/{asset_digest()}/no-such-file.js").status_code == 404
    assert client.get(f"/graphql/static/{asset_digest()}/%2e%2e/page.py").status_code == 404


def test_the_vendored_files_are_the_ones_fetched_from_npm():
    """scripts/fetch-graphiql verified each tarball's sha512 and wrote these digests; nothing edited them since."""
    manifest = json.loads((STATIC_DIR / "vendor" / "VERSIONS.json").read_text())
    listed = {}
    for package in manifest["packages"]:
        assert package["integrity"].startswith("sha512-")
        listed |= package["files"]
    assert {p["name"]: p["version"] for p in manifest["packages"]} == {
        "react": "18.3.1",
        "react-dom": "18.3.1",
        "graphiql": "4.1.2",
        "@graphiql/plugin-explorer": "4.0.6",
    }
    on_disk = {
        str(p.relative_to(STATIC_DIR / "vendor")): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (STATIC_DIR / "vendor").rglob("*")
        if p.is_file() and p.name != "VERSIONS.json"
    }
    assert on_disk == listed


def test_our_own_script_talks_to_this_server_only():
    script = (STATIC_DIR / "explorer.js").read_text()
    assert not re.search(r"https?://", script)
    assert "location.pathname" in script  # the endpoint is the URL the page came from


def test_the_page_follows_the_root_path_of_a_proxy(settings, services):
    with local_client(create_app(settings, services), root_path="/asgard") as client:
        response = client.get("/asgard/graphql", headers=HTML)
        assert response.status_code == 200
        urls = links(response.text).urls
        assert urls and all(u.startswith(f"/asgard/graphql/static/{asset_digest()}/") for u in urls)
        assert client.get(urls[-1]).status_code == 200


def test_without_tokens_the_page_asks_for_none(page):
    assert links(page.text).attrs["graphiql"]["data-auth-required"] == "false"


@pytest.fixture(scope="module")
def secured(settings, services, tmp_path_factory):
    tokens = TokenStore(create_engine(f"sqlite:///{tmp_path_factory.mktemp('tokens') / 'tokens.db'}"))
    token = tokens.create("explorer-reader", Role.READER)
    with local_client(create_app(settings, replace(services, tokens=tokens))) as client:
        yield client, token


def test_with_tokens_the_page_and_its_files_load_without_one(secured):
    client, _ = secured
    page = client.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert links(page.text).attrs["graphiql"]["data-auth-required"] == "true"
    for url in links(page.text).urls:
        assert client.get(url).status_code == 200, url


def test_with_tokens_the_operations_the_page_sends_need_one(secured):
    client, token = secured
    anonymous = client.post("/graphql", json={"query": QUERY})
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (
        client.post("/graphql", json={"query": QUERY}, headers={"Authorization": "Bearer <token>"}).status_code == 401
    )
    assert client.get("/graphql", params={"query": QUERY}, headers=HTML).status_code == 401
    answered = client.post("/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"})
    assert answered.status_code == 200 and "errors" not in answered.json()


def test_with_graphiql_off_there_is_no_page_and_no_files(settings, services, page):
    asset = links(page.text).urls[-1]
    with local_client(create_app(replace(settings, graphiql=False), services)) as client:
        assert client.get("/graphql", headers=HTML).status_code == 404
        assert client.get(asset).status_code == 404
        assert client.post("/graphql", json={"query": QUERY}).status_code == 200
