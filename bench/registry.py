"""Registry browsing at scale: 500 feature views of 20 features over 50 entities, paged 100 at a
time with nested features and entities. Asgard (`featureViews`), Feast's REST registry server
(`feast serve_registry --rest-api`) and the SDK's `list_feature_views`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa

from tests.support.server import ServerProcess, free_port, wait_until_up

VIEWS, FEATURES, ENTITIES, PAGE = 500, 20, 50, 100  # the scale; the smoke run uses the same
PAGE_QUERY = """
query Page($after: String) {
  featureViews(first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { name ttlSeconds online features { name dtype } entities { name joinKey valueType } } }
  }
}
"""


def populate(repo: Path, data_dir: Path) -> None:
    """The views go in through the Feast SDK in one apply: the benchmark is about reading them."""
    from feast import Entity, FeatureStore, FeatureView, Field, ValueType
    from feast import types as ft
    from feast.infra.data_sources.contrib.iceberg_catalog.iceberg_source import IcebergSource

    from server.config import load_settings
    from server.services.gold_catalog import GoldCatalog

    gold = GoldCatalog(load_settings(env={}, data_dir=data_dir))
    catalog = gold.catalog()
    catalog.create_namespace_if_not_exists("gold")
    keys = [f"key_{i:02d}" for i in range(ENTITIES)]
    features = [f"feature_{i:02d}" for i in range(FEATURES)]
    columns: dict[str, Any] = {k: pa.array([1, 2], pa.int64()) for k in keys}
    columns |= {f: pa.array([0.5, 1.5]) for f in features}
    columns["ts"] = pa.array([datetime(2026, 1, 1, tzinfo=UTC)] * 2, pa.timestamp("us", tz="UTC"))
    table = pa.table(columns)
    if not catalog.table_exists(("gold", "registry_scale")):
        catalog.create_table(("gold", "registry_scale"), schema=table.schema).append(table)
    props = gold.properties()
    entities = [Entity(name=k, join_keys=[k], value_type=ValueType.INT64) for k in keys]
    views = []
    for i in range(VIEWS):
        key = keys[i % ENTITIES]
        source = IcebergSource(
            name=f"scale_{i:03d}__source",
            warehouse=props["warehouse"],
            namespace="gold",
            table="registry_scale",
            catalog_type=props["type"],
            catalog_name=gold.name,
            catalog_properties={k: v for k, v in props.items() if k not in {"type", "warehouse"}},
            timestamp_field="ts",
            credential_vending=False,
        )
        views.append(
            FeatureView(
                name=f"scale_{i:03d}",
                entities=[entities[i % ENTITIES]],
                schema=[Field(name=key, dtype=ft.Int64)] + [Field(name=f, dtype=ft.Float64) for f in features],
                source=source,
                ttl=timedelta(days=30),
                online=False,
            )
        )
    FeatureStore(repo_path=str(repo)).apply([*entities, *views])


class RegistryServer:
    def __init__(self, repo: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        feast = Path(sys.executable).with_name("feast")
        self.log_path = repo / f"registry-server-{self.port}.log"
        log = open(self.log_path, "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(feast), "serve_registry", "--rest-api", "--no-grpc", "--rest-port", str(self.port), "-h", "127.0.0.1"],
            cwd=repo,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until_up(f"{self.url}/api/v1/projects", self.proc, self.log_path)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _walk_asgard(client: httpx.Client, url: str, headers: dict[str, str]) -> list[float]:
    """Per-page latencies of one walk over all pages; checks every view and its nesting came back."""
    after, times, seen = None, [], 0
    while True:
        started = time.perf_counter()
        response = client.post(url, json={"query": PAGE_QUERY, "variables": {"after": after}}, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        page = response.json()["data"]["featureViews"]
        edges = page["edges"]
        assert all(len(e["node"]["features"]) == FEATURES and e["node"]["entities"] for e in edges)
        seen += len(edges)
        if not page["pageInfo"]["hasNextPage"]:
            assert seen >= VIEWS
            return times
        after = page["pageInfo"]["endCursor"]


def _walk_feast(client: httpx.Client, url: str, project: str) -> list[float]:
    times, seen, page = [], 0, 1
    while seen < VIEWS:
        started = time.perf_counter()
        response = client.get(f"{url}/api/v1/feature_views", params={"project": project, "limit": PAGE, "page": page})
        times.append((time.perf_counter() - started) * 1000)
        body = response.json()
        views = body.get("featureViews") or body.get("feature_views") or []
        assert views, body
        seen += len(views)
        page += 1
    return times


def _summary(target: str, samples: list[float]) -> dict[str, Any]:
    samples = sorted(samples)
    return {
        "target": target,
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 2),
        "samples": len(samples),
    }


def run(data_dir: Path, walks: int) -> list[dict[str, Any]]:
    from feast import FeatureStore

    repo = data_dir / "feast"
    populate(repo, data_dir)
    results = []
    for label, cache in (("asgard", "5"), ("asgard, re-reading the registry on every request", "0")):
        server = ServerProcess(data_dir, "--log-level", "WARNING", env={"ASGARD_REGISTRY_CACHE_SECONDS": cache}).start()
        try:
            client = httpx.Client(timeout=120)
            _walk_asgard(client, f"{server.url}/graphql", {})
            samples = [t for _ in range(walks) for t in _walk_asgard(client, f"{server.url}/graphql", {})]
            results.append(_summary(f"{label}: page of 100, nested", samples))
        finally:
            server.stop()
    try:
        registry = RegistryServer(repo)
    except AssertionError as error:  # it did not start: say why instead of a number
        reason = str(error).strip().splitlines()[-1][:300]
        results.append({"target": "feast serve_registry --rest-api", "unavailable": reason})
    else:
        try:
            client = httpx.Client(timeout=120)
            project = FeatureStore(repo_path=str(repo)).project
            _walk_feast(client, registry.url, project)
            samples = [t for _ in range(walks) for t in _walk_feast(client, registry.url, project)]
            results.append(_summary("feast serve_registry --rest-api: page of 100", samples))
        finally:
            registry.stop()
    sdk = FeatureStore(repo_path=str(repo))
    samples = []
    for _ in range(max(walks, 3)):
        started = time.perf_counter()
        assert len(sdk.list_feature_views(allow_cache=False)) >= VIEWS
        samples.append((time.perf_counter() - started) * 1000)
    results.append(_summary("SDK list_feature_views (all 500, uncached)", samples))
    return results
