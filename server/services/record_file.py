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
import tempfile
import threading
import types
from collections.abc import Callable
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
CONVERSION_MODULES = ("services/feast_objects.py", "services/registry_records.py", "services/dtypes.py",
                      "services/record_file.py", "timeutil.py")  # fmt: skip
SAVE_QUIET_SECONDS = 2.0  # the file is written once its records have not changed for this long

Records = dict[tuple[str, str], tuple[bytes, Any]]  # (kind, name) -> (stored proto, its record)


def digest(proto: bytes) -> str:
    return hashlib.sha256(proto).hexdigest()


def _fingerprint() -> str | None:
    """The conversion's code and Feast's version, as one digest; None (no file is used or written) where a
    module's source cannot be read."""
    parts = [metadata.version("feast").encode()]
    server = Path(__file__).parent.parent
    for name in CONVERSION_MODULES:
        try:
            parts.append((server / name).read_bytes())
        except OSError:
            log.warning("%s cannot be read: the registry's records are not kept between starts", server / name)
            return None
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


FINGERPRINT = _fingerprint()  # of the code this process runs: taken when it is imported


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
    if FINGERPRINT is None:
        return None
    try:
        data = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, orjson.JSONDecodeError):
        log.warning("the registry's records file %s could not be read; Feast converts the registry", path)
        return None
    if not isinstance(data, dict) or data.get("fingerprint") != FINGERPRINT:
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


def save(path: Path, records: Records) -> None:
    """Write the records (each with its proto's digest) in place of the file's, all or nothing."""
    if FINGERPRINT is None:
        return
    kept: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    for (kind, name), (proto, record) in records.items():
        kept[kind][name] = [digest(proto), encode(record)]
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(orjson.dumps({"fingerprint": FINGERPRINT, "records": kept}))
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


class QuietSaver:
    """Writes the file in a thread of its own once its records have stopped changing for `quiet` seconds
    (registrations in a row: one write, after them); `close` writes what is pending and stops the thread."""

    def __init__(self, path: Path, records: Callable[[], Records], quiet: float = SAVE_QUIET_SECONDS) -> None:
        self.path, self.records, self.quiet = path, records, quiet
        self._wake = threading.Event()
        self._lock = threading.Lock()  # the thread's start and stop
        self._write_lock = threading.Lock()  # one write at a time
        self._pending = False
        self._stopped = False
        self._thread: threading.Thread | None = None

    def changed(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._pending = True
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="asgard-records-save", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            while not self._stopped and self._wake.wait(self.quiet):
                self._wake.clear()
            if self._stopped:
                return
            self.write()

    def write(self) -> None:
        """What is pending, now."""
        with self._write_lock:
            if not self._pending:
                return
            self._pending = False  # a change while this writes is written next time
            try:
                save(self.path, self.records())
            except Exception:
                log.warning("the registry's records file %s could not be written", self.path, exc_info=True)

    def close(self) -> None:
        with self._lock:
            self._stopped = True
            self._wake.set()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
        self.write()
