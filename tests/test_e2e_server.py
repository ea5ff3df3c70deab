"""End to end: `asgard serve --demo` as a real process, spoken to over TCP."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.graphql import REGISTER_VIEW, customer_view_input
from tests.support.http_client import HTTP
from tests.support.server import ServerProcess


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("e2e-data")
    process = ServerProcess(data, "--demo").start()
    yield process.url, data, process.proc
    process.stop()


def _post(base: str, query: str, variables: dict | None = None) -> dict:
    response = HTTP.post(f"{base}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


STATUS = "{ platformStatus { featureViews entities featureServices feastAvailable mlflowAvailable } }"


def test_newcomer_flow_over_tcp(server):
    base, _, _ = server
    assert HTTP.get(f"{base}/readyz", timeout=30).json()["ready"] is True
    before = _post(base, STATUS)["platformStatus"]
    assert before["featureViews"] >= 1  # the demo's own view
    tables = _post(base, "{ goldTables { name rowCount } }")["goldTables"]
    assert {"name": "gold.customer_aggregates", "rowCount": 21000} in tables

    registered = _post(base, REGISTER_VIEW, {"input": customer_view_input("customer_features")})
    assert registered["registerFeatureView"]["change"] == "CREATED"
    service = _post(
        base,
        "mutation($i: CreateFeatureServiceInput!) { createFeatureService(input: $i) "
        "{ featureService { name } userErrors { code } } }",
        {"i": {"name": "churn_model_v1", "featureViews": [{"name": "customer_features"}]}},
    )
    assert service["createFeatureService"]["userErrors"] == []
    after = _post(base, STATUS)["platformStatus"]
    assert after["featureViews"] == before["featureViews"] + 1
    assert after["featureServices"] == before["featureServices"] + 1
    assert after["feastAvailable"] and after["mlflowAvailable"]

    page = HTTP.get(f"{base}/graphql", params={"query": "{ featureViews { totalCount } }"}, timeout=30)
    assert page.json()["data"]["featureViews"]["totalCount"] == after["featureViews"]
    assert HTTP.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=30).status_code == 200
    assert "asgard_graphql_operations_total" in HTTP.get(f"{base}/metrics", timeout=30).text


def test_demo_loading_is_idempotent_across_restarts(server, tmp_path):
    _, data, _ = server
    # A second process on the same data dir finds the demo complete and changes nothing.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASGARD_")}
    code = (
        "import sys; from pathlib import Path; from server.config import load_settings; "
        "from server.services.gold_catalog import GoldCatalog; "
        "from server.services.demo import load_demo_gold_layer; "
        "print(load_demo_gold_layer(GoldCatalog(load_settings(env={}, data_dir=Path(sys.argv[1])))))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(data)], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
