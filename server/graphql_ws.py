"""GraphQL over websockets (graphql-transport-ws): text frames, and a token that stays checked.

A socket authenticates once, in connection_init. Its token is checked again before every operation
and, while the socket is open, every half token-cache lifetime: a token revoked anywhere closes the
socket with 4403 within the cache's lifetime plus half of it (7.5 s with the default 5 s cache).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from server.auth.middleware import Authenticator
from server.auth.roles import Role
from server.context import Context
from server.persisted_documents import PersistedDocuments, websocket_request

REVOKED = 4403
_OPTIONAL_OBJECT = (dict, type(None))


def malformed(message: object) -> str | None:
    """Why a graphql-transport-ws message does not follow the protocol (the reason of the 4400 close that
    answers it), or None. Strawberry itself reads a subscribe's payload as a dict and would fail on
    `"payload": null`, a list, or a number where the query goes."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "a message is a JSON object with a string type"
    kind = message["type"]
    if kind in ("subscribe", "complete") and not (isinstance(message.get("id"), str) and message["id"]):
        return f"a {kind} message needs a non-empty string id"
    if kind == "connection_init" and not isinstance(message.get("payload"), _OPTIONAL_OBJECT):
        return "connection_init's payload is an object"
    if kind != "subscribe":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "a subscribe message's payload is an object with the operation's query"
    query = payload.get("query")
    extensions = payload.get("extensions")
    by_hash = "documentId" in payload or (isinstance(extensions, dict) and "persistedQuery" in extensions)
    if not (isinstance(query, str) or (query is None and by_hash)):
        return "a subscribe message's payload.query is the operation's text"
    if not isinstance(payload.get("variables"), _OPTIONAL_OBJECT):
        return "payload.variables is an object"
    if not isinstance(payload.get("operationName"), (str, type(None))):
        return "payload.operationName is a string"
    if not isinstance(extensions, _OPTIONAL_OBJECT):
        return "payload.extensions is an object"
    return None


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages are text frames; orjson's bytes would go out as binary ones."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class CheckedTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's handler, with the socket's caller verified again before each operation and on a timer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.watchdog: asyncio.Task[None] | None = None

    @property
    def authenticator(self) -> Authenticator:
        found: Authenticator = self.view.authenticator  # type: ignore[attr-defined]  # server.app.GraphQLApp
        return found

    async def still_allowed(self) -> bool:
        principal = await self.authenticator.principal(self.context.credential)
        return principal is not None and principal == self.context.principal

    async def close_revoked(self) -> None:
        await self.websocket.close(code=REVOKED, reason="Forbidden: the token was revoked")

    async def handle_message(self, message: Message) -> None:
        problem = malformed(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        if message["type"] == "connection_init" and message.get("payload") is None:
            message.pop("payload", None)  # the protocol allows a null payload; Strawberry wants an object or none
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self.watchdog is None:
            self.watchdog = asyncio.create_task(self.watch())

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if not self.connection_acknowledged:  # Strawberry's refusal: 4401
            await super().handle_subscribe(message)
            return
        if not await self.still_allowed():
            await self.close_revoked()
            return
        limit = self.max_subscriptions_per_connection
        if message["id"] in self.operations or (limit is not None and len(self.operations) >= limit):
            await super().handle_subscribe(message)  # Strawberry's refusal first: 4409, or the limit's error
            return
        payload: dict[str, Any] = message["payload"]  # type: ignore[assignment]  # an object: malformed()
        persisted: PersistedDocuments = self.view.persisted  # type: ignore[attr-defined]  # server.app.GraphQLApp
        if persisted.enabled:
            request = websocket_request(payload)
            principal = self.context.principal
            refusal = persisted.resolve(request, principal is not None and principal.role is Role.ADMIN)
            if refusal is not None:
                await self.send_message({"id": message["id"], "type": "error", "payload": [refusal.formatted]})
                return
            if request.query is not None:
                payload["query"] = request.query
        if not isinstance(payload.get("query"), str):  # by hash, where no hash is served
            await self.handle_invalid_message("a subscribe message's payload.query is the operation's text")
            return
        try:  # over a limit, or no GraphQL: the operation's `error`, as over HTTP
            await self.view.documents.parse_off_loop(payload["query"])  # type: ignore[attr-defined]
        except GraphQLError as error:
            await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
            return
        # The socket's context is its operations' too: each operation gets DataLoaders of its own (caches,
        # per-request budgets), in the task Strawberry starts for it, which copies this context.
        with self.context.operation_loaders():
            await super().handle_subscribe(message)

    async def watch(self) -> None:
        interval = self.authenticator.check_interval
        while True:
            await asyncio.sleep(interval)
            if not await self.still_allowed():
                with contextlib.suppress(Exception):
                    await self.close_revoked()
                return

    async def shutdown(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.watchdog
        await super().shutdown()
