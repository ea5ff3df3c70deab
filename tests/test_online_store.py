"""Reads straight from the online store (server/services/online_store.py) against Feast's own read, on
SQLite and on Redis: the same data written by Feast (every feature type, nulls, features an entity lacks,
entities never written, values past their TTL, rewritten rows), then random requests through both paths,
which must give the same table, cell for cell."""

from __future__ import annotations

import asyncio
import math
import os
import random
import socket
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest

from server.app import create_app, create_services
from server.services import online_store
from server.services.dtypes import FeatureDtype
from server.services.errors import RequestError
from server.services.feature_requests import resolve_features
from server.services.feature_serving import FeatureServing
from server.services.online_store import RedisReads, SqliteReads, _local_client, entity_keys, view_read
from server.services.redis_wire import RedisWire
from tests.support.client import local_client
from tests.support.graphql import gql, register_view, unique

TYPED = {  # feature -> (dtype, Arrow type of its gold column)
    "f_int64": ("INT64", pa.int64()),
    "f_int32": ("INT32", pa.int32()),
    "f_double": ("FLOAT64", pa.float64()),
    "f_float": ("FLOAT32", pa.float32()),
    "f_string": ("STRING", pa.string()),
    "f_bool": ("BOOL", pa.bool_()),
    "f_bytes": ("BYTES", pa.binary()),
    "f_time": ("UNIX_TIMESTAMP", pa.timestamp("us", tz="UTC")),
    "f_ints": ("INT64_LIST", pa.list_(pa.int64())),
    "f_doubles": ("FLOAT64_LIST", pa.list_(pa.float64())),
    "f_strings": ("STRING_LIST", pa.list_(pa.string())),
}
KEYS = {"oc_customer": pa.int64(), "oc_shop": pa.string(), "oc_region": pa.int32()}
TTL = 3600


def _gold_table(services: Any, name: str) -> str:
    catalog = services.gold.catalog()
    catalog.create_namespace_if_not_exists("gold")
    columns: dict[str, Any] = {k: pa.array([], t) for k, t in KEYS.items()}
    columns |= {f: pa.array([], t) for f, (_, t) in TYPED.items()}
    columns["updated_at"] = pa.array([], pa.timestamp("us", tz="UTC"))
    table = pa.table(columns)
    if not catalog.table_exists(("gold", name)):
        catalog.create_table(("gold", name), schema=table.schema)
    return f"gold.{name}"


def _value(dtype: str, rng: random.Random) -> Any:
    from feast.protos.feast.types.Value_pb2 import BytesList, DoubleList, Int64List, StringList, Value

    if rng.random() < 0.1:
        return Value()  # null
    pick = {
        "INT64": lambda: Value(int64_val=rng.randint(-(2**63), 2**63 - 1)),
        "INT32": lambda: Value(int32_val=rng.randint(-(2**31), 2**31 - 1)),
        "FLOAT64": lambda: Value(double_val=rng.choice([rng.uniform(-1e9, 1e9), math.nan, math.inf, 0.0])),
        "FLOAT32": lambda: Value(float_val=rng.choice([0.5, -2.25, math.nan, 1e30])),
        "STRING": lambda: Value(string_val=rng.choice(["", "a", "é漢字", "x" * 50])),
        "BOOL": lambda: Value(bool_val=rng.random() < 0.5),
        "BYTES": lambda: Value(bytes_val=bytes(rng.randrange(256) for _ in range(rng.randrange(8)))),
        "UNIX_TIMESTAMP": lambda: Value(unix_timestamp_val=rng.choice([0, 1_767_225_600, 1_800_000_000])),
        "INT64_LIST": lambda: Value(int64_list_val=Int64List(val=[rng.randint(-5, 5) for _ in range(3)])),
        "FLOAT64_LIST": lambda: Value(double_list_val=DoubleList(val=[0.25, math.nan])),
        "STRING_LIST": lambda: Value(string_list_val=StringList(val=["a", "b"][: rng.randrange(3)])),
    }
    _ = BytesList
    return pick[dtype]()


def _key_value(key: str, value: Any) -> Any:
    from feast.protos.feast.types.Value_pb2 import Value

    if KEYS[key] == pa.string():
        return Value(string_val=value)
    if KEYS[key] == pa.int32():
        return Value(int32_val=value)
    return Value(int64_val=value)


CUSTOMERS = [-3, 0, 1, 2, 7, 2**40, 2**63 - 1, -(2**63)]
SHOPS = ["", "north", "süd", "a b"]
REGIONS = [-(2**31), 0, 5, 2**31 - 1]
DOMAINS = {"oc_customer": [*CUSTOMERS, 99, 100], "oc_shop": [*SHOPS, "nowhere"], "oc_region": [*REGIONS, 77]}


def _write(services: Any, view: str, keys: list[str], rng: random.Random) -> None:
    """Feast writes rows for most key combinations: random features, some past the TTL, some rewritten."""
    from feast.protos.feast.types.EntityKey_pb2 import EntityKey

    store = services.registry.store
    table = store.get_feature_view(view)
    now = datetime.now(UTC)
    combos: list[tuple[Any, ...]] = [()]
    for key in keys:
        written = {"oc_customer": CUSTOMERS, "oc_shop": SHOPS, "oc_region": REGIONS}[key]
        combos = [(*c, v) for c in combos for v in written]
    rows = []
    for _ in range(2):  # the second pass rewrites some entities, with other values and times
        for combo in combos:
            if rng.random() < 0.3:
                continue
            names = [f for f in TYPED if rng.random() < 0.85] or ["f_int64"]
            values = {f: _value(TYPED[f][0], rng) for f in names}
            stamp = now - timedelta(seconds=rng.choice([5, 600, TTL + 600, 86400 * 3]))
            key = EntityKey(join_keys=keys, entity_values=[_key_value(k, v) for k, v in zip(keys, combo, strict=True)])
            rows.append((key, values, stamp, None))
    store._get_provider().online_write_batch(store.config, table, rows, progress=None)


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def stores(request, settings, tmp_path_factory):
    """Two FeatureServings over one registry and online store: direct reads, and Feast's read."""
    if request.param == "redis":
        url = os.environ.get("ASGARD_TEST_REDIS_URL")
        if not url:
            pytest.fail("ASGARD_TEST_REDIS_URL is not set: run the suite with `make test`, which starts Redis")
        changed = replace(settings, data_dir=tmp_path_factory.mktemp("oc-redis"), online_store=url).resolved()
    else:
        changed = replace(settings, data_dir=tmp_path_factory.mktemp("oc-sqlite"), online_store="").resolved()
    services = create_services(changed)
    source = _gold_table(services, unique("online_oracle"))
    rng = random.Random(20261201)
    views = {}
    with local_client(create_app(changed, services)) as client:
        for keys in (["oc_customer"], ["oc_shop"], ["oc_region"], ["oc_customer", "oc_shop"]):
            name = unique("oc_" + "_".join(k.removeprefix("oc_") for k in keys))
            features = [{"name": f, "dtype": d} for f, (d, _) in TYPED.items()]
            view = {"name": name, "entities": keys, "features": features, "ttlSeconds": TTL, "online": True}
            view["source"] = {"table": source, "timestampField": "updated_at"}
            payload = register_view(client, view)
            assert not payload["userErrors"], payload["userErrors"]
            views[name] = keys
        for name, keys in views.items():
            _write(services, name, keys, rng)
        direct = services.serving
        assert direct.direct is not None
        yield direct, FeatureServing(services.registry, direct_reads=False), views, services


def _same(a: Any, b: Any) -> bool:
    """Equal tables; the first difference is printed."""
    for part in ("columns", "rows", "statuses", "event_timestamps"):
        mine, theirs = getattr(a, part), getattr(b, part)
        if mine != theirs:
            first = next(i for i, (x, y) in enumerate(zip(mine, theirs, strict=True)) if x != y)
            print(part, first, mine[first], theirs[first], [c.name for c in a.columns])
            return False
    return True


def test_direct_reads_answer_as_feast_does(stores):
    direct, feast, views, services = stores
    snap = services.registry.snapshot()
    rng = random.Random(7)
    names = list(views)
    compared = refused = 0
    on_loop = []
    for _ in range(200):
        chosen = rng.sample(names, rng.randint(1, 3))
        features = [f"{v}:{f}" for v in chosen for f in rng.sample(list(TYPED), rng.randint(1, len(TYPED)))]
        keys = sorted({k for v in chosen for k in views[v]})
        rows = rng.randint(1, 40)
        entities = {k: [rng.choice(DOMAINS[k]) for _ in range(rows)] for k in keys}
        full = rng.random() < 0.5
        refs = resolve_features(snap, features, None)
        try:
            expected = feast.online(snap, refs, entities, full)
        except RequestError as error:  # features of one name from two views, without full names
            assert error.field == "fullFeatureNames"
            with pytest.raises(RequestError):
                direct.online(snap, refs, entities, full)
            refused += 1
            continue
        got = direct.online(snap, refs, entities, full)
        assert _same(got, expected), (features, entities, full)
        on_loop.append((features, entities, full, expected))
        compared += 1
    assert compared > 100 and refused > 5

    async def read_on_the_loop() -> None:  # one loop, as in the server (Redis's async client is bound to it)
        for features, entities, full, expected in on_loop:
            got = await direct.read_online_async(snap, features, None, entities, full)
            assert _same(got, expected), (features, entities, full)

    reads = direct.direct
    inline_calls = []
    if isinstance(reads, RedisReads):
        reads._inline_paused_until = 0.0
        read_inline = reads.read_inline
        reads.read_inline = lambda *args: inline_calls.append(1) or read_inline(*args)  # type: ignore[method-assign]
    asyncio.run(read_on_the_loop())
    if isinstance(reads, RedisReads):  # that was the inline read (Redis on this host: at least until one was
        del reads.read_inline  # slow on a busy machine, which rests it); now the async client's, every time
        assert inline_calls
        reads._inline_paused_until = float("inf")
        try:
            asyncio.run(read_on_the_loop())
        finally:
            reads._inline_paused_until = 0.0


@pytest.mark.parametrize("stores", ["redis"], indirect=True)
@pytest.mark.parametrize("inline", [True, False], ids=["inline", "async-only"])
def test_reads_from_several_loops_at_once_each_get_their_own_rows(stores, inline):
    """The inline client is one socket: loops in other threads reading at the same time never share it
    (one that finds it in use reads with the async client), so no answer lands with another request.
    redis-py's async clients belong to the loop that made them: each loop reads with its own."""
    import threading

    direct, _, views, services = stores
    reads = direct.direct
    assert isinstance(reads, RedisReads)
    snap = services.registry.snapshot()
    view = next(v for v, keys in views.items() if keys == ["oc_customer"])
    features = [f"{view}:f_int64", f"{view}:f_string"]
    expected = {
        c: direct.online(snap, resolve_features(snap, features, None), {"oc_customer": [c]}, False) for c in CUSTOMERS
    }
    wrong: list[object] = []

    def reader(customers: list[int]) -> None:
        async def loop() -> None:
            for _ in range(40):
                for c in customers:
                    # a busy machine's slow read may rest the inline client: not here, unless asked
                    reads._inline_paused_until = 0.0 if inline else float("inf")
                    got = await direct.read_online_async(snap, features, None, {"oc_customer": [c]}, False)
                    if not _same(got, expected[c]):
                        wrong.append(c)
            await reads.close_async_client()

        asyncio.run(loop())

    threads = [threading.Thread(target=reader, args=(CUSTOMERS[i::4],), daemon=True) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a read never answered"
    assert wrong == []


@pytest.mark.parametrize("stores", ["redis"], indirect=True)
def test_an_inline_connection_redis_closed_is_replaced_without_a_pause(stores):
    """Redis closes idle clients after its `timeout`, and all of them when it restarts: the next inline
    read notices before it sends, connects again and answers (no failed read, no rest of the inline path)."""
    direct, _, views, services = stores
    reads = direct.direct
    assert isinstance(reads, RedisReads)
    reads._inline_paused_until = 0.0
    snap = services.registry.snapshot()
    view = next(v for v, keys in views.items() if keys == ["oc_customer"])
    features = [f"{view}:f_int64"]
    expected = direct.online(snap, resolve_features(snap, features, None), {"oc_customer": CUSTOMERS}, False)
    assert _same(
        asyncio.run(direct.read_online_async(snap, features, None, {"oc_customer": CUSTOMERS}, False)), expected
    )
    wire = reads._inline
    assert wire is not False and wire is not None and wire._sock is not None
    host, port = wire._sock.getsockname()
    local = f"{host}:{port}"
    admin = reads.store._get_client(reads.config)
    assert admin.client_kill(local)  # as Redis's idle timeout would
    time.sleep(0.05)
    got = asyncio.run(direct.read_online_async(snap, features, None, {"oc_customer": CUSTOMERS}, False))
    assert _same(got, expected)
    assert reads.inline  # not rested: the read was made inline, on a new connection
    assert wire._sock.getsockname() != (host, port)


@pytest.mark.parametrize("stores", ["redis"], indirect=True)
def test_three_slow_inline_reads_in_a_row_rest_the_inline_client_one_does_not(stores, monkeypatch):
    """A read over 5 ms (this process descheduled on a busy machine, as much as a slow Redis) does not rest the
    inline client; three in a row do, and the reads go to the async client."""
    direct, _, views, services = stores
    reads = direct.direct
    assert isinstance(reads, RedisReads)
    reads._inline_paused_until, reads._inline_slow = 0.0, 0
    assert reads.inline
    snap = services.registry.snapshot()
    view = next(v for v, keys in views.items() if keys == ["oc_customer"])
    refs = resolve_features(snap, [f"{view}:f_int64"], None)
    expected = direct.online(snap, refs, {"oc_customer": CUSTOMERS}, False)
    wire = reads._inline
    assert isinstance(wire, RedisWire)
    # slow and fast far apart (a read on a busy machine, as under `pytest -n 3`, takes over 5 ms now and then)
    monkeypatch.setattr(online_store, "INLINE_SLOW_SECONDS", 0.2)
    # and a real read under that load may take over the 10 ms socket timeout, which rests the client too (the
    # next test's case): here each read answers, on a connection made with a timeout of seconds
    wire.close()
    monkeypatch.setattr(wire, "timeout", 2.0)
    monkeypatch.setattr(wire, "total_timeout", 8.0)
    delays = [0.25, 0.0, 0.25, 0.25, 0.25]
    real = wire.hmget_many

    def slow(commands):
        time.sleep(delays.pop(0))
        return real(commands)

    monkeypatch.setattr(wire, "hmget_many", slow)
    try:
        inline_after = []
        for _ in range(5):
            got = asyncio.run(
                direct.read_online_async(snap, [f"{view}:f_int64"], None, {"oc_customer": CUSTOMERS}, False)
            )
            assert _same(got, expected)
            inline_after.append(reads.inline)
        assert inline_after == [True, True, True, True, False] and delays == []
    finally:
        reads._inline_paused_until, reads._inline_slow = 0.0, 0
        wire.close()  # the next read connects again, with the usual timeout


@pytest.mark.parametrize("stores", ["redis"], indirect=True)
def test_an_inline_redis_read_that_does_not_answer_gives_way_to_the_async_client(stores):
    """A Redis on this host that stops answering costs an inline read its 10 ms socket timeout once: the read
    is answered by the async client, reads stay off the inline client (as after three slow reads in a row)."""
    direct, _, views, services = stores
    reads = direct.direct
    assert isinstance(reads, RedisReads)
    reads._inline_paused_until = 0.0  # an earlier read on a busy machine may have rested it
    assert reads.inline
    snap = services.registry.snapshot()
    view = next(v for v, keys in views.items() if keys == ["oc_customer"])
    expected = direct.online(snap, resolve_features(snap, [f"{view}:f_int64"], None), {"oc_customer": CUSTOMERS}, False)
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    kept = reads._inline
    reads._inline = _local_client(f"127.0.0.1:{silent.getsockname()[1]}", reads.store._parse_connection_string)
    try:
        started = time.monotonic()
        got = asyncio.run(direct.read_online_async(snap, [f"{view}:f_int64"], None, {"oc_customer": CUSTOMERS}, False))
        assert _same(got, expected)
        assert not reads.inline and time.monotonic() - started < 1.5  # paused, after one short wait (no retries)
    finally:
        reads._inline, reads._inline_paused_until = kept, 0.0
        silent.close()
    remote = _local_client("10.1.2.3:6379", reads.store._parse_connection_string)
    assert remote is None  # a Redis elsewhere is read with the async client only


def test_every_status_and_type_was_compared(stores):
    """The data behind the comparison has what it should: present, null, not found and expired values."""
    direct, _, views, services = stores
    snap = services.registry.snapshot()
    view = next(v for v, keys in views.items() if keys == ["oc_customer"])
    table = direct.online(
        snap,
        resolve_features(snap, [f"{view}:{f}" for f in TYPED], None),
        {"oc_customer": DOMAINS["oc_customer"]},
        False,
    )
    statuses = {s for row in table.statuses for s in row}
    assert {"PRESENT", "NOT_FOUND", "OUTSIDE_MAX_AGE"} <= statuses
    assert any(v is None for row in table.rows for v in row[1:])


def test_entity_keys_are_feasts(stores):
    """The keys serialized here are byte for byte Feast's serialize_entity_key (version 3)."""
    from feast.infra.key_encoding_utils import serialize_entity_key
    from feast.protos.feast.types.EntityKey_pb2 import EntityKey

    _, _, views, services = stores
    snap = services.registry.snapshot()
    for name, keys in views.items():
        view = snap.views[name]
        read = view_read(view, {k: snap.entities[k].value_type for k in keys}, ["f_int64"])
        combos = [[rng_value] for rng_value in DOMAINS[keys[0]]]
        columns = {keys[0]: [c[0] for c in combos]}
        if len(keys) == 2:
            columns[keys[1]] = [SHOPS[i % len(SHOPS)] for i in range(len(combos))]
        ours = entity_keys(read, columns)
        for i, key in enumerate(ours):
            proto = EntityKey(join_keys=keys, entity_values=[_key_value(k, columns[k][i]) for k in keys])
            assert key == serialize_entity_key(proto, entity_key_serialization_version=3)


def test_a_key_out_of_range_is_the_callers_mistake(stores):
    _, _, views, services = stores
    snap = services.registry.snapshot()
    view = next(v for v, keys in views.items() if keys == ["oc_region"])
    read = view_read(snap.views[view], {"oc_region": FeatureDtype.INT32}, ["f_int64"])
    with pytest.raises(RequestError) as refused:
        entity_keys(read, {"oc_region": [2**31]})
    assert refused.value.field == "entities.oc_region"


@pytest.mark.parametrize("stores", ["sqlite"], indirect=True)
def test_sqlite_reads_on_the_loop_go_on_beside_a_writer(stores):
    """The online store is in WAL mode: while a materialization holds the write lock, a read on the event
    loop (which never waits) answers at once, with what was committed."""
    import sqlite3

    direct, _, views, services = stores
    assert isinstance(direct.direct, SqliteReads)
    snap = services.registry.snapshot()
    view = next(v for v, keys in views.items() if keys == ["oc_customer"])
    refs = resolve_features(snap, [f"{view}:f_int64"], None)
    before = direct.online(snap, refs, {"oc_customer": CUSTOMERS}, False)
    writer = sqlite3.connect(direct.direct.path, isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(f'DELETE FROM "{services.settings.feast_project}_{view}"')
        during = direct.online(snap, refs, {"oc_customer": CUSTOMERS}, False, wait=False)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _same(during, before)


def test_two_features_of_one_name_need_full_names(stores):
    """Named alike in two views, without full names: the caller's mistake, named (Feast raised an internal
    FeatureNameCollisionError)."""
    _, _, views, services = stores
    first, second = [v for v, keys in views.items() if keys == ["oc_customer"] or keys == ["oc_shop"]]
    query = """query($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { rows } }"""
    entities = {"oc_customer": [1], "oc_shop": ["north"]}
    variables = {"i": {"features": [f"{first}:f_int64", f"{second}:f_int64"], "entities": entities}}
    with local_client(create_app(services.settings, services)) as client:
        refused = gql(client, query, variables, errors=True)
        assert refused.codes() == ["BAD_USER_INPUT"]
        assert refused.errors[0]["extensions"]["field"] == "fullFeatureNames"
        variables["i"]["fullFeatureNames"] = True
        query = query.replace("{ rows }", "{ columns { name } }")
        columns = [c["name"] for c in gql(client, query, variables).data["onlineFeatures"]["columns"]]
        assert columns == ["oc_customer", "oc_shop", f"{first}__f_int64", f"{second}__f_int64"]
