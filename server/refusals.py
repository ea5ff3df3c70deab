"""JSON error answers sent straight from ASGI middleware, before any route runs.

GraphQL callers get `{"errors": [{"message", "extensions": {"code"}}]}`; callers of the deprecated REST
routes get that API's `{"detail", "errors": [{"field", "code", "message"}]}`.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from starlette.types import Send

REST_PREFIXES = ("/feast/", "/mlops/")


def error_body(route_path: str, code: str, message: str) -> bytes:
    if route_path.startswith(REST_PREFIXES):
        return orjson.dumps({"detail": message, "errors": [{"field": None, "code": code, "message": message}]})
    return orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    route_path: str = "",
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    """Answer an HTTP request with an error, before anything was sent."""
    body = error_body(route_path, code, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def refuse_handshake(send: Send) -> None:
    """Refuse a websocket before accepting it: the client sees the handshake fail with HTTP 403."""
    await send({"type": "websocket.close", "code": 1008, "reason": ""})
