"""What a browser can be made to send, turned away before any route runs.

A page the developer happens to visit can make their browser send requests to a server on their own
machine: simple cross-site POSTs (`text/plain`, forms: no CORS preflight), websocket handshakes, and,
through DNS rebinding, requests to a foreign name that resolves to 127.0.0.1. Three rules, in order:

- **Host**: when the server has a list of host names (always on loopback: `localhost`, `127.0.0.1`,
  `[::1]`, plus ASGARD_ALLOWED_HOSTS), any other Host header gets 421 and a websocket handshake is refused.
- **Cross-site requests**: every request that can change state (any method but GET, HEAD and OPTIONS,
  and every websocket), and every GraphQL operation sent over GET (a page's `<img>` could make the server
  work for it), is refused (403, `CROSS_SITE_REQUEST`) when its `Origin` is neither this server nor
  listed in ASGARD_CORS_ORIGINS, or, without an `Origin`, when `Sec-Fetch-Site` says `cross-site`.
  Clients that are not browsers send neither header and are not concerned.
- **Bodies**: a request with a body is read only as `application/json`; anything else is 415 and runs
  nothing, so a body a browser may send cross-site without asking is never parsed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.http.websocket_origin import is_same_origin, normalize_origin

from server.refusals import refuse_handshake, send_error
from server.route_path import route_path

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
JSON_MEDIA_TYPE = "application/json"


# A Host header: a name or an IP literal, then an optional port (RFC 9110's uri-host [":" port]).
HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9_.*-]+)(?::\d{0,5})?$")
GUARDED_HEADERS = (b"host", b"origin", b"content-type", b"sec-fetch-site")


def host_name(host_header: str) -> str | None:
    """The name in a Host header, without its port (`[::1]:8000` -> `[::1]`, `Example.com:80` ->
    `example.com`); None when it is no host at all (`localhost:evil.com`, `a@b`)."""
    found = HOST.match(host_header.strip().lower())
    return found.group(1) if found else None


def host_allowed(host_header: str | None, patterns: Sequence[str]) -> bool:
    """Whether a Host header names one of `patterns`: exact names, `*.example.com`, or `*` for any."""
    if not patterns or "*" in patterns:
        return True
    name = host_name(host_header) if host_header else None
    if name is None:
        return False
    for pattern in patterns:
        wanted = host_name(pattern) or ""
        if name == wanted or (wanted.startswith("*.") and name.endswith(wanted[1:])):
            return True
    return False


def is_cross_site(headers: dict[bytes, bytes], trusted_origins: frozenset[str]) -> bool:
    """Whether a browser sent this from a page of another site that this server does not trust."""
    origin = headers.get(b"origin")
    if origin is not None:
        value = origin.decode("latin-1").strip()
        host = headers.get(b"host", b"").decode("latin-1") or None
        web = value.lower().startswith(("http://", "https://"))  # not chrome-extension://, null, file://
        if web and is_same_origin(value, host):
            return False
        return normalize_origin(value) not in trusted_origins
    return headers.get(b"sec-fetch-site", b"").strip().lower() == b"cross-site"


def is_json(content_type: bytes | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.decode("latin-1").split(";", 1)[0].strip().lower()
    return media_type == JSON_MEDIA_TYPE


def _repeats_a_guarded_header(raw: Sequence[tuple[bytes, bytes]]) -> bool:
    names = [name.lower() for name, _ in raw]
    return any(names.count(name) > 1 for name in GUARDED_HEADERS)


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
        path = route_path(scope)
        if len(headers) != len(scope["headers"]) and _repeats_a_guarded_header(scope["headers"]):
            if kind == "websocket":
                await receive()
                await refuse_handshake(send)
            else:
                await send_error(send, 400, "BAD_REQUEST", "Host, Origin and Content-Type may be sent once", path)
            return
        host = headers.get(b"host", b"").decode("latin-1") or None
        if kind == "websocket":
            if not host_allowed(host, self.host_patterns) or is_cross_site(headers, self.trusted_origins):
                await receive()  # the handshake's websocket.connect
                await refuse_handshake(send)
                return
        elif not host_allowed(host, self.host_patterns):
            await send_error(send, 421, "MISDIRECTED_REQUEST", "this server does not answer to that host name", path)
            return
        elif scope["method"] not in SAFE_METHODS or (path == "/graphql" and scope.get("query_string")):
            if is_cross_site(headers, self.trusted_origins):
                message = "cross-site requests may not run operations here (see ASGARD_CORS_ORIGINS)"
                await send_error(send, 403, "CROSS_SITE_REQUEST", message, path)
                return
            if scope["method"] not in SAFE_METHODS and not is_json(headers.get(b"content-type")):
                message = f"request bodies must be {JSON_MEDIA_TYPE}"
                await send_error(send, 415, "UNSUPPORTED_MEDIA_TYPE", message, path)
                return
        await self.app(scope, receive, send)
