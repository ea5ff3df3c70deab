"""Online features: the Feast SDK in-process (the floor), `feast serve`, and Asgard's onlineFeatures,
for 1 and 100 entity rows and 2 and 20 features. Sequential latency (p50, p99) and the
throughput of concurrent clients.

The two servers are measured with wrk (bench/wrk.py) where it is installed: one connection, one request at a
time, for latency; `clients` connections for throughput. A Python HTTP client spends about half a millisecond
of its own on every request (more than a one-row read costs Asgard), the same for both servers, so its
figures pull their ratio towards 1; they are kept beside wrk's (`python_p50_ms`, `python_p99_ms`), and are
all there is without wrk. The SDK's figures are its calls in this process."""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pyarrow as pa

from bench import wrk
from bench.servers import FeastServer
from tests.support.server import ServerProcess

WIDE_FEATURES = [f"f{i:02d}" for i in range(20)]
VIEWS = {2: ("bench_narrow", ["total_orders", "total_spent"]), 20: ("bench_wide", WIDE_FEATURES)}
ONLINE = "query Online($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { columns { name dtype } rows statuses } }"


@dataclass
class Result:
    target: str
    rows: int
    features: int
    p50_ms: float
    p99_ms: float
    rps: float
    errors: int = 0
    store: str = "sqlite"
    client: str = "python"  # what measured p50, p99 and req/s: "wrk" (C; see the module's docstring) or "python"
    python_p50_ms: float | None = None  # the same sequential requests from a Python HTTP client (httpx)
    python_p99_ms: float | None = None


@dataclass
class Target:
    """A target's Python callers (`make` gives one per client) and, for a server, what to POST where."""

    make: Callable[[], Callable[[], Any]]
    post: tuple[str, dict[str, Any]] | None = None  # (url, JSON body): measured with wrk where it is installed


def write_wide_table(data_dir: Any, env: dict[str, str] | None = None) -> None:
    """gold.customer_wide: 20 double features for the demo's 3,000 customers; `env`: the servers'
    ASGARD_* settings (a gold catalog shared by replicas); none: the data dir's embedded one."""
    from server.config import load_settings
    from server.services.gold_catalog import GoldCatalog

    catalog = GoldCatalog(load_settings(env=env or {}, data_dir=data_dir)).catalog()
    catalog.create_namespace_if_not_exists("gold")
    if catalog.table_exists(("gold", "customer_wide")):
        return
    rng = np.random.default_rng(3)
    ids = np.arange(1001, 4001, dtype=np.int64)
    columns = {"customer_id": pa.array(ids)}
    columns |= {name: pa.array(rng.normal(size=len(ids))) for name in WIDE_FEATURES}
    stamp = datetime(2026, 1, 7, tzinfo=UTC)
    columns["updated_at"] = pa.array([stamp] * len(ids), type=pa.timestamp("us", tz="UTC"))
    table = pa.table(columns)
    catalog.create_table(("gold", "customer_wide"), schema=table.schema).append(table)


def prepare(server: ServerProcess) -> None:
    """Register both views online and materialize them, through Asgard's API."""
    narrow, wide = VIEWS[2][0], VIEWS[20][0]
    for name, table, features, dtype in (
        (narrow, "gold.customer_aggregates", VIEWS[2][1], None),
        (wide, "gold.customer_wide", WIDE_FEATURES, "FLOAT64"),
    ):
        spec = {
            "name": name,
            "entities": ["customer_id"],
            "features": [
                {"name": f, "dtype": dtype or ("INT64" if f == "total_orders" else "FLOAT64")} for f in features
            ],
            "source": {"table": table, "timestampField": "updated_at"},
            "online": True,
        }
        server.post(
            "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { change } }", {"i": spec}
        )
    op = server.post(
        "mutation($i: MaterializeInput!) { materialize(input: $i) { operation { id } userErrors { message } } }",
        {"i": {"featureViews": [narrow, wide], "start": "2025-12-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}},
    )["materialize"]["operation"]["id"]
    while True:
        state = server.post("query($id: ID!) { materialization(id: $id) { status error } }", {"id": op})
        if state["materialization"]["status"] != "RUNNING":
            assert state["materialization"]["status"] == "SUCCEEDED", state
            return
        time.sleep(0.2)


def _latencies(call: Callable[[], Any], warmup: int, n: int) -> tuple[list[float], int]:
    """`n` sequential calls' times in ms, sorted, and how many failed: a connection the server reset
    (`feast serve` recycles a worker every 1,000 requests) is counted, not timed, as in _throughput."""
    for _ in range(warmup):
        with contextlib.suppress(httpx.TransportError):
            call()
    out, failed = [], 0
    for _ in range(n):
        started = time.perf_counter()
        try:
            call()
        except httpx.TransportError:
            failed += 1
            continue
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out), failed


def _throughput(make_call: Callable[[], Callable[[], Any]], clients: int, seconds: float) -> tuple[float, int]:
    """Requests per second of `clients` callers together, and how many calls failed."""
    done = [0] * clients
    failed = [0] * clients
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        call = make_call()
        while time.monotonic() < stop:
            try:
                call()
                done[i] += 1
            except httpx.TransportError:  # a reset connection counts as a failure, not a crash
                failed[i] += 1
                call = make_call()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds, sum(failed)


def _check(response: httpx.Response) -> Any:
    response.raise_for_status()
    body = response.json()
    if "errors" in body:
        raise RuntimeError(body["errors"])
    return body


def _http(url: str, body: dict[str, Any]) -> Target:
    """A server's target: callers with one HTTP client each (clients are not shared between threads)."""

    def make() -> Callable[[], Any]:
        client = httpx.Client(timeout=30)
        return lambda: _check(client.post(url, json=body))

    return Target(make, (url, body))


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return round(statistics.median(ordered), 3), round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3)


def _measure(
    targets: dict[str, Target],
    rows: int,
    width: int,
    requests: int,
    clients: int,
    seconds: float,
    rounds: int,
    by_wrk: bool = True,
) -> list[Result]:
    """Every target in turn, `rounds` times, pooling the samples: a machine that gets busier or
    quieter during the run then weighs on all targets alike instead of on whichever ran last. A server's
    sequential latency and throughput come from wrk when it is installed (one run of `seconds / rounds`
    each per round), its Python client's latency from `requests / rounds` requests per round either way;
    `by_wrk` False: every target by its Python callers."""
    use_wrk = by_wrk and wrk.available()
    callers = {name: target.make() for name, target in targets.items()}
    for call in callers.values():
        _latencies(call, warmup=max(requests // 10, 5), n=0)
    python: dict[str, list[float]] = {name: [] for name in targets}
    measured: dict[str, list[float]] = {name: [] for name in targets}
    served: dict[str, list[float]] = {name: [] for name in targets}
    failed = dict.fromkeys(targets, 0)
    for _ in range(rounds):
        for name, target in targets.items():
            samples, sequential_errors = _latencies(callers[name], warmup=0, n=max(requests // rounds, 1))
            python[name] += samples
            failed[name] += sequential_errors
            if use_wrk and target.post is not None:
                url, body = target.post
                one = wrk.sequential(url, body, seconds / rounds)
                load = wrk.run(url, body, clients, seconds / rounds)
                measured[name] += one.samples_ms
                served[name].append(load.rps)
                failed[name] += one.failed + load.failed
            else:
                measured[name] += samples
                rps, errors = _throughput(target.make, clients, seconds / rounds)
                served[name].append(rps)
                failed[name] += errors
    results = []
    for name, target in targets.items():
        p50, p99 = _percentiles(measured[name])
        wrk_measured = use_wrk and target.post is not None
        python_p50, python_p99 = _percentiles(python[name]) if wrk_measured else (None, None)
        results.append(
            Result(
                target=name,
                rows=rows,
                features=width,
                p50_ms=p50,
                p99_ms=p99,
                rps=round(statistics.mean(served[name]), 1),
                errors=failed[name],
                client="wrk" if wrk_measured else "python",
                python_p50_ms=python_p50,
                python_p99_ms=python_p99,
            )
        )
    return results


def run(
    asgard: ServerProcess,
    feast: FeastServer,
    repo: str,
    requests: int,
    clients: int,
    seconds: float,
    shapes: list[tuple[int, int]],
    rounds: int = 5,
    store: str = "sqlite",
) -> list[Result]:
    from feast import FeatureStore

    sdk = FeatureStore(repo_path=repo)
    results = []
    for rows, width in shapes:
        view, features = VIEWS[width]
        refs = [f"{view}:{f}" for f in features]
        ids = list(range(1001, 1001 + rows))
        entity_rows = [{"customer_id": i} for i in ids]

        def sdk_caller(refs: list[str] = refs, entity_rows: list[dict[str, int]] = entity_rows) -> Callable[[], Any]:
            return lambda: sdk.get_online_features(features=refs, entity_rows=entity_rows).to_dict()

        targets = {
            "sdk": Target(sdk_caller),
            "feast-serve": _http(
                f"{feast.url}/get-online-features", {"features": refs, "entities": {"customer_id": ids}}
            ),
            "asgard": _http(
                f"{asgard.url}/graphql",
                {"query": ONLINE, "variables": {"i": {"features": refs, "entities": {"customer_id": ids}}}},
            ),
        }
        results += _measure(targets, rows, width, requests, clients, seconds, rounds)
    for r in results:
        r.store = store
    return results


def as_dicts(results: list[Result]) -> list[dict[str, Any]]:
    return [asdict(r) for r in results]
