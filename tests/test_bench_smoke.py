"""Benchmarks are not tests; these only check the harness still runs end to end (tiny smoke mode).

The harness's parts run in three groups, each a `python -m bench --smoke --only ...` of its own, so that
`make bench-smoke` (pytest -n 3) runs them side by side: every part starts its own servers on free ports in a
temp dir of its own. The groups are about equal in time (each part's seconds are in the report).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent

FIRST, SECOND, THIRD = "online,historical,jobs,persisted", "registry,startup,push,tracing", "workers,predict,load"


def test_the_groups_hold_every_part_the_harness_runs_by_default_once():
    parts = [part for group in (FIRST, SECOND, THIRD) for part in group.split(",")]
    default = re.search(r'"--only",\s+default="([a-z,-]+)"', (ROOT / "bench" / "__main__.py").read_text())
    assert default is not None and sorted(parts) == sorted(default.group(1).split(","))
    assert len(parts) == len(set(parts))


def smoke(tmp_path: Path, parts: str) -> tuple[dict[str, Any], str]:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--only", parts, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    assert set(report["section_seconds"]) == set(parts.split(","))
    return report, done.stdout


@pytest.mark.bench
def test_online_historical_jobs_and_persisted(tmp_path):
    report, stdout = smoke(tmp_path, FIRST)
    targets = {r["target"] for r in report["online_features"]}
    assert targets == {"sdk", "feast-serve", "asgard"}
    assert {r["store"] for r in report["online_features"]} == {"sqlite", "redis"}  # CI installs redis-server
    assert all(r["p50_ms"] > 0 and r["rps"] > 0 for r in report["online_features"])
    servers = [r for r in report["online_features"] if r["target"] != "sdk"]  # wrk (CI installs it), the SDK not
    assert {r["client"] for r in servers} == {"wrk"} and all(r["python_p50_ms"] > 0 for r in servers)
    assert "| asgard |" in stdout
    assert report["jobs"]["submit_to_running_ms"]["p50"] > 0
    historical = report["historical"]
    assert historical["agreement"]["mismatches"] == 0 and historical["agreement"]["asgard_rows"] == 1000
    assert historical["asgard"]["seconds"] > 0 and historical["sdk"]["peak_rss_mb"] > 0
    exported = historical["agreement"]["export"]
    assert exported["mismatches"] == 0 and exported["rows"] == 1000 and exported["in_entity_order"]
    assert historical["asgard_export"]["seconds"] > 0 and historical["ratio_export_seconds"] > 0
    assert "| Feast SDK to_df() |" in stdout
    persisted = report["persisted"]["median_ms"]
    assert all(persisted[k] > 0 for k in ("by_hash", "same_text", "new_text"))


@pytest.mark.bench
def test_registry_startup_push_and_tracing(tmp_path):
    report, stdout = smoke(tmp_path, SECOND)
    assert {r["target"].split(":")[0] for r in report["registry_browsing"]} >= {"asgard"}
    started = report["startup"]
    assert started["start_on_existing_data_dir"]["seconds"] > 0 and started["feast_serve"]["rss_mb"] > 0
    assert started["imports"] and "| `asgard serve`, existing data dir |" in stdout
    pushed = report["push"]
    assert {(c["rows"], c["to"]) for c in pushed["cases"]} == {(n, t) for n in (1, 1000) for t in ("ONLINE", "OFFLINE")}
    assert all(c["asgard_ms"] > 0 and c["floor_ms"] > 0 for c in pushed["cases"])
    assert pushed["offline_one_row_after_pushes"]["asgard_ms"] > 0
    traced = report["tracing"]
    assert traced["off"]["p50_ms"] > 0 and traced["on"]["p50_ms"] > 0 and traced["ratio_on_to_off_p50"] > 0


@pytest.mark.bench
def test_workers_predictions_and_load(tmp_path):
    report, stdout = smoke(tmp_path, THIRD)
    assert {(r["target"], r["customers"]) for r in report["predict"]} == {
        (t, n) for t in ("asgard", "in-process") for n in (1, 100)
    }
    assert all(r["p50_ms"] > 0 for r in report["predict"])
    assert "| 100 | asgard |" in stdout
    loaded = {r["target"]: r for r in report["workers"]["results"] if r["features"] == 2}
    assert set(loaded) == {"asgard-1w", "asgard-2w", "feast-serve-1w", "feast-serve-2w"}
    assert all(r["rps"] > 0 for r in loaded.values())
    under_load = report["load"]  # every read ok or refused as BUSY (retryable); nothing internal, nothing dropped
    reads = [under_load["scenarios"][k] for k in ("historical", "probe", "aliases", "online")]
    reads.append(under_load["scenarios"]["mixed"]["reads"])
    assert all(t["requests"] > 0 and set(t["codes"]) <= {"ok", "BUSY", "nulled"} for t in reads), under_load
    registered = under_load["scenarios"]["mixed"]["registrations"]
    assert registered["requests"] > 0 and set(registered["codes"]) == {"ok"}, under_load
    assert under_load["bad"] == 0 and under_load["scenarios"]["mixed"]["materialization"]["status"] == "SUCCEEDED"
    assert "| 1. historicalFeatures," in stdout
