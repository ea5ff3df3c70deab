"""Refuse request bodies over the cap with 413, before they are read whole."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.refusals import send_error
from server.route_path import route_path


class _TooLarge(Exception):
    pass


async def _send_413(send: Send, limit: int, scope: Scope) -> None:
    message = f"request body exceeds {limit} bytes (ASGARD_MAX_BODY_BYTES)"
    await send_error(send, 413, "TOO_LARGE", message, route_path(scope))


class BodySizeLimit:
    """ASGI middleware: a declared Content-Length over the cap is refused at once; a streamed
    body is counted as it arrives and refused as soon as it passes the cap."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_413(send, self.max_bytes, scope)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_413(send, self.max_bytes, scope)
