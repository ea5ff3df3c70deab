"""Feast's store as the server opens it (server/services/feast_store.py): in a registry database shared with
other projects its cache holds the server's project alone, the registry is read once at the open and never on a
timer, and a change is still seen by Feast's own reads once the server refreshes the cache."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pandas as pd
import pytest
from feast.infra.registry.sql import SqlRegistry

from server.config import load_settings
from server.services.demo import load_demo_gold_layer
from server.services.dtypes import FeatureDtype
from server.services.feature_registry import FeatureRegistry
from server.services.gold_catalog import GoldCatalog
from server.services.registry_records import FeatureSpec, FeatureViewSpec, SourceSpec


def _view(name: str) -> FeatureViewSpec:
    return FeatureViewSpec(
        name=name,
        entities=("customer_id",),
        features=(FeatureSpec("total_orders", FeatureDtype.INT64),),
        source=SourceSpec("gold.customer_aggregates", "updated_at"),
        ttl_seconds=0,
    )


@pytest.fixture
def two_projects(tmp_path):
    """Two servers' registries, projects `ours` and `theirs`, in one registry database."""
    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours_settings = load_settings(env={"ASGARD_FEAST_PROJECT": "ours"}, data_dir=tmp_path / "ours")
    theirs_settings = load_settings(
        env={"ASGARD_FEAST_PROJECT": "theirs", "ASGARD_REGISTRY_URL": ours_settings.registry_url},
        data_dir=tmp_path / "theirs",
    )
    gold, their_gold = GoldCatalog(ours_settings), GoldCatalog(theirs_settings)
    load_demo_gold_layer(gold)
    load_demo_gold_layer(their_gold)
    theirs = FeatureRegistry(theirs_settings, their_gold)
    for i in range(3):
        theirs.register_feature_view(_view(f"their_view_{i}"))
    yield ours_settings, gold, theirs
    theirs.close()


def test_the_cache_holds_the_servers_project_alone_read_once_at_the_open(two_projects, monkeypatch):
    settings, gold, theirs = two_projects
    reads: list[int] = []
    real = SqlRegistry.proto
    monkeypatch.setattr(SqlRegistry, "proto", lambda self: reads.append(1) or real(self))
    ours = FeatureRegistry(settings, gold)
    try:
        ours.register_feature_view(_view("our_view"))
        cached = ours.store.registry.cached_registry_proto
        assert "theirs" not in {p.spec.name for p in cached.projects}
        assert list(cached.feature_views) == []  # theirs not cached; ours registered since the open
        assert len(reads) == 1  # once, at the open (Feast's "thread" mode reads it twice there)

        ours.snapshot(max_age=0)  # the server sees its change ...
        ours.feast_current()  # ... and refreshes Feast's cache before Feast resolves anything from it
        cached = ours.store.registry.cached_registry_proto
        assert [p.spec.name for p in cached.projects] == ["ours"]
        assert [v.spec.name for v in cached.feature_views] == ["our_view"]
        assert {e.spec.project for e in cached.entities} == {"ours"}
        assert len(reads) == 2

        # No timer: Feast's would read the registry again every `cache_ttl_seconds` (60 in feature_store.yaml).
        registry = ours.store.registry
        assert getattr(registry, "registry_refresh_thread", None) is None
        registry._start_thread_async_refresh(0.05)  # what Feast's constructor starts its timer with
        time.sleep(0.3)
        assert len(reads) == 2

        # Feast's own reads resolve the view from that cache: a historical retrieval finds it.
        entities = pd.DataFrame({"customer_id": [1001], "event_timestamp": [datetime(2026, 1, 6, tzinfo=UTC)]})
        frame = ours.store.get_historical_features(entity_df=entities, features=["our_view:total_orders"]).to_df()
        assert frame["total_orders"].notna().all()

        # the other project's objects are where they were, for Feast's own store of that project
        assert {v.name for v in theirs.store.list_feature_views()} == {f"their_view_{i}" for i in range(3)}
    finally:
        ours.close()
