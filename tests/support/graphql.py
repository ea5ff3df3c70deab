"""GraphQL over an in-process client (tests/support/client.py): posting an operation, the views and feature
services most tests register, names no other test uses, an app with other limits."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from starlette.testclient import TestClient

from server.app import create_app
from server.config import Limits, Settings
from server.context import Services
from tests.support.client import local_client

_names = itertools.count()


def unique(prefix: str) -> str:
    """A registry name no other test uses (tests share one registry)."""
    return f"{prefix}_{next(_names)}"


def app_with_limits(settings: Settings, services: Services, **limits: Any) -> TestClient:
    """A second app over the same backends, with other limits."""
    changed = replace(settings, limits=replace(Limits(), **limits))
    return local_client(create_app(changed, services))


class GraphQLResponse:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload
        self.data: dict[str, Any] = payload.get("data") or {}
        self.errors: list[dict[str, Any]] = payload.get("errors") or []

    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


def gql(
    client: TestClient, query: str, variables: dict[str, Any] | None = None, *, errors: bool = False
) -> GraphQLResponse:
    """POST a GraphQL operation; unless `errors` is set, fail on any GraphQL error."""
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    result = GraphQLResponse(response.json())
    if not errors:
        assert not result.errors, result.errors
    return result


REGISTER_VIEW = """
mutation Register($input: RegisterFeatureViewInput!) {
  registerFeatureView(input: $input) {
    change
    featureView {
      name description ttlSeconds online owner createdAt updatedAt
      entities { name joinKey valueType }
      features { name dtype description }
      source { table timestampField createdTimestampField catalog }
      tags { key value }
    }
    userErrors { field message code }
  }
}
"""


def customer_view_input(name: str, **changes: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "name": name,
        "entities": ["customer_id"],
        "features": [
            {"name": "total_orders", "dtype": "INT64", "description": "Orders so far"},
            {"name": "total_spent", "dtype": "FLOAT64"},
            {"name": "avg_order_value", "dtype": "FLOAT64"},
            {"name": "days_since_last_order", "dtype": "INT32"},
        ],
        "source": {"table": "gold.customer_aggregates", "timestampField": "updated_at"},
        "ttlSeconds": 86400 * 30,
        "online": True,
        "description": "Customer aggregates",
        "tags": [{"key": "team", "value": "growth"}],
        "owner": "ml@example.com",
    }
    view.update(changes)
    return view


def register_view(client: TestClient, view: dict[str, Any]) -> dict[str, Any]:
    return gql(client, REGISTER_VIEW, {"input": view}).data["registerFeatureView"]


CREATE_SERVICE = """
mutation($input: CreateFeatureServiceInput!) {
  createFeatureService(input: $input) {
    change
    featureService {
      name description tags { key value }
      featureViews { name featureNames features { name dtype } featureView { name online } }
    }
    userErrors { field message code }
  }
}
"""


def create_service(client: TestClient, name: str, views: list[str]) -> dict[str, Any]:
    service = {"name": name, "featureViews": [{"name": v} for v in views]}
    return gql(client, CREATE_SERVICE, {"input": service}).data["createFeatureService"]
