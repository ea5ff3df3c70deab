"""The bounded caches: least recently used goes first, one at a time; keys are digests."""

from __future__ import annotations

import pytest

from server.lru import LRU, text_key


def test_full_it_drops_the_least_recently_used_only():
    cache: LRU[str, int] = LRU(3)
    for i, key in enumerate("abc"):
        cache.put(key, i)
    assert cache.get("a") == 0  # a is now the most recent
    cache.put("d", 3)
    assert "b" not in cache and len(cache) == 3
    assert [cache.get(k) for k in "acd"] == [0, 2, 3]
    for i in range(100):
        cache.put(f"flood{i}", i)
    assert len(cache) == 3 and cache.get("flood99") == 99


def test_text_keys_are_fixed_size_and_tell_parts_apart():
    assert len(text_key("x" * 1_000_000)) == 32
    assert text_key("ab", "c") != text_key("a", "bc")
    assert text_key("q", None) != text_key("q", "") != text_key("q")


def test_an_empty_cache_is_refused():
    with pytest.raises(ValueError):
        LRU(0)
