"""Historical retrieval: one point-in-time join of 100,000 entity rows against a 1,000,000-row gold
table, through Asgard's `historicalFeatures` (JSON over HTTP, parsed by the client), through Asgard's
`exportHistoricalFeatures` (the mutation, the Parquet download, and the client's
`pyarrow.parquet.read_table(...).to_pandas()`), and through the Feast SDK's
`get_historical_features(...).to_df()` in a process of its own.

Each run gets a fresh process on both sides and the same 100-row warm-up first. Wall time is the
one big call; memory is VmHWM (peak resident set) of the process doing the work: the `asgard serve`
process itself (uvicorn runs in it, no workers) or the SDK's. `peak - idle` is the peak above the
resident set just before the call."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson
import pyarrow as pa

from tests.support.server import ServerProcess

VIEW, TABLE = "bench_history", "customer_history"
FEATURES = ["orders", "spent", "avg_value", "score"]
BASE = datetime(2025, 6, 1, tzinfo=UTC)
FIRST_ID = 10_000_001  # apart from the demo's customers
WARMUP_ROWS = 100
HISTORICAL = "query H($i: HistoricalFeaturesInput!) { historicalFeatures(input: $i) { columns { name } rows } }"
EXPORT = (
    "mutation E($i: HistoricalFeaturesInput!) "
    "{ exportHistoricalFeatures(input: $i) { export { url rowCount } userErrors { field message } } }"
)
SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.int64(), nullable=False),
        pa.field("orders", pa.int64()),
        pa.field("spent", pa.float64()),
        pa.field("avg_value", pa.float64()),
        pa.field("score", pa.float64()),
        pa.field("updated_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)
# The SDK side, as a user would write it; run with `python -c` so it imports nothing of ours.
SDK_SCRIPT = """
import json, sys, time
from pathlib import Path
import pandas as pd
from feast import FeatureStore

def kb(field):
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
    return int(line.split()[1])

repo, entities_path, out_path, features, warmup = sys.argv[1:4] + [sys.argv[4].split(","), int(sys.argv[5])]
store = FeatureStore(repo_path=repo)
entity_df = pd.read_parquet(entities_path)
store.get_historical_features(entity_df=entity_df.head(warmup), features=features).to_df()
idle, peak_before, cpu, started = kb("VmRSS"), kb("VmHWM"), time.process_time(), time.perf_counter()
result = store.get_historical_features(entity_df=entity_df, features=features).to_df()
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = kb("VmHWM")
result.to_parquet(out_path)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "idle_kb": idle, "peak_before_kb": peak_before,
                  "peak_kb": peak}))
"""


@dataclass(frozen=True)
class Sizes:
    customers: int
    snapshots: int
    entity_rows: int

    @property
    def gold_rows(self) -> int:
        return self.customers * self.snapshots


FULL = Sizes(customers=100_000, snapshots=10, entity_rows=100_000)
SMOKE = Sizes(customers=1_000, snapshots=3, entity_rows=1_000)


def write_gold_table(data_dir: Path, sizes: Sizes, env: dict[str, str] | None = None) -> None:
    """gold.customer_history: every customer once per daily snapshot, appended a snapshot at a time.
    `env`: the server's ASGARD_* settings (a REST catalog on S3 for the Trino runs); none: the embedded one."""
    from server.config import load_settings
    from server.services.gold_catalog import GoldCatalog

    catalog = GoldCatalog(load_settings(env=env or {}, data_dir=data_dir)).catalog()
    catalog.create_namespace_if_not_exists("gold")
    if catalog.table_exists(("gold", TABLE)):
        return
    table = catalog.create_table(("gold", TABLE), schema=SCHEMA)
    rng = np.random.default_rng(11)
    n = sizes.customers
    ids = np.arange(FIRST_ID, FIRST_ID + n, dtype=np.int64)
    orders, spent = rng.integers(0, 5, n), np.zeros(n)
    day_us = 86_400_000_000
    for day in range(sizes.snapshots):
        new = rng.poisson(0.5, n)
        orders = orders + new
        spent = np.round(spent + new * rng.uniform(5, 150, n), 2)
        # distinct times within the day: no ties for the point-in-time join to break arbitrarily
        stamps = int(BASE.timestamp() * 1_000_000) + day * day_us + rng.integers(0, day_us, n)
        columns = [
            ids,
            orders.astype(np.int64),
            spent,
            np.round(np.divide(spent, orders, out=np.zeros(n), where=orders > 0), 2),
            rng.normal(size=n),
            pa.array(stamps, type=pa.timestamp("us", tz="UTC")),
        ]
        table.append(pa.Table.from_arrays([pa.array(c) for c in columns], schema=SCHEMA))


def entity_rows(sizes: Sizes) -> dict[str, list[Any]]:
    """Each customer at most once, at a random time (some before their first row: nulls come back)."""
    rng = np.random.default_rng(5)
    ids = rng.choice(np.arange(FIRST_ID, FIRST_ID + sizes.customers), size=sizes.entity_rows, replace=False)
    offsets = rng.integers(0, int((sizes.snapshots + 0.5) * 86_400_000_000), sizes.entity_rows)
    return {
        "customer_id": [int(i) for i in ids],
        "event_timestamp": [(BASE + timedelta(microseconds=int(o))).isoformat() for o in offsets],
    }


def register(server: ServerProcess) -> None:
    spec = {
        "name": VIEW,
        "entities": ["customer_id"],
        "features": [{"name": f, "dtype": "INT64" if f == "orders" else "FLOAT64"} for f in FEATURES],
        "source": {"table": f"gold.{TABLE}", "timestampField": "updated_at"},
        "ttlSeconds": 30 * 86400,
        "online": False,
    }
    payload = server.post(
        "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { userErrors { message } } }",
        {"i": spec},
    )["registerFeatureView"]
    assert payload["userErrors"] == [], payload


def status_kb(pid: int, field: str) -> int:
    """VmRSS or VmHWM (the peak resident set) of a process, in KiB."""
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith(f"{field}:"))
    return int(line.split()[1])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, all its threads together."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- Asgard -----------------------------------------------------------------------------------


def _body(entities: dict[str, list[Any]], query: str = HISTORICAL) -> bytes:
    refs = [f"{VIEW}:{f}" for f in FEATURES]
    return orjson.dumps({"query": query, "variables": {"i": {"features": refs, "entities": entities}}})


def _fetch(client: httpx.Client, url: str, body: bytes) -> tuple[list[list[Any]], float]:
    """The rows, and how long the client took to parse them (orjson, as a client of 100,000 rows would)."""
    response = client.post(url, content=body, headers={"content-type": "application/json"})
    response.raise_for_status()
    started = time.perf_counter()
    result = orjson.loads(response.content)
    parsing = time.perf_counter() - started
    if "errors" in result:
        raise RuntimeError(result["errors"])
    return list(result["data"]["historicalFeatures"]["rows"]), parsing


def start_server(
    data_dir: Path, entities: dict[str, list[Any]], extra_env: dict[str, str] | None = None
) -> ServerProcess:
    """The request caps raised only as far as this run needs (defaults: 100,000 rows, 10 MiB)."""
    rows, body = len(entities["customer_id"]), len(_body(entities))
    env = {
        "ASGARD_MAX_HISTORICAL_ROWS": str(max(rows, 100_000)),
        "ASGARD_MAX_BODY_BYTES": str(max(2 * body, 10 * 1024 * 1024)),
        **(extra_env or {}),
    }
    return ServerProcess(data_dir, "--log-level", "WARNING", env=env).start()


def asgard_run(
    server: ServerProcess, entities: dict[str, list[Any]], probe: Any = None
) -> tuple[dict[str, Any], list[list[Any]]]:
    """`probe`, if given, is called just before the clock starts and returns a function called after
    it stops, whose dict joins the measurement (the Trino runs' query breakdown)."""
    assert server.proc is not None
    pid = server.proc.pid
    client = httpx.Client(timeout=600)
    url = f"{server.url}/graphql"
    _fetch(client, url, _body({k: v[:WARMUP_ROWS] for k, v in entities.items()}))
    body = _body(entities)  # encoded before the clock starts, as the SDK side reads its frame first
    finish = probe() if probe else dict
    idle, peak_before, cpu = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM"), cpu_seconds(pid)
    started = time.perf_counter()
    rows, parsing = _fetch(client, url, body)
    seconds = time.perf_counter() - started
    measured = finish() | {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds(pid) - cpu,
        "client_parse_seconds": parsing,
        "idle_kb": idle,
        "peak_before_kb": peak_before,
        "peak_kb": status_kb(pid, "VmHWM"),
    }
    return measured, rows


def _export(client: httpx.Client, base: str, body: bytes) -> tuple[Any, dict[str, float]]:
    """The export as a DataFrame, as a client gets it: the mutation, the download, then read_table().to_pandas()."""
    import pyarrow.parquet as pq

    started = time.perf_counter()
    response = client.post(f"{base}/graphql", content=body, headers={"content-type": "application/json"})
    response.raise_for_status()
    result = orjson.loads(response.content)
    if "errors" in result or result["data"]["exportHistoricalFeatures"]["userErrors"]:
        raise RuntimeError(result)
    exported = time.perf_counter()
    download = client.get(base + result["data"]["exportHistoricalFeatures"]["export"]["url"])
    download.raise_for_status()
    downloaded = time.perf_counter()
    frame = pq.read_table(pa.BufferReader(download.content)).to_pandas()
    done = time.perf_counter()
    steps = {
        "mutation_seconds": exported - started,
        "download_seconds": downloaded - exported,
        "client_read_seconds": done - downloaded,
        "file_mb": len(download.content) / 1024 / 1024,
    }
    return frame, steps


def export_run(server: ServerProcess, entities: dict[str, list[Any]], probe: Any = None) -> tuple[dict[str, Any], Any]:
    """Like asgard_run, through the export path: the same warm-up (through it too), the same clock."""
    assert server.proc is not None
    pid = server.proc.pid
    client = httpx.Client(timeout=600)
    _export(client, server.url, _body({k: v[:WARMUP_ROWS] for k, v in entities.items()}, EXPORT))
    body = _body(entities, EXPORT)
    finish = probe() if probe else dict
    idle, peak_before, cpu = status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM"), cpu_seconds(pid)
    started = time.perf_counter()
    frame, steps = _export(client, server.url, body)
    seconds = time.perf_counter() - started
    measured = finish() | {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds(pid) - cpu,
        **steps,
        "idle_kb": idle,
        "peak_before_kb": peak_before,
        "peak_kb": status_kb(pid, "VmHWM"),
    }
    return measured, frame


# ---- the SDK ----------------------------------------------------------------------------------


def write_entities(entities: dict[str, list[Any]], path: Path) -> None:
    import pandas as pd

    times = pd.to_datetime(entities["event_timestamp"], utc=True)
    pd.DataFrame({"customer_id": entities["customer_id"], "event_timestamp": times}).to_parquet(path)


def sdk_run(data_dir: Path, entities_path: Path, out_name: str = "sdk-result.parquet") -> tuple[dict[str, Any], Path]:
    out = entities_path.with_name(out_name)
    features = ",".join(f"{VIEW}:{f}" for f in FEATURES)
    args = [str(data_dir / "feast"), str(entities_path), str(out), features, str(WARMUP_ROWS)]
    done = subprocess.run(
        [sys.executable, "-c", SDK_SCRIPT, *args], cwd=data_dir, capture_output=True, text=True, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(f"the SDK run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), out


# ---- like with like ---------------------------------------------------------------------------


def _agreement(entities: dict[str, list[Any]], ours: Any, sdk: Any) -> dict[str, Any]:
    """One side against the SDK: row count, entity order, and every feature value, customer by customer."""
    in_order = list(ours["customer_id"]) == entities["customer_id"]
    ours = ours.set_index("customer_id")
    mismatches = 0
    for feature in FEATURES:
        mine = ours[feature].astype("float64").to_numpy()
        theirs = sdk.loc[ours.index, feature].astype("float64").to_numpy()
        mismatches += int((~np.isclose(mine, theirs, rtol=0, atol=1e-9, equal_nan=True)).sum())
    return {
        "rows": len(ours),
        "in_entity_order": in_order,
        "values_compared": len(ours) * len(FEATURES),
        "mismatches": mismatches,
        "rows_without_features": int(ours[FEATURES[0]].isna().sum()),
    }


def agreement_report(
    entities: dict[str, list[Any]], rows: list[list[Any]], exported: Any, sdk_path: Path
) -> tuple[dict[str, Any], list[str]]:
    """Both Asgard paths against the SDK, and what disagrees (empty: nothing)."""
    import pandas as pd

    sdk = pd.read_parquet(sdk_path).set_index("customer_id")
    columns = ["customer_id", "event_timestamp", *FEATURES]
    as_json = _agreement(entities, pd.DataFrame(rows, columns=columns), sdk)
    as_file = _agreement(entities, exported, sdk)
    report = {
        "asgard_rows": as_json["rows"],
        "sdk_rows": len(sdk),
        **{k: v for k, v in as_json.items() if k != "rows"},
        "export": as_file | {"columns": list(exported.columns)},
    }
    problems = []
    for name, side in (("historicalFeatures", as_json), ("exportHistoricalFeatures", as_file)):
        if side["mismatches"] or not side["in_entity_order"] or side["rows"] != len(sdk):
            problems.append(f"{name} disagrees with the SDK")
    if list(exported.columns) != columns:
        problems.append(f"the export's columns are not historicalFeatures': {list(exported.columns)}")
    return report, problems


def compare(entities: dict[str, list[Any]], rows: list[list[Any]], exported: Any, sdk_path: Path) -> dict[str, Any]:
    """Both Asgard paths against the SDK; the export's columns must be the JSON path's, in order."""
    report, problems = agreement_report(entities, rows, exported, sdk_path)
    if problems:
        raise AssertionError(f"Asgard and the SDK disagree, so their numbers would not compare: {problems} {report}")
    return report


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    mb = 1024
    summary = {
        "seconds": round(_median(runs, "seconds"), 3),
        "seconds_each_run": [round(r["seconds"], 3) for r in runs],
        "cpu_seconds": round(_median(runs, "cpu_seconds"), 3),
        "peak_rss_mb": round(_median(runs, "peak_kb") / mb, 1),
        "peak_rss_before_call_mb": round(_median(runs, "peak_before_kb") / mb, 1),
        "idle_rss_mb": round(_median(runs, "idle_kb") / mb, 1),
        "peak_minus_idle_mb": round(statistics.median(r["peak_kb"] - r["idle_kb"] for r in runs) / mb, 1),
    }
    for step in ("client_parse_seconds", "mutation_seconds", "download_seconds", "client_read_seconds", "file_mb"):
        if step in runs[0]:
            summary[step] = round(_median(runs, step), 3)
    return summary


def _ratios(side: dict[str, Any], sdk: dict[str, Any]) -> dict[str, float]:
    return {
        "seconds": round(side["seconds"] / sdk["seconds"], 2),
        "cpu_seconds": round(side["cpu_seconds"] / sdk["cpu_seconds"], 2),
        "peak_rss": round(side["peak_rss_mb"] / sdk["peak_rss_mb"], 2),
        "peak_minus_idle": round(side["peak_minus_idle_mb"] / max(sdk["peak_minus_idle_mb"], 0.1), 2),
    }


def _fresh_server(
    data_dir: Path, entities: dict[str, list[Any]], measure: Any, first: bool, env: dict[str, str] | None = None
) -> tuple[Any, Any]:
    """One measurement in a server process of its own (its peak RSS is that call's alone)."""
    server = start_server(data_dir, entities, env)
    try:
        if first:
            register(server)
        return measure(server, entities)
    finally:
        server.stop()


def run(data_dir: Path, sizes: Sizes, runs: int) -> dict[str, Any]:
    """Write the table, then alternate fresh Asgard servers (JSON, then export) and fresh SDK processes,
    `runs` of each."""
    data_dir.mkdir(parents=True, exist_ok=True)
    write_gold_table(data_dir, sizes)
    entities = entity_rows(sizes)
    entities_path = data_dir / "entities.parquet"
    write_entities(entities, entities_path)
    asgard_runs, export_runs, sdk_runs = [], [], []
    agreement: dict[str, Any] = {}
    for i in range(runs):
        measured, rows = _fresh_server(data_dir, entities, asgard_run, first=i == 0)
        asgard_runs.append(measured)
        measured, exported = _fresh_server(data_dir, entities, export_run, first=False)
        export_runs.append(measured)
        sdk_measured, sdk_path = sdk_run(data_dir, entities_path)
        sdk_runs.append(sdk_measured)
        if i == 0:
            agreement = compare(entities, rows, exported, sdk_path)
        del rows, exported
    asgard, export, sdk = _summary(asgard_runs), _summary(export_runs), _summary(sdk_runs)
    ratios, export_ratios = _ratios(asgard, sdk), _ratios(export, sdk)
    return {
        "gold_rows": sizes.gold_rows,
        "entity_rows": sizes.entity_rows,
        "features": len(FEATURES),
        "runs": runs,
        "asgard": asgard,
        "asgard_export": export,
        "sdk": sdk,
        **{f"ratio_{k}": v for k, v in ratios.items()},
        **{f"ratio_export_{k}": v for k, v in export_ratios.items()},
        "targets": {"ratio_seconds": 1.2, "ratio_peak_rss": 1.5},
        "agreement": agreement,
    }


def table(result: dict[str, Any]) -> str:
    """Markdown: one row per side, then the ratios."""
    lines = [
        f"Historical retrieval: {result['entity_rows']:,} entity rows x {result['features']} features "
        f"against {result['gold_rows']:,} gold rows (median of {result['runs']})",
        "",
        "| target | wall s | CPU s | peak RSS MB | idle RSS MB | peak - idle MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    sides = (
        ("asgard", "asgard historicalFeatures (HTTP + JSON)"),
        ("asgard_export", "asgard exportHistoricalFeatures (Parquet file)"),
        ("sdk", "Feast SDK to_df()"),
    )
    for name, label in sides:
        s = result[name]
        lines.append(
            f"| {label} | {s['seconds']:.2f} | {s['cpu_seconds']:.2f} | {s['peak_rss_mb']:.0f} "
            f"| {s['idle_rss_mb']:.0f} | {s['peak_minus_idle_mb']:.0f} |"
        )
    for label, prefix in (("asgard / SDK", "ratio_"), ("asgard export / SDK", "ratio_export_")):
        lines.append(
            f"| **{label}** | **{result[prefix + 'seconds']:.2f}x** (target 1.2x) "
            f"| {result[prefix + 'cpu_seconds']:.2f}x | **{result[prefix + 'peak_rss']:.2f}x** (target 1.5x) "
            f"| | {result[prefix + 'peak_minus_idle']:.2f}x |"
        )
    json_side, file_side = result["asgard"], result["asgard_export"]
    lines.append(
        f"\nAsgard's JSON wall time includes the client's orjson parse of the rows "
        f"({json_side['client_parse_seconds']:.2f} s); the export's is the mutation "
        f"({file_side['mutation_seconds']:.2f} s), the download of {file_side['file_mb']:.1f} MB "
        f"({file_side['download_seconds']:.2f} s) and read_table().to_pandas() "
        f"({file_side['client_read_seconds']:.2f} s). CPU s is the server process's."
    )
    return "\n".join(lines)


# ---- Trino as the offline engine --------------------------------------------------------------
# `python -m bench --only historical-trino`: the same table written with pyiceberg into a Nessie branch
# on S3 (the lakehouse of scripts/test-services), an Asgard with ASGARD_OFFLINE_ENGINE=trino over it,
# and, at each entity count, in interleaved rounds: Asgard on DuckDB (both paths) and the SDK on DuckDB
# (the embedded table, as above), Asgard on Trino (both paths), and the SDK on Trino (the Trino server's
# own feature_store.yaml, so Feast's Trino store alone). The counts go up only while a call stays under
# `max_seconds`, and stop at the first that fails (recorded with Trino's error code).

TRINO_USER = "asgard-bench"  # the servers' and the SDK's Trino user, so their queries can be told apart
# Feast's Trino store sends the entity rows as one INSERT ... VALUES statement, about 55 characters a row
# as Asgard sends them (its row-number column included), and Trino refuses a query text over its
# query.max-length (1,000,000 characters by default): 17,000 fits, 19,000 does not. 100,000 is tried to
# show where it stops.
TRINO_COUNTS = (1_000, 10_000, 17_000, 100_000)
LAKEHOUSE_NEEDED = (
    "ASGARD_TEST_ICEBERG_REST_URI",
    "ASGARD_TEST_WAREHOUSE",
    "ASGARD_TEST_S3_ENDPOINT",
    "ASGARD_TEST_TRINO_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
)


def trino_lakehouse() -> dict[str, str]:
    """A Nessie branch and a Trino catalog over it (as the tests make them); the server's ASGARD_* settings."""
    import uuid

    from tests.support.lakehouse import nessie_branch, trino_catalog

    missing = [n for n in LAKEHOUSE_NEEDED if not os.environ.get(n)]
    if missing:
        raise SystemExit(
            f"{', '.join(missing)} not set: the Trino runs need the lakehouse; start it with "
            '`eval "$(bash scripts/test-services)"` first'
        )
    branch = f"bench_{uuid.uuid4().hex[:10]}"
    rest_uri = nessie_branch(os.environ["ASGARD_TEST_ICEBERG_REST_URI"], branch)
    trino_catalog(os.environ["ASGARD_TEST_TRINO_URL"], branch, rest_uri)
    return {
        "ASGARD_CATALOG_URI": rest_uri,
        "ASGARD_WAREHOUSE": os.environ["ASGARD_TEST_WAREHOUSE"],
        "ASGARD_S3_ENDPOINT": os.environ["ASGARD_TEST_S3_ENDPOINT"],
        "ASGARD_OFFLINE_ENGINE": "trino",
        "ASGARD_TRINO_URL": os.environ["ASGARD_TEST_TRINO_URL"],
        "ASGARD_TRINO_CATALOG": branch,
        "ASGARD_TRINO_USER": TRINO_USER,
    }


def _trino(sql: str) -> list[list[Any]]:
    import urllib.parse

    import trino

    parts = urllib.parse.urlsplit(os.environ["ASGARD_TEST_TRINO_URL"])
    cursor = trino.dbapi.connect(host=parts.hostname, port=parts.port, user="asgard-bench-probe").cursor()
    cursor.execute(sql)
    return list(cursor.fetchall())


def drop_trino_catalog(env: dict[str, str]) -> None:
    """The run's Trino catalog (the Nessie branch and its files stay, as the tests' do)."""
    _trino(f"DROP CATALOG IF EXISTS {env['ASGARD_TRINO_CATALOG']}")


_QUERIES = (
    "SELECT query_id, substr(query, 1, 400), date_diff('millisecond', created, \"end\"), "
    f"analysis_time_ms, planning_time_ms, state FROM system.runtime.queries WHERE \"user\" = '{TRINO_USER}'"
)


_FAILED = (
    "SELECT query_id, error_code, length(query) FROM system.runtime.queries "
    f"WHERE \"user\" = '{TRINO_USER}' AND state = 'FAILED'"
)


def _kind(text: str) -> str:
    """What a query of Feast's Trino store is for: the entity rows' table and upload, the join, the rest."""
    head = text.strip()
    while head.startswith("/*") and "*/" in head:  # the join starts with a comment
        head = head.split("*/", 1)[1].strip()
    head = head.upper()
    if head.startswith("INSERT"):
        return "upload: INSERT ... VALUES"
    if head.startswith("CREATE TABLE") and " AS " not in head:
        return "upload: CREATE TABLE"
    if head.startswith(("SELECT", "WITH", "CREATE TABLE")):
        return "join"
    if head.startswith("DROP"):
        return "drop"
    return "other"


def trino_probe() -> Any:
    """For asgard_run/export_run: Trino's queries during the call, their wall time summed by kind."""
    before = {r[0] for r in _trino(_QUERIES)}

    def finish() -> dict[str, Any]:
        deadline = time.monotonic() + 10
        while True:  # the last query's end (and the scratch tables' DROP) may be recorded a moment later
            new = [r for r in _trino(_QUERIES) if r[0] not in before]
            if all(r[2] is not None for r in new) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        breakdown: dict[str, Any] = {}
        for _, head, ms, analysis, planning, state in new:
            kind = breakdown.setdefault(_kind(head), {"queries": 0, "seconds": 0.0, "analysis_planning_seconds": 0.0})
            kind["queries"] += 1
            kind["seconds"] += (ms or 0) / 1000
            kind["analysis_planning_seconds"] += ((analysis or 0) + (planning or 0)) / 1000
            if state != "FINISHED":
                kind.setdefault("not_finished", []).append(state)
        return {"trino_queries": breakdown}

    return finish


def _breakdown_summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    kinds = sorted({k for r in runs for k in r.get("trino_queries", {})})
    out = {}
    for kind in kinds:
        sides = [
            r["trino_queries"].get(kind, {"queries": 0, "seconds": 0.0, "analysis_planning_seconds": 0.0}) for r in runs
        ]
        out[kind] = {
            "queries": int(statistics.median(s["queries"] for s in sides)),
            "seconds": round(float(statistics.median(s["seconds"] for s in sides)), 3),
            "analysis_planning_seconds": round(
                float(statistics.median(s["analysis_planning_seconds"] for s in sides)), 3
            ),
        }
    return out


def _sdk_agreement(entities: dict[str, list[Any]], sdk_trino_path: Path, sdk_path: Path) -> dict[str, Any]:
    """The SDK on Trino against the SDK on DuckDB (row order aside: to_df() does not keep it on either)."""
    import pandas as pd

    report = _agreement(entities, pd.read_parquet(sdk_trino_path), pd.read_parquet(sdk_path).set_index("customer_id"))
    report.pop("in_entity_order")
    return report


def _seconds_ratio(side: dict[str, Any], base: dict[str, Any]) -> float:
    return round(side["seconds"] / base["seconds"], 2)


SIDES = ("asgard", "asgard_export", "sdk", "trino", "trino_export", "sdk_trino")


def _rounds(
    duck_dir: Path,
    lake_dir: Path,
    env: dict[str, str],
    entities: dict[str, list[Any]],
    rounds: int,
    first: set[str],
    state: dict[str, Any],
) -> None:
    """`rounds` interleaved rounds of the six sides at one entity count, added to `state` (its first
    round also compares every side's answers with the SDK's on DuckDB)."""
    n = len(entities["customer_id"])
    entities_path = duck_dir / f"entities-{n}.parquet"
    if not entities_path.exists():
        write_entities(entities, entities_path)
    measured = state.setdefault("measured", {side: [] for side in SIDES})
    for _ in range(rounds):
        done = len(measured["sdk"])
        print(f"  trino bench: {n:,} entity rows, round {done + 1}", file=sys.stderr, flush=True)
        m, duck_rows = _fresh_server(duck_dir, entities, asgard_run, first="duck" not in first)
        first.add("duck")
        measured["asgard"].append(m)
        m, duck_export = _fresh_server(duck_dir, entities, export_run, first=False)
        measured["asgard_export"].append(m)
        m, sdk_path = sdk_run(duck_dir, entities_path, f"sdk-result-{n}.parquet")
        measured["sdk"].append(m)

        def with_probe(measure: Any) -> Any:
            return lambda server, ents: measure(server, ents, probe=trino_probe)

        m, trino_rows = _fresh_server(lake_dir, entities, with_probe(asgard_run), first="lake" not in first, env=env)
        first.add("lake")
        measured["trino"].append(m)
        m, trino_export = _fresh_server(lake_dir, entities, with_probe(export_run), first=False, env=env)
        measured["trino_export"].append(m)
        m, sdk_trino_path = sdk_run(lake_dir, entities_path, f"sdk-trino-result-{n}.parquet")
        measured["sdk_trino"].append(m)
        print(
            "    " + ", ".join(f"{side} {measured[side][-1]['seconds']:.2f} s" for side in SIDES),
            file=sys.stderr,
            flush=True,
        )
        if done == 0:
            agreement: dict[str, Any] = {}
            agreement["duckdb"], duck_problems = agreement_report(entities, duck_rows, duck_export, sdk_path)
            agreement["trino"], trino_problems = agreement_report(entities, trino_rows, trino_export, sdk_path)
            agreement["sdk_trino"] = _sdk_agreement(entities, sdk_trino_path, sdk_path)
            problems = [f"DuckDB: {p}" for p in duck_problems] + [f"Trino: {p}" for p in trino_problems]
            if agreement["sdk_trino"]["mismatches"] or agreement["sdk_trino"]["rows"] != n:
                problems.append("the SDK on Trino disagrees with the SDK on DuckDB")
            state["agreement"], state["disagreements"] = agreement, problems
        del duck_rows, duck_export, trino_rows, trino_export


def _count_result(n: int, state: dict[str, Any]) -> dict[str, Any]:
    """One entity count's medians, time ratios, Trino's query breakdown and agreement."""
    measured = state["measured"]
    s = {side: _summary(measured[side]) for side in SIDES}
    for side in ("trino", "trino_export"):
        s[side]["trino_queries"] = _breakdown_summary(measured[side])
    ratios = {
        "trino / sdk": _seconds_ratio(s["trino"], s["sdk"]),
        "trino / asgard duckdb": _seconds_ratio(s["trino"], s["asgard"]),
        "trino / sdk on trino": _seconds_ratio(s["trino"], s["sdk_trino"]),
        "trino export / sdk": _seconds_ratio(s["trino_export"], s["sdk"]),
        "trino export / asgard duckdb export": _seconds_ratio(s["trino_export"], s["asgard_export"]),
        "trino export / sdk on trino": _seconds_ratio(s["trino_export"], s["sdk_trino"]),
        "sdk on trino / sdk": _seconds_ratio(s["sdk_trino"], s["sdk"]),
        "asgard duckdb / sdk": _seconds_ratio(s["asgard"], s["sdk"]),
        "asgard duckdb export / sdk": _seconds_ratio(s["asgard_export"], s["sdk"]),
    }
    return {
        "entity_rows": n,
        "runs": len(measured["sdk"]),
        **s,
        "ratios_seconds": ratios,
        "agreement": state["agreement"],
        "disagreements": state["disagreements"],
    }


def run_trino(
    data_dir: Path, sizes: Sizes, runs: int, counts: tuple[int, ...] = TRINO_COUNTS, max_seconds: float = 300
) -> dict[str, Any]:
    """The table on both stores, then each entity count in turn (ascending, each a prefix of the same
    entity rows), one round each for the scaling; a count is skipped when the last one's slowest Trino
    call, scaled linearly, would pass `max_seconds`. The largest count measured gets `runs` rounds."""
    duck_dir, lake_dir = data_dir / "duckdb", data_dir / "trino"
    duck_dir.mkdir(parents=True, exist_ok=True)
    lake_dir.mkdir(parents=True, exist_ok=True)
    env = trino_lakehouse()
    try:
        started = time.perf_counter()
        write_gold_table(duck_dir, sizes)
        written = time.perf_counter()
        write_gold_table(lake_dir, sizes, env)
        setup = {
            "write_embedded_seconds": round(written - started, 1),
            "write_nessie_s3_seconds": round(time.perf_counter() - written, 1),
        }
        everyone = entity_rows(sizes)
        states: dict[int, dict[str, Any]] = {}
        skipped: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        first: set[str] = set()
        for n in sorted(c for c in counts if c <= sizes.entity_rows):
            if states:
                last = max(states)
                slowest = max(
                    states[last]["measured"][side][0]["seconds"] for side in ("trino", "trino_export", "sdk_trino")
                )
                estimate = slowest * n / last
                if estimate > max_seconds:
                    skipped.append({"entity_rows": n, "estimated_seconds_per_call": round(estimate, 1)})
                    continue
            failed_before = {r[0] for r in _trino(_FAILED)}
            states[n] = {}
            try:
                _rounds(duck_dir, lake_dir, env, {k: v[:n] for k, v in everyone.items()}, 1, first, states[n])
            except (RuntimeError, AssertionError) as e:  # what failed, and Trino's reason; larger counts would too
                del states[n]
                trino_errors = sorted({f"{r[1]}: {r[2]}" for r in _trino(_FAILED) if r[0] not in failed_before})
                failed.append({"entity_rows": n, "error": str(e)[:600], "trino_errors": trino_errors})
                print(f"    failed at {n:,} entity rows: {trino_errors or e}", file=sys.stderr, flush=True)
                break
        largest = max(states)
        _rounds(
            duck_dir, lake_dir, env, {k: v[:largest] for k, v in everyone.items()}, runs - 1, first, states[largest]
        )
    finally:
        drop_trino_catalog(env)
    return {
        "gold_rows": sizes.gold_rows,
        "features": len(FEATURES),
        "runs": runs,
        "max_seconds": max_seconds,
        "setup": setup,
        "counts": [_count_result(n, state) for n, state in sorted(states.items())],
        "skipped": skipped,
        "failed": failed,
    }


def trino_table(result: dict[str, Any]) -> str:
    """Markdown: per entity count, one row per side, then the time ratios and where Trino's time went."""
    labels = {
        "asgard": "Asgard DuckDB historicalFeatures (JSON)",
        "asgard_export": "Asgard DuckDB exportHistoricalFeatures",
        "sdk": "Feast SDK to_df(), DuckDB",
        "trino": "Asgard Trino historicalFeatures (JSON)",
        "trino_export": "Asgard Trino exportHistoricalFeatures",
        "sdk_trino": "Feast SDK to_df(), Trino",
    }
    lines = [
        f"Historical retrieval on Trino vs DuckDB: {result['gold_rows']:,} gold rows x {result['features']} "
        f"features; one round per entity count, {result['runs']} at the largest (medians)"
    ]
    for c in result["counts"]:
        lines += [
            "",
            f"{c['entity_rows']:,} entity rows ({c['runs']} round{'s' if c['runs'] > 1 else ''})",
            "",
            "| target | wall s | each run s | Asgard/SDK CPU s | peak RSS MB |",
            "|---|---:|---|---:|---:|",
        ]
        for side in SIDES:
            s = c[side]
            each = ", ".join(f"{x:.2f}" for x in s["seconds_each_run"])
            lines.append(
                f"| {labels[side]} | {s['seconds']:.2f} | {each} | {s['cpu_seconds']:.2f} | {s['peak_rss_mb']:.0f} |"
            )
        lines.append("")
        lines.append("ratios (wall): " + ", ".join(f"{k} {v:.2f}x" for k, v in c["ratios_seconds"].items()))
        for side in ("trino", "trino_export"):
            parts = [
                f"{kind} {v['queries']} quer{'y' if v['queries'] == 1 else 'ies'} {v['seconds']:.2f} s "
                f"(analysis+planning {v['analysis_planning_seconds']:.2f} s)"
                for kind, v in c[side]["trino_queries"].items()
            ]
            lines.append(f"Trino's queries in {labels[side]}: " + "; ".join(parts))
        agree = c["agreement"]
        lines.append(
            f"agreement with the SDK on DuckDB: Trino JSON {agree['trino']['mismatches']} mismatches of "
            f"{agree['trino']['values_compared']:,} values, entity order {agree['trino']['in_entity_order']}; "
            f"Trino export {agree['trino']['export']['mismatches']} mismatches; "
            f"SDK on Trino {agree['sdk_trino']['mismatches']} mismatches; "
            f"DuckDB JSON {agree['duckdb']['mismatches']}"
        )
        if c["disagreements"]:
            lines.append("**DISAGREEMENTS: " + "; ".join(c["disagreements"]) + "**")
    for f in result["failed"]:
        lines.append(
            f"\n**failed at {f['entity_rows']:,} entity rows**: {f['error'][:200]}; Trino's failed queries "
            f"(error code: query text length): {', '.join(f['trino_errors']) or 'none'}"
        )
    for s in result["skipped"]:
        lines.append(
            f"\nskipped {s['entity_rows']:,} entity rows: a Trino call would take about "
            f"{s['estimated_seconds_per_call']:.0f} s (over {result['max_seconds']:.0f} s)"
        )
    return "\n".join(lines)
