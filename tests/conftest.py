"""Shared fixtures: one temp data dir with the demo gold layer, real Feast/pyiceberg/MLflow."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from server.app import create_app, create_services
from server.config import Limits, Settings, load_settings
from server.context import Services
from server.services.demo import load_demo_gold_layer
from tests.support.client import local_client

_names = itertools.count()


def unique(prefix: str) -> str:
    """A registry name no other test uses (tests share one registry)."""
    return f"{prefix}_{next(_names)}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the Nessie branches, Trino catalogs and databases this process made on the shared servers."""
    import sys

    lakehouse = sys.modules.get("tests.support.lakehouse")
    if lakehouse is not None:
        for problem in lakehouse.cleanup():
            print(f"\ncould not clean up {problem}", file=sys.stderr)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("asgard-data")
    return load_settings(env={}, data_dir=Path(data), registry_cache_seconds=0.5)


@pytest.fixture(scope="session")
def services(settings: Settings) -> Services:
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    return services


@pytest.fixture(scope="session")
def client(settings: Settings, services: Services) -> Iterator[TestClient]:
    with local_client(create_app(settings, services)) as c:
        yield c


def _lakehouse(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[tuple[TestClient, Services]]:
    from tests.support.lakehouse import lakehouse_settings

    data = tmp_path_factory.mktemp(f"lakehouse-{engine}")
    settings = lakehouse_settings(data, engine=engine, registry_cache_seconds=0.5)
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    with local_client(create_app(settings, services)) as c:
        yield c, services


@pytest.fixture(scope="session")
def lakehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Services]]:
    """An app on the seed's stack: gold layer on Nessie + S3, Feast registry on PostgreSQL (made on first use)."""
    yield from _lakehouse(tmp_path_factory, "duckdb")


@pytest.fixture(scope="session")
def lakehouse_trino(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Services]]:
    """The same stack with Trino as the offline engine: retrieval, exports and materialization run there."""
    yield from _lakehouse(tmp_path_factory, "trino")


@pytest.fixture(scope="module", params=["embedded", "lakehouse", "trino"])
def gold_backend(request: pytest.FixtureRequest) -> tuple[TestClient, Services]:
    """The same tests on the embedded gold layer (SQL catalog, local files, DuckDB), on the real lakehouse
    (Nessie, S3, PostgreSQL) with DuckDB, and on the lakehouse with Trino as the offline engine."""
    if request.param == "embedded":
        return request.getfixturevalue("client"), request.getfixturevalue("services")
    found: tuple[TestClient, Services] = request.getfixturevalue(
        "lakehouse" if request.param == "lakehouse" else "lakehouse_trino"
    )
    return found


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
