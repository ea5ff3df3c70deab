"""pushFeatures against a real `asgard serve --demo`: one row and 1,000 rows, ONLINE and OFFLINE, each
beside the in-process floor it wraps (the Feast SDK's `write_to_online_store` on the same store, and
pyiceberg's `Table.append` on the same gold table), sequential, medians. The offline single-row push is
measured again after `--push-snapshots` more pushes, to show that a table's pushes do not slow the next
one down (old push snapshots are expired, manifests merged: server/services/gold_writes.py)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import ServerProcess

VIEW = "bench_push"
TABLE = "gold.customer_aggregates"  # the demo's customers
FEATURES = {"total_orders": "INT64", "total_spent": "FLOAT64"}
PUSH = "mutation($i: PushFeaturesInput!) { pushFeatures(input: $i) { rowsWritten staleRows userErrors { message } } }"
FIRST_CUSTOMER = 1001


def _rows(count: int, at: datetime, offline: bool) -> dict[str, list[Any]]:
    customers = [FIRST_CUSTOMER + i % 3000 for i in range(count)]
    rows: dict[str, list[Any]] = {
        "customer_id": customers,
        "total_orders": [i % 50 for i in range(count)],
        "total_spent": [float(i % 900) for i in range(count)],
        "updated_at": [(at + timedelta(microseconds=i)).isoformat() for i in range(count)],
    }
    if offline:  # the table's other columns (nullable): given as an upstream job would
        rows |= {"avg_order_value": [1.5] * count, "days_since_last_order": [3] * count}
    return rows


class _Clock:
    """Strictly increasing event times, so that every online push is newer than the last."""

    def __init__(self) -> None:
        self.at = datetime(2027, 1, 1, tzinfo=UTC)

    def next(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def _median_ms(run: Callable[[], None], n: int) -> float:
    run()  # warm
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def run(data_dir: Path, requests: int, snapshots: int) -> dict[str, Any]:
    import pyarrow as pa
    from feast import FeatureStore

    from server.config import load_settings
    from server.services.gold_catalog import GoldCatalog

    server = ServerProcess(data_dir, "--demo", "--log-level", "WARNING").start()
    try:
        view = {
            "name": VIEW,
            "entities": ["customer_id"],
            "features": [{"name": n, "dtype": d} for n, d in FEATURES.items()],
            "source": {"table": TABLE, "timestampField": "updated_at"},
            "online": True,
        }
        registered = server.post(
            "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { userErrors { message } } }",
            {"i": view},
        )
        assert not registered["registerFeatureView"]["userErrors"], registered
        clock = _Clock()
        client = httpx.Client(timeout=120)  # one connection, as a pushing service keeps (a new one costs ~35 ms)

        def push(count: int, to: str) -> Callable[[], None]:
            def once() -> None:
                rows = _rows(count, clock.next(), offline=to == "OFFLINE")
                variables = {"i": {"featureView": VIEW, "rows": rows, "to": to}}
                response = client.post(f"{server.url}/graphql", json={"query": PUSH, "variables": variables})
                payload = response.json()["data"]["pushFeatures"]
                assert not payload["userErrors"], payload

            return once

        settings = load_settings(env={}, data_dir=data_dir)
        store = FeatureStore(repo_path=str(settings.feast_repo_path))
        gold = GoldCatalog(settings)
        table = gold.catalog().load_table(tuple(TABLE.split(".")))

        def sdk_online(count: int) -> Callable[[], None]:
            def once() -> None:
                import pandas as pd

                rows = _rows(count, clock.next(), offline=False)
                frame = pd.DataFrame(
                    rows | {"updated_at": pd.to_datetime(rows["updated_at"], utc=True, format="ISO8601")}
                )
                store.write_to_online_store(VIEW, frame)

            return once

        def iceberg_append(count: int) -> Callable[[], None]:
            schema = table.schema().as_arrow()

            def once() -> None:
                rows = _rows(count, clock.next(), offline=True)
                columns = rows | {"updated_at": [datetime.fromisoformat(t) for t in rows["updated_at"]]}
                table.append(pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema))

            return once

        cases = []
        for count in (1, 1000):
            n = requests if count == 1 else max(requests // 10, 5)
            cases.append(
                {
                    "rows": count,
                    "to": "ONLINE",
                    "asgard_ms": _median_ms(push(count, "ONLINE"), n),
                    "floor_ms": _median_ms(sdk_online(count), n),
                    "floor": "FeatureStore.write_to_online_store",
                }
            )
            cases.append(
                {
                    "rows": count,
                    "to": "OFFLINE",
                    "asgard_ms": _median_ms(push(count, "OFFLINE"), n),
                    "floor_ms": _median_ms(iceberg_append(count), n),
                    "floor": "pyiceberg Table.append",
                }
            )
        for case in cases:
            case["ratio"] = round(case["asgard_ms"] / case["floor_ms"], 2)
        once = push(1, "OFFLINE")
        for _ in range(snapshots):
            once()
        after = _median_ms(once, requests)
        snapshot_count = len(gold.catalog().load_table(tuple(TABLE.split("."))).metadata.snapshots)
        return {
            "cases": cases,
            "offline_one_row_after_pushes": {
                "pushes_before": snapshots,
                "asgard_ms": after,
                "first_ms": cases[1]["asgard_ms"],
                "ratio_to_first": round(after / cases[1]["asgard_ms"], 2),
                "table_snapshots": snapshot_count,
            },
        }
    finally:
        server.stop()


def table(result: dict[str, Any]) -> str:
    lines = ["| rows | to | Asgard ms (p50) | floor ms (p50) | ratio | floor |", "|---|---|---|---|---|---|"]
    for c in result["cases"]:
        lines.append(f"| {c['rows']} | {c['to']} | {c['asgard_ms']} | {c['floor_ms']} | {c['ratio']}x | {c['floor']} |")
    after = result["offline_one_row_after_pushes"]
    lines.append(
        f"\nOFFLINE one row after {after['pushes_before']} more pushes: {after['asgard_ms']} ms "
        f"({after['ratio_to_first']}x the first pushes'); the table holds {after['table_snapshots']} snapshots"
    )
    return "\n".join(lines)
