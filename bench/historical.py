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
# issue 16: the JSON answer at most 1.3x the SDK's to_df(), the Parquet export 1.1x, peak memory 1.2x
TARGETS = {"ratio_seconds": 1.3, "ratio_export_seconds": 1.1, "ratio_peak_rss": 1.2}
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


def side_agreement(entities: dict[str, list[Any]], ours: Any, sdk: Any) -> dict[str, Any]:
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


COLUMNS = ["customer_id", "event_timestamp", *FEATURES]  # both Asgard paths', in this order


def path_agreement(entities: dict[str, list[Any]], answer: Any, sdk: Any) -> tuple[dict[str, Any], list[str]]:
    """One Asgard path's answer (historicalFeatures' rows, or the export's DataFrame) against the SDK's
    frame (indexed by customer_id), and what disagrees (empty: nothing)."""
    import pandas as pd

    frame = answer if isinstance(answer, pd.DataFrame) else pd.DataFrame(answer, columns=COLUMNS)
    report = side_agreement(entities, frame, sdk)
    problems = []
    if report["mismatches"] or not report["in_entity_order"] or report["rows"] != len(sdk):
        problems.append("disagrees with the SDK")
    if list(frame.columns) != COLUMNS:
        problems.append(f"has columns other than historicalFeatures': {list(frame.columns)}")
    return report, problems


def agreement_report(
    entities: dict[str, list[Any]], rows: list[list[Any]], exported: Any, sdk_path: Path
) -> tuple[dict[str, Any], list[str]]:
    """Both Asgard paths against the SDK, and what disagrees (empty: nothing)."""
    import pandas as pd

    sdk = pd.read_parquet(sdk_path).set_index("customer_id")
    as_json, json_problems = path_agreement(entities, rows, sdk)
    as_file, file_problems = path_agreement(entities, exported, sdk)
    report = {
        "asgard_rows": as_json["rows"],
        "sdk_rows": len(sdk),
        **{k: v for k, v in as_json.items() if k != "rows"},
        "export": as_file | {"columns": list(exported.columns)},
    }
    problems = [f"historicalFeatures {p}" for p in json_problems]
    problems += [f"exportHistoricalFeatures {p}" for p in file_problems]
    return report, problems


def compare(entities: dict[str, list[Any]], rows: list[list[Any]], exported: Any, sdk_path: Path) -> dict[str, Any]:
    """Both Asgard paths against the SDK; the export's columns must be the JSON path's, in order."""
    report, problems = agreement_report(entities, rows, exported, sdk_path)
    if problems:
        raise AssertionError(f"Asgard and the SDK disagree, so their numbers would not compare: {problems} {report}")
    return report


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
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


def fresh_server(
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
        measured, rows = fresh_server(data_dir, entities, asgard_run, first=i == 0)
        asgard_runs.append(measured)
        measured, exported = fresh_server(data_dir, entities, export_run, first=False)
        export_runs.append(measured)
        sdk_measured, sdk_path = sdk_run(data_dir, entities_path)
        sdk_runs.append(sdk_measured)
        if i == 0:
            agreement = compare(entities, rows, exported, sdk_path)
        del rows, exported
    asgard, export, sdk = summarize(asgard_runs), summarize(export_runs), summarize(sdk_runs)
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
        "targets": TARGETS,
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
        wall = TARGETS["ratio_export_seconds" if "export" in prefix else "ratio_seconds"]
        lines.append(
            f"| **{label}** | **{result[prefix + 'seconds']:.2f}x** (target {wall}x) "
            f"| {result[prefix + 'cpu_seconds']:.2f}x | **{result[prefix + 'peak_rss']:.2f}x** "
            f"(target {TARGETS['ratio_peak_rss']}x) "
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
