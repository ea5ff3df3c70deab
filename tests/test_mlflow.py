"""MLflow through GraphQL: experiments, runs, artifacts, logged and registered models, aliases."""

from __future__ import annotations

import json

import pytest

from tests.support.demo_training import train
from tests.support.graphql import gql, unique


@pytest.fixture(scope="module")
def trained(services):
    experiment, model = unique("churn_exp"), unique("churn_model")
    location = f"{services.mlflow.artifact_root}/{experiment}"
    runs = train(services.mlflow.tracking_uri, experiment, model, location)
    return {"experiment": experiment, "model": model, "runs": runs}


RUN = """
query($id: ID!, $path: String) {
  run(id: $id) {
    id name status startTime endTime experimentId
    params { key value }
    metrics { key value step timestamp }
    tags { key value }
    metricHistory(key: "loss") { step value timestamp }
    artifacts(path: $path) { path isDir size }
    loggedModels { id name status }
    modelVersions { model version }
    experiment { id name }
    datasets { name digest sourceType context }
  }
}
"""


def test_experiment_by_name_and_id_with_its_runs(client, trained):
    query = """
    query($name: String, $id: ID) {
      experiment(name: $name, id: $id) {
        id name lifecycleStage artifactLocation creationTime tags { key value }
        runs(first: 10, orderBy: ["attributes.start_time ASC"]) { edges { node { id name } } }
      }
    }
    """
    by_name = gql(client, query, {"name": trained["experiment"]}).data["experiment"]
    assert by_name["name"] == trained["experiment"]
    assert by_name["lifecycleStage"] == "active"
    assert {"key": "team", "value": "growth"} in by_name["tags"]
    assert [e["node"]["id"] for e in by_name["runs"]["edges"]] == trained["runs"]
    by_id = gql(client, query, {"id": by_name["id"]}).data["experiment"]
    assert by_id["name"] == trained["experiment"]
    assert gql(client, query, {"name": "no-such-experiment"}).data["experiment"] is None
    both = gql(client, query, {"name": "x", "id": "1"}, errors=True)
    assert both.codes() == ["BAD_USER_INPUT"]


def test_experiments_filter_view_and_count(client, trained):
    query = """
    query($filter: String, $view: LifecycleView!) {
      experiments(filter: $filter, view: $view, first: 5) { totalCount edges { node { name } } }
    }
    """
    found = gql(client, query, {"filter": f"name = '{trained['experiment']}'", "view": "ACTIVE_ONLY"}).data
    assert found["experiments"]["totalCount"] == 1
    assert found["experiments"]["edges"][0]["node"]["name"] == trained["experiment"]
    deleted = gql(client, query, {"filter": f"name = '{trained['experiment']}'", "view": "DELETED_ONLY"}).data
    assert deleted["experiments"]["totalCount"] == 0
    bad = gql(client, query, {"filter": "name ~~ 'x'", "view": "ALL"}, errors=True)
    assert bad.codes() == ["BAD_USER_INPUT"]
    assert bad.errors[0]["extensions"]["field"] == "filter"


def test_run_details(client, trained):
    run = gql(client, RUN, {"id": trained["runs"][0]}).data["run"]
    assert run["status"] == "FINISHED"
    assert run["name"] == "logreg-0"
    assert {"key": "C", "value": "0.1"} in run["params"]
    metrics = {m["key"]: m for m in run["metrics"]}
    assert metrics["accuracy"]["value"] == pytest.approx(0.9)
    assert {"key": "purpose", "value": "test"} in run["tags"]
    history = run["metricHistory"]
    assert [h["step"] for h in history][:10] == list(range(10))
    assert history[0]["value"] == pytest.approx(1.0)
    assert run["experiment"]["name"] == trained["experiment"]
    assert [(d["name"], d["context"], d["sourceType"]) for d in run["datasets"]] == [("customers", "training", "code")]
    assert run["loggedModels"][0]["name"] == "model"
    assert run["modelVersions"] == [{"model": trained["model"], "version": 1}]


def test_64_bit_steps_keep_their_precision(client, trained):
    response = client.post("/graphql", json={"query": RUN, "variables": {"id": trained["runs"][0]}})
    steps = [h["step"] for h in json.loads(response.text)["data"]["run"]["metricHistory"]]
    assert steps[-1] == 2**53 + 1


def test_artifacts_listing_stays_inside_the_run(client, trained):
    root = gql(client, RUN, {"id": trained["runs"][0]}).data["run"]["artifacts"]
    by_path = {a["path"]: a for a in root}
    assert by_path["report.json"]["isDir"] is False and by_path["report.json"]["size"] > 0
    assert by_path["plots"]["isDir"] is True
    plots = gql(client, RUN, {"id": trained["runs"][0], "path": "plots"}).data["run"]["artifacts"]
    assert plots == [{"path": "plots/roc.txt", "isDir": False, "size": 300}]
    for bad in ("../", "plots/../../x", "/etc", "C:\\x", "a/../../b"):
        result = gql(client, RUN, {"id": trained["runs"][0], "path": bad}, errors=True)
        assert result.codes() == ["BAD_USER_INPUT"], bad
        assert result.errors[0]["extensions"]["field"] == "path"


def test_registered_model_versions_aliases_and_signature(client, trained):
    model = trained["model"]
    set_alias = """
    mutation($input: SetModelAliasInput!) {
      setModelAlias(input: $input) { modelVersion { version aliases } userErrors { field code message } }
    }
    """
    result = gql(client, set_alias, {"input": {"model": model, "alias": "champion", "version": 1}}).data
    assert result["setModelAlias"] == {"modelVersion": {"version": 1, "aliases": ["champion"]}, "userErrors": []}
    query = """
    query($name: String!) {
      registeredModel(name: $name) {
        name description aliases { alias version }
        versions(first: 10) { totalCount edges { node { version status runId } } }
        latestVersion { version }
      }
      modelVersion(model: $name, alias: "champion") {
        version aliases
        run { id params { key value } }
        signature { inputs { name type } outputs { type } }
      }
    }
    """
    data = gql(client, query, {"name": model}).data
    registered = data["registeredModel"]
    assert registered["aliases"] == [{"alias": "champion", "version": 1}]
    assert [e["node"]["version"] for e in registered["versions"]["edges"]] == [2, 1]
    assert registered["versions"]["edges"][1]["node"]["runId"] == trained["runs"][0]
    assert registered["latestVersion"] == {"version": 2}
    version = data["modelVersion"]
    assert version["run"]["id"] == trained["runs"][0]
    assert version["signature"]["inputs"] == [
        {"name": "total_orders", "type": "long"},
        {"name": "total_spent", "type": "double"},
    ]
    # the alias moves, and the version it left no longer carries it
    gql(client, set_alias, {"input": {"model": model, "alias": "champion", "version": 2}})
    moved = gql(client, query, {"name": model}).data
    assert moved["modelVersion"]["version"] == 2
    assert moved["registeredModel"]["aliases"] == [{"alias": "champion", "version": 2}]


@pytest.mark.parametrize(
    ("alias", "version", "model_ok", "expected"),
    [
        ("latest", 1, True, ("INVALID_NAME", ["alias"])),
        ("v3", 1, True, ("INVALID_NAME", ["alias"])),
        ("has space", 1, True, ("INVALID_NAME", ["alias"])),
        ("ok_alias", 99, True, ("NOT_FOUND", ["version"])),
        ("ok_alias", 1, False, ("NOT_FOUND", ["model"])),
    ],
)
def test_bad_alias_requests_are_user_errors(client, trained, alias, version, model_ok, expected):
    mutation = """
    mutation($input: SetModelAliasInput!) {
      setModelAlias(input: $input) { modelVersion { version } userErrors { field code message } }
    }
    """
    model = trained["model"] if model_ok else "no_such_model"
    result = gql(client, mutation, {"input": {"model": model, "alias": alias, "version": version}}).data
    assert result["setModelAlias"]["modelVersion"] is None
    assert [(e["code"], e["field"]) for e in result["setModelAlias"]["userErrors"]] == [expected]


def test_delete_alias_in_both_forms(client, trained):
    model = trained["model"]
    set_alias = "mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { userErrors { code } } }"
    for alias in ("staging", "canary"):
        gql(client, set_alias, {"i": {"model": model, "alias": alias, "version": 1}})
    by_input = gql(
        client,
        "mutation($i: DeleteModelAliasInput) { deleteModelAlias(input: $i) { name userErrors { code field } } }",
        {"i": {"model": model, "alias": "staging"}},
    ).data["deleteModelAlias"]
    assert by_input == {"name": "staging", "userErrors": []}
    by_args = gql(
        client,
        "mutation($m: String, $a: String) { deleteModelAlias(model: $m, alias: $a) { name userErrors { code } } }",
        {"m": model, "a": "canary"},
    ).data["deleteModelAlias"]
    assert by_args == {"name": "canary", "userErrors": []}
    again = gql(
        client,
        "mutation($m: String, $a: String) { deleteModelAlias(model: $m, alias: $a) { name userErrors { code field } } }",
        {"m": model, "a": "canary"},
    ).data["deleteModelAlias"]
    assert again == {"name": None, "userErrors": [{"code": "NOT_FOUND", "field": ["alias"]}]}


def test_experiment_and_model_mutations(client, trained, services):
    name = unique("created_exp")
    create = """
    mutation($input: CreateExperimentInput!) {
      createExperiment(input: $input) { experiment { id name artifactLocation tags { key value } } userErrors { field code } }
    }
    """
    created = gql(client, create, {"input": {"name": name, "tags": [{"key": "a", "value": "1"}]}}).data
    experiment = created["createExperiment"]["experiment"]
    assert experiment["name"] == name and experiment["tags"] == [{"key": "a", "value": "1"}]
    assert experiment["artifactLocation"].startswith("<data-dir>/mlartifacts/")  # no server paths for clients
    duplicate = gql(client, create, {"input": {"name": name}}).data["createExperiment"]
    assert duplicate == {"experiment": None, "userErrors": [{"field": ["name"], "code": "ALREADY_EXISTS"}]}
    tag = """
    mutation($input: SetExperimentTagInput!) {
      setExperimentTag(input: $input) { experiment { tags { key value } } userErrors { field code } }
    }
    """
    tagged = gql(client, tag, {"input": {"experimentId": experiment["id"], "key": "b", "value": "2"}}).data
    assert {"key": "b", "value": "2"} in tagged["setExperimentTag"]["experiment"]["tags"]
    missing = gql(client, tag, {"input": {"experimentId": "999999", "key": "b", "value": "2"}}).data
    assert missing["setExperimentTag"]["userErrors"] == [{"field": ["experimentId"], "code": "NOT_FOUND"}]

    version_tag = """
    mutation($input: SetModelVersionTagInput!) {
      setModelVersionTag(input: $input) { modelVersion { tags { key value } } userErrors { field code } }
    }
    """
    tagged_version = gql(
        client, version_tag, {"input": {"model": trained["model"], "version": 1, "key": "validated", "value": "yes"}}
    ).data["setModelVersionTag"]
    assert {"key": "validated", "value": "yes"} in tagged_version["modelVersion"]["tags"]
    update = """
    mutation($input: UpdateRegisteredModelInput!) {
      updateRegisteredModel(input: $input) { registeredModel { description } userErrors { field code } }
    }
    """
    updated = gql(client, update, {"input": {"name": trained["model"], "description": "Churn classifier"}}).data
    assert updated["updateRegisteredModel"] == {
        "registeredModel": {"description": "Churn classifier"},
        "userErrors": [],
    }
    unknown = gql(client, update, {"input": {"name": "nope_model", "description": "x"}}).data
    assert unknown["updateRegisteredModel"]["userErrors"] == [{"field": ["name"], "code": "NOT_FOUND"}]


def test_registered_models_connection(client, trained):
    query = """
    query($filter: String) { registeredModels(filter: $filter, first: 5) { totalCount edges { node { name } } } }
    """
    data = gql(client, query, {"filter": f"name = '{trained['model']}'"}).data["registeredModels"]
    assert data == {"totalCount": 1, "edges": [{"node": {"name": trained["model"]}}]}


def test_unknown_run_and_model_are_null(client):
    data = gql(
        client,
        '{ run(id: "0123456789abcdef") { id } registeredModel(name: "ghost") { name } '
        'modelVersion(model: "ghost", version: 1) { version } }',
    ).data
    assert data == {"run": None, "registeredModel": None, "modelVersion": None}
