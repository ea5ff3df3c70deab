"""Cursors and page sizes (server/schema/pagination.py)."""

from __future__ import annotations

import pytest

from server.config import Limits
from server.schema.pagination import decode_cursor, decode_token_cursor, encode_cursor, encode_token_cursor, page_size
from server.services.errors import RequestError


def test_cursors_round_trip_and_refuse_what_they_did_not_make():
    assert decode_cursor(encode_cursor("42:abc")) == "42:abc"
    assert decode_token_cursor(encode_token_cursor("tok", 7)) == ("tok", 7)
    assert decode_token_cursor(encode_token_cursor(None, 0)) == (None, 0)
    for foreign in ("not-a-cursor", "", "eyJ4IjoxfQ"):
        with pytest.raises(RequestError):
            decode_token_cursor(foreign)
    limits = Limits(max_page_size=100, default_page_size=20)
    assert page_size(None, limits) == 20 and page_size(100, limits) == 100
    for wrong in (101, -1):
        with pytest.raises(RequestError):
            page_size(wrong, limits)
