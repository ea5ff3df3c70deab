"""GraphQL over HTTP, as its specification says (https://graphql.github.io/graphql-over-http/draft/).

- Media types: a client that accepts `application/graphql-response+json` (and does not prefer plain JSON
  by its q-values) gets it, with the specification's status codes: a request that fails before execution
  (it does not parse, does not validate, names no known persisted document, is over a limit) is a 400
  without a `data` entry. Everyone else gets `application/json` and 200 for every GraphQL response, as
  legacy clients expect.
- An Accept header that lists neither (nor `application/*`, `*/*`) is a 406 for an operation; a browser's
  GET for GraphiQL is not one.
- GET runs queries only: a mutation over GET is 405 with `Allow: POST`. A successful GET answer carries
  an `ETag` and `Cache-Control: private, no-cache` with `Vary: Accept, Authorization` (a cache may keep it
  for this caller and must ask again; `If-None-Match` with the same tag, or `*`, answers 304 without a
  body). HEAD is answered as GET, without the body. POST answers are `no-store`.
- Refusals Strawberry writes as plain text (a body it cannot read, a batch too large) go out as the
  same JSON error shape as everywhere else.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from starlette.types import Message, Send

GRAPHQL_RESPONSE_JSON = b"application/graphql-response+json"
APPLICATION_JSON = b"application/json"
REQUEST_ERROR_STATUS = 400  # a request error, for clients that accept application/graphql-response+json


def _quality(accept: bytes, media_type: bytes) -> float:
    """The q-value `accept` gives `media_type` exactly (0: not listed)."""
    for item in accept.split(b","):
        kind, _, params = item.strip().partition(b";")
        if kind.strip() != media_type:
            continue
        for param in params.split(b";"):
            name, _, value = param.strip().partition(b"=")
            if name.strip() == b"q":
                try:
                    return min(max(float(value), 0.0), 1.0)
                except ValueError:
                    return 1.0  # a q-value that is no number: as if none were given
        return 1.0
    return 0.0


def response_media_type(headers: Any) -> bytes:
    """`application/graphql-response+json` when the client accepts it at least as much as plain JSON."""
    accept = _header(headers, b"accept").lower()
    if GRAPHQL_RESPONSE_JSON not in accept:
        return APPLICATION_JSON
    spec, legacy = _quality(accept, GRAPHQL_RESPONSE_JSON), _quality(accept, APPLICATION_JSON)
    return GRAPHQL_RESPONSE_JSON if spec > 0 and spec >= legacy else APPLICATION_JSON


_ACCEPTED = (GRAPHQL_RESPONSE_JSON, APPLICATION_JSON, b"application/*", b"*/*")


def accepts_a_response(headers: Any) -> bool:
    """Whether the client can take one of the media types this server answers in (no Accept: any)."""
    accept = _header(headers, b"accept").lower()
    return not accept.strip() or any(_quality(accept, kind) > 0 for kind in _ACCEPTED)


async def not_acceptable(send: Send) -> None:
    """The specification's recommended answer to an Accept header that lists neither media type."""
    message = "this endpoint answers application/graphql-response+json or application/json (see the Accept header)"
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": "NOT_ACCEPTABLE"}}]})
    headers = [
        (b"content-type", APPLICATION_JSON),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"vary", b"Accept"),
    ]
    await send({"type": "http.response.start", "status": 406, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(headers: Any, name: bytes) -> bytes:
    if isinstance(headers, list):  # an ASGI scope's
        return next((v for k, v in headers if k.lower() == name), b"")
    value = headers.get(name.decode())  # a request adapter's mapping
    return value.encode("latin-1") if isinstance(value, str) else b""


def _is_json_type(name: bytes, value: bytes) -> bool:
    return name.lower() == b"content-type" and value.startswith(b"application/json")


def answers(send: Send, scope: Any, media_type: bytes) -> Send:
    """`send` for Strawberry's view: the media type the client asked for, JSON refusals, `Allow` on a 405,
    and the caching headers above."""
    refused: dict[str, Any] = {}
    method = scope.get("method", "GET")
    if_none_match = _header(scope.get("headers", []), b"if-none-match")
    held: dict[str, Any] = {}  # a GET's 200: headers until the body is known, for its ETag

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            json_body = any(_is_json_type(k, v) for k, v in message.get("headers", []))
            if message["status"] in (400, 405, 415) and not json_body:  # Strawberry's plain-text refusals
                refused["status"] = message["status"]
                return
            headers = [(k, media_type if _is_json_type(k, v) else v) for k, v in message.get("headers", [])]
            if not json_body:  # GraphiQL's page: its own headers
                await send(message)
                return
            if method == "GET" and message["status"] == 200:
                held["start"] = {**message, "headers": headers}
                held["body"] = []
                return
            message["headers"] = [*headers, (b"cache-control", b"no-store")]
        if message["type"] == "http.response.body" and refused:
            text = message.get("body", b"").decode("utf-8", "replace") or "bad request"
            code = "LIMIT_EXCEEDED" if "Too many operations" in text else "BAD_REQUEST"
            if refused["status"] == 405:
                code = "METHOD_NOT_ALLOWED"
            body = orjson.dumps({"errors": [{"message": text, "extensions": {"code": code}}]})
            headers = [
                (b"content-type", media_type),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ]
            if refused["status"] == 405:
                headers.append((b"allow", b"POST"))
            await send({"type": "http.response.start", "status": refused["status"], "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        if message["type"] == "http.response.body" and held:
            held["body"].append(message.get("body", b""))
            if message.get("more_body"):
                return
            await _send_cacheable(send, held["start"], b"".join(held["body"]), if_none_match)
            return
        await send(message)

    return wrapped


async def _send_cacheable(send: Send, start: Message, body: bytes, if_none_match: bytes) -> None:
    tag = b'W/"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'
    caching = [(b"etag", tag), (b"cache-control", b"private, no-cache"), (b"vary", b"Accept, Authorization")]
    if any(t.strip() in (tag, b"*") for t in if_none_match.split(b",")):
        kept = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-length", b"content-type")]
        await send({"type": "http.response.start", "status": 304, "headers": [*kept, *caching]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({**start, "headers": [*start["headers"], *caching]})
    await send({"type": "http.response.body", "body": body})


def without_body(send: Send) -> Send:
    """`send` for a HEAD request answered as GET: its status and headers, an empty body."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.body":
            if not message.get("more_body"):
                await send({"type": "http.response.body", "body": b""})
            return
        await send(message)

    return wrapped
