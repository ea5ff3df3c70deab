"""What a browser can be made to send, turned away before any route runs.

A page the developer happens to visit can make their browser send requests to a server on their own
machine: simple cross-site POSTs (`text/plain`, forms: no CORS preflight), websocket handshakes, and,
through DNS rebinding, requests to a foreign name that resolves to 127.0.0.1. Three rules, in order:

- **Host**: when the server has a list of host names (always on loopback: `localhost`, `127.0.0.1`,
  `[::1]`, plus ASGARD_ALLOWED_HOSTS), any other Host header gets 421 and a websocket handshake is refused.
- **Cross-site writes**: every request that can change state (any method but GET, HEAD and OPTIONS, and
  every websocket) is refused (403, `CROSS_SITE_REQUEST`) when its `Origin` is neither this server nor
  listed in ASGARD_CORS_ORIGINS, or, without an `Origin`, when `Sec-Fetch-Site` says `cross-site`.
  Clients that are not browsers send neither header and are not concerned.
- **Bodies**: a request with a body is read only as `application/json`; anything else is 415 and runs
  nothing, so a body a browser may send cross-site without asking is never parsed.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.http.websocket_origin import is_same_origin, normalize_origin

from server.refusals import refuse_handshake, send_error
from server.route_path import route_path

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_MEDIA_TYPE = "application/json"


def host_name(host_header: str) -> str:
    """The name in a Host header, without its port: `[::1]:8000` -> `[::1]`, `Example.com:80` -> `example.com`."""
    value = host_header.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[: end + 1] if end > 0 else value
    return value.split(":", 1)[0]


def host_allowed(host_header: str | None, patterns: Sequence[str]) -> bool:
    """Whether a Host header names one of `patterns`: exact names, `*.example.com`, or `*` for any."""
    if not patterns or "*" in patterns:
        return True
    if not host_header:
        return False
    name = host_name(host_header)
    for pattern in patterns:
        wanted = host_name(pattern)
        if name == wanted or (wanted.startswith("*.") and name.endswith(wanted[1:])):
            return True
    return False


def is_cross_site(headers: dict[bytes, bytes], trusted_origins: frozenset[str]) -> bool:
    """Whether a browser sent this from a page of another site that this server does not trust."""
    origin = headers.get(b"origin")
    if origin is not None:
        value = origin.decode("latin-1").strip()
        host = headers.get(b"host", b"").decode("latin-1") or None
        if value.lower() != "null" and is_same_origin(value, host):
            return False
        return normalize_origin(value) not in trusted_origins
    return headers.get(b"sec-fetch-site", b"").strip().lower() == b"cross-site"


def is_json(content_type: bytes | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.decode("latin-1").split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE


class RequestGuards:
    """ASGI middleware applying the three rules above to HTTP requests and websocket handshakes."""

    def __init__(self, app: ASGIApp, host_patterns: Sequence[str], cors_origins: Sequence[str]) -> None:
        self.app = app
        self.host_patterns = tuple(host_patterns)
        self.trusted_origins = frozenset(o for o in (normalize_origin(c) for c in cors_origins) if o)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        host = headers.get(b"host", b"").decode("latin-1") or None
        path = route_path(scope)
        if kind == "websocket":
            if not host_allowed(host, self.host_patterns) or is_cross_site(headers, self.trusted_origins):
                await receive()  # the handshake's websocket.connect
                await refuse_handshake(send)
                return
        elif not host_allowed(host, self.host_patterns):
            await send_error(send, 421, "MISDIRECTED_REQUEST", "this server does not answer to that host name", path)
            return
        elif scope["method"] not in SAFE_METHODS:
            if is_cross_site(headers, self.trusted_origins):
                message = "cross-site requests may not change anything here (see ASGARD_CORS_ORIGINS)"
                await send_error(send, 403, "CROSS_SITE_REQUEST", message, path)
                return
            if not is_json(headers.get(b"content-type")):
                message = f"request bodies must be {JSON_MEDIA_TYPE}"
                await send_error(send, 415, "UNSUPPORTED_MEDIA_TYPE", message, path)
                return
        await self.app(scope, receive, send)
