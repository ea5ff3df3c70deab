"""platformStatus, featureStore, and the operations endpoints."""

from __future__ import annotations

from tests.support.graphql import create_service, customer_view_input, gql, register_view, unique

STATUS = """
query Status {
  platformStatus {
    feastAvailable mlflowAvailable catalogAvailable
    featureViews entities featureServices registeredModels activeExperiments goldTables
    version timestamp
  }
}
"""


def test_platform_status_counts_move(client, services):
    before = gql(client, STATUS).data["platformStatus"]
    assert before["feastAvailable"] and before["mlflowAvailable"] and before["catalogAvailable"]
    assert before["goldTables"] >= 2
    assert before["activeExperiments"] >= 1  # MLflow's Default experiment
    assert before["version"]
    view, service = unique("counted"), unique("counted_svc")
    register_view(client, customer_view_input(view))
    create_service(client, service, [view])
    client_mlflow = services.mlflow.client()
    client_mlflow.create_experiment(unique("exp"), artifact_location=services.mlflow.artifact_root)
    client_mlflow.create_registered_model(unique("model"))
    after = gql(client, STATUS).data["platformStatus"]
    assert after["featureViews"] == before["featureViews"] + 1
    assert after["featureServices"] == before["featureServices"] + 1
    assert after["activeExperiments"] == before["activeExperiments"] + 1
    assert after["registeredModels"] == before["registeredModels"] + 1
    assert after["timestamp"] > before["timestamp"]


def test_feature_store_status(client, settings):
    data = gql(
        client,
        "{ featureStore { registryType registryLocation offlineStoreType onlineStoreType project "
        "featureViews entities featureServices } platformStatus { featureViews } }",
    ).data
    store = data["featureStore"]
    assert store["registryType"] == "SQL_SQLITE"
    assert store["registryLocation"] == "sqlite:///<data-dir>/registry.db"
    assert store["offlineStoreType"] == "DUCKDB"
    assert store["onlineStoreType"] == "SQLITE"
    assert store["project"] == settings.feast_project
    assert store["featureViews"] == data["platformStatus"]["featureViews"]


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "checks": {"registry": "ok", "goldCatalog": "ok", "mlflow": "ok", "jobs": "ok"},
    }


def test_request_id_is_returned_and_honoured(client):
    response = client.get("/healthz")
    assert len(response.headers["x-request-id"]) >= 16
    response = client.post("/graphql", json={"query": "{ entities { name } }"}, headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert response.headers["x-request-id"] != "bad id\nwith newline"


def test_metrics_count_operations_by_name_and_outcome(client):
    gql(client, STATUS)
    client.post("/graphql", json={"query": "query Broken { nope }"})
    text = client.get("/metrics").text
    assert 'asgard_graphql_operations_total{operation="Status",outcome="ok",type="query"}' in text
    assert 'asgard_graphql_operations_total{operation="Broken",outcome="error"' in text
    assert 'asgard_graphql_operation_seconds_bucket{le="0.1",operation="Status",outcome="ok"}' in text
    assert 'asgard_http_requests_total{route="/graphql",status="200"}' in text


def test_graphiql_is_served_to_browsers(client):
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_a_backends_first_readiness_check_may_take_longer_than_the_next(monkeypatch):
    """The first check opens a backend (MLflow's imports and migrations take seconds on a busy machine): slow,
    not hung. After it has answered once, the usual timeout holds."""
    import asyncio
    import time

    from server import app as app_module

    monkeypatch.setattr(app_module, "READY_TIMEOUT_SECONDS", 0.1)
    monkeypatch.setattr(app_module, "FIRST_READY_TIMEOUT_SECONDS", 2.0)
    answered: set[str] = set()

    def slow() -> bool:
        time.sleep(0.3)
        return True

    def probe():
        return asyncio.to_thread(slow)

    assert asyncio.run(app_module._check("mlflow", probe, answered)) == ("mlflow", "ok")
    assert asyncio.run(app_module._check("mlflow", probe, answered)) == ("mlflow", "timeout")
