"""python -m bench [--smoke] [--out FILE]: set up data in a temp dir, start every server on
loopback, measure, stop them, print a table (with ratios against the peers) and write JSON."""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from bench import online
from bench.servers import FeastServer, start_asgard


def _table(results: list[online.Result]) -> str:
    lines = [
        "| rows | features | target | p50 ms | p99 ms | req/s | failed | p50 vs feast serve | p50 vs SDK |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    by_key = {(r.rows, r.features, r.target): r for r in results}
    for r in results:
        serve = by_key[(r.rows, r.features, "feast-serve")]
        sdk = by_key[(r.rows, r.features, "sdk")]
        lines.append(
            f"| {r.rows} | {r.features} | {r.target} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.rps:.0f} | {r.errors} "
            f"| {r.p50_ms / serve.p50_ms:.2f}x | {r.p50_ms / sdk.p50_ms:.2f}x |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that only checks the harness works")
    parser.add_argument("--requests", type=int, default=2000, help="sequential requests per case")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients for throughput")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each throughput run")
    parser.add_argument("--out", default="bench-results.json", help="where to write the JSON results")
    args = parser.parse_args(argv)
    if args.smoke:
        args.requests, args.clients, args.seconds = 20, 2, 0.5
    shapes = [(1, 2)] if args.smoke else [(1, 2), (1, 20), (100, 2), (100, 20)]
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="asgard-bench-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        online.write_wide_table(data)
        asgard = start_asgard(data)
        feast = None
        try:
            online.prepare(asgard)
            feast = FeastServer(data / "feast")
            results = online.run(asgard, feast, str(data / "feast"), args.requests, args.clients, args.seconds, shapes)
        finally:
            if feast is not None:
                feast.stop()
            asgard.stop()
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
            "online_store": "sqlite",
        },
        "online_features": online.as_dicts(results),
        "wall_seconds": round(time.time() - started, 1),
    }
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(_table(results))
    print(f"\nwritten to {args.out} in {report['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
