"""Nested fields are batched: the registry is read a bounded number of times, whatever the page."""

from __future__ import annotations

import time

from tests.support.graphql import create_service, customer_view_input, gql, register_view, unique

NESTED = """
{
  featureServices {
    name
    featureViews { name features { name } featureView { name entities { name joinKey } } }
  }
  featureViews(first: 100) { edges { node { name entities { name valueType } } } }
}
"""


def test_nested_lists_cost_a_bounded_number_of_registry_reads(client, services, monkeypatch):
    views = [unique("nested") for _ in range(6)]
    for view in views:
        register_view(client, customer_view_input(view))
    create_service(client, unique("nested_svc"), views)
    registry = services.registry
    calls = []
    real_reload = registry._reload
    monkeypatch.setattr(registry, "_reload", lambda: calls.append(1) or real_reload())
    monkeypatch.setattr(registry, "_loaded_at", 0.0)  # force the cache to be stale once
    monkeypatch.setattr(registry, "_marker", None)  # ... and the registry to look changed
    result = gql(client, NESTED).data
    assert len(result["featureViews"]["edges"]) >= 6
    assert any(len(s["featureViews"]) == 6 for s in result["featureServices"])
    # one refresh for the whole request, however many services, views and entities it touches
    assert len(calls) == 1


def test_a_stale_snapshot_is_only_reloaded_when_the_registry_changed(client, services, monkeypatch):
    registry = services.registry
    time.sleep(2.1)  # the marker has whole seconds: let the last write fall well before this load
    registry.snapshot(max_age=0)
    calls = []
    real_reload = registry._reload
    monkeypatch.setattr(registry, "_reload", lambda: calls.append(1) or real_reload())
    monkeypatch.setattr(registry, "_loaded_at", 0.0)
    registry.snapshot()
    assert calls == []  # nothing changed: one marker query instead of re-reading every view
    # another writer (here: Feast directly) changes the registry; the next stale read sees it
    from feast import Entity, ValueType

    registry.store.apply([Entity(name=unique("outside_writer"), join_keys=["k"], value_type=ValueType.INT64)])
    monkeypatch.setattr(registry, "_loaded_at", 0.0)
    registry.snapshot()
    assert calls == [1]
