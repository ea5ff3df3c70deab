"""Registry at scale: N feature views (`--registry-views`, default 5,000; the smoke run 200) of 20 features
over 50 entities.

Browsing: paged 100 at a time with nested features and entities. Asgard (`featureViews`), Feast's REST
registry server (`feast serve_registry --rest-api`, `GET /api/v1/feature_views?project=&page=&limit=100`,
from the bench-only venv) and the SDK's `list_feature_views`. Asgard and Feast's server run side by side
and are walked in alternation, so load from elsewhere on the machine falls on both alike. The rows whose
every page re-reads the whole registry (and Feast's server, which lists every view for each page) get a
page budget that shrinks as N grows; `notes` says what each row measured.

Registration among N views: `registerFeatureView` creating a view, re-registering it unchanged and
changing it (its ttl), each timed at the client, with the time until the next `featureViews(first: 100)`
page shows it; beside each, the same write through the Feast SDK in-process (`FeatureStore.apply([view])`).

Memory: the `asgard serve` process's VmRSS when it answers /healthz (the snapshot is built during
start-up), after its first page and after a walk, against a server on an empty registry; and, in this
process, the Python memory a snapshot of the N views retains (tracemalloc) and the size of the registry
proto Feast caches."""

from __future__ import annotations

import gc
import math
import statistics
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa

from bench.servers import FeastRegistryServer, feast_registry_command
from tests.support.server import ServerProcess

DEFAULT_VIEWS, SMOKE_VIEWS = 5000, 200
FEATURES, ENTITIES, PAGE = 20, 50, 100
# The scale of the first version of this benchmark (20 walks of 5 pages): Feast's server, whose every page
# lists all views, keeps the page count it had there (its time grows with N); the rows that re-read the
# whole registry on every page keep about the time they had there (their pages shrink as 1/N).
REFERENCE_VIEWS = 500
REGISTRATIONS, SMOKE_REGISTRATIONS = 20, 3
REGISTRATION_CASE_SECONDS = 600  # a case stops early (with fewer samples) after this long
TABLE = "registry_scale"
KEYS = [f"key_{i:02d}" for i in range(ENTITIES)]
FEATURE_NAMES = [f"feature_{i:02d}" for i in range(FEATURES)]
TTL = int(timedelta(days=30).total_seconds())
CHANGED_TTL = int(timedelta(days=7).total_seconds())
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
REGISTER = """
mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { change userErrors { message } } }
"""


def view_name(i: int) -> str:
    return f"scale_{i:04d}"


def _gold(data_dir: Path) -> Any:
    from server.config import load_settings
    from server.services.gold_catalog import GoldCatalog

    return GoldCatalog(load_settings(env={}, data_dir=data_dir))


def _source(gold: Any, name: str) -> Any:
    from feast.infra.data_sources.contrib.iceberg_catalog.iceberg_source import IcebergSource

    props = gold.properties()
    return IcebergSource(
        name=f"{name}__source",
        warehouse=props["warehouse"],
        namespace="gold",
        table=TABLE,
        catalog_type=props["type"],
        catalog_name=gold.name,
        catalog_properties={k: v for k, v in props.items() if k not in {"type", "warehouse"}},
        timestamp_field="ts",
        credential_vending=False,
    )


def _entity(key: str) -> Any:
    from feast import Entity, ValueType

    return Entity(name=key, join_keys=[key], value_type=ValueType.INT64)


def _feast_view(gold: Any, name: str, key: str, ttl: int = TTL) -> Any:
    from feast import FeatureView, Field
    from feast import types as ft

    return FeatureView(
        name=name,
        entities=[_entity(key)],
        schema=[Field(name=key, dtype=ft.Int64)] + [Field(name=f, dtype=ft.Float64) for f in FEATURE_NAMES],
        source=_source(gold, name),
        ttl=timedelta(seconds=ttl),
        online=False,
    )


def populate(repo: Path, data_dir: Path, views: int) -> float:
    """The views go in through the Feast SDK in one apply: the benchmark is about reading them. Returns
    the seconds that apply took."""
    from feast import FeatureStore

    gold = _gold(data_dir)
    catalog = gold.catalog()
    catalog.create_namespace_if_not_exists("gold")
    columns: dict[str, Any] = {k: pa.array([1, 2], pa.int64()) for k in KEYS}
    columns |= {f: pa.array([0.5, 1.5]) for f in FEATURE_NAMES}
    columns["ts"] = pa.array([datetime(2026, 1, 1, tzinfo=UTC)] * 2, pa.timestamp("us", tz="UTC"))
    table = pa.table(columns)
    if not catalog.table_exists(("gold", TABLE)):
        catalog.create_table(("gold", TABLE), schema=table.schema).append(table)
    objects = [_entity(k) for k in KEYS] + [_feast_view(gold, view_name(i), KEYS[i % ENTITIES]) for i in range(views)]
    store = FeatureStore(repo_path=str(repo))
    # Feast's SQL registry rebuilds its whole cached proto after each object it writes ("sync" cache mode):
    # quadratic in a bulk apply (5,000 views would take most of an hour). Setup only, so not here.
    store.registry.cache_mode = "none"
    started = time.perf_counter()
    store.apply(objects)
    return time.perf_counter() - started


# ---- browsing -----------------------------------------------------------------------------------------

Page = tuple[float, int]  # (ms, response bytes)


def _walk_asgard(client: httpx.Client, url: str, expected: set[str], max_pages: int | None = None) -> list[Page]:
    """One walk over all pages (or the first `max_pages`); checks every view and its nesting came back."""
    after, pages, names = None, [], set()
    while True:
        started = time.perf_counter()
        response = client.post(url, json={"query": PAGE_QUERY, "variables": {"after": after}})
        pages.append(((time.perf_counter() - started) * 1000, len(response.content)))
        page = response.json()["data"]["featureViews"]
        nodes = [e["node"] for e in page["edges"]]
        assert len(nodes) == PAGE or not page["pageInfo"]["hasNextPage"], len(nodes)
        assert all(len(n["features"]) == FEATURES and n["entities"] for n in nodes)
        names |= {n["name"] for n in nodes}
        if max_pages is not None and len(pages) >= max_pages:
            return pages
        if not page["pageInfo"]["hasNextPage"]:
            assert names >= expected, len(expected - names)
            return pages
        after = page["pageInfo"]["endCursor"]


def _walk_feast(
    client: httpx.Client, url: str, project: str, allow_cache: bool, expected: set[str], max_pages: int | None = None
) -> list[Page]:
    """The same walk on Feast's REST registry server, following its `pagination.hasNext`."""
    params: dict[str, Any] = {"project": project, "limit": PAGE, "allow_cache": str(allow_cache).lower()}
    number, pages, names = 1, [], set()
    while True:
        started = time.perf_counter()
        response = client.get(f"{url}/api/v1/feature_views", params=params | {"page": number})
        pages.append(((time.perf_counter() - started) * 1000, len(response.content)))
        body = response.json()
        specs = [v["spec"] for v in body["featureViews"]]
        assert len(specs) == PAGE or not body["pagination"].get("hasNext"), len(specs)
        assert all(len(s["features"]) == FEATURES and s["entities"] and s["entityColumns"] for s in specs), body
        names |= {s["name"] for s in specs}
        if max_pages is not None and len(pages) >= max_pages:
            return pages
        if not body["pagination"].get("hasNext"):
            assert names >= expected, len(expected - names)
            return pages
        number += 1


def _summary(target: str, pages: list[Page], returns: str | None = None, **extra: Any) -> dict[str, Any]:
    samples = sorted(ms for ms, _ in pages)
    row = {
        "target": target,
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 2),
        "samples": len(samples),
    }
    if returns:
        row |= {"kb_per_page": round(statistics.median(b for _, b in pages) / 1024, 1), "returns": returns}
    return row | extra


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


def _plan(budget: int, per_walk: int) -> list[int | None]:
    """How to spend a page budget: whole walks (None: to the end) while one fits, else the first pages."""
    if budget >= per_walk:
        return [None] * (budget // per_walk)
    return [budget]


def _describe(plan: list[int | None], per_walk: int) -> str:
    if plan and plan[0] is None:
        return f"{len(plan)} whole walk(s) of {per_walk} pages"
    return f"the first {plan[0]} page(s) of one walk (a whole walk is {per_walk} pages)"


def _rounds(
    server: ServerProcess,
    peer: FeastRegistryServer | None,
    project: str,
    allow_cache: bool,
    expected: set[str],
    plans: tuple[list[int | None], list[int | None]],
) -> tuple[list[Page], list[Page]]:
    """Asgard and Feast's server in turn, one walk (or part of one) each per round, after a warm-up page each."""
    asgard: list[Page] = []
    feast: list[Page] = []
    asgard_plan, feast_plan = plans
    with httpx.Client(timeout=600) as client:
        _walk_asgard(client, f"{server.url}/graphql", expected, max_pages=1)
        if peer is not None:
            _walk_feast(client, peer.url, project, allow_cache, expected, max_pages=1)
        for round_ in range(max(len(asgard_plan), len(feast_plan) if peer is not None else 0)):
            if round_ < len(asgard_plan):
                asgard += _walk_asgard(client, f"{server.url}/graphql", expected, asgard_plan[round_])
            if peer is not None and round_ < len(feast_plan):
                feast += _walk_feast(client, peer.url, project, allow_cache, expected, feast_plan[round_])
    return asgard, feast


# ---- memory -------------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise AssertionError(f"no VmRSS for {pid}")


def _pid(server: ServerProcess) -> int:
    assert server.proc is not None
    return server.proc.pid


def _server(data_dir: Path, cache: str) -> tuple[ServerProcess, float]:
    started = time.perf_counter()
    server = ServerProcess(data_dir, "--log-level", "WARNING", env={"ASGARD_REGISTRY_CACHE_SECONDS": cache}).start(
        timeout=900
    )
    return server, time.perf_counter() - started


def _empty_baseline(data_dir: Path) -> dict[str, Any]:
    """A server on an empty registry (same settings, nothing registered): what does not scale with views."""
    from server.config import load_settings
    from server.services.feast_repo import write_feast_repo

    empty = data_dir.parent / f"{data_dir.name}-empty"
    empty.mkdir(exist_ok=True)
    write_feast_repo(load_settings(env={}, data_dir=empty))
    server, seconds = _server(empty, "5")
    try:
        at_start = rss_mb(_pid(server))
        server.post("{ featureViews(first: 100) { edges { node { name } } } }")
        return {"start_seconds": round(seconds, 2), "at_healthz": at_start, "after_first_page": rss_mb(_pid(server))}
    finally:
        server.stop()


def snapshot_in_process(repo: Path, project: str) -> dict[str, Any]:
    """The snapshot Asgard's reload builds, built here the same way (server/services/feast_objects.py records
    from Feast's objects), with the Python memory it keeps once the Feast objects are gone (tracemalloc)."""
    from feast import FeatureStore

    from server.services import feast_objects as fo
    from server.services.registry_records import RegistrySnapshot

    registry = FeatureStore(repo_path=str(repo)).registry
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        feast_entities = registry.list_entities(project, allow_cache=False)
        feast_views = registry.list_feature_views(project, allow_cache=False)
        listed = time.perf_counter()
        entities = {e.name: fo.entity_record(e) for e in feast_entities if not e.name.startswith("__")}
        join_keys = {e.join_key for e in entities.values()}
        views = {v.name: fo.feature_view_record(v, join_keys) for v in feast_views}
        snap = RegistrySnapshot(entities=entities, views=views, services={})
        built = time.perf_counter()
        del feast_entities, feast_views
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    proto = registry.proto()
    return {
        "views": len(snap.views),
        "snapshot_mb": round(kept / 2**20, 2),
        "snapshot_kb_per_view": round(kept / 1024 / max(1, len(snap.views)), 2),
        # under tracemalloc, which slows allocation down: not the server's times
        "traced_list_seconds": round(listed - started, 2),
        "traced_records_seconds": round(built - listed, 2),
        "feast_registry_proto_mb": round(proto.ByteSize() / 2**20, 2),
    }


# ---- registration -------------------------------------------------------------------------------------


def _spec(name: str, key: str, ttl: int) -> dict[str, Any]:
    return {
        "name": name,
        "entities": [key],
        "features": [{"name": f, "dtype": "FLOAT64"} for f in FEATURE_NAMES],
        "source": {"table": f"gold.{TABLE}", "timestampField": "ts"},
        "ttlSeconds": ttl,
        "online": False,
    }


def _first_page_shows(client: httpx.Client, url: str, name: str, ttl: int) -> bool:
    response = client.post(url, json={"query": PAGE_QUERY, "variables": {"after": None}})
    nodes = [e["node"] for e in response.json()["data"]["featureViews"]["edges"]]
    return any(n["name"] == name and n["ttlSeconds"] == ttl for n in nodes)


def _stats(samples: list[float]) -> dict[str, Any]:
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "min_ms": round(min(samples), 1),
        "samples": len(samples),
    }


def registrations(
    server: ServerProcess, repo: Path, data_dir: Path, count: int, case_seconds: float
) -> list[dict[str, Any]]:
    """Each case `count` times (fewer once a case has run `case_seconds`), Asgard's mutation then the SDK's
    apply in turn. New views are named to sort first, so the first page of `featureViews` shows them."""
    from feast import FeatureStore

    gold = _gold(data_dir)
    sdk = FeatureStore(repo_path=str(repo))
    url = f"{server.url}/graphql"
    cases = (("create a new view", "CREATED", TTL), ("re-register it unchanged", "UNCHANGED", TTL))
    cases += (("change it (ttl 30 d to 7 d)", "UPDATED", CHANGED_TTL),)
    rows = []
    done = count
    with httpx.Client(timeout=600) as client:
        for case, change, ttl in cases:
            asgard: list[float] = []
            visible: list[float] = []
            polls: list[int] = []
            feast: list[float] = []
            deadline = time.monotonic() + case_seconds
            for i in range(done):
                if i and time.monotonic() > deadline:
                    done = i  # the later cases re-register the views the first one created
                    break
                name, key = f"a_reg_{i:02d}", KEYS[i % ENTITIES]
                started = time.perf_counter()
                response = client.post(url, json={"query": REGISTER, "variables": {"i": _spec(name, key, ttl)}})
                answered = time.perf_counter()
                payload = response.json()["data"]["registerFeatureView"]
                assert payload["change"] == change and not payload["userErrors"], payload
                asgard.append((answered - started) * 1000)
                tries = 1
                while not _first_page_shows(client, url, name, ttl):
                    tries += 1
                    assert time.perf_counter() - answered < 120, f"{name} never showed"
                visible.append((time.perf_counter() - answered) * 1000)
                polls.append(tries)
                view = _feast_view(gold, f"b_sdk_{i:02d}", key, ttl)
                started = time.perf_counter()
                sdk.apply([view])
                feast.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "case": case,
                    "asgard_register_feature_view": _stats(asgard),
                    # from the mutation's answer until a first page shows the change (that page included)
                    "asgard_next_page_shows_it": _stats(visible) | {"pages": max(polls)},
                    "sdk_apply": _stats(feast),
                    "p50_vs_sdk": round(statistics.median(asgard) / statistics.median(feast), 2),
                    "asgard_rss_mb_after": rss_mb(_pid(server)),
                }
            )
    return rows


# ---- the run ------------------------------------------------------------------------------------------


def run(data_dir: Path, walks: int, views: int, registrations_each: int = REGISTRATIONS) -> dict[str, Any]:
    from feast import FeatureStore

    repo = data_dir / "feast"
    populate_seconds = populate(repo, data_dir, views)
    project = FeatureStore(repo_path=str(repo)).project
    expected = {view_name(i) for i in range(views)}
    per_walk = math.ceil(views / PAGE)
    full = walks * per_walk
    reference = min(full, walks * math.ceil(REFERENCE_VIEWS / PAGE))
    slow = min(full, max(1, math.ceil(reference * min(1.0, REFERENCE_VIEWS / views))))
    notes = [f"{views} views of {FEATURES} features over {ENTITIES} entities, {per_walk} pages of {PAGE} per walk"]
    peer, why_not = _start_peer(repo)
    browsing: list[dict[str, Any]] = []
    memory: dict[str, Any] = {}
    cases = (
        ("asgard", "feast serve_registry --rest-api (allow_cache=true, its default)", "5", full, reference),
        (
            "asgard, re-reading the registry on every request",
            "feast serve_registry --rest-api, re-reading the registry on every request (allow_cache=false)",
            "0",
            slow,
            slow,
        ),
    )
    try:
        for asgard_label, feast_label, cache, asgard_budget, feast_budget in cases:
            plans = (_plan(asgard_budget, per_walk), _plan(feast_budget, per_walk))
            server, seconds = _server(data_dir, cache)
            try:
                if cache != "0":
                    memory["asgard_start_seconds"] = round(seconds, 2)
                    memory["rss_mb_at_healthz"] = rss_mb(_pid(server))
                asgard, feast = _rounds(server, peer, project, cache != "0", expected, plans)
                if cache != "0":
                    memory["rss_mb_after_walks"] = rss_mb(_pid(server))
            finally:
                server.stop()
            browsing.append(_summary(f"{asgard_label}: page of 100, nested", asgard, ASGARD_RETURNS))
            notes.append(f"{browsing[-1]['target']}: {_describe(plans[0], per_walk)}")
            if peer is not None:
                browsing.append(_summary(f"{feast_label}: page of 100", feast, FEAST_RETURNS))
                notes.append(f"{browsing[-1]['target']}: {_describe(plans[1], per_walk)}")
    finally:
        if peer is not None:
            peer.stop()
    if why_not is not None:
        browsing.append(why_not)
    sdk = FeatureStore(repo_path=str(repo))
    samples = []
    listings = max(3, math.ceil(walks * min(1.0, REFERENCE_VIEWS / views)))
    for _ in range(listings):
        started = time.perf_counter()
        assert len(sdk.list_feature_views(allow_cache=False)) >= views
        samples.append(((time.perf_counter() - started) * 1000, 0))
    browsing.append(_summary(f"SDK list_feature_views (all {views}, uncached)", samples))

    # memory and registration on a fresh server: RSS as it answers /healthz, after its first page
    server, seconds = _server(data_dir, "5")
    try:
        memory["rss_mb_at_healthz_again"] = rss_mb(_pid(server))
        with httpx.Client(timeout=600) as client:
            page_ms = _walk_asgard(client, f"{server.url}/graphql", expected, max_pages=1)[0][0]
        memory["first_page_ms"] = round(page_ms, 1)
        memory["rss_mb_after_first_page"] = rss_mb(_pid(server))
        registered = registrations(server, repo, data_dir, registrations_each, REGISTRATION_CASE_SECONDS)
        if any(r["asgard_register_feature_view"]["samples"] < registrations_each for r in registered):
            notes.append(f"registration: a case stopped after {REGISTRATION_CASE_SECONDS} s, with fewer samples")
        memory["rss_mb_after_registrations"] = rss_mb(_pid(server))
    finally:
        server.stop()
    empty = _empty_baseline(data_dir)
    memory["empty_registry"] = empty
    memory["rss_mb_over_empty_registry_after_first_page"] = round(
        memory["rss_mb_after_first_page"] - empty["after_first_page"], 1
    )
    memory["in_process"] = snapshot_in_process(repo, project)
    notes.append(
        "asgard serve imports Feast without typeguard's instrumentation (server/feast_import.py); the SDK rows "
        "(here, in-process) and Feast's registry server run Feast as installed, instrumented"
    )
    notes.append(
        "the snapshot is built during start-up (FeatureRegistry's first reload), before /healthz answers: RSS at "
        "/healthz already holds it, so its cost shows against a server on an empty registry, and exactly in "
        "in_process.snapshot_mb (tracemalloc of the records a reload keeps)"
    )
    return {
        "views": views,
        "populate_seconds": round(populate_seconds, 1),
        "browsing": browsing,
        "registration": registered,
        "memory": memory,
        "notes": notes,
    }


def table(result: dict[str, Any]) -> str:
    """The registry section as markdown: browsing, registration, memory, notes."""
    views = result["views"]
    lines = [
        f"Registry at scale: {views} feature views (populated in {result['populate_seconds']} s)",
        "",
        "| target | p50 ms | p99 ms | pages | KB per page |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in result["browsing"]:
        if "p50_ms" not in row:
            lines.append(f"| {row['target']} | {row.get('skipped') or row.get('unavailable')} | | | |")
            continue
        lines.append(
            f"| {row['target']} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['samples']} "
            f"| {row.get('kb_per_page', '')} |"
        )
    lines += [
        "",
        f"| registration among {views} views | asgard p50 ms | asgard max ms | next page shows it, p50 ms "
        "| SDK apply p50 ms | SDK apply max ms | asgard p50 vs SDK | samples | asgard RSS after, MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["registration"]:
        asgard, shown, sdk = row["asgard_register_feature_view"], row["asgard_next_page_shows_it"], row["sdk_apply"]
        lines.append(
            f"| {row['case']} | {asgard['p50_ms']} | {asgard['max_ms']} | {shown['p50_ms']} | {sdk['p50_ms']} "
            f"| {sdk['max_ms']} | {row['p50_vs_sdk']}x | {asgard['samples']} | {row['asgard_rss_mb_after']} |"
        )
    memory = result["memory"]
    inside = memory["in_process"]
    lines += [
        "",
        "| memory | MB |",
        "|---|---:|",
        f"| asgard serve RSS at /healthz (snapshot already built in start-up) | {memory['rss_mb_at_healthz']} |",
        f"| ... after the walks | {memory['rss_mb_after_walks']} |",
        f"| fresh asgard serve RSS at /healthz | {memory['rss_mb_at_healthz_again']} |",
        f"| ... after its first page | {memory['rss_mb_after_first_page']} |",
        f"| ... after the registrations | {memory['rss_mb_after_registrations']} |",
        f"| asgard serve on an empty registry, after its first page | {memory['empty_registry']['after_first_page']} |",
        f"| difference: RSS that comes with {views} views | {memory['rss_mb_over_empty_registry_after_first_page']} |",
        f"| the snapshot's records, tracemalloc in-process ({inside['snapshot_kb_per_view']} KB per view) "
        f"| {inside['snapshot_mb']} |",
        f"| Feast's cached registry proto, serialized | {inside['feast_registry_proto_mb']} |",
        "",
        *(f"- {note}" for note in result["notes"]),
    ]
    return "\n".join(lines)
