"""A bounded least-recently-used map, for caches whose keys callers choose (documents, tokens).

Full, it drops the entry used longest ago, one at a time: a flood of new keys cannot empty it at once
and make every following request pay again. Keys are meant to be digests (`text_key`), so the cache
holds no caller's text twice and its memory is bounded by its size.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


def text_key(*parts: str | None) -> bytes:
    """A fixed-size key for texts of any length (SHA-256 over the parts, each marked as present or not)."""
    digest = hashlib.sha256()
    for part in parts:
        if part is None:
            digest.update(b"\x00")
        else:
            data = part.encode("utf-8", "surrogatepass")
            digest.update(b"\x01" + len(data).to_bytes(8, "big") + data)
    return digest.digest()


class LRU(Generic[K, V]):
    """Thread-safe: the token cache is read from worker threads."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU cache holds at least one entry")
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self._pinnable: frozenset[K] = frozenset()
        self._pinned: dict[K, V] = {}

    def pin(self, keys: frozenset[K]) -> None:
        """Keys whose values, once put, are kept beside the LRU and never evicted (a bounded set the
        caller owns, e.g. the trusted documents' texts)."""
        with self._lock:
            self._pinnable = keys

    def get(self, key: K) -> V | None:
        with self._lock:
            if key in self._pinned:
                return self._pinned[key]
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def __contains__(self, key: K) -> bool:
        with self._lock:
            return key in self._items or key in self._pinned

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if key in self._pinnable:
                self._pinned[key] = value
                return
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
