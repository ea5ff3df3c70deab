"""Paging MLflow through GraphQL cursors, and nested lookups that do not multiply MLflow calls."""

from __future__ import annotations

import uuid

import pytest

from tests.support.demo_training import train
from tests.support.graphql import gql, unique

RUNS = 1500
START = 1_700_000_000_000  # the first run's start time, in ms; each next one a millisecond later

PAGE = """
query($ids: [ID!], $after: String) {
  runs(experimentIds: $ids, first: 100, after: $after, orderBy: ["attributes.start_time ASC"]) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id } }
  }
}
"""


@pytest.fixture(scope="module")
def many_runs(services):
    """1,500 runs of one experiment: the first made by MLflow's client, the others as copies of its rows (the run
    and its run-name tag), each with its own id, name, start time and artifact location, written by MLflow's
    store in one transaction: 1,500 create_run calls, a transaction each, took ~40 s of a busy worker."""
    from mlflow.store.tracking.dbmodels.models import SqlRun, SqlTag
    from mlflow.utils.mlflow_tags import MLFLOW_RUN_NAME

    client = services.mlflow.client()
    location = f"{services.mlflow.artifact_root}/many"
    experiment_id = client.create_experiment(unique("many_runs"), artifact_location=location)
    first = client.create_run(experiment_id, start_time=START, run_name="run-0")
    ids = [first.info.run_id] + [uuid.uuid4().hex for _ in range(1, RUNS)]
    store = services.mlflow.store()
    with store.ManagedSessionMaker(read_only=False) as session:
        made = session.query(SqlRun).filter(SqlRun.run_uuid == first.info.run_id).one()
        same = {c.name: getattr(made, c.name) for c in SqlRun.__table__.columns}
        for i, run_id in enumerate(ids[1:], start=1):
            name = f"run-{i}"
            row = same | {"run_uuid": run_id, "name": name, "start_time": START + i}
            row["artifact_uri"] = made.artifact_uri.replace(first.info.run_id, run_id)
            session.add(SqlRun(**row, tags=[SqlTag(key=MLFLOW_RUN_NAME, value=name)]))
    assert client.get_run(ids[-1]).info.run_name == f"run-{RUNS - 1}"
    return experiment_id, ids


def test_walking_1500_runs_returns_each_exactly_once(client, many_runs):
    experiment_id, ids = many_runs
    seen, after, pages = [], None, 0
    while True:
        page = gql(client, PAGE, {"ids": [experiment_id], "after": after}).data["runs"]
        pages += 1
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == RUNS // 100
    assert seen == ids


def test_an_edge_cursor_resumes_right_after_its_edge(client, many_runs):
    experiment_id, ids = many_runs
    first = gql(client, PAGE, {"ids": [experiment_id]}).data["runs"]["edges"]
    resumed = gql(client, PAGE, {"ids": [experiment_id], "after": first[41]["cursor"]}).data["runs"]["edges"]
    assert [e["node"]["id"] for e in resumed] == ids[42:142]


def test_foreign_cursor_and_oversized_page_are_bad_user_input(client):
    bad = gql(client, PAGE, {"after": "bm9wZQ=="}, errors=True)
    assert bad.codes() == ["BAD_USER_INPUT"]
    big = gql(client, "{ runs(first: 101) { edges { cursor } } }", errors=True)
    assert big.codes() == ["BAD_USER_INPUT"]


def test_a_page_of_runs_with_nested_objects_costs_a_bounded_number_of_mlflow_calls(client, services, many_runs):
    experiment_id, _ = many_runs
    trained_experiment, trained_model = unique("n1_exp"), unique("n1_model")
    train(services.mlflow.tracking_uri, trained_experiment, trained_model, f"{services.mlflow.artifact_root}/n1")
    other = services.mlflow.experiment_by_name(trained_experiment)
    query = """
    query($ids: [ID!]) {
      runs(experimentIds: $ids, first: 100, orderBy: ["attributes.start_time DESC"]) {
        edges { node { id experiment { name } modelVersions { version run { id } } loggedModels { id } } }
      }
    }
    """
    before = sum(services.mlflow.calls.values())
    data = gql(client, query, {"ids": [experiment_id, other.id]}).data["runs"]["edges"]
    spent = sum(services.mlflow.calls.values()) - before
    assert len(data) == 100
    assert {e["node"]["experiment"]["name"] for e in data} == {
        trained_experiment,
        services.mlflow.experiment(experiment_id).name,
    }
    with_versions = [e for e in data if e["node"]["modelVersions"]]
    assert len(with_versions) == 2
    assert all(e["node"]["loggedModels"] for e in with_versions)
    # search_runs, one experiment search, one model-version search, one logged-model search, and one
    # batched run lookup for the versions' runs: not 1 + 100 + 100
    assert spent <= 8, dict(services.mlflow.calls)


def test_pages_of_artifacts_signatures_and_job_logs_cost_one_batch_each(client, services, many_runs):
    """`runs { artifacts }`, `versions { signature }` and `trainingJobs { logs }`: one loader batch per
    page, not one call per item; a signature already read costs no download the second time."""
    experiment_id, _ = many_runs
    runs = "query($ids: [ID!]) { runs(experimentIds: $ids, first: 50) { edges { node { id artifacts { path } } } } }"
    before = services.mlflow.calls["artifacts_of"]
    assert len(gql(client, runs, {"ids": [experiment_id]}).data["runs"]["edges"]) == 50
    assert services.mlflow.calls["artifacts_of"] - before == 1
    model, experiment = unique("sig_model"), unique("sig_exp")
    train(services.mlflow.tracking_uri, experiment, model, f"{services.mlflow.artifact_root}/sig")
    versions = "query($m: String!) { registeredModel(name: $m) { versions(first: 10) { edges { node { version signature { inputs { name } } } } } } }"
    batches, downloads = services.mlflow.calls["signatures"], services.mlflow.calls["download_mlmodel"]
    edges = gql(client, versions, {"m": model}).data["registeredModel"]["versions"]["edges"]
    assert len(edges) >= 2 and all(e["node"]["signature"]["inputs"] for e in edges)
    assert services.mlflow.calls["signatures"] - batches == 1
    assert services.mlflow.calls["download_mlmodel"] - downloads == len(edges)
    gql(client, versions, {"m": model})
    assert services.mlflow.calls["download_mlmodel"] - downloads == len(edges)  # immutable versions: read once
    for i in range(3):
        gql(client, 'mutation($i: SubmitTrainingJobInput!) { submitTrainingJob(input: $i) { job { id } } }',
            {"i": {"scriptName": "t.py", "script": f"print({i})", "experimentName": unique("logs_exp")}})  # fmt: skip
    calls = services.jobs.calls["logs_of"]
    jobs = gql(client, "{ trainingJobs(first: 20) { edges { node { id logs { text } } } } }").data["trainingJobs"]
    assert len(jobs["edges"]) >= 3
    assert services.jobs.calls["logs_of"] - calls == 1
