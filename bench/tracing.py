"""What tracing costs on the hottest path: one-customer onlineFeatures (2 features, SQLite) against two
`asgard serve --demo` processes over one data dir, one with tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT: the
default) and one exporting every span by OTLP to a collector on loopback that accepts and drops them.
Sequential, the two measured in alternating rounds so that the machine's load falls on both; p50 and p99
per server and their ratio. Off must stay where the online benchmark puts Asgard."""

from __future__ import annotations

import statistics
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench.online import ONLINE, VIEWS, _latencies, prepare, write_wide_table
from bench.servers import start_asgard

ROUNDS = 5


class _Drop(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return None


def _caller(client: httpx.Client, url: str, body: dict[str, Any]) -> Callable[[], Any]:
    return lambda: client.post(url, json=body).raise_for_status()


def run(data_dir: Path, requests: int) -> dict[str, Any]:
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Drop)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    data_dir.mkdir(parents=True, exist_ok=True)
    write_wide_table(data_dir)
    off = start_asgard(data_dir)
    prepare(off)
    endpoint = f"http://127.0.0.1:{collector.server_address[1]}"
    on = start_asgard(data_dir, env={"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"})
    try:
        body = {
            "query": ONLINE,
            "variables": {
                "i": {
                    "features": [f"{VIEWS[2][0]}:total_orders", f"{VIEWS[2][0]}:total_spent"],
                    "entities": {"customer_id": [1001]},
                }
            },
        }
        samples: dict[str, list[float]] = {"off": [], "on": []}
        clients = {name: httpx.Client(timeout=30) for name in samples}
        urls = {"off": f"{off.url}/graphql", "on": f"{on.url}/graphql"}
        per_round = max(requests // ROUNDS, 10)
        for _ in range(ROUNDS):
            for name in samples:
                call = _caller(clients[name], urls[name], body)
                times, failed = _latencies(call, 20, per_round)
                assert not failed
                samples[name] += times
        out: dict[str, Any] = {}
        for name, times in samples.items():
            times.sort()
            out[name] = {
                "p50_ms": round(statistics.median(times), 3),
                "p99_ms": round(times[int(len(times) * 0.99)], 3),
            }
        out["ratio_on_to_off_p50"] = round(out["on"]["p50_ms"] / out["off"]["p50_ms"], 2)
        return out
    finally:
        on.stop()
        off.stop()
        collector.shutdown()


def table(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            "| one-customer onlineFeatures | p50 ms | p99 ms |",
            "|---|---|---|",
            f"| tracing off (default) | {result['off']['p50_ms']} | {result['off']['p99_ms']} |",
            f"| tracing on, OTLP to loopback | {result['on']['p50_ms']} | {result['on']['p99_ms']} |",
            f"\ntracing on costs {result['ratio_on_to_off_p50']}x at the median",
        ]
    )
