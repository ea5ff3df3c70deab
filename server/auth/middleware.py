"""Authentication of HTTP requests and websockets: a bearer token, never in the URL.

Whether callers need a token is decided once, when the server starts: if any token exists then, every
protected request must bring a valid one (else HTTP 401), for as long as the process lives, even after
every token is revoked. A server that started without tokens (it listens on loopback only) treats
every caller as the local admin until a token is created; from then on it requires tokens too. It
never opens again. The GraphiQL page and its static files carry no data and load without a token,
so a person can paste one into its headers editor. Websockets authenticate in the connection_init
payload (see the app), and are checked again while they stay open.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from server.auth.roles import LOCAL_ADMIN, Principal
from server.auth.tokens import CACHE_SECONDS, TokenStore
from server.refusals import refuse_handshake, send_error
from server.route_path import route_path

PROTECTED = ("/graphql", "/metrics", "/feast", "/mlops", "/exports")
PUBLIC = ("/graphql/static/",)  # GraphiQL's own scripts and styles, the same for everyone
PRINCIPAL = "principal"  # where the caller is kept in the request's scope state
URL_TOKEN_KEYS = {"token", "access_token", "api_key", "apikey", "auth", "authorization"}
CHALLENGE = [(b"www-authenticate", b'Bearer realm="asgard"')]


def bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Authenticator:
    """Who is calling. `start` decides the mode; until then (and if never started) tokens are required."""

    def __init__(self, tokens: TokenStore | None = None) -> None:
        self.tokens = tokens
        self._required = True
        self._checked = 0.0

    def start(self, tokens: TokenStore) -> None:
        """Decide, once, whether callers need a token: they do if any token exists now (blocking)."""
        self.tokens = tokens
        self._required = tokens.any_active()
        self._checked = time.monotonic()

    @property
    def check_interval(self) -> float:
        """How often an open websocket's token is checked again."""
        return (self.tokens.cache_seconds if self.tokens else CACHE_SECONDS) / 2

    async def required(self) -> bool:
        """Whether callers need a token; a server without tokens closes when one is created."""
        if self._required or self.tokens is None:
            return True
        if time.monotonic() - self._checked >= self.tokens.cache_seconds:
            self._checked = time.monotonic()
            if await asyncio.to_thread(self.tokens.any_active):
                self._required = True
        return self._required

    async def principal(self, authorization: str | None) -> Principal | None:
        """The caller: the local admin in no-token mode, else the token's owner (None: refused)."""
        if not await self.required():
            return LOCAL_ADMIN
        token = bearer(authorization)
        if token is None or self.tokens is None:
            return None
        return await asyncio.to_thread(self.tokens.verify, token)


class Authentication:
    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if URL_TOKEN_KEYS & {k.lower() for k in query}:
            if scope["type"] == "websocket":
                await receive()
                await refuse_handshake(send)
                return
            message = "send the token in the Authorization header, never in the URL"
            await send_error(send, 401, "UNAUTHENTICATED", message, path, CHALLENGE)
            return
        if scope["type"] == "websocket":  # authenticated in connection_init (server/graphql_ws.py)
            await self.app(scope, receive, send)
            return
        if not path.startswith(PROTECTED) or path.startswith(PUBLIC):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        auth = headers.get(b"authorization", b"").decode("latin-1") or None
        principal = await self.authenticator.principal(auth)
        if principal is None:
            if scope.get("method") == "GET" and path == "/graphql" and not query:
                # The GraphiQL page: no data in it, and no operation can run without a query.
                await self.app(scope, receive, send)
                return
            message = "unknown or revoked token" if auth else "this server needs a bearer token"
            await send_error(send, 401, "UNAUTHENTICATED", message, path, CHALLENGE)
            return
        scope.setdefault("state", {})[PRINCIPAL] = principal
        await self.app(scope, receive, send)


def principal_of(scope: Scope) -> Principal | None:
    """The caller of a request or websocket, as this middleware found them (None on public paths)."""
    principal: Principal | None = scope.get("state", {}).get(PRINCIPAL)
    return principal
