"""Freshness and column statistics over GraphQL: computed from the gold table's Iceberg manifests (no scan)
and the view's materializations, checked against a scan of the same table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from server.app import create_app
from server.services.gold_catalog import GoldCatalog
from tests.support.client import local_client
from tests.support.graphql import customer_view_input, gql, register_view, unique
from tests.support.serving import END, materialize

FRESHNESS = """
query($name: String!) {
  featureView(name: $name) {
    freshness { latestEventTime lastMaterializedAt materializedUpTo lagSeconds withinTtl stale }
    features { name stats { valueCount nullCount lowerBound upperBound snapshotId } }
  }
}
"""
STATS = """
query($name: String!) {
  goldTable(name: $name) {
    snapshotId
    columns { name stats { snapshotId valueCount nullCount nanCount sizeBytes lowerBound upperBound } }
  }
}
"""


def _iso(value: datetime) -> datetime:
    return value.astimezone(UTC)


@pytest.fixture(scope="module")
def table(services):
    """A copy of the demo's customer aggregates in a table of its own (the test appends to it)."""
    catalog = services.gold.catalog()
    data = catalog.load_table(("gold", "customer_aggregates")).scan().to_arrow()
    name = unique("fresh_customers")
    created = catalog.create_table(("gold", name), schema=data.schema)
    created.append(data)
    return f"gold.{name}", data


def _freshness(client, view):
    return gql(client, FRESHNESS, {"name": view}).data["featureView"]


def test_column_statistics_match_a_scan_of_the_table(client, table):
    name, data = table
    found = gql(client, STATS, {"name": name}).data["goldTable"]
    columns = {c["name"]: c["stats"] for c in found["columns"]}
    assert set(columns) == set(data.column_names)
    for column in data.column_names:
        values, stats = data.column(column), columns[column]
        assert stats["snapshotId"] == found["snapshotId"]
        assert stats["valueCount"] == len(values) and stats["nullCount"] == values.null_count
        assert stats["sizeBytes"] > 0
        low, high = pc.min(values).as_py(), pc.max(values).as_py()
        if isinstance(low, datetime):
            assert datetime.fromisoformat(stats["lowerBound"]) == low
            assert datetime.fromisoformat(stats["upperBound"]) == high
        else:
            assert (stats["lowerBound"], stats["upperBound"]) == (pytest.approx(low), pytest.approx(high))
    assert columns["customer_id"]["nanCount"] is None  # an integer column: never NaN, not recorded


def test_freshness_follows_materializations_and_the_ttl(client, settings, services, table):
    name, data = table
    latest = pc.max(data.column("updated_at")).as_py()
    fresh, expired = unique("fresh_view"), unique("expired_view")
    for view, ttl in ((fresh, 0), (expired, 86400)):  # 0: forever; the demo's rows are from January 2026
        source = {"table": name, "timestampField": "updated_at"}
        assert register_view(client, customer_view_input(view, source=source, ttlSeconds=ttl))["userErrors"] == []

    before = _freshness(client, fresh)["freshness"]
    assert datetime.fromisoformat(before["latestEventTime"]) == latest
    assert before["materializedUpTo"] is None and before["lastMaterializedAt"] is None
    assert before["lagSeconds"] is None and before["stale"] is True  # online, never loaded, rows waiting

    behind = (latest - timedelta(hours=1)).isoformat()
    assert materialize(client, [fresh], start="2025-12-31T00:00:00+00:00", end=behind)["status"] == "SUCCEEDED"
    partial = _freshness(client, fresh)["freshness"]
    assert partial["lagSeconds"] == 3600 and partial["stale"] is True
    assert datetime.fromisoformat(partial["materializedUpTo"]) == latest - timedelta(hours=1)

    done = materialize(client, [fresh, expired], start="2025-12-31T00:00:00+00:00", end=END)
    assert done["status"] == "SUCCEEDED"
    caught_up = _freshness(client, fresh)["freshness"]
    assert caught_up["lagSeconds"] == 0 and caught_up["withinTtl"] is True and caught_up["stale"] is False
    assert datetime.fromisoformat(caught_up["lastMaterializedAt"]) == datetime.fromisoformat(done["finishedAt"])
    old = _freshness(client, expired)["freshness"]
    assert old["lagSeconds"] == 0 and old["withinTtl"] is False and old["stale"] is True

    stale = gql(client, "{ platformStatus { staleFeatureViews { name } } }").data["platformStatus"]
    names = {v["name"] for v in stale["staleFeatureViews"]}
    assert expired in names and fresh not in names

    with local_client(create_app(settings, services)) as scraper:  # its own metrics: computed at this scrape
        text = scraper.get("/metrics").text
    assert f'asgard_feature_view_stale{{feature_view="{expired}"}} 1.0' in text
    assert f'asgard_feature_view_stale{{feature_view="{fresh}"}} 0.0' in text
    assert f'asgard_feature_view_lag_seconds{{feature_view="{fresh}"}} 0.0' in text
    assert "asgard_stale_feature_views " in text


def test_a_new_snapshot_moves_the_latest_event_and_the_statistics(client, services, table):
    name, data = table
    view = unique("growing_view")
    source = {"table": name, "timestampField": "updated_at"}
    assert register_view(client, customer_view_input(view, source=source, ttlSeconds=0))["userErrors"] == []
    first = _freshness(client, view)
    later = pc.max(data.column("updated_at")).as_py() + timedelta(days=2)
    stamps = pa.array([later], data.schema.field("updated_at").type)
    field = data.schema.field("updated_at")
    row = data.slice(0, 1).set_column(data.schema.get_field_index("updated_at"), field, stamps)
    services.gold.catalog().load_table(tuple(name.split("."))).append(row)
    second = _freshness(client, view)
    assert datetime.fromisoformat(second["freshness"]["latestEventTime"]) == later
    counts = {f["name"]: f["stats"] for f in second["features"]}
    assert (
        counts["total_orders"]["valueCount"]
        == {f["name"]: f["stats"] for f in first["features"]}["total_orders"]["valueCount"] + 1
    )
    assert counts["total_orders"]["snapshotId"] != first["features"][0]["stats"]["snapshotId"]


def test_a_page_of_views_reads_each_table_once(client, monkeypatch):
    calls: list[list[str]] = []
    real = GoldCatalog.stats

    def counted(self, names):
        calls.append(list(names))
        return real(self, names)

    monkeypatch.setattr(GoldCatalog, "stats", counted)
    query = "{ featureViews(first: 50) { edges { node { freshness { stale } features { stats { valueCount } } } } } }"
    edges = gql(client, query).data["featureViews"]["edges"]
    assert len(edges) >= 3  # this file's views at least, over two tables when other tests ran first
    assert len(calls) <= 2  # one batch for the freshness, one for the features' statistics: not one per view
    assert all(len(set(batch)) == len(batch) for batch in calls)


HISTOGRAM = """
query($name: String!, $bins: Int!) {
  featureView(name: $name) {
    features { name histogram(bins: $bins) { snapshotId rows complete nullCount bins { lower upper count } topValues { value count } } }
  }
}
"""


def test_a_histogram_is_a_scan_of_the_snapshot_made_once(client, services, table, monkeypatch):
    import numpy as np

    name, _ = table
    view = unique("histogram_view")
    source = {"table": name, "timestampField": "updated_at"}
    assert register_view(client, customer_view_input(view, source=source, ttlSeconds=0))["userErrors"] == []
    scans: list[str] = []
    real = GoldCatalog._histogram
    monkeypatch.setattr(
        GoldCatalog,
        "_histogram",
        lambda self, t, column, bins, s: scans.append(column) or real(self, t, column, bins, s),
    )
    found = {
        f["name"]: f["histogram"]
        for f in gql(client, HISTOGRAM, {"name": view, "bins": 7}).data["featureView"]["features"]
    }
    data = services.gold.catalog().load_table(tuple(name.split("."))).scan().to_arrow()
    spent = data.column("total_spent").to_numpy(zero_copy_only=False)
    counts, edges = np.histogram(spent[np.isfinite(spent)], bins=7)
    histogram = found["total_spent"]
    assert [b["count"] for b in histogram["bins"]] == counts.tolist()
    assert [b["lower"] for b in histogram["bins"]] == pytest.approx(edges[:-1].tolist())
    assert histogram["bins"][-1]["upper"] == pytest.approx(edges[-1])
    assert histogram["rows"] == data.num_rows and histogram["complete"] is True and histogram["topValues"] == []
    assert histogram["snapshotId"] == str(services.gold.describe(name).snapshot_id)
    assert len(scans) == 4  # one per feature
    gql(client, HISTOGRAM, {"name": view, "bins": 7})
    assert len(scans) == 4  # the same snapshot: from the cache
    for bins in (0, 101):
        assert set(gql(client, HISTOGRAM, {"name": view, "bins": bins}, errors=True).codes()) == {"BAD_USER_INPUT"}


def test_a_request_asks_for_at_most_twenty_histograms(client, table):
    """Twenty distinct scans (the same histogram asked twice is one): 6 bin counts of 4 features is 24."""
    name, _ = table
    view = unique("histogram_budget")
    assert (
        register_view(client, customer_view_input(view, source={"table": name, "timestampField": "updated_at"}))[
            "userErrors"
        ]
        == []
    )
    aliases = " ".join(f"h{b}: histogram(bins: {b}) {{ rows }}" for b in range(1, 7))
    query = f"query($n: String!) {{ featureView(name: $n) {{ features {{ {aliases} }} }} }}"
    refused = gql(client, query, {"n": view}, errors=True)
    assert set(refused.codes()) == {"LIMIT_EXCEEDED"}
    five = " ".join(f"h{b}: histogram(bins: {b}) {{ rows }}" for b in range(1, 6))  # 20: within the budget
    gql(client, f"query($n: String!) {{ featureView(name: $n) {{ features {{ {five} }} }} }}", {"n": view})
