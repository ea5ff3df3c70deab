"""`python -m bench --only workers`: requests per second of `asgard serve --workers N` against `--workers 1`
and against `feast serve --workers N`, with wrk as the load generator (bench/wrk.py).

One data dir (the embedded default: SQLite online store): the views of online.py are registered and
materialized once through a one-worker server, then a two-worker server starts on the same data dir and
`feast serve` with 1 and 2 workers on its Feast repo. Each shape (one customer x 2 features, x 20) is
measured in `rounds` interleaved rounds of `seconds` each per target, `connections` keep-alive clients;
medians of the rounds. p50/p99 are wrk's, under that load (not the sequential latencies of section 1).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from bench import online, wrk
from bench.servers import FeastServer, start_asgard
from tests.support.server import ServerProcess

SHAPES = [(1, 2), (1, 20)]


def _targets(one: ServerProcess, two: ServerProcess, feast: dict[int, FeastServer], refs: list[str], ids: list[int]):
    graphql = {"query": online.ONLINE, "variables": {"i": {"features": refs, "entities": {"customer_id": ids}}}}
    rest = {"features": refs, "entities": {"customer_id": ids}}
    return {
        "asgard-1w": (f"{one.url}/graphql", graphql),
        "asgard-2w": (f"{two.url}/graphql", graphql),
        "feast-serve-1w": (f"{feast[1].url}/get-online-features", rest),
        "feast-serve-2w": (f"{feast[2].url}/get-online-features", rest),
    }


def run(run_dir: Path, connections: int, seconds: float, rounds: int) -> dict[str, Any]:
    if not wrk.available():
        raise SystemExit("wrk is not installed (Debian package wrk): scripts/test-services installs it")
    data = run_dir / "data"
    data.mkdir(parents=True)
    online.write_wide_table(data)
    servers: list[Any] = []
    results = []
    try:
        one = start_asgard(data)
        servers.append(one)
        online.prepare(one)
        two = ServerProcess(data, "--workers", "2", "--log-level", "WARNING", env=dict(one.env)).start()
        servers.append(two)
        feast = {n: FeastServer(data / "feast", workers=n) for n in (1, 2)}
        servers += feast.values()
        for rows, width in SHAPES:
            view, features = online.VIEWS[width]
            targets = _targets(one, two, feast, [f"{view}:{f}" for f in features], list(range(1001, 1001 + rows)))
            samples: dict[str, list[wrk.Throughput]] = {name: [] for name in targets}
            for _ in range(rounds):
                for name, (url, body) in targets.items():
                    samples[name].append(wrk.run(url, body, connections, seconds))
            for name, taken in samples.items():
                results.append(
                    {
                        "target": name,
                        "rows": rows,
                        "features": width,
                        "rps": round(statistics.median(t.rps for t in taken)),
                        "p50_ms": round(statistics.median(t.p50_ms for t in taken), 2),
                        "p99_ms": round(statistics.median(t.p99_ms for t in taken), 2),
                        "failed": sum(t.failed for t in taken),
                        "rounds_rps": [round(t.rps) for t in taken],
                    }
                )
    finally:
        for server in reversed(servers):
            server.stop()
    return {"connections": connections, "seconds": seconds, "rounds": rounds, "results": results}


def table(result: dict[str, Any]) -> str:
    lines = [
        f"wrk, {result['connections']} connections, {result['rounds']} rounds of {result['seconds']:g} s (medians)",
        "",
        "| rows | features | target | req/s | p50 ms | p99 ms | failed | vs asgard 1 worker "
        "| vs feast serve, same workers |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    by = {(r["features"], r["target"]): r for r in result["results"]}
    for r in result["results"]:
        workers = r["target"].rsplit("-", 1)[1]
        base = by[(r["features"], "asgard-1w")]["rps"]
        peer = by[(r["features"], f"feast-serve-{workers}")]["rps"]
        lines.append(
            f"| {r['rows']} | {r['features']} | {r['target']} | {r['rps']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['failed']} | {r['rps'] / base:.2f}x | {r['rps'] / peer:.2f}x |"
        )
    return "\n".join(lines)
