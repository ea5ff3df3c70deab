"""python -m bench [--smoke] [--out FILE]: set up data in a temp dir, start every server on
loopback, measure, stop them, print a table (with ratios against the peers) and write JSON."""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench import (
    historical,
    historical_trino,
    jobs,
    load,
    online,
    persisted,
    predict,
    push,
    registry,
    replicas,
    startup,
    tracing,
    workers,
)
from bench.servers import FeastServer, RedisServer, start_asgard
from server.config import load_settings
from server.services.feast_repo import write_feast_repo


def _table(results: list[online.Result]) -> str:
    lines = [
        "| store | rows | features | target | client | p50 ms | p99 ms | req/s | failed | p50 vs feast serve "
        "| p99 vs feast serve | req/s vs feast serve | p50 vs SDK | Python client p50 / p99 ms "
        "| its p50 vs feast serve |",
        "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_key = {(r.store, r.rows, r.features, r.target): r for r in results}
    for r in results:
        serve = by_key[(r.store, r.rows, r.features, "feast-serve")]
        sdk = by_key[(r.store, r.rows, r.features, "sdk")]
        python = f"{r.python_p50_ms:.2f} / {r.python_p99_ms:.2f}" if r.python_p50_ms and r.python_p99_ms else ""
        python_ratio = (
            f"{r.python_p50_ms / serve.python_p50_ms:.2f}x" if r.python_p50_ms and serve.python_p50_ms else ""
        )
        lines.append(
            f"| {r.store} | {r.rows} | {r.features} | {r.target} | {r.client} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {r.rps:.0f} | {r.errors} | {r.p50_ms / serve.p50_ms:.2f}x | {r.p99_ms / serve.p99_ms:.2f}x "
            f"| {r.rps / serve.rps:.2f}x | {r.p50_ms / sdk.p50_ms:.2f}x | {python} | {python_ratio} |"
        )
    return "\n".join(lines)


def _online(data: Path, args: argparse.Namespace, shapes: list[tuple[int, int]], store: str) -> list[online.Result]:
    """One online run: Asgard and `feast serve` on the same repo, with the SQLite or a Redis online store."""
    data.mkdir()
    online.write_wide_table(data)
    redis = RedisServer(data) if store == "redis" else None
    asgard = feast = None
    try:
        asgard = start_asgard(data, {"ASGARD_ONLINE_STORE": redis.url} if redis else None)
        online.prepare(asgard)
        feast = FeastServer(data / "feast")
        rounds = 1 if args.smoke else 5
        return online.run(
            asgard, feast, str(data / "feast"), args.requests, args.clients, args.seconds, shapes, rounds, store
        )
    finally:
        for server in (feast, asgard, redis):
            if server is not None:
                server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only checks the harness works")
    parser.add_argument("--requests", type=int, default=2000, help="sequential requests per case")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients for throughput")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput run")
    parser.add_argument("--out", default="bench-results.json", help="where to write the JSON results")
    parser.add_argument(
        "--only",
        default="online,registry,jobs,historical,predict,push,persisted,tracing,startup,workers,load",
        help="comma-separated: online, registry, jobs, historical, predict, push, persisted, tracing, startup, workers "
        "(wrk's load on --workers 1 and 2 against feast serve), load (one server under concurrent reads, every "
        "answer counted by code); and, not run by default (nor by "
        "--smoke) as they need scripts/test-services: historical-trino (the lakehouse, see --trino-entities) "
        "and online-replicas (PostgreSQL: two asgard serve replicas on one registry and Redis)",
    )
    parser.add_argument("--walks", type=int, default=20, help="walks over all registry pages")
    parser.add_argument(
        "--registry-views",
        type=int,
        help=f"registry: feature views to register and browse (default {registry.DEFAULT_VIEWS}, "
        f"--smoke {registry.SMOKE_VIEWS})",
    )
    parser.add_argument(
        "--registry-registrations",
        type=int,
        help=f"registry: registrations per case (default {registry.REGISTRATIONS}, --smoke "
        f"{registry.SMOKE_REGISTRATIONS}; a case stops early after {registry.REGISTRATION_CASE_SECONDS} s)",
    )
    parser.add_argument(
        "--historical-runs", type=int, default=3, help="fresh server and SDK runs to take the median of"
    )
    parser.add_argument(
        "--trino-entities",
        default=",".join(str(n) for n in historical_trino.TRINO_COUNTS),
        help="historical-trino: entity counts, each skipped if a Trino call would pass --trino-max-seconds",
    )
    parser.add_argument(
        "--trino-max-seconds", type=float, default=300.0, help="historical-trino: the longest Trino call to start"
    )
    parser.add_argument("--predict-requests", type=int, default=500, help="sequential predictions per case")
    parser.add_argument("--push-requests", type=int, default=50, help="push: sequential one-row pushes per case")
    parser.add_argument(
        "--push-snapshots", type=int, default=300, help="push: offline pushes before the one-row push is timed again"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.clients, args.seconds, args.walks = 20, 2, 0.5, 1
        args.historical_runs, args.predict_requests = 1, 10
        args.push_requests, args.push_snapshots = 5, 20
    if args.registry_views is None:
        args.registry_views = registry.SMOKE_VIEWS if args.smoke else registry.DEFAULT_VIEWS
    if args.registry_registrations is None:
        args.registry_registrations = registry.SMOKE_REGISTRATIONS if args.smoke else registry.REGISTRATIONS
    only = set(args.only.split(","))
    shapes = [(1, 2)] if args.smoke else [(1, 2), (1, 20), (100, 2), (100, 20)]
    started = time.time()
    results: list[online.Result] = []
    registry_result: dict[str, Any] = {}
    job_results: dict[str, object] = {}
    historical_result: dict[str, object] = {}
    trino_result: dict[str, object] = {}
    replica_result: dict[str, object] = {}
    predict_results: list[dict[str, object]] = []
    startup_result: dict[str, object] = {}
    workers_result: dict[str, object] = {}
    load_result: dict[str, object] = {}
    push_result: dict[str, Any] = {}
    persisted_result: dict[str, Any] = {}
    tracing_result: dict[str, Any] = {}
    section_seconds: dict[str, float] = {}

    @contextmanager
    def timed(section: str) -> Iterator[None]:
        begun = time.perf_counter()
        yield
        section_seconds[section] = round(time.perf_counter() - begun, 1)

    with tempfile.TemporaryDirectory(prefix="asgard-bench-") as tmp:
        if "online" in only:
            with timed("online"):
                results = _online(Path(tmp) / "online", args, shapes, "sqlite")
                if shutil.which("redis-server"):
                    results += _online(Path(tmp) / "online-redis", args, shapes, "redis")
                else:
                    print("redis-server is not installed: the Redis online store runs are skipped", file=sys.stderr)
        if "registry" in only:
            with timed("registry"):
                data = Path(tmp) / "registry"
                data.mkdir()
                write_feast_repo(load_settings(env={}, data_dir=data))
                registry_result = registry.run(data, args.walks, args.registry_views, args.registry_registrations)
        if "jobs" in only:
            with timed("jobs"):
                data = Path(tmp) / "jobs"
                data.mkdir()
                job_results = jobs.run(data, jobs=3 if args.smoke else 20, requests=args.requests)
        if "historical" in only:
            with timed("historical"):
                sizes = historical.SMOKE if args.smoke else historical.FULL
                historical_result = historical.run(Path(tmp) / "historical", sizes, args.historical_runs)
        if "historical-trino" in only:
            with timed("historical-trino"):
                sizes = historical.SMOKE if args.smoke else historical.FULL
                counts = tuple(int(n) for n in args.trino_entities.split(","))
                trino_result = historical_trino.run_trino(
                    Path(tmp) / "historical-trino", sizes, args.historical_runs, counts, args.trino_max_seconds
                )
        if "online-replicas" in only:
            with timed("online-replicas"):
                replica_result = replicas.run(Path(tmp) / "online-replicas", args)
        if "startup" in only:
            with timed("startup"):
                startup_result = startup.run(Path(tmp) / "startup", runs=1 if args.smoke else 5)
        if "workers" in only:
            with timed("workers"):
                workers_result = workers.run(
                    Path(tmp) / "workers",
                    args.clients,
                    seconds=1.0 if args.smoke else 5.0,
                    rounds=1 if args.smoke else 3,
                )
        if "load" in only:
            with timed("load"):
                sizes = load.SMOKE if args.smoke else load.FULL
                load_result = load.run(
                    Path(tmp) / "load", sizes, keep_log=Path(args.out).with_suffix(".load-server.log")
                )
        if "push" in only:
            with timed("push"):
                push_result = push.run(Path(tmp) / "push", args.push_requests, args.push_snapshots)
        if "persisted" in only:
            with timed("persisted"):
                persisted_result = persisted.run(Path(tmp) / "persisted", args.requests)
        if "tracing" in only:
            with timed("tracing"):
                tracing_result = tracing.run(Path(tmp) / "tracing", args.requests)
        if "predict" in only:
            with timed("predict"):
                predict_results = predict.run(
                    Path(tmp) / "predict", args.predict_requests, rounds=1 if args.smoke else 5
                )
    report = {
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "versions": {p: version(p) for p in ("asgard", "feast", "strawberry-graphql", "starlette", "uvicorn")},
        "config": {
            "requests": args.requests,
            "clients": args.clients,
            "seconds": args.seconds,
            "online_stores": sorted({r.store for r in results}),
        },
        "online_features": online.as_dicts(results),
        "registry_browsing": registry_result.get("browsing", []),
        **{f"registry_{k}": v for k, v in registry_result.items() if k != "browsing"},
        "jobs": job_results,
        "historical": historical_result,
        **({"historical_trino": trino_result} if trino_result else {}),
        **({"online_replicas": replica_result} if replica_result else {}),
        "predict": predict_results,
        **({"startup": startup_result} if startup_result else {}),
        **({"workers": workers_result} if workers_result else {}),
        **({"load": load_result} if load_result else {}),
        **({"push": push_result} if push_result else {}),
        **({"persisted": persisted_result} if persisted_result else {}),
        **({"tracing": tracing_result} if tracing_result else {}),
        "section_seconds": section_seconds,
        "wall_seconds": round(time.time() - started, 1),
    }
    Path(args.out).write_text(json.dumps(report, indent=2))
    if results:
        print(_table(results))
    if registry_result:
        print("\n" + registry.table(registry_result) + "\n")
    if job_results:
        print(json.dumps(job_results))
    tables: list[tuple[Any, Callable[[Any], str]]] = [
        (historical_result, historical.table),
        (trino_result, historical_trino.trino_table),
        (replica_result, replicas.table),
        (predict_results, predict.table),
        (startup_result, startup.table),
        (workers_result, workers.table),
        (load_result, load.table),
        (push_result, push.table),
        (persisted_result, persisted.table),
        (tracing_result, tracing.table),
    ]
    for result, table in tables:
        if result:
            print("\n" + table(result))
    print("\nseconds per part: " + ", ".join(f"{part} {seconds}" for part, seconds in section_seconds.items()))
    print(f"written to {args.out} in {report['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
