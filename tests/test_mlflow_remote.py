"""The remote-tracking path: a real `mlflow server` process on a free loopback port.

Full MLflow cannot share a venv with Strawberry (it pins graphql-core < 3.3), so the server runs
from the helper venv that `make test` builds (ASGARD_TEST_MLFLOW_SERVER names its `mlflow`).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from server.app import create_app
from server.services.mlflow_tracking import MlflowTracking
from server.services.mlflow_writes import MlflowWrites
from tests.support.client import local_client
from tests.support.demo_training import train
from tests.support.graphql import gql, unique
from tests.support.mlflow_server import mlflow_server as start_mlflow_server


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("mlflow-server")
    with start_mlflow_server(data, f"sqlite:///{data / 'mlflow.db'}", str(data / "artifacts")) as url:
        yield url


@pytest.fixture(scope="module")
def remote_client(settings, services, mlflow_server):
    remote_settings = replace(settings, mlflow_tracking_uri=mlflow_server)
    tracking = MlflowTracking(remote_settings)
    remote = replace(services, mlflow=tracking, mlflow_writes=MlflowWrites(tracking))
    with local_client(create_app(remote_settings, remote)) as client:
        yield client


def test_everything_reads_through_a_remote_tracking_server(remote_client, mlflow_server):
    experiment, model = unique("remote_exp"), unique("remote_model")
    runs = train(mlflow_server, experiment, model)
    query = """
    query($exp: String!, $model: String!, $run: ID!) {
      experiment(name: $exp) { name runs(first: 10) { edges { node { id status } } } }
      run(id: $run) {
        params { key value }
        metricHistory(key: "loss") { step }
        artifacts { path isDir }
        loggedModels { name }
        modelVersions { version }
      }
      registeredModel(name: $model) { versions { edges { node { version } } } latestVersion { version } }
      modelVersion(model: $model, version: 1) { run { id } signature { inputs { name type } } }
      platformStatus { mlflowAvailable registeredModels activeExperiments }
    }
    """
    data = gql(remote_client, query, {"exp": experiment, "model": model, "run": runs[0]}).data
    assert {e["node"]["id"] for e in data["experiment"]["runs"]["edges"]} == set(runs)
    run = data["run"]
    assert {"key": "C", "value": "0.1"} in run["params"]
    assert run["metricHistory"][-1]["step"] == 2**53 + 1
    assert {"path": "report.json", "isDir": False} in run["artifacts"]
    assert run["loggedModels"] == [{"name": "model"}]
    assert run["modelVersions"] == [{"version": 1}]
    assert [e["node"]["version"] for e in data["registeredModel"]["versions"]["edges"]] == [2, 1]
    assert data["modelVersion"]["run"]["id"] == runs[0]
    assert [c["name"] for c in data["modelVersion"]["signature"]["inputs"]] == ["total_orders", "total_spent"]
    assert data["platformStatus"]["mlflowAvailable"] is True
    assert data["platformStatus"]["registeredModels"] >= 1

    alias = gql(
        remote_client,
        "mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { modelVersion { aliases } userErrors { code } } }",
        {"i": {"model": model, "alias": "champion", "version": 2}},
    ).data["setModelAlias"]
    assert alias == {"modelVersion": {"aliases": ["champion"]}, "userErrors": []}
    plots = gql(
        remote_client, 'query($r: ID!) { run(id: $r) { artifacts(path: "plots") { path size } } }', {"r": runs[1]}
    ).data["run"]["artifacts"]
    assert plots == [{"path": "plots/roc.txt", "size": 300}]
