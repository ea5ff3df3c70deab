"""The registry snapshot is reloaded from the stored protos, converting only what changed: a change made by
another writer (here the Feast SDK on the same registry) shows, what did not change is the record made
before, and a view just registered is known to Feast's own read."""

from __future__ import annotations

from datetime import timedelta

from feast import FeatureStore

from server.services.feature_serving import FeatureServing
from tests.support.graphql import customer_view_input, register_view, unique


def test_a_change_by_another_writer_shows_and_the_rest_is_reused(client, services):
    first, second = unique("snap_a"), unique("snap_b")
    for name in (first, second):
        assert register_view(client, customer_view_input(name))["userErrors"] == []
    registry = services.registry
    before = registry._reload()
    other = FeatureStore(repo_path=str(registry.repo_path))  # another writer on the same registry
    view = other.get_feature_view(first)
    view.description = "changed by another writer"
    view.ttl = timedelta(days=2)
    other.apply([view])
    after = registry._reload()
    assert after.views[first].description == "changed by another writer"
    assert after.views[first].ttl_seconds == 2 * 86400
    assert after.views[second] is before.views[second]  # unchanged bytes: not converted again
    other.delete_feature_view(second)
    assert second not in registry._reload().views


def test_a_view_just_registered_is_served_by_feasts_own_read(client, services):
    """Feast's online read resolves views from its registry cache: refreshed before Feast reads from it
    (in its thread mode it would see the view only at its next timer). Feast's read is what serves a store
    or key type that the direct reads do not know."""
    view = unique("snap_fresh")
    assert register_view(client, customer_view_input(view))["userErrors"] == []
    through_feast = FeatureServing(services.registry, direct_reads=False)
    snap = services.registry.snapshot()
    table = through_feast.read_online(snap, [f"{view}:total_orders"], None, {"customer_id": [1001]}, False)
    assert table.statuses == [["PRESENT", "NOT_FOUND"]]  # known to Feast, not materialized yet
