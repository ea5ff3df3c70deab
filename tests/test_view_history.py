"""FeatureView.history over GraphQL: every registration that changes a view and its deletion, newest first,
each definition in registerFeatureView's input shape (sent back, it restores the view), read with one query
for a page of views."""

from __future__ import annotations

from sqlalchemy import delete

from server.jobs.tables import feature_view_history
from tests.support.graphql import customer_view_input, gql, register_view, unique

HISTORY = """
query($name: String!, $first: Int) {
  featureView(name: $name) { history(first: $first) { version change definition changedAt changedBy } }
}
"""
DELETE = "mutation($name: String!) { deleteFeatureView(name: $name) { name } }"


def _history(client, name, first=None):
    return gql(client, HISTORY, {"name": name, "first": first}).data["featureView"]["history"]


def test_each_change_is_a_version_and_an_old_one_restores_the_view(client):
    name = unique("history_view")
    first = customer_view_input(name)
    assert register_view(client, first)["change"] == "CREATED"
    assert register_view(client, first)["change"] == "UNCHANGED"  # no new version
    second = customer_view_input(name, description="Customer aggregates, v2", features=first["features"][:2])
    assert register_view(client, second)["change"] == "UPDATED"
    versions = _history(client, name)
    assert [(v["version"], v["change"], v["changedBy"]) for v in versions] == [
        (2, "UPDATED", "local"),
        (1, "CREATED", "local"),
    ]
    assert versions[0]["changedAt"] >= versions[1]["changedAt"]
    assert versions[1]["definition"] == first | {
        "source": first["source"] | {"createdTimestampField": None, "catalog": "iceberg"}
    } | {"features": [f | {"description": f.get("description", "")} for f in first["features"]]}
    assert versions[0]["definition"]["description"] == "Customer aggregates, v2"
    assert [v["version"] for v in _history(client, name, first=1)] == [2]

    restored = register_view(client, versions[1]["definition"])  # the old definition, sent back as it is
    assert restored["userErrors"] == [] and restored["change"] == "UPDATED"
    latest = _history(client, name)
    assert [v["version"] for v in latest] == [3, 2, 1] and latest[0]["definition"] == versions[1]["definition"]


def test_a_deletion_is_kept_and_a_new_registration_counts_on(client):
    name = unique("history_deleted")
    assert register_view(client, customer_view_input(name))["userErrors"] == []
    assert gql(client, DELETE, {"name": name}).data["deleteFeatureView"] == {"name": name}
    assert gql(client, HISTORY, {"name": name}).data["featureView"] is None
    assert register_view(client, customer_view_input(name, online=False))["change"] == "CREATED"
    versions = _history(client, name)
    assert [(v["version"], v["change"]) for v in versions] == [(3, "CREATED"), (2, "DELETED"), (1, "CREATED")]
    assert versions[1]["definition"] is None and versions[0]["definition"]["online"] is False


def test_a_view_from_before_the_history_keeps_its_definition_at_its_first_change(client, services):
    name = unique("history_older")
    assert register_view(client, customer_view_input(name))["userErrors"] == []
    with services.jobs.engine.begin() as conn:  # as if it were registered before the history was kept
        conn.execute(delete(feature_view_history).where(feature_view_history.c.view == name))
    assert _history(client, name) == []
    assert register_view(client, customer_view_input(name, ttlSeconds=60))["change"] == "UPDATED"
    versions = _history(client, name)
    assert [(v["version"], v["change"], v["changedBy"]) for v in versions] == [
        (2, "UPDATED", "local"),
        (1, "CREATED", None),
    ]
    assert versions[1]["definition"]["ttlSeconds"] == 86400 * 30 and versions[0]["definition"]["ttlSeconds"] == 60


def test_a_page_of_views_reads_their_histories_at_once(client, services, monkeypatch):
    names = [unique("history_page") for _ in range(3)]
    for name in names:
        assert register_view(client, customer_view_input(name))["userErrors"] == []
    calls = []
    real = services.registry.history.versions
    monkeypatch.setattr(services.registry.history, "versions", lambda n, f: calls.append(n) or real(n, f))
    query = """{ featureViews(filter: {nameContains: "history_page"}, first: 100) {
      edges { node { name history { version } } } } }"""
    found = [e["node"] for e in gql(client, query).data["featureViews"]["edges"]]
    assert {v["name"] for v in found} >= set(names) and all(v["history"] == [{"version": 1}] for v in found)
    assert len(calls) == 1
    refused = gql(client, HISTORY, {"name": names[0], "first": 101}, errors=True)
    assert refused.codes() == ["BAD_USER_INPUT"]
