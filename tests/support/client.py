"""In-process clients of the app, addressed as a browser on this machine would address it."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

# A loopback server answers only to the loopback names (DNS rebinding): Starlette's default `testserver` is foreign.
LOCAL_URL = "http://localhost:8000"


class LocalClient(TestClient):
    """Starlette's TestClient, with websockets sent to the same host as HTTP requests."""

    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> Any:
        if "://" not in url:
            url = str(self.base_url).replace("http", "ws", 1).rstrip("/") + url
        return super().websocket_connect(url, *args, **kwargs)


def local_client(app: Any, **kwargs: Any) -> LocalClient:
    kwargs.setdefault("base_url", LOCAL_URL)
    return LocalClient(app, **kwargs)
