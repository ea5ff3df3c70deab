"""Cursor pagination over name-ordered lists (keyset: a cursor survives inserts before it)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from server.config import Limits
from server.schema.common import Connection, Edge, PageInfo
from server.services.errors import RequestError

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
            has_next_page=start + size < len(items),
            end_cursor=edges[-1].cursor if edges else after,
        ),
        total_count=len(items),
    )
