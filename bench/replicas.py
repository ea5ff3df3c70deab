"""Online reads on two replicas (issue 15): two `asgard serve` processes sharing one PostgreSQL Feast
registry, one Redis online store and one gold layer, against `feast serve` on the same repo and Redis
with as many worker processes. Both views are registered and materialized once, through replica A;
then, with online.py's load generator: all clients on A, clients spread round-robin over A and B (as an
L7 load balancer would), and `feast serve` with 1 and with 2 workers. Both replicas must answer the
same values for every customer."""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench import online
from bench.servers import FeastServer, RedisServer, start_asgard
from tests.support.server import ServerProcess

NEEDED = ("ASGARD_TEST_POSTGRES_URL",)
SHAPES = [(1, 2), (1, 20)]
# the peer every target's ratios are taken against: `feast serve` with the same number of worker processes
PEER = {"asgard-a": "feast-serve-1w", "asgard-a+b": "feast-serve-2w"}


def _database() -> str:
    """A fresh database on the test PostgreSQL (tests/support/lakehouse.py's), for the shared Feast registry."""
    missing = [n for n in NEEDED if not os.environ.get(n)]
    if missing:
        raise SystemExit(
            f"{', '.join(missing)} not set: online-replicas shares a PostgreSQL Feast registry between two "
            'replicas; start PostgreSQL with `eval "$(bash scripts/test-services)"` first'
        )
    from tests.support.lakehouse import new_database

    return new_database(os.environ["ASGARD_TEST_POSTGRES_URL"])


def _drop(url: str) -> None:
    import psycopg

    admin, name = url.rsplit("/", 1)
    with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def round_robin(urls: list[str], body: dict[str, Any]) -> Callable[[], Callable[[], Any]]:
    """Like online._http, but each caller sends its requests to the URLs in turn, starting one further
    along than the caller made before it: at any moment the clients are spread over the replicas."""
    starts = itertools.count()

    def make() -> Callable[[], Any]:
        client = httpx.Client(timeout=30)
        turn = itertools.count(next(starts))
        return lambda: online._check(client.post(urls[next(turn) % len(urls)], json=body))

    return make


def _body(refs: list[str], ids: list[int]) -> dict[str, Any]:
    return {"query": online.ONLINE, "variables": {"i": {"features": refs, "entities": {"customer_id": ids}}}}


def agreement(a: ServerProcess, b: ServerProcess) -> dict[str, int]:
    """Every customer's values of both views from each replica, compared value by value."""
    ids = list(range(1001, 4001))
    values = mismatches = present = 0
    for view, features in online.VIEWS.values():
        body = _body([f"{view}:{f}" for f in features], ids)
        answers = [online._check(httpx.post(f"{s.url}/graphql", json=body, timeout=60)) for s in (a, b)]
        (first, second) = (answer["data"]["onlineFeatures"] for answer in answers)
        pairs = zip(first["rows"], second["rows"], first["statuses"], second["statuses"], strict=True)
        for row_a, row_b, st_a, st_b in pairs:
            values += len(row_a)
            mismatches += sum(x != y for x, y in itertools.zip_longest(row_a, row_b))
            mismatches += sum(x != y for x, y in itertools.zip_longest(st_a, st_b))
            present += sum(s == "PRESENT" for s in st_a)
    return {"entities": len(ids), "values": values, "present": present, "mismatches": mismatches}


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process with its reaped children (gunicorn's recycled workers) and, but for this
    one (whose children are the servers), its live ones."""
    import psutil

    root = psutil.Process(pid)
    children = root.children(recursive=True) if pid != os.getpid() else []
    return sum(sum(p.cpu_times()[:4]) for p in (root, *children))


def _worker_restarts(server: FeastServer, workers: int) -> int:
    """Workers gunicorn booted beyond the first ones: `feast serve` recycles each after --max-requests
    (1,000 by default, plus up to 50), and its clients' open connections are reset."""
    server.log.flush()
    return Path(server.log.name).read_text(errors="replace").count("Booting worker") - workers


def _measure(
    a: ServerProcess, b: ServerProcess, feast: dict[int, FeastServer], redis: RedisServer, args: Any
) -> tuple[list[online.Result], list[dict[str, Any]]]:
    """Every shape's targets in online.py's interleaved rounds; and where the CPU went meanwhile (the
    clients are this process): seconds of CPU per process over the shape's wall time."""
    pids = {"bench clients": os.getpid(), "asgard A": a.proc.pid, "asgard B": b.proc.pid}  # type: ignore[union-attr]
    pids |= {f"feast serve {n}w": server.proc.pid for n, server in feast.items()} | {"redis": redis.proc.pid}
    results, cpu = [], []
    for rows, width in SHAPES:
        view, features = online.VIEWS[width]
        refs = [f"{view}:{f}" for f in features]
        ids = list(range(1001, 1001 + rows))
        feast_body = {"features": refs, "entities": {"customer_id": ids}}
        targets = {
            "feast-serve-1w": online._http(f"{feast[1].url}/get-online-features", feast_body),
            "feast-serve-2w": online._http(f"{feast[2].url}/get-online-features", feast_body),
            "asgard-a": online._http(f"{a.url}/graphql", _body(refs, ids)),
            "asgard-a+b": online.Target(round_robin([f"{a.url}/graphql", f"{b.url}/graphql"], _body(refs, ids))),
        }
        before, started = {k: _cpu_seconds(p) for k, p in pids.items()}, time.perf_counter()
        results += online._measure(
            targets,
            rows,
            width,
            args.requests,
            args.clients,
            args.seconds,
            rounds=1 if args.smoke else 5,
            by_wrk=False,  # a round-robin over two URLs is the Python clients' own: all targets measured alike
        )
        wall = time.perf_counter() - started
        used = {k: round(_cpu_seconds(p) - before[k], 1) for k, p in pids.items()}
        cpu.append({"rows": rows, "features": width, "wall_seconds": round(wall, 1), "cpu_seconds": used})
    for r in results:
        r.store = "redis"
    return results, cpu


def run(run_dir: Path, args: Any) -> dict[str, Any]:
    """Set everything up in `run_dir`, measure, stop everything, drop the run's database."""
    gold = run_dir / "gold"
    gold.mkdir(parents=True)
    database = _database()
    servers: list[Any] = []
    try:
        redis = RedisServer(run_dir)
        servers.append(redis)
        shared = {
            "ASGARD_REGISTRY_URL": database,
            "ASGARD_ONLINE_STORE": redis.url,
            "ASGARD_CATALOG_URI": f"sqlite:///{gold}/gold_catalog.db",
            "ASGARD_WAREHOUSE": f"file://{gold}/warehouse",
        }
        online.write_wide_table(gold, shared)
        a = start_asgard(run_dir / "a", shared)
        servers.append(a)
        online.prepare(a)  # registered and materialized once, through A
        b = start_asgard(run_dir / "b", shared)
        servers.append(b)
        checked = agreement(a, b)
        feast = {n: FeastServer(run_dir / "a" / "feast", workers=n) for n in (1, 2)}
        servers += feast.values()
        results, cpu = _measure(a, b, feast, redis, args)
        restarts = {f"feast-serve-{n}w": _worker_restarts(server, n) for n, server in feast.items()}
    finally:
        for server in reversed(servers):
            server.stop()
        _drop(database)
    return {
        "clients": args.clients,
        "agreement": checked,
        "results": online.as_dicts(results),
        "cpu": cpu,
        "feast_worker_restarts": restarts,
    }


def table(result: dict[str, Any]) -> str:
    """Markdown: one row per target and shape, ratios against `feast serve` with as many workers."""
    lines = [
        f"Online reads on two replicas (Redis, shared PostgreSQL registry), {result['clients']} clients",
        "",
        "| rows | features | target | p50 ms | p99 ms | req/s | failed | vs | p50 vs | p99 vs | req/s vs |",
        "|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    by_key = {(r["features"], r["target"]): r for r in result["results"]}
    for r in result["results"]:
        peer = by_key.get((r["features"], PEER.get(r["target"], "")))
        ratios = (
            f"{peer['target']} | {r['p50_ms'] / peer['p50_ms']:.2f}x | {r['p99_ms'] / peer['p99_ms']:.2f}x "
            f"| {r['rps'] / peer['rps']:.2f}x"
            if peer
            else " | | |"
        )
        lines.append(
            f"| {r['rows']} | {r['features']} | {r['target']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['rps']:.0f} | {r['errors']} | {ratios} |"
        )
    c = result["agreement"]
    lines += [
        "",
        f"A vs B: {c['values']:,} values (join key included) for {c['entities']:,} customers, "
        f"{c['present']:,} PRESENT, {c['mismatches']} mismatches",
    ]
    restarts = ", ".join(f"{k} {v}" for k, v in result["feast_worker_restarts"].items())
    lines.append(f"feast serve workers recycled (gunicorn --max-requests): {restarts}")
    for shape in result["cpu"]:
        used = ", ".join(f"{k} {v:.1f}" for k, v in shape["cpu_seconds"].items())
        lines.append(f"CPU s over {shape['rows']}x{shape['features']}'s {shape['wall_seconds']:.1f} s: {used}")
    return "\n".join(lines)
