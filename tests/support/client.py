"""In-process clients of the app, addressed as a browser on this machine would address it."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import anyio
import httpx
from starlette.testclient import TestClient, _TestClientTransport

# A loopback server answers only to the loopback names (DNS rebinding): Starlette's default `testserver` is foreign.
LOCAL_URL = "http://localhost:8000"


class _OneCallTransport(_TestClientTransport):
    """Starlette's transport, with each HTTP request made in one call into the app's event loop.

    Starlette's own makes about eight calls across threads a request (events, a body stream, a cancel scope,
    each a hand-off to the loop's thread and back): ~2.6 ms of CPU for a /healthz that takes 0.3 ms in the
    app, and most of the suite speaks through it. The scope is Starlette's; the response is read whole (no
    test streams one). Websockets, and requests outside a `with` block (no loop running), go Starlette's way.
    """

    owner: TestClient  # whose portal (the app's loop, while the client is open) requests are made in

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        portal = self.owner.portal
        if portal is None or request.url.scheme not in {"http", "https"}:
            return super().handle_request(request)
        port = request.url.port or {"http": 80, "https": 443}[request.url.scheme]
        headers = [] if "host" in request.headers else [(b"host", request.url.netloc)]
        headers += [(key.lower().encode(), value.encode()) for key, value in request.headers.multi_items()]
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": request.method,
            "path": unquote(request.url.path),
            "raw_path": request.url.raw_path.split(b"?", 1)[0],
            "root_path": self.root_path,
            "scheme": request.url.scheme,
            "query_string": request.url.query,
            "headers": headers,
            "client": self.client,
            "server": [request.url.raw_host.decode("ascii"), port],
            "extensions": {"http.response.debug": {}},
            "state": self.app_state.copy(),
        }
        status, response_headers, body = portal.call(self._call_app, scope, request.read())
        return httpx.Response(status, headers=response_headers, content=body, request=request)

    async def _call_app(self, scope: dict[str, Any], body: bytes) -> tuple[int, list[Any], bytes]:
        sent = False
        done = anyio.Event()
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()

        try:
            await self.app(scope, receive, send)
        except BaseException:
            if self.raise_server_exceptions:
                raise
            if not start:
                return 500, [], b""
        finally:
            done.set()
        if not start:
            raise AssertionError("the app sent no response")
        return (
            start["status"],
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]],
            b"".join(chunks),
        )


class LocalClient(TestClient):
    """Starlette's TestClient, with websockets sent to the same host as HTTP requests, and one hand-off to the
    app's loop per HTTP request."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        transport = self._transport
        assert type(transport) is _TestClientTransport
        transport.__class__ = _OneCallTransport  # the one Starlette made, with its settings; one method differs
        transport.owner = self

    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> Any:
        if "://" not in url:
            url = str(self.base_url).replace("http", "ws", 1).rstrip("/") + url
        return super().websocket_connect(url, *args, **kwargs)


def local_client(app: Any, **kwargs: Any) -> LocalClient:
    kwargs.setdefault("base_url", LOCAL_URL)
    return LocalClient(app, **kwargs)
