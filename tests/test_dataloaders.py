"""Nested fields are batched: the registry is read a bounded number of times, whatever the page."""

from __future__ import annotations

from tests.conftest import create_service, customer_view_input, gql, register_view, unique

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
    result = gql(client, NESTED).data
    assert len(result["featureViews"]["edges"]) >= 6
    assert any(len(s["featureViews"]) == 6 for s in result["featureServices"])
    # one refresh for the whole request, however many services, views and entities it touches
    assert len(calls) == 1
