"""Registry browsing at scale: 500 feature views of 20 features over 50 entities, paged 100 at a
time with nested features and entities. Asgard (`featureViews`), Feast's REST registry server
(`feast serve_registry --rest-api`, `GET /api/v1/feature_views?project=&page=&limit=100`, from the
bench-only venv) and the SDK's `list_feature_views`. Asgard and Feast's server run side by side and
are walked in alternation, so load from elsewhere on the machine falls on both alike."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa

from bench.servers import FeastRegistryServer, feast_registry_command
from tests.support.server import ServerProcess

VIEWS, FEATURES, ENTITIES, PAGE = 500, 20, 50, 100  # the scale; the smoke run uses the same
NAMES = {f"scale_{i:03d}" for i in range(VIEWS)}
ASGARD_RETURNS = "name, ttlSeconds, online, features {name dtype}, entities {name joinKey valueType}"
FEAST_RETURNS = (
    "each view's whole FeatureView proto as JSON: spec (features name+valueType, entity names, entityColumns "
    "name+valueType, ttl, batch source with its options) and meta; entities as names, not Entity objects"
)
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


Page = tuple[float, int]  # (ms, response bytes)


def _walk_asgard(client: httpx.Client, url: str) -> list[Page]:
    """One walk over all pages; checks every view and its nesting came back."""
    after, pages, names = None, [], set()
    while True:
        started = time.perf_counter()
        response = client.post(url, json={"query": PAGE_QUERY, "variables": {"after": after}})
        pages.append(((time.perf_counter() - started) * 1000, len(response.content)))
        page = response.json()["data"]["featureViews"]
        nodes = [e["node"] for e in page["edges"]]
        assert all(len(n["features"]) == FEATURES and n["entities"] for n in nodes)
        names |= {n["name"] for n in nodes}
        if not page["pageInfo"]["hasNextPage"]:
            assert names >= NAMES
            return pages
        after = page["pageInfo"]["endCursor"]


def _walk_feast(client: httpx.Client, url: str, project: str, allow_cache: bool) -> list[Page]:
    """The same walk on Feast's REST registry server, following its `pagination.hasNext`."""
    params: dict[str, Any] = {"project": project, "limit": PAGE, "allow_cache": str(allow_cache).lower()}
    number, pages, names = 1, [], set()
    while True:
        started = time.perf_counter()
        response = client.get(f"{url}/api/v1/feature_views", params=params | {"page": number})
        pages.append(((time.perf_counter() - started) * 1000, len(response.content)))
        body = response.json()
        specs = [v["spec"] for v in body["featureViews"]]
        assert all(len(s["features"]) == FEATURES and s["entities"] and s["entityColumns"] for s in specs), body
        names |= {s["name"] for s in specs}
        if not body["pagination"].get("hasNext"):
            assert names >= NAMES, len(names)
            return pages
        number += 1


def _summary(target: str, pages: list[Page], returns: str | None = None) -> dict[str, Any]:
    samples = sorted(ms for ms, _ in pages)
    row = {
        "target": target,
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 2),
        "samples": len(samples),
    }
    if returns:
        row |= {"kb_per_page": round(statistics.median(b for _, b in pages) / 1024, 1), "returns": returns}
    return row


def _start_peer(repo: Path) -> tuple[FeastRegistryServer | None, dict[str, Any] | None]:
    """Feast's REST registry server, or the row that says why it is not measured."""
    target = "feast serve_registry --rest-api"
    feast = feast_registry_command()
    if not feast.exists():
        why = f"{feast} is missing; `make bench` builds it from bench/feast-registry-constraints.txt"
        return None, {"target": target, "skipped": why}
    try:
        return FeastRegistryServer(repo, feast), None
    except AssertionError as error:  # it did not start: say why instead of a number
        return None, {"target": target, "unavailable": str(error).strip().splitlines()[-1][:300]}


def _rounds(
    data_dir: Path, cache: str, peer: FeastRegistryServer | None, project: str, walks: int
) -> tuple[list[Page], list[Page]]:
    """Asgard with this registry cache setting and Feast's server (re-reading when Asgard's cache is 0),
    one walk each in turn after a warm-up walk each."""
    server = ServerProcess(data_dir, "--log-level", "WARNING", env={"ASGARD_REGISTRY_CACHE_SECONDS": cache}).start()
    asgard: list[Page] = []
    feast: list[Page] = []
    try:
        with httpx.Client(timeout=120) as client:
            for round_ in range(walks + 1):
                pages = _walk_asgard(client, f"{server.url}/graphql")
                asgard += pages if round_ else []
                if peer is not None:
                    pages = _walk_feast(client, peer.url, project, allow_cache=cache != "0")
                    feast += pages if round_ else []
    finally:
        server.stop()
    return asgard, feast


def run(data_dir: Path, walks: int) -> list[dict[str, Any]]:
    from feast import FeatureStore

    repo = data_dir / "feast"
    populate(repo, data_dir)
    project = FeatureStore(repo_path=str(repo)).project
    peer, why_not = _start_peer(repo)
    results = []
    cases = (
        ("asgard", "feast serve_registry --rest-api (allow_cache=true, its default)", "5"),
        (
            "asgard, re-reading the registry on every request",
            "feast serve_registry --rest-api, re-reading the registry on every request (allow_cache=false)",
            "0",
        ),
    )
    try:
        for asgard_label, feast_label, cache in cases:
            asgard, feast = _rounds(data_dir, cache, peer, project, walks)
            results.append(_summary(f"{asgard_label}: page of 100, nested", asgard, ASGARD_RETURNS))
            if peer is not None:
                results.append(_summary(f"{feast_label}: page of 100", feast, FEAST_RETURNS))
    finally:
        if peer is not None:
            peer.stop()
    if why_not is not None:
        results.append(why_not)
    sdk = FeatureStore(repo_path=str(repo))
    samples = []
    for _ in range(max(walks, 3)):
        started = time.perf_counter()
        assert len(sdk.list_feature_views(allow_cache=False)) >= VIEWS
        samples.append(((time.perf_counter() - started) * 1000, 0))
    results.append(_summary("SDK list_feature_views (all 500, uncached)", samples))
    return results
