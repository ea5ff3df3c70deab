"""`python -m bench --only load` (issue 16, "Under load, nothing breaks"): one `asgard serve --demo` (the
embedded default, default limits) under four loads, every answer counted by its code: `ok`, a GraphQL
error's `extensions.code` (BUSY, LIMIT_EXCEEDED, INTERNAL_SERVER_ERROR...), a mutation's user error code,
`http-<status>`, or `transport:<exception>` when no answer came back (bench/load_client.py).

1. `clients` threads at once, each asking `historicalFeatures` for `rows` entity rows over and over for
   `seconds` (customers 1001..4000 repeated, times spread over the demo's week); a BUSY answer is retried
   after its `retryAfterSeconds`, as a client should.
2. One request with `aliases` aliased `historicalFeatures` fields of `alias_rows` rows each (inside
   ASGARD_MAX_REQUEST_ROWS and the per-field cap), sent `repeats` times in turn; counted per field.
3. `online_clients` threads asking `onlineFeatures` (10 customers, 2 features) for `online_seconds`.
4. Scenario 1's reads again, a `materialize` of a view not materialized yet (polled until it ends), and a
   thread registering new feature views one after another until both are over.

The view read is online.py's `bench_narrow` (gold.customer_aggregates, 2 features), registered and
materialized by online.prepare; one more client probes onlineFeatures during scenario 1. Peak RSS is the
server's resident set sampled every 20 ms (psutil)."""

from __future__ import annotations

import itertools
import random
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil

from bench import online
from bench.historical import HISTORICAL
from bench.load_client import Tally, graphql, in_threads, peak_rss, post
from bench.servers import start_asgard
from tests.support.server import ServerProcess

VIEW, FEATURES = online.VIEWS[2]
MATERIALIZED = "load_materialized"  # scenario 4's view: registered before it, materialized during it
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
FIELD = "historicalFeatures"
REGISTER = "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { change userErrors { code } } }"
MATERIALIZE = "mutation($i: MaterializeInput!) { materialize(input: $i) { operation { id } userErrors { code } } }"
STATUS = "query($id: ID!) { materialization(id: $id) { status error rowsWritten } }"
BAD = ("INTERNAL_SERVER_ERROR", "transport:")  # the codes that must never appear


@dataclass(frozen=True)
class Sizes:
    clients: int
    rows: int
    seconds: float
    aliases: int
    alias_rows: int
    repeats: int
    online_clients: int
    online_seconds: float


# 15 x 6,000 = 90,000 rows: under ASGARD_MAX_REQUEST_ROWS (100,000) and the 15 aliases of ASGARD_MAX_ALIASES.
FULL = Sizes(12, 100_000, 20.0, 15, 6_000, 3, 32, 10.0)
SMOKE = Sizes(3, 2_000, 1.0, 15, 200, 1, 4, 1.0)


def entities(rows: int, offset: int = 0) -> dict[str, list[Any]]:
    """Customers 1001..4000 repeated, each at a time somewhere in the demo's week and two days after."""
    ids = [1001 + (offset + i) % 3000 for i in range(rows)]
    stamps = [(EPOCH + timedelta(seconds=(offset + i) * 7919 % (9 * 86400))).isoformat() for i in range(rows)]
    return {"customer_id": ids, "event_timestamp": stamps}


def historical_body(rows: int) -> bytes:
    refs = [f"{VIEW}:{f}" for f in FEATURES]
    return orjson.dumps({"query": HISTORICAL, "variables": {"i": {"features": refs, "entities": entities(rows)}}})


def aliased_body(aliases: int, rows: int) -> tuple[bytes, list[str]]:
    names = [f"h{n}" for n in range(aliases)]
    params = ", ".join(f"$i{n}: HistoricalFeaturesInput!" for n in range(aliases))
    fields = " ".join(f"h{n}: {FIELD}(input: $i{n}) {{ columns {{ name }} rows }}" for n in range(aliases))
    refs = [f"{VIEW}:{f}" for f in FEATURES]
    variables = {f"i{n}": {"features": refs, "entities": entities(rows, offset=n * rows)} for n in range(aliases)}
    return orjson.dumps({"query": f"query A({params}) {{ {fields} }}", "variables": variables}), names


def reader(url: str, body: bytes, fields: list[str], tally: Tally, until: float) -> Callable[[int], None]:
    """A client that sends `body` until `until`, waiting out a BUSY's retryAfterSeconds before the next."""

    def work(_: int) -> None:
        with httpx.Client(timeout=300) as client:
            while time.monotonic() < until:
                response, codes = post(client, url, body, fields, tally)
                if "BUSY" in codes and response is not None:
                    busy = next(
                        e for e in orjson.loads(response.content)["errors"] if e["extensions"]["code"] == "BUSY"
                    )
                    time.sleep(float(busy["extensions"].get("retryAfterSeconds", 1)))

    return work


def view_spec(name: str, online_view: bool = False) -> dict[str, Any]:
    dtypes = {"total_orders": "INT64", "total_spent": "FLOAT64", "avg_order_value": "FLOAT64"}
    return {
        "name": name,
        "entities": ["customer_id"],
        "features": [{"name": f, "dtype": d} for f, d in dtypes.items()],
        "source": {"table": "gold.customer_aggregates", "timestampField": "updated_at"},
        "online": online_view,
    }


def historical_reads(server: ServerProcess, sizes: Sizes, probe: Tally | None = None) -> dict[str, Any]:
    """Scenario 1 (and the reads of 4); `probe`: one more client asking onlineFeatures for one customer
    every 0.1 s meanwhile (how the rest of the server fares beside the offline reads)."""
    tally, body, until = Tally(), historical_body(sizes.rows), time.monotonic() + sizes.seconds
    read = reader(f"{server.url}/graphql", body, [FIELD], tally, until)
    ask = graphql(
        online.ONLINE, {"i": {"features": [f"{VIEW}:{f}" for f in FEATURES], "entities": {"customer_id": [1001]}}}
    )

    def work(i: int) -> None:
        if i < sizes.clients:
            return read(i)
        with httpx.Client(timeout=300) as client:
            while time.monotonic() < until:
                post(client, f"{server.url}/graphql", ask, ["onlineFeatures"], probe or Tally())
                time.sleep(0.1)

    with peak_rss(server.proc.pid) as rss:
        wall = in_threads(sizes.clients + (probe is not None), work)
    return tally.report(wall_seconds=round(wall, 1), **rss)


def aliased_request(server: ServerProcess, sizes: Sizes) -> dict[str, Any]:
    """Scenario 2: counted per field."""
    tally, (body, names) = Tally(), aliased_body(sizes.aliases, sizes.alias_rows)
    with peak_rss(server.proc.pid) as rss, httpx.Client(timeout=300) as client:
        started = time.perf_counter()
        for _ in range(sizes.repeats):
            post(client, f"{server.url}/graphql", body, names, tally)
        wall = time.perf_counter() - started
    return tally.report(fields=sizes.aliases, rows_per_field=sizes.alias_rows, wall_seconds=round(wall, 1), **rss)


def online_reads(server: ServerProcess, sizes: Sizes) -> dict[str, Any]:
    """Scenario 3: 10 customers drawn at random per request."""
    tally, refs, until = Tally(), [f"{VIEW}:{f}" for f in FEATURES], time.monotonic() + sizes.online_seconds

    def work(i: int) -> None:
        rng = random.Random(i)
        with httpx.Client(timeout=60) as client:
            while time.monotonic() < until:
                ids = [rng.randint(1001, 4000) for _ in range(10)]
                body = graphql(online.ONLINE, {"i": {"features": refs, "entities": {"customer_id": ids}}})
                post(client, f"{server.url}/graphql", body, ["onlineFeatures"], tally)

    with peak_rss(server.proc.pid) as rss:
        wall = in_threads(sizes.online_clients, work)
    return tally.report(requests_per_second=round(tally.requests / wall), wall_seconds=round(wall, 1), **rss)


def materialize(url: str, control: Tally) -> dict[str, Any]:
    """The `materialize` mutation for MATERIALIZED, then `materialization(id)` every 0.2 s until it ends."""
    window = {"featureViews": [MATERIALIZED], "start": "2025-12-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}
    started = time.perf_counter()
    with httpx.Client(timeout=300) as client:
        response, codes = post(client, url, graphql(MATERIALIZE, {"i": window}), ["materialize"], control, "userErrors")
        if codes != ["ok"] or response is None:
            return {"status": f"not started: {codes[0]}"}
        op = orjson.loads(response.content)["data"]["materialize"]["operation"]["id"]
        while True:
            response, codes = post(client, url, graphql(STATUS, {"id": op}), ["materialization"], control)
            if codes != ["ok"] or response is None:
                return {"status": f"unknown: {codes[0]}"}
            state = orjson.loads(response.content)["data"]["materialization"]
            if state["status"] != "RUNNING":
                return {**state, "seconds": round(time.perf_counter() - started, 1)}
            time.sleep(0.2)


def mixed(server: ServerProcess, sizes: Sizes) -> dict[str, Any]:
    """Scenario 4: the reads of 1, a materialization started a second into them, and registrations of new
    views one after another (0.2 s apart) from before the reads until both the reads and it are over."""
    url, registrations, control, outcome = f"{server.url}/graphql", Tally(), Tally(), {}
    over = threading.Event()

    def register() -> None:
        with httpx.Client(timeout=300) as client:
            for n in itertools.count():
                if over.is_set():
                    return
                body = graphql(REGISTER, {"i": view_spec(f"load_registered_{n:03d}")})
                post(client, url, body, ["registerFeatureView"], registrations, "userErrors")
                time.sleep(0.2)

    def start_materialization() -> None:
        time.sleep(1.0)
        outcome.update(materialize(url, control))

    threads = [threading.Thread(target=register), threading.Thread(target=start_materialization)]
    with peak_rss(server.proc.pid) as rss:
        started = time.perf_counter()
        for t in threads:
            t.start()
        reads = historical_reads(server, sizes)
        threads[1].join()
        over.set()
        threads[0].join()
        wall = time.perf_counter() - started
    return {
        "reads": reads,
        "registrations": registrations.report(),
        "materialization": {**outcome, "control_requests": control.report()},
        "wall_seconds": round(wall, 1),
        **rss,
    }


def tallies(result: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every counted set of requests of a run, labelled as in the table."""
    s = result["scenarios"]
    return [
        (
            f"1. historicalFeatures, {result['sizes']['clients']} clients x {result['sizes']['rows']:,} rows",
            s["historical"],
        ),
        ("1b. onlineFeatures beside them, 1 client, 1 customer every 0.1 s", s["probe"]),
        (
            f"2. one request, {s['aliases']['fields']} aliases x {s['aliases']['rows_per_field']:,} rows (per field)",
            s["aliases"],
        ),
        (f"3. onlineFeatures, {result['sizes']['online_clients']} clients x 10 customers", s["online"]),
        ("4. reads beside a materialization", s["mixed"]["reads"]),
        ("4. registerFeatureView of new views", s["mixed"]["registrations"]),
        ("4. materialize + materialization(id) polls", s["mixed"]["materialization"]["control_requests"]),
    ]


def bad_count(result: dict[str, Any]) -> int:
    """Answers that must never happen: internal errors and transport errors."""
    return sum(n for _, t in tallies(result) for code, n in t["codes"].items() if code.startswith(BAD))


def run(workdir: Path, sizes: Sizes, keep_log: Path | None = None) -> dict[str, Any]:
    data = workdir / "data"
    data.mkdir(parents=True)
    online.write_wide_table(data)  # online.prepare registers a view over it too
    server = start_asgard(data)
    try:
        online.prepare(server)
        server.post(REGISTER, {"i": view_spec(MATERIALIZED, online_view=True)})
        with httpx.Client(timeout=60) as client:  # warm-up: both kinds of read once
            post(client, f"{server.url}/graphql", historical_body(100), [FIELD], Tally())
        idle = round(psutil.Process(server.proc.pid).memory_info().rss / 2**20)
        probe = Tally()
        scenarios = {
            "historical": historical_reads(server, sizes, probe),
            "probe": probe.report(),  # beside scenario 1: its peak RSS and wall time are that one's
            "aliases": aliased_request(server, sizes),
            "online": online_reads(server, sizes),
            "mixed": mixed(server, sizes),
        }
    finally:
        server.stop()
    scenarios["probe"] |= {k: scenarios["historical"][k] for k in ("peak_rss_mb", "wall_seconds")}
    log = server.log_path.read_text(errors="replace")
    result = {"sizes": asdict(sizes), "idle_rss_mb": idle, "scenarios": scenarios}
    result["bad"] = bad_count(result)
    result["server_log_tracebacks"] = log.count("Traceback")
    if (result["bad"] or result["server_log_tracebacks"]) and keep_log is not None:
        shutil.copy(server.log_path, keep_log)
        result["server_log"] = str(keep_log)
    return result


def _codes(codes: dict[str, int]) -> str:
    return ", ".join(f"{code} {n}" for code, n in codes.items()) or "-"


def table(result: dict[str, Any]) -> str:
    lines = [
        f"one `asgard serve --demo`, idle RSS {result['idle_rss_mb']} MB; latencies of the fully ok answers",
        "",
        "| scenario | requests | outcomes by code | ok p50 ms | ok max ms | peak RSS MB | wall s |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    mixed_run = result["scenarios"]["mixed"]
    for label, t in tallies(result):
        rss = t.get("peak_rss_mb", mixed_run["peak_rss_mb"])
        wall = t.get("wall_seconds", mixed_run["wall_seconds"])
        p50, top = (f"{t[k]:.1f}" if t[k] is not None else "-" for k in ("ok_p50_ms", "ok_max_ms"))
        lines.append(f"| {label} | {t['requests']} | {_codes(t['codes'])} | {p50} | {top} | {rss} | {wall} |")
    m = mixed_run["materialization"]
    lines.append(
        f"\nmaterialization: {m.get('status')} in {m.get('seconds', '?')} s ({m.get('rowsWritten')} rows); "
        f"internal or transport errors: {result['bad']}; "
        f"tracebacks in the server log: {result['server_log_tracebacks']}"
    )
    return "\n".join(lines)
