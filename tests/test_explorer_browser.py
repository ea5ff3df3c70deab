"""GraphiQL in a real browser: headless Chromium against `asgard serve --demo`, with a token, offline.

Chromium is Debian's (scripts/test-services installs it and exports ASGARD_TEST_CHROMIUM); Playwright
only drives it. Without that variable the test runs if /usr/bin/chromium exists and is skipped if not;
with it, a missing browser is a failure. Screenshots land in build/screenshots/ for CI to keep:
graphiql.png (the query's result and the docs) and, when the test fails, graphiql-failure.png.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from server.services.demo import demo_feature_view
from tests.support.demo_server import DemoServer

SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
# Debian's Chromium otherwise calls Google hosts (updates, sync, field trials), which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SUBSCRIPTION = 'subscription MissingJob { trainingJob(id: "no-such-job") { id status } }'
QUERY = "{ featureViews(first: 10) { totalCount edges { node { name entities { name } features { name dtype } } } } }"


def chromium_path() -> str:
    configured = os.environ.get("ASGARD_TEST_CHROMIUM")
    if configured:
        assert Path(configured).is_file(), f"ASGARD_TEST_CHROMIUM={configured} does not exist"
        return configured
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("no Chromium here (CI installs Debian's `chromium` and sets ASGARD_TEST_CHROMIUM)")
    return found


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return True
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> tuple[DemoServer, str]:
    """The run's shared demo server (tests/support/demo_server.py), as a reader."""
    return demo_server, demo_server.tokens["reader"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def set_editor_text(page: Page, selector: str, text: str) -> None:
    """Click into a CodeMirror editor, select everything and type over it (as text input, so the
    editor's bracket auto-closing does not double the JSON's braces)."""
    page.locator(selector).locator("visible=true").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def test_graphiql_runs_a_query_with_a_token_and_nothing_leaves_loopback(browser, server):
    process, token = server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    sockets: list[str] = []
    statuses: list[int] = []
    console_errors: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.on("response", lambda answer: statuses.append(answer.status))
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    response = page.locator(".graphiql-response")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("graphiql*.png"):
        old.unlink()
    try:
        page.goto(f"{process.url}/graphql")
        expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible(timeout=30_000)

        # Without a token the page says what to do, and sends nothing the server would refuse.
        expect(page.locator(".graphiql-editor-tool")).to_contain_text('"Authorization": "Bearer <token>"')
        page.locator(".graphiql-execute-button").click()
        expect(response).to_contain_text("This server needs a token", timeout=10_000)

        set_editor_text(page, ".graphiql-editor-tool .CodeMirror", json.dumps({"Authorization": f"Bearer {token}"}))
        set_editor_text(page, ".graphiql-query-editor .CodeMirror", QUERY)
        page.keyboard.press("Control+Enter")
        expect(response).to_contain_text(f'"name": "{demo_feature_view().name}"', timeout=30_000)
        expect(response).to_contain_text(re.compile(r'"totalCount": [1-9]'))  # the shared server: others' views too

        # With the token in, GraphiQL loaded the schema: the docs list the query type's fields.
        page.locator("[aria-label='Show Documentation Explorer']").click()
        page.locator(".graphiql-doc-explorer").get_by_text("Query", exact=True).click()
        expect(page.locator(".graphiql-doc-explorer")).to_contain_text("featureViews", timeout=15_000)
        page.screenshot(path=str(SCREENSHOTS / "graphiql.png"))

        # Subscriptions go over a websocket that authenticates with the same header.
        set_editor_text(page, ".graphiql-query-editor .CodeMirror", SUBSCRIPTION)
        # GraphiQL parses the text a moment after it changes and picks the websocket by that parse; the
        # tab takes the operation's name from the same parse, so once it shows, the parse is current.
        expect(page.locator(".graphiql-tab-active")).to_contain_text("MissingJob")
        page.keyboard.press("Control+Enter")
        expect(response).to_contain_text("training job no-such-job does not exist", timeout=30_000)
        expect(response).to_contain_text("NOT_FOUND")
    except Exception:
        page.screenshot(path=str(SCREENSHOTS / "graphiql-failure.png"))
        raise
    stored = page.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    context.close()

    assert requests and all(is_local(url) for url in requests), [u for u in requests if not is_local(u)]
    assert sockets and all(is_local(url) for url in sockets), sockets
    assert {urlsplit(url).path.split("/static/")[0] for url in requests} == {"/graphql"}, requests
    assert statuses and all(status < 400 for status in statuses), statuses  # no 401 before the token, no 404
    assert console_errors == []
    assert "featureViews" in stored  # the history is kept...
    assert token not in stored  # ...without the token: headers are not persisted unless the user asks for it
    assert all(token not in url for url in requests + sockets)  # never in a URL
