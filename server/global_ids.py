"""Relay global ids (pure): one opaque string per object a page can link to, naming its kind and the key
it is found by everywhere else in the API.

A global id is the URL-safe base64 (unpadded) of the JSON array `[kind, *key]`: `["FeatureView",
"customer_features"]`, `["ModelVersion", "churn", "3"]`. Clients treat it as opaque; it is stable (the
same object has the same id on every replica and across restarts, as its key is) and carries nothing a
reader could not already see. The raw ids and names keep their meaning beside it.
"""

from __future__ import annotations

import base64
import binascii
import json

from server.services.errors import RequestError

# Each kind (a GraphQL type name) and the names of its key's parts, in order.
KINDS: dict[str, tuple[str, ...]] = {
    "FeatureView": ("name",),
    "Entity": ("name",),
    "FeatureService": ("name",),
    "GoldTable": ("name",),
    "Experiment": ("id",),
    "Run": ("id",),
    "RegisteredModel": ("name",),
    "ModelVersion": ("model", "version"),
    "TrainingJob": ("id",),
    "Materialization": ("id",),
}
MAX_LENGTH = 2048  # longer than any id this server hands out (names are at most a few hundred characters)


def encode(kind: str, *key: str) -> str:
    if kind not in KINDS or len(key) != len(KINDS[kind]):
        raise ValueError(f"no global id for {kind} {key!r}")
    raw = json.dumps([kind, *key], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(global_id: str, field: str = "id") -> tuple[str, tuple[str, ...]]:
    """The kind and key a global id names; BAD_USER_INPUT (on `field`) for anything this server would
    not have handed out: not base64 of a JSON array, an unknown kind, or a key of the wrong shape."""
    if len(global_id) > MAX_LENGTH:
        raise RequestError(f"not a global id: longer than {MAX_LENGTH} characters", field=field)
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4))
        parts = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: "[[[[..."
        raise RequestError("not a global id (ids come from a globalId field)", field=field) from None
    if not isinstance(parts, list) or not parts or not all(isinstance(p, str) and _encodable(p) for p in parts):
        raise RequestError("not a global id (ids come from a globalId field)", field=field)
    kind, *key = parts
    if kind not in KINDS:
        raise RequestError(f"a global id of an unknown kind ({kind[:40]!r})", field=field)
    if len(key) != len(KINDS[kind]) or not all(key) or (kind == "ModelVersion" and not _version(key[1])):
        raise RequestError(f"a {kind} global id with a malformed key", field=field)
    if encode(kind, *key) != global_id:  # one id per object: other spellings of the same JSON are not ids
        raise RequestError("not a global id (ids come from a globalId field)", field=field)
    return kind, tuple(key)


def _encodable(text: str) -> bool:
    """JSON may carry lone surrogates ("\\ud800"), which no backend can store or look up."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _version(text: str) -> bool:
    """A version as the server writes it: a positive decimal without leading zeros ("3", not "003")."""
    return text.isascii() and text.isdigit() and len(text) <= 18 and text[0] != "0"
