"""Online reads straight from the store Feast materializes into, SQLite or Redis, in Feast's own layout.

Feast's `get_online_features` spends most of a small read on bookkeeping around it: it converts every
entity value to a proto, groups and sorts rows, builds a response proto that the caller converts again,
and checks its registry cache. The store's layout is simple and stable (entity keys serialized as in
Feast's version 3, one SQLite row per entity and feature, one Redis hash per entity), so a read here
serializes the keys itself, asks the store once per feature view and hands back the raw values; what
Feast would report is rebuilt from them (server/services/feature_values.py). The answers are the same as
Feast's, which a randomized test checks (tests/test_online_store.py); anything this module does not know
(another store, versioned views, an entity type without a key encoding) is left to Feast.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import sqlite3
import struct
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.services.dtypes import FeatureDtype
from server.services.errors import RequestCode, RequestError
from server.services.redis_wire import RedisWire, WireFailed
from server.services.registry_records import FeatureViewRecord

# Feast's ValueType numbers for the key types it can serialize, and how each value is packed
_STRING = 2
_KEY_TYPES: dict[FeatureDtype, tuple[int, str | None]] = {
    FeatureDtype.INT64: (4, "<q"),
    FeatureDtype.INT32: (3, "<i"),
    FeatureDtype.STRING: (_STRING, None),
}
_U32 = struct.Struct("<I")
PUSH_LOCK_SECONDS = 60  # longest a push waits for another process's push to the same store
PUSH_TIMES = "asgard_push_times"  # SQLite: the exact event times of pushed rows, beside Feast's whole seconds


class NotServedHere(Exception):
    """A read this module does not do (Feast's own read answers it instead)."""


class WouldBlock(Exception):
    """A read on the event loop that cannot go on there without waiting (a writer holds SQLite's lock, or
    only Feast's blocking read can answer it): the caller reads in a worker thread instead."""


@dataclass(frozen=True)
class ViewRead:
    """One feature view's part of a request: its join keys (sorted by name, as Feast serializes them)
    and the features asked of it."""

    view: FeatureViewRecord
    keys: tuple[tuple[str, FeatureDtype], ...]
    features: tuple[str, ...]


@dataclass(frozen=True)
class Found:
    """What the store holds for one entity of one view: its event time (seconds) and the features' values
    (a serialized Feast Value each; None: the entity has no value for it)."""

    seconds: float
    values: dict[str, bytes | None]
    stamp: Any = None  # the time as the store keeps it: SQLite's integer, Redis's (seconds, nanos)


@dataclass(frozen=True)
class StoredTimes:
    """The event time the store holds per entity row (microseconds since the epoch; None: nothing), and
    the rows' serialized entity keys."""

    micros: list[int | None]
    keys: list[bytes]


def key_prefix(names: Sequence[str]) -> bytes:
    """The part of a version-3 entity key that names the join keys (sorted already)."""
    out = [_U32.pack(len(names))]
    for name in names:
        raw = name.encode()
        out += [_U32.pack(_STRING), _U32.pack(len(raw)), raw]
    return b"".join(out)


def _key_value(value: Any, dtype: FeatureDtype, field: str) -> bytes:
    kind, fmt = _KEY_TYPES[dtype]
    if fmt is None:
        raw: bytes = value.encode()
    else:
        try:
            raw = struct.pack(fmt, value)
        except struct.error:
            bits = 64 if dtype is FeatureDtype.INT64 else 32
            raise RequestError(f"entity key values must fit in {bits} bits", field=field) from None
    return _U32.pack(kind) + _U32.pack(len(raw)) + raw


def entity_keys(read: ViewRead, columns: dict[str, list[Any]]) -> list[bytes]:
    """Each entity row's key for this view, serialized as Feast's version 3 (`serialize_entity_key`)."""
    prefix = key_prefix([name for name, _ in read.keys])
    encoded = [[_key_value(v, dtype, f"entities.{name}") for v in columns[name]] for name, dtype in read.keys]
    return [prefix + b"".join(parts) for parts in zip(*encoded, strict=True)]


def view_read(view: FeatureViewRecord, keys: dict[str, FeatureDtype | None], features: Sequence[str]) -> ViewRead:
    """`keys`: each of the view's entities' join key and type. NotServedHere for an entity-less view or a key
    type Feast cannot serialize."""
    if not keys:
        raise NotServedHere(f"{view.name} has no entities")
    typed: list[tuple[str, FeatureDtype]] = []
    for name, dtype in sorted(keys.items()):
        if dtype is None or dtype not in _KEY_TYPES:
            raise NotServedHere(f"join key {name} of type {dtype}")
        typed.append((name, dtype))
    return ViewRead(view=view, keys=tuple(typed), features=tuple(features))


class SqliteReads:
    """Feast's SQLite online store: a table per view (`<project>_<view>`), a row per entity and feature.
    A connection per thread (reading, and writing only a push's exact times); on the event loop one that
    never waits for a lock."""

    def __init__(self, path: Path, project: str) -> None:
        self.path = path
        self.project = project
        self._waiting = threading.local()
        self._immediate = threading.local()

    def event_micros(self, view: str, keys: list[bytes], found: dict[bytes, Found]) -> list[int | None]:
        """The event time held for each key, in microseconds. Feast keeps whole seconds here, so a push
        records its rows' exact times beside them (`record_push`); a recorded time counts while Feast holds
        what it wrote for it (a materialization since has written another time, whose whole second then
        counts)."""
        exact: dict[bytes, int] = {}
        unique = list(dict.fromkeys(k for k in keys if k in found))
        if unique:
            conn = self._conn(True)
            self._push_times_table(conn)
            marks = ",".join("?" * len(unique))
            sql = f"SELECT entity_key, micros FROM {PUSH_TIMES} WHERE view = ? AND entity_key IN ({marks})"
            exact = dict(conn.execute(sql, [view, *unique]).fetchall())
        out: list[int | None] = []
        for key in keys:
            entry = found.get(key)
            if entry is None:
                out.append(None)
                continue
            recorded = exact.get(key)
            if recorded is not None and isinstance(entry.stamp, int) and feast_sqlite_stamp(recorded) == entry.stamp:
                out.append(recorded)
            else:
                out.append(round(entry.seconds) * 1_000_000)
        return out

    def record_push(self, view: str, keys: list[bytes], micros: list[int]) -> None:
        """The exact event times of rows a push has just written (under the push lock)."""
        conn = self._conn(True)
        self._push_times_table(conn)
        with conn:
            conn.executemany(
                f"INSERT INTO {PUSH_TIMES} (view, entity_key, micros) VALUES (?, ?, ?) "
                "ON CONFLICT (view, entity_key) DO UPDATE SET micros = excluded.micros",
                [(view, key, at) for key, at in zip(keys, micros, strict=True)],
            )

    @staticmethod
    def _push_times_table(conn: sqlite3.Connection) -> None:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {PUSH_TIMES} "
            "(view TEXT NOT NULL, entity_key BLOB NOT NULL, micros INTEGER NOT NULL, PRIMARY KEY (view, entity_key))"
        )

    @contextlib.contextmanager
    def push_lock(self, view: str) -> Iterator[None]:
        """Held while a push reads what the store holds and writes what is newer, so that pushes from
        every process on this machine (the only ones that can share the file) take turns: an advisory lock
        on a file beside the store, released by the kernel if the holder dies."""
        # a file per view or table: a push holds its table's lock, then its view's
        lock_path = self.path.with_name(f"{self.path.name}.push-lock-{hashlib.sha256(view.encode()).hexdigest()[:16]}")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a+b") as handle:
            _flock(handle.fileno())
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def use_wal(self) -> None:
        """Write-ahead logging: readers never wait for a materialization's writes (stored in the file)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.path, timeout=30) as conn:
            conn.execute("PRAGMA journal_mode=WAL")

    def _conn(self, wait: bool) -> sqlite3.Connection:
        local = self._waiting if wait else self._immediate
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30 if wait else 0)
            local.conn = conn
        return conn

    def read(self, reads: list[ViewRead], keys: list[list[bytes]], wait: bool) -> list[dict[bytes, Found]]:
        conn = self._conn(wait)
        out = []
        for read, view_keys in zip(reads, keys, strict=True):
            unique = list(dict.fromkeys(view_keys))
            table = f"{self.project}_{read.view.name}".replace('"', '""')
            # Feast's own query, so that an entity's event time is the one Feast reports: that of the
            # last row read (its features may have been written at different times)
            sql = (
                f'SELECT entity_key, feature_name, value, event_ts FROM "{table}" '
                f"WHERE entity_key IN ({','.join('?' * len(unique))}) ORDER BY entity_key"
            )
            try:
                rows = conn.execute(sql, unique).fetchall()
            except sqlite3.OperationalError as error:
                if "locked" in str(error) or "busy" in str(error):
                    raise WouldBlock(str(error)) from None
                if "no such table" in str(error):
                    raise NotServedHere(str(error)) from None
                raise
            values: dict[bytes, dict[str, bytes | None]] = {}
            stamps: dict[bytes, Any] = {}
            for key, feature, value, stamp in rows:
                values.setdefault(key, {})[feature] = value
                stamps[key] = stamp
            found = {key: Found(_seconds(stamps[key]), entry, stamps[key]) for key, entry in values.items()}
            out.append(found)
        return out


def _seconds(stamp: Any) -> float:
    """The event time Feast reads back from what it wrote (older files: ISO text). Feast writes
    `int(naive_utc.timestamp())`, which takes the naive UTC time as local time, and reads it back with
    `datetime.fromtimestamp`, as local time again: in UTC the integer is the epoch second; elsewhere it is
    shifted by the zone's offset, which Feast's read undoes and so does this."""
    if isinstance(stamp, (int, float)):
        return float(stamp) if _LOCAL_IS_UTC else float(_feast_utc_seconds(int(stamp)))
    if isinstance(stamp, (str, bytes)):
        from datetime import UTC, datetime

        text = stamp.decode() if isinstance(stamp, bytes) else stamp
        parsed = datetime.fromisoformat(text)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    return 0.0


def _flock(fd: int) -> None:
    deadline = time.monotonic() + PUSH_LOCK_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise _busy() from None
            time.sleep(0.005)


def _busy() -> RequestError:
    return RequestError(
        f"another push to this online store has held it for {PUSH_LOCK_SECONDS} s; try again",
        code=RequestCode.BUSY,
    )


_LOCAL_IS_UTC = time.timezone == 0 and time.altzone == 0 and not time.daylight


def _feast_utc_seconds(stored: int) -> int:
    """The epoch second of what Feast's SQLite store holds as `stored` (its read: local time, as UTC)."""
    import calendar

    return calendar.timegm((*time.localtime(stored)[:6], 0, 0, 0))


def feast_sqlite_stamp(micros: int) -> int:
    """What Feast's SQLite store writes for an event time (microseconds since the epoch): its
    `int(to_naive_utc(t).timestamp())`, whole seconds truncated toward zero, the naive time taken as local."""
    from datetime import UTC, datetime, timedelta

    naive = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)).replace(tzinfo=None)
    return int(naive.timestamp())


class RedisReads:
    """Feast's Redis online store: a hash per entity (key: entity key + project), a field per feature
    (murmur3 of `view:feature`) and the view's event time under `_ts:<view>`; Feast's own clients."""

    def __init__(self, store: Any, config: Any, project: str) -> None:
        self.store = store  # Feast's RedisOnlineStore: its clients, made and configured as Feast makes them
        self.config = config
        self.project = project.encode()
        self._fields: dict[tuple[str, str], bytes] = {}
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
        self._async_lock = threading.Lock()
        self._inline: RedisWire | bool | None = None  # the client of read_inline (False: none), made at first use
        self._inline_paused_until = 0.0
        self._inline_slow = 0  # inline reads in a row that took over INLINE_SLOW_SECONDS
        self._inline_lock = threading.Lock()

    @property
    def inline(self) -> bool:
        """Whether a small read is made inline on the event loop (read_inline): for a plain Redis on this
        host, where a round trip takes about 0.1 ms, as SQLite's read does (the async client's read costs
        the request a wake-up of the loop more: 0.3-0.4 ms of a one-row request on two busy cores). Not for
        a Redis elsewhere, a cluster or a sentinel, and not for INLINE_PAUSE_SECONDS after a read timed out."""
        if self.config.redis_type != "redis" or time.monotonic() < self._inline_paused_until:
            return False
        if self._inline is None:
            self._inline = _local_client(self.config.connection_string, self.store._parse_connection_string) or False
        return self._inline is not False

    def read_inline(self, reads: list[ViewRead], keys: list[list[bytes]]) -> list[dict[bytes, Found]]:
        """`read` with the inline client (RedisWire: one send, one parse, no pool), whose socket gives up
        after INLINE_TIMEOUT_SECONDS: then WouldBlock (the caller reads with the async client) and no inline
        read for INLINE_PAUSE_SECONDS; INLINE_SLOW_READS reads in a row that answered but each took over
        INLINE_SLOW_SECONDS rest the inline client the same way (a slow Redis). One slow read does not: on a
        busy machine this process is descheduled for some milliseconds now and then, wherever it is, and a
        rest on each such read sent a fifth of the reads through the async client (p99 3-4 ms, not 1 ms)."""
        client = self._inline
        assert isinstance(client, RedisWire), "read_inline without an inline client"
        if not self._inline_lock.acquire(blocking=False):  # one socket: another loop (thread) is reading on it
            raise WouldBlock("the inline Redis client is in use")
        started = time.monotonic()
        try:
            found = self._found(reads, keys, client.hmget_many(self._commands(reads, keys)))
        except WireFailed as error:
            self._inline_paused_until = time.monotonic() + INLINE_PAUSE_SECONDS
            raise WouldBlock(f"the inline Redis read did not answer: {error}") from None
        finally:
            self._inline_lock.release()
        if time.monotonic() - started <= INLINE_SLOW_SECONDS:
            self._inline_slow = 0
        else:  # a slow Redis (or a proxy) blocks the loop, whatever the socket's timeout
            self._inline_slow += 1
            if self._inline_slow >= INLINE_SLOW_READS:
                self._inline_slow = 0
                self._inline_paused_until = time.monotonic() + INLINE_PAUSE_SECONDS
        return found

    async def read_on_loop(self, reads: list[ViewRead], keys: list[list[bytes]]) -> list[dict[bytes, Found]]:
        """A small read on the event loop: inline where it may be (read_inline), else the async client's."""
        if self.inline:
            with contextlib.suppress(WouldBlock):
                return self.read_inline(reads, keys)
        return await self.read_async(reads, keys)

    def event_micros(self, view: str, keys: list[bytes], found: dict[bytes, Found]) -> list[int | None]:
        """The event time held for each key, in microseconds (Feast keeps a protobuf Timestamp here: exact,
        where a float of seconds would lose the microsecond after about 2255)."""
        out: list[int | None] = []
        for key in keys:
            entry = found.get(key)
            seconds, nanos = entry.stamp if entry is not None else (0, 0)
            out.append(seconds * 1_000_000 + nanos // 1000 if entry is not None else None)
        return out

    def record_push(self, view: str, keys: list[bytes], micros: list[int]) -> None:
        """Nothing to record: the store keeps the exact times itself."""

    @contextlib.contextmanager
    def push_lock(self, view: str) -> Iterator[None]:
        """Held while a push reads what the store holds and writes what is newer, so that pushes from every
        process and replica sharing this Redis take turns per view: a Redis lock (redis-py's, released on
        exit, or after PUSH_LOCK_SECONDS should its holder die)."""
        from redis.exceptions import LockError

        client = self.store._get_client(self.config)
        name = f"asgard:push-lock:{self.project.decode()}:{view}"
        lock = client.lock(name, timeout=PUSH_LOCK_SECONDS, blocking_timeout=PUSH_LOCK_SECONDS, sleep=0.005)
        if not lock.acquire():
            raise _busy()
        try:
            yield
        finally:
            with contextlib.suppress(LockError):
                lock.release()

    def _hash_fields(self, read: ViewRead) -> list[bytes | str]:
        """The hash fields of the features asked for, then the view's event time; each feature's hash made
        once (a cache as large as the registered features, whatever subsets callers ask for)."""
        fields: list[bytes | str] = []
        for feature in read.features:
            found = self._fields.get((read.view.name, feature))
            if found is None:
                from feast.infra.online_stores.helpers import _mmh3

                found = self._fields[(read.view.name, feature)] = _mmh3(f"{read.view.name}:{feature}")
            fields.append(found)
        fields.append(f"_ts:{read.view.name}")
        return fields

    def _commands(self, reads: list[ViewRead], keys: list[list[bytes]]) -> list[tuple[bytes, list[bytes | str]]]:
        return [(k + self.project, self._hash_fields(r)) for r, ks in zip(reads, keys, strict=True) for k in ks]

    def _found(self, reads: list[ViewRead], keys: list[list[bytes]], replies: list[Any]) -> list[dict[bytes, Found]]:
        from google.protobuf.timestamp_pb2 import Timestamp

        out = []
        at = 0
        for read, view_keys in zip(reads, keys, strict=True):
            found: dict[bytes, Found] = {}
            for key in view_keys:
                *values, stamp = replies[at]
                at += 1
                if not stamp:
                    continue  # Feast reports such an entity PRESENT with no event time, which reads as NOT_FOUND
                ts = Timestamp.FromString(stamp)
                values_of = dict(zip(read.features, values, strict=True))
                found[key] = Found(ts.seconds + ts.nanos / 1e9, values_of, (ts.seconds, ts.nanos))
            out.append(found)
        return out

    def read(self, reads: list[ViewRead], keys: list[list[bytes]], wait: bool) -> list[dict[bytes, Found]]:
        """One pipeline of HMGETs through Feast's synchronous client."""
        with self.store._get_client(self.config).pipeline(transaction=False) as pipe:
            for key, fields in self._commands(reads, keys):
                pipe.hmget(key, fields)
            return self._found(reads, keys, pipe.execute())

    async def read_async(self, reads: list[ViewRead], keys: list[list[bytes]]) -> list[dict[bytes, Found]]:
        """One pipeline of HMGETs through this event loop's async client (async_client)."""
        async with self.async_client().pipeline(transaction=False) as pipe:
            for key, fields in self._commands(reads, keys):
                pipe.hmget(key, fields)
            return self._found(reads, keys, await pipe.execute())

    async def close_async_client(self) -> None:
        """Closes the running event loop's async client, if it made one: the loop is ending."""
        client = self._async_clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    def async_client(self) -> Any:
        """The running event loop's async client, made as Feast makes its one. redis-py's asyncio clients
        belong to the loop that made them, and loops in other threads may read at the same time: with Feast's
        one client swapped from loop to loop, a loop could be handed another's client while it was being
        swapped, and its read then waited forever. A loop's client goes with the loop."""
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            with self._async_lock:
                client = self._async_clients.get(loop)
                if client is None:
                    client = self._async_clients[loop] = _async_client(self.config, self.store._parse_connection_string)
        return client


INLINE_TIMEOUT_SECONDS = 0.01  # each socket operation of an inline read (a loopback round trip: ~0.1 ms)
INLINE_SLOW_SECONDS = 0.005  # inline reads that take longer, INLINE_SLOW_READS in a row, rest the inline client
INLINE_SLOW_READS = 3
INLINE_PAUSE_SECONDS = 5.0


INLINE_OPTIONS = frozenset({"db", "username", "password"})  # what the inline client handles (no TLS)


def _local_client(connection_string: str, parse: Any) -> RedisWire | None:
    """A Redis client of its own for inline reads (server/services/redis_wire.py), when the connection
    string names a plain Redis on this host (`localhost` or a loopback address, no TLS); None otherwise."""
    import ipaddress

    nodes, options = parse(connection_string)
    if len(nodes) != 1 or not set(options) <= INLINE_OPTIONS:
        return None
    host = str(nodes[0].get("host", ""))
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if not local:
        return None
    username, password = options.get("username"), options.get("password")
    return RedisWire(
        host,
        int(nodes[0]["port"]),
        INLINE_TIMEOUT_SECONDS,  # each socket operation: no retries, nothing that waits on the loop for long
        db=int(options.get("db") or 0),
        username=str(username) if username else None,
        password=str(password) if password else None,
    )


def _async_client(config: Any, parse: Any) -> Any:
    """A redis-py asyncio client for this online store's connection string: Feast's
    RedisOnlineStore._get_client_async, minus the one slot it keeps the client in."""
    from redis import asyncio as redis_asyncio

    nodes, kwargs = parse(config.connection_string)
    if config.redis_type == "redis_cluster":
        startup = [redis_asyncio.cluster.ClusterNode(**node) for node in nodes]
        return redis_asyncio.RedisCluster(startup_nodes=startup, **kwargs)
    if config.redis_type == "redis_sentinel":
        hosts = [(node["host"], int(node["port"])) for node in nodes]
        sentinel = redis_asyncio.Sentinel(hosts, **kwargs)  # type: ignore[no-untyped-call]
        return sentinel.master_for(config.sentinel_master)
    return redis_asyncio.Redis(host=nodes[0]["host"], port=nodes[0]["port"], **kwargs)


def store_reads(feast_store: Any) -> SqliteReads | RedisReads | None:
    """The direct reads for this Feast store's online store, or None where Feast's own read must answer."""
    config = feast_store.config
    if config.entity_key_serialization_version != 3:
        return None
    if getattr(config.registry, "enable_online_feature_view_versioning", False):
        return None
    online = config.online_store
    kind = getattr(online, "type", None)
    if kind == "sqlite" and online.path != ":memory:" and not getattr(online, "vector_enabled", False):
        path = Path(online.path)
        return SqliteReads(path if path.is_absolute() else Path(config.repo_path) / path, config.project)
    if kind == "redis" and getattr(online, "client", "redis") == "redis":  # not GLIDE's client
        return RedisReads(feast_store._get_provider().online_store, online, config.project)
    return None
