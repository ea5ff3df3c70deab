"""Historical retrieval with Trino as the offline engine: `python -m bench --only historical-trino`.

The table of bench.historical is written with pyiceberg twice: into the embedded catalog (DuckDB) and
into a Nessie branch on S3 (the lakehouse of scripts/test-services) with a Trino catalog over it. At each
entity count (a prefix of the same entity rows), in interleaved rounds, six sides each in a fresh
process: Asgard on DuckDB (JSON, export), the SDK on DuckDB, Asgard with ASGARD_OFFLINE_ENGINE=trino
(JSON, export), and the SDK on Trino (the Trino server's own feature_store.yaml: Feast's Trino store
alone). The counts go up only while a call stays under `max_seconds`. A side that fails is recorded
with its error codes (Asgard's GraphQL code, Trino's from system.runtime.queries) and not run again,
at that count or above; the other sides go on. Every side that answers is compared, value by value,
with the SDK on DuckDB."""

from __future__ import annotations

import functools
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.historical import (
    FEATURES,
    Sizes,
    asgard_run,
    entity_rows,
    export_run,
    fresh_server,
    path_agreement,
    sdk_run,
    side_agreement,
    summarize,
    write_entities,
    write_gold_table,
)

TRINO_USER = "asgard-bench"  # the servers' and the SDK's Trino user, so their queries can be told apart
# Asgard stages the entity rows as an Iceberg table (server/services/trino_entities.py), so it takes up to
# its 100,000-row cap on Trino as on DuckDB. Feast's own Trino store, the SDK side, still sends them as one
# INSERT ... VALUES statement, and Trino refuses query text over its query.max-length (1,000,000
# characters by default, just under 20,000 rows of the SDK's): 17,000 is the largest count both run,
# 100,000 the one where the SDK on Trino fails (QUERY_TEXT_TOO_LARGE) and Asgard's sides go on.
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
    """What a query during an Asgard call is for: Feast's reads of the staged entity table (its schema and
    time range), the point-in-time join, the staged table's drop; or Feast's own upload (its CREATE TABLE
    and INSERT ... VALUES), which Asgard no longer uses."""
    head = text.strip()
    while head.startswith("/*") and "*/" in head:  # the join starts with a comment
        head = head.split("*/", 1)[1].strip()
    head = head.upper()
    if head.startswith("INSERT"):
        return "upload: INSERT ... VALUES"
    if head.startswith("CREATE TABLE") and " AS " not in head:
        return "upload: CREATE TABLE"
    if head.startswith(("SELECT * FROM (", "SELECT MIN(")):
        return "entity table: schema, time range"
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


def staging_seconds(lake_dir: Path, env: dict[str, str], entities: dict[str, list[Any]]) -> dict[str, float]:
    """Asgard's upload of the entity rows on Trino (server/services/trino_entities.py: a pyiceberg write,
    then Trino's DROP), timed here in the bench's process with the frame the server builds: the write
    happens outside Trino, so its queries do not show it. After a 100-row warm-up, as the calls have."""
    import pandas as pd

    from server.config import load_settings
    from server.services.gold_catalog import GoldCatalog
    from server.services.trino_engine import TrinoEngine
    from server.services.trino_entities import TrinoEntities

    settings = load_settings(env=env, data_dir=lake_dir)
    stage = TrinoEntities(GoldCatalog(settings), TrinoEngine(settings)).staged
    times = pd.to_datetime(entities["event_timestamp"], utc=True)
    frame = pd.DataFrame({"customer_id": entities["customer_id"], "event_timestamp": times})
    frame["__asgard_row__"] = range(len(frame))
    for rows in (frame.head(100), frame):
        started = time.perf_counter()
        with stage(rows):
            written = time.perf_counter()
    return {"write_seconds": written - started, "drop_seconds": time.perf_counter() - written}


def _sdk_agreement(entities: dict[str, list[Any]], answer: Path, sdk: Any) -> tuple[dict[str, Any], list[str]]:
    """The SDK on Trino against the SDK on DuckDB (row order aside: to_df() does not keep it on either)."""
    import pandas as pd

    report = side_agreement(entities, pd.read_parquet(answer), sdk)
    report.pop("in_entity_order")
    disagrees = report["mismatches"] or report["rows"] != len(entities["customer_id"])
    return report, ["disagrees with the SDK on DuckDB"] if disagrees else []


def _seconds_ratio(side: dict[str, Any], base: dict[str, Any]) -> float:
    return round(side["seconds"] / base["seconds"], 2)


SIDES = ("asgard", "asgard_export", "sdk", "trino", "trino_export", "sdk_trino")
ON_TRINO = ("trino", "trino_export", "sdk_trino")
# Asgard's sides: the server's data dir ("duck" or "lake") and the measurement.
ASGARD_SIDES = {
    "asgard": ("duck", asgard_run),
    "asgard_export": ("duck", export_run),
    "trino": ("lake", asgard_run),
    "trino_export": ("lake", export_run),
}
RATIOS = (  # name, side, base: wall time ratios, where both sides answered
    ("trino / sdk", "trino", "sdk"),
    ("trino / asgard duckdb", "trino", "asgard"),
    ("trino / sdk on trino", "trino", "sdk_trino"),
    ("trino export / sdk", "trino_export", "sdk"),
    ("trino export / asgard duckdb export", "trino_export", "asgard_export"),
    ("trino export / sdk on trino", "trino_export", "sdk_trino"),
    ("sdk on trino / sdk", "sdk_trino", "sdk"),
    ("asgard duckdb / sdk", "asgard", "sdk"),
    ("asgard duckdb export / sdk", "asgard_export", "sdk"),
)
FAILURES = (RuntimeError, AssertionError, httpx.HTTPError, subprocess.TimeoutExpired)


def _measure(
    side: str, dirs: dict[str, Path], env: dict[str, str], entities: dict[str, list[Any]], first: set[str]
) -> tuple[dict[str, Any], Any]:
    """One call of one side in a fresh process: its measurement and its answer (JSON rows, the export's
    DataFrame, or the path of the SDK's Parquet result)."""
    n = len(entities["customer_id"])
    entities_path = dirs["duck"] / f"entities-{n}.parquet"
    if side in ("sdk", "sdk_trino"):
        where = "duck" if side == "sdk" else "lake"
        return sdk_run(dirs[where], entities_path, f"{side}-result-{n}.parquet")
    where, measure = ASGARD_SIDES[side]
    if where == "lake":
        measure = functools.partial(measure, probe=trino_probe)
    try:
        return fresh_server(
            dirs[where], entities, measure, first=where not in first, env=env if where == "lake" else None
        )
    finally:
        first.add(where)


def _failure(side: str, error: Exception, failed_before: set[str]) -> dict[str, Any]:
    """What failed: the error, its GraphQL codes (Asgard's sides), and Trino's failed queries since."""
    trino_errors = sorted({f"{r[1]}: {r[2]}" for r in _trino(_FAILED) if r[0] not in failed_before})
    lines = [x.strip() for x in str(error).splitlines() if x.strip()] or [type(error).__name__]
    return {
        "side": side,
        "error": (lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}")[:600],  # a traceback's last line
        "error_codes": sorted(set(re.findall(r"'code': '(\w+)'", str(error)))),
        "trino_errors": trino_errors,
    }


def _rounds(
    dirs: dict[str, Path],
    env: dict[str, str],
    entities: dict[str, list[Any]],
    rounds: int,
    first: set[str],
    state: dict[str, Any],
    failed: dict[str, int],
) -> None:
    """`rounds` interleaved rounds at one entity count, added to `state`; the first compares every side's
    answer with the SDK's on DuckDB. A side that fails goes into `failed` (side: entity rows) and is not
    run again, here or at a larger count."""
    import pandas as pd

    n = len(entities["customer_id"])
    entities_path = dirs["duck"] / f"entities-{n}.parquet"
    if not entities_path.exists():
        write_entities(entities, entities_path)
    measured = state.setdefault("measured", {side: [] for side in SIDES})
    state.setdefault("failed", {})
    state.setdefault("staging", [])
    for done in range(len(state["staging"]), len(state["staging"]) + rounds):
        print(f"  trino bench: {n:,} entity rows, round {done + 1}", file=sys.stderr, flush=True)
        answers: dict[str, Any] = {}
        for side in SIDES:
            if side in failed:
                continue
            failed_before = {r[0] for r in _trino(_FAILED)}
            try:
                m, answers[side] = _measure(side, dirs, env, entities, first)
            except FAILURES as e:
                state["failed"][side] = _failure(side, e, failed_before)
                failed[side] = n
                print(f"    {side} failed at {n:,} entity rows: {state['failed'][side]}", file=sys.stderr, flush=True)
                continue
            measured[side].append(m)
        state["staging"].append(staging_seconds(dirs["lake"], env, entities))
        print(
            "    " + ", ".join(f"{side} {measured[side][-1]['seconds']:.2f} s" for side in SIDES if side in answers),
            file=sys.stderr,
            flush=True,
        )
        if done == 0:
            agreement: dict[str, Any] = {}
            problems: list[str] = []
            if "sdk" not in answers:
                problems.append("nothing to compare with: the SDK on DuckDB failed")
            else:
                sdk = pd.read_parquet(answers.pop("sdk")).set_index("customer_id")
                for side, answer in answers.items():
                    check = _sdk_agreement if side == "sdk_trino" else path_agreement
                    agreement[side], side_problems = check(entities, answer, sdk)
                    problems += [f"{side} {p}" for p in side_problems]
            state["agreement"], state["disagreements"] = agreement, problems
        del answers


def _count_result(n: int, state: dict[str, Any], failed: dict[str, int]) -> dict[str, Any]:
    """One entity count's medians, time ratios, Trino's query breakdown, agreement and failures."""
    measured = state["measured"]
    s = {side: summarize(measured[side]) for side in SIDES if measured[side]}
    for side in ("trino", "trino_export"):
        if side in s:
            s[side]["trino_queries"] = _breakdown_summary(measured[side])
    staging = state["staging"]
    return {
        "entity_rows": n,
        "runs": len(staging),
        **s,
        "trino_staging": {
            k: round(float(statistics.median(r[k] for r in staging)), 3) for k in ("write_seconds", "drop_seconds")
        },
        "ratios_seconds": {name: _seconds_ratio(s[a], s[b]) for name, a, b in RATIOS if a in s and b in s},
        "failed": state["failed"],
        "not_run": {side: f"failed at {m:,} entity rows" for side, m in failed.items() if m < n},
        "agreement": state["agreement"],
        "disagreements": state["disagreements"],
    }


def run_trino(
    data_dir: Path, sizes: Sizes, runs: int, counts: tuple[int, ...] = TRINO_COUNTS, max_seconds: float = 300
) -> dict[str, Any]:
    """The table on both stores, then each entity count in turn (ascending, each a prefix of the same
    entity rows), one round each for the scaling; a count is skipped when the last one's slowest Trino
    call, scaled linearly, would pass `max_seconds`. The largest count measured gets `runs` rounds."""
    dirs = {"duck": data_dir / "duckdb", "lake": data_dir / "trino"}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    env = trino_lakehouse()
    try:
        started = time.perf_counter()
        write_gold_table(dirs["duck"], sizes)
        written = time.perf_counter()
        write_gold_table(dirs["lake"], sizes, env)
        setup = {
            "write_embedded_seconds": round(written - started, 1),
            "write_nessie_s3_seconds": round(time.perf_counter() - written, 1),
        }
        everyone = entity_rows(sizes)
        states: dict[int, dict[str, Any]] = {}
        skipped: list[dict[str, Any]] = []
        failed: dict[str, int] = {}  # side: the entity count it failed at
        first: set[str] = set()
        for n in sorted(c for c in counts if c <= sizes.entity_rows):
            if states:
                last = max(states)
                timed = [states[last]["measured"][side] for side in ON_TRINO if states[last]["measured"][side]]
                estimate = max((m[0]["seconds"] for m in timed), default=0.0) * n / last
                if estimate > max_seconds:
                    skipped.append({"entity_rows": n, "estimated_seconds_per_call": round(estimate, 1)})
                    continue
            states[n] = {}
            _rounds(dirs, env, {k: v[:n] for k, v in everyone.items()}, 1, first, states[n], failed)
        largest = max(states)
        _rounds(dirs, env, {k: v[:largest] for k, v in everyone.items()}, runs - 1, first, states[largest], failed)
        results = {n: _count_result(n, state, failed) for n, state in states.items()}
    finally:
        drop_trino_catalog(env)
    return {
        "gold_rows": sizes.gold_rows,
        "features": len(FEATURES),
        "runs": runs,
        "max_seconds": max_seconds,
        "setup": setup,
        "counts": [results[n] for n in sorted(results)],
        "skipped": skipped,
        "failed": [{"entity_rows": n, **f} for n in sorted(results) for f in results[n]["failed"].values()],
    }


LABELS = {
    "asgard": "Asgard DuckDB historicalFeatures (JSON)",
    "asgard_export": "Asgard DuckDB exportHistoricalFeatures",
    "sdk": "Feast SDK to_df(), DuckDB",
    "trino": "Asgard Trino historicalFeatures (JSON)",
    "trino_export": "Asgard Trino exportHistoricalFeatures",
    "sdk_trino": "Feast SDK to_df(), Trino",
}


def _codes(failure: dict[str, Any]) -> str:
    codes = failure["error_codes"] + [e.split(":")[0] for e in failure["trino_errors"]]
    return ", ".join(dict.fromkeys(codes)) or "no error code"


def _cell(c: dict[str, Any], side: str) -> str:
    """One side's median wall time at one count (its range over several rounds), or why there is none."""
    if side in c:
        each = c[side]["seconds_each_run"]
        spread = f" ({min(each):.2f}-{max(each):.2f})" if len(each) > 1 else ""
        return f"{c[side]['seconds']:.2f} s{spread}"
    if side in c["failed"]:
        return f"failed ({_codes(c['failed'][side])})"
    return "not run"


def trino_table(result: dict[str, Any]) -> str:
    """Markdown: the wall times per entity count (columns in SIDES' order); then per count one row per
    side, the time ratios, where Trino's time went, agreement with the SDK on DuckDB, and failures."""
    lines = [
        f"Historical retrieval on Trino vs DuckDB: {result['gold_rows']:,} gold rows x {result['features']} "
        f"features; one round per entity count, {result['runs']} at the largest (medians)",
        "",
        "| entity rows | Asgard DuckDB JSON | Asgard DuckDB export | SDK DuckDB | Asgard Trino JSON "
        "| Asgard Trino export | SDK Trino |",
        "|---:|" + "---:|" * len(SIDES),
    ]
    for c in result["counts"]:
        rounds = f"{c['runs']} round{'s' if c['runs'] > 1 else ''}"
        lines.append(f"| {c['entity_rows']:,} ({rounds}) | " + " | ".join(_cell(c, side) for side in SIDES) + " |")
    for c in result["counts"]:
        lines += [
            "",
            f"{c['entity_rows']:,} entity rows ({c['runs']} round{'s' if c['runs'] > 1 else ''})",
            "",
            "| target | wall s | each run s | Asgard/SDK CPU s | peak RSS MB |",
            "|---|---:|---|---:|---:|",
        ]
        for side in SIDES:
            if side not in c:
                lines.append(f"| {LABELS[side]} | {_cell(c, side)} | | | |")
                continue
            s = c[side]
            each = ", ".join(f"{x:.2f}" for x in s["seconds_each_run"])
            lines.append(
                f"| {LABELS[side]} | {s['seconds']:.2f} | {each} | {s['cpu_seconds']:.2f} | {s['peak_rss_mb']:.0f} |"
            )
        lines.append("")
        lines.append("ratios (wall): " + ", ".join(f"{k} {v:.2f}x" for k, v in c["ratios_seconds"].items()))
        for side in ("trino", "trino_export"):
            if side not in c:
                continue
            parts = [
                f"{kind} {v['queries']} quer{'y' if v['queries'] == 1 else 'ies'} {v['seconds']:.2f} s "
                f"(analysis+planning {v['analysis_planning_seconds']:.2f} s)"
                for kind, v in c[side]["trino_queries"].items()
            ]
            lines.append(f"Trino's queries in {LABELS[side]}: " + "; ".join(parts))
        staging = c["trino_staging"]
        lines.append(
            f"staging the entity rows as Asgard does on Trino, timed apart: pyiceberg write "
            f"{staging['write_seconds']:.2f} s, Trino's DROP {staging['drop_seconds']:.2f} s"
        )
        agreement = [
            f"{LABELS[side]} {a['mismatches']} mismatches of {a['values_compared']:,} values"
            + (f", entity order {a['in_entity_order']}" if "in_entity_order" in a else "")
            for side, a in c["agreement"].items()
        ]
        lines.append("agreement with the SDK on DuckDB: " + "; ".join(agreement))
        if c["disagreements"]:
            lines.append("**DISAGREEMENTS: " + "; ".join(c["disagreements"]) + "**")
        for f in c["failed"].values():
            lines.append(
                f"**{LABELS[f['side']]} failed** ({_codes(f)}): {f['error'][:200]}; Trino's failed queries "
                f"(error code: query text length): {', '.join(f['trino_errors']) or 'none'}"
            )
        for side, why in c["not_run"].items():
            lines.append(f"{LABELS[side]} not run: {why}")
    for s in result["skipped"]:
        lines.append(
            f"\nskipped {s['entity_rows']:,} entity rows: a Trino call would take about "
            f"{s['estimated_seconds_per_call']:.0f} s (over {result['max_seconds']:.0f} s)"
        )
    return "\n".join(lines)
