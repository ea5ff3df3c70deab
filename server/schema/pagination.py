"""Cursor pagination over name-ordered lists (keyset: a cursor survives inserts before it)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from server.blocking import run_blocking
from server.config import Limits
from server.schema.common import Connection, Edge, PageInfo
from server.services.errors import RequestError
from server.services.mlflow_records import Page

R = TypeVar("R")
T = TypeVar("T")

_PREFIX = "k1:"


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + key).encode()).decode()


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if not raw.startswith(_PREFIX):
        raise RequestError("after is not a cursor this server gave out", field="after")
    return raw[len(_PREFIX) :]


def page_size(first: int | None, limits: Limits) -> int:
    if first is None:
        return limits.default_page_size
    if first < 0:
        raise RequestError("first must not be negative", field="first")
    if first > limits.max_page_size:
        raise RequestError(f"first must be at most {limits.max_page_size}", field="first")
    return first


def keyset_page(
    items: Sequence[R],
    key: Callable[[R], str],
    convert: Callable[[R], T],
    first: int | None,
    after: str | None,
    limits: Limits,
) -> Connection[T]:
    """A page of `items` (already sorted by `key`) after the cursor `after`."""
    size = page_size(first, limits)
    start = 0
    if after is not None:
        last = decode_cursor(after)
        start = next((i for i, item in enumerate(items) if key(item) > last), len(items))
    chosen = items[start : start + size]
    edges = [Edge(cursor=encode_cursor(key(item)), node=convert(item)) for item in chosen]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next=start + size < len(items),
            end_cursor=edges[-1].cursor if edges else after,
            start_cursor=edges[0].cursor if edges else None,
            has_previous_page=after is not None,
        ),
        total=len(items),
    )


# ---- pages over backends that hand out page tokens (MLflow) ------------------------------------

_TOKEN_PREFIX = "t1:"


def encode_token_cursor(token: str | None, skip: int) -> str:
    raw = _TOKEN_PREFIX + json.dumps([token, skip], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_token_cursor(cursor: str) -> tuple[str | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        if raw.startswith(_TOKEN_PREFIX):
            token, skip = json.loads(raw[len(_TOKEN_PREFIX) :])
            if (token is None or isinstance(token, str)) and isinstance(skip, int) and 0 <= skip <= 1000:
                return token, skip
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        pass
    raise RequestError("after is not a cursor this server gave out", field="after")


async def token_page(
    fetch: Callable[[int, str | None], Page[R]],
    convert: Callable[[R], T],
    first: int | None,
    after: str | None,
    limits: Limits,
    total: Callable[[], Awaitable[int | None]] | int | None = None,
) -> Connection[T]:
    """A page from a token-paged backend.

    A cursor is (page token, items to skip): an edge's cursor points just past it from the page
    token its request started at, and the end cursor is the backend's next token, so walking a
    long list never re-reads it. Whether another page exists is only asked when requested.
    """
    size = page_size(first, limits)
    token, skip = decode_token_cursor(after) if after is not None else (None, 0)
    page = await run_blocking(fetch, max(skip + size, 1), token)
    items = page.items[skip : skip + size]
    edges = [Edge(cursor=encode_token_cursor(token, skip + i + 1), node=convert(item)) for i, item in enumerate(items)]
    has_next: bool | Callable[[], Awaitable[bool]] = len(page.items) > skip + size
    end_cursor = edges[-1].cursor if edges else after
    if not has_next and page.next_token and len(page.items) >= skip + size:
        next_token = page.next_token
        end_cursor = encode_token_cursor(next_token, 0)

        async def probe() -> bool:
            return bool((await run_blocking(fetch, 1, next_token)).items)

        has_next = probe
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next=has_next,
            end_cursor=end_cursor,
            start_cursor=edges[0].cursor if edges else None,
            has_previous_page=after is not None,
        ),
        total=total,
    )
