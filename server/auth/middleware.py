"""Authentication of HTTP requests: a bearer token in the Authorization header, never in the URL.

When no token exists the server listens on loopback only and every caller is the local admin.
Once a token exists, every protected request must bring a valid one (else HTTP 401); the
GraphiQL page itself and its static files carry no data and load without one, so a person can paste
a token into its headers editor. Websockets authenticate in the connection_init payload (see the app).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import parse_qs

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from server.auth.roles import LOCAL_ADMIN, Principal
from server.auth.tokens import TokenStore

PROTECTED = ("/graphql", "/metrics", "/feast", "/mlops", "/exports")
PUBLIC = ("/graphql/static/",)  # GraphiQL's own scripts and styles, the same for everyone
PRINCIPAL = "principal"  # where the caller is kept in the request's scope state
URL_TOKEN_KEYS = {"token", "access_token", "api_key", "apikey", "auth", "authorization"}


async def _deny(send: Send, status: int, message: str) -> None:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b'Bearer realm="asgard"'),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def principal_for(tokens: TokenStore, authorization: str | None) -> Principal | None:
    """The caller: the local admin while no token exists, else the token's owner (None: refused)."""
    if not tokens.any_active():
        return LOCAL_ADMIN
    token = bearer(authorization)
    if token is None:
        return None
    return await asyncio.to_thread(tokens.verify, token)


class Authentication:
    def __init__(self, app: ASGIApp, tokens: Callable[[], TokenStore]) -> None:
        self.app = app
        self.tokens = tokens  # a callable: the store exists only once the app has started

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if URL_TOKEN_KEYS & {k.lower() for k in query}:
            await _deny(send, 401, "send the token in the Authorization header, never in the URL")
            return
        path = scope.get("path", "")
        if not path.startswith(PROTECTED) or path.startswith(PUBLIC):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        auth = headers.get(b"authorization", b"").decode("latin-1") or None
        principal = await principal_for(self.tokens(), auth)
        if principal is None:
            if scope.get("method") == "GET" and path == "/graphql" and not query:
                # The GraphiQL page: no data in it, and no operation can run without a query.
                await self.app(scope, receive, send)
                return
            else:
                message = "unknown or revoked token" if auth else "this server needs a bearer token"
                await _deny(send, 401, message)
                return
        scope.setdefault("state", {})[PRINCIPAL] = principal
        await self.app(scope, receive, send)


def principal_of(scope: Scope) -> Principal | None:
    """The caller of a request or websocket, as this middleware found them (None on public paths)."""
    principal: Principal | None = scope.get("state", {}).get(PRINCIPAL)
    return principal
