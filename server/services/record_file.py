"""The registry's records as converted from Feast's stored protos, kept in a file between starts.

Converting a stored proto to a record takes Feast (its import is most of a start: ~1.5 s) and, for many
views, seconds. The file holds each record with the digest of the proto it was made from: a start whose
stored protos all have their record in the file answers registry reads from them while Feast opens in the
background. A record is used only for the very bytes it was made from, and only by the code that made it
(the file's fingerprint covers the conversion's modules and Feast's version): anything else is converted
again, by Feast.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import types
from datetime import datetime
from enum import Enum
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import orjson

from server.services.registry_records import EntityRecord, FeatureServiceRecord, FeatureViewRecord

log = logging.getLogger(__name__)

KINDS: dict[str, type[Any]] = {"entity": EntityRecord, "view": FeatureViewRecord, "service": FeatureServiceRecord}
# what makes a record from a proto, and what a record is: a change to any of them makes the file's records unusable
CONVERSION_MODULES = ("feast_objects.py", "registry_records.py", "dtypes.py", "record_file.py")

Records = dict[tuple[str, str], tuple[bytes, Any]]  # (kind, name) -> (stored proto, its record)


def digest(proto: bytes) -> str:
    return hashlib.sha256(proto).hexdigest()


@cache
def fingerprint() -> str:
    """The conversion's code and Feast's version, as one digest."""
    parts = [metadata.version("feast").encode()]
    here = Path(__file__).parent
    for name in CONVERSION_MODULES:
        try:
            parts.append((here / name).read_bytes())
        except OSError:
            parts.append(b"missing " + name.encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def encode(value: Any) -> Any:
    """A record as JSON's values: dataclasses as objects, tuples as arrays, times in ISO 8601, enums by value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [encode(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@cache
def _hints(kind: type[Any]) -> dict[str, Any]:
    return get_type_hints(kind)


def decode(kind: Any, value: Any) -> Any:
    """The inverse of `encode` for a value of type `kind`; TypeError or ValueError where it does not fit."""
    origin = get_origin(kind)
    if origin is Union or origin is types.UnionType:
        if value is None:
            return None
        (inner,) = (a for a in get_args(kind) if a is not type(None))
        return decode(inner, value)
    if origin is tuple:
        if not isinstance(value, list):
            raise TypeError(f"{kind} from {type(value).__name__}")
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], v) for v in value)
        return tuple(decode(a, v) for a, v in zip(args, value, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(value, dict) or set(value) != {f.name for f in dataclasses.fields(kind)}:
            raise TypeError(f"{kind.__name__} from {value!r:.80}")
        hints = _hints(kind)
        return kind(**{name: decode(hints[name], v) for name, v in value.items()})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    if kind in (str, int, bool) and type(value) is kind:
        return value
    raise TypeError(f"{kind} from {type(value).__name__}")


def load(path: Path, stored: dict[str, dict[str, bytes]]) -> Records | None:
    """The records of every stored proto (`stored`: kind -> name -> proto), or None unless the file has them
    all, made by this code."""
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, orjson.JSONDecodeError):
        log.warning("the registry's records file %s could not be read; Feast converts the registry", path)
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != fingerprint():
        return None
    kept = data.get("records")
    records: Records = {}
    try:
        for kind, rows in stored.items():
            for name, proto in rows.items():
                entry = kept[kind].get(name)  # type: ignore[index]
                if entry is None or entry[0] != digest(proto):
                    return None
                records[(kind, name)] = (proto, decode(KINDS[kind], entry[1]))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        log.warning("the registry's records file %s does not hold records; Feast converts the registry", path)
        return None
    return records


def save(path: Path, records: dict[tuple[str, str], tuple[bytes, Any]]) -> None:
    """Write the records (each with its proto's digest) in place of the file's, all or nothing."""
    kept: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    for (kind, name), (proto, record) in records.items():
        kept[kind][name] = [digest(proto), encode(record)]
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(orjson.dumps({"fingerprint": fingerprint(), "records": kept}))
    os.replace(partial, path)
