"""Training jobs against the in-process runner: real subprocesses, real MLflow and Feast."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from tests.support.graphql import customer_view_input, gql, register_view, unique
from tests.support.jobs import JOB, alive, submit, wait_for

TRAIN_FROM_FEAST = """
import json, os
import mlflow
import pandas as pd
from feast import FeatureStore
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

params = json.loads(os.environ["ASGARD_PARAMS"])
store = FeatureStore(repo_path=os.environ["FEAST_REPO_PATH"])
entities = pd.DataFrame({
    "customer_id": list(range(1001, 1201)),
    "event_timestamp": pd.Timestamp("2026-01-06T12:00:00Z"),
})
view = params["view"]
frame = store.get_historical_features(
    entity_df=entities, features=[f"{view}:total_orders", f"{view}:total_spent"]
).to_df()
X = frame[["total_orders", "total_spent"]].astype("float64")
y = (frame["total_orders"] > frame["total_orders"].median()).astype(int)
print(f"training on {len(X)} rows")
expected_run = os.environ["MLFLOW_RUN_ID"]  # start_run() resumes it (and takes it out of os.environ)
with mlflow.start_run() as run:
    assert run.info.run_id == expected_run
    model = LogisticRegression(max_iter=500).fit(X, y)
    mlflow.log_param("rows", len(X))
    mlflow.log_metric("accuracy", float(model.score(X, y)))
    mlflow.sklearn.log_model(model, name="model", signature=infer_signature(X, model.predict(X)))
print("done")
"""


def test_seed_scenario_features_to_registered_versions(client):
    view = unique("job_customers")
    register_view(client, customer_view_input(view))
    model = unique("job_churn")
    experiment = unique("job_churn_exp")
    versions = []
    for _ in range(2):
        submitted = submit(
            client, TRAIN_FROM_FEAST, experimentName=experiment, modelName=model, parameters={"view": view}
        )
        assert submitted["userErrors"] == []
        assert submitted["job"]["status"] == "QUEUED"
        assert submitted["job"]["parameters"] == {"view": view}
        job = wait_for(client, submitted["job"]["id"], {"SUCCEEDED", "FAILED", "TIMED_OUT"})
        assert job["status"] == "SUCCEEDED", job["error"]
        assert job["exitCode"] == 0
        assert job["runId"] and job["run"]["id"] == job["runId"]
        assert job["run"]["status"] == "FINISHED"
        assert job["modelVersion"]["model"] == model
        assert job["modelVersion"]["runId"] == job["runId"]
        assert any(line["text"] == "training on 200 rows" for line in job["logs"])
        assert [line["number"] for line in job["logs"]] == list(range(len(job["logs"])))
        versions.append(job["modelVersion"]["version"])
    assert versions == [1, 2]
    listed = gql(
        client,
        "query($m: String) { trainingJobs(filter: {modelName: $m}) { totalCount edges { node { id status } } } }",
        {"m": model},
    ).data["trainingJobs"]
    assert listed["totalCount"] == 2
    assert {e["node"]["status"] for e in listed["edges"]} == {"SUCCEEDED"}


def test_a_script_that_logs_no_model_succeeds_with_a_warning(client):
    submitted = submit(client, "print('nothing to see')", modelName=unique("no_model"))
    job = wait_for(client, submitted["job"]["id"], {"SUCCEEDED", "FAILED"})
    assert job["status"] == "SUCCEEDED"
    assert "no model" in job["warning"]
    assert job["modelVersion"] is None


def test_a_failing_script_fails_with_the_end_of_stderr(client):
    script = "import sys\nprint('working')\nprint('first problem', file=sys.stderr)\nraise SystemExit('it broke: bad data')\n"
    job = wait_for(client, submit(client, script)["job"]["id"], {"FAILED", "SUCCEEDED"})
    assert job["status"] == "FAILED"
    assert job["exitCode"] == 1
    assert "it broke: bad data" in job["error"]
    assert job["run"]["status"] == "FAILED"
    streams = {(line["stream"], line["text"]) for line in job["logs"]}
    assert ("STDOUT", "working") in streams
    assert ("STDERR", "first problem") in streams


CHILD_SCRIPT = """
import subprocess, time, sys
child = subprocess.Popen(["sleep", "300"])
open("child.pid", "w").write(str(child.pid))  # a pid in the sandbox's own PID namespace
print("started child", child.pid, flush=True)
for i in range(600):
    print("tick", i, flush=True)
    time.sleep(0.5)
"""


def _child_pid(services, job_id: str) -> int:
    """The host's pid of the script's `sleep` child: the process of the machine running in the job's work dir."""
    workdir = services.settings.data_dir / "jobs" / job_id
    path = workdir / "child.pid"
    deadline = time.monotonic() + 60
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.1)
    for entry in Path("/proc").iterdir():
        try:
            in_workdir = entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == workdir
            if in_workdir and (entry / "cmdline").read_bytes().split(b"\0")[0].endswith(b"sleep"):
                return int(entry.name)
        except OSError:
            continue
    raise AssertionError("the job's child process is not running")


def test_timeout_ends_the_whole_process_tree(client, services):
    submitted = submit(client, CHILD_SCRIPT, timeoutSeconds=3)
    child = _child_pid(services, submitted["job"]["id"])
    job = wait_for(client, submitted["job"]["id"], {"TIMED_OUT", "FAILED", "SUCCEEDED"}, timeout=60)
    assert job["status"] == "TIMED_OUT"
    assert "timed out after 3 s" in job["error"]
    assert job["run"]["status"] == "KILLED"
    time.sleep(0.5)
    assert not alive(child)


def test_cancel_ends_the_whole_process_tree_and_logs_stay_readable(client, services):
    submitted = submit(client, CHILD_SCRIPT)
    job_id = submitted["job"]["id"]
    child = _child_pid(services, job_id)
    running = wait_for(client, job_id, {"RUNNING"})
    deadline = time.monotonic() + 30
    while not any(line["text"].startswith("tick") for line in running["logs"]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
        running = gql(client, JOB, {"id": job_id}).data["trainingJob"]
    cancel = "mutation($id: ID!) { cancelTrainingJob(id: $id) { job { id status } userErrors { code field } } }"
    assert gql(client, cancel, {"id": job_id}).data["cancelTrainingJob"]["userErrors"] == []
    job = wait_for(client, job_id, {"CANCELLED", "FAILED", "SUCCEEDED"}, timeout=60)
    assert job["status"] == "CANCELLED"
    time.sleep(0.5)
    assert not alive(child)
    again = gql(client, cancel, {"id": job_id}).data["cancelTrainingJob"]["userErrors"]
    assert again == [{"code": "CONFLICT", "field": ["id"]}]
    missing = gql(client, cancel, {"id": "no-such-job"}).data["cancelTrainingJob"]["userErrors"]
    assert missing == [{"code": "NOT_FOUND", "field": ["id"]}]


def test_requirements_missing_from_the_server_are_installed_once(client):
    script = "import cowsay, numpy\nprint(cowsay.get_output_string('cow', 'moo').splitlines()[1])\n"
    first = wait_for(
        client, submit(client, script, requirements=["cowsay==6.1", "numpy>=1"])["job"]["id"], {"SUCCEEDED", "FAILED"}
    )
    assert first["status"] == "SUCCEEDED", first["error"]
    system = [line["text"] for line in first["logs"] if line["stream"] == "SYSTEM"]
    assert any("installing cowsay==6.1" in text for text in system)
    second = wait_for(
        client, submit(client, script, requirements=["numpy>=1", "cowsay==6.1"])["job"]["id"], {"SUCCEEDED", "FAILED"}
    )
    assert second["status"] == "SUCCEEDED"
    assert any("using cached environment" in line["text"] for line in second["logs"])
    satisfied = wait_for(
        client, submit(client, "import numpy", requirements=["numpy>=1"])["job"]["id"], {"SUCCEEDED", "FAILED"}
    )
    assert any("satisfied by the server" in line["text"] for line in satisfied["logs"])


def test_an_install_failure_fails_the_job_with_pips_message(client):
    job = wait_for(
        client,
        submit(client, "print('never')", requirements=["asgard-no-such-package-xyz==1.0"])["job"]["id"],
        {"FAILED", "SUCCEEDED"},
    )
    assert job["status"] == "FAILED"
    assert "No matching distribution" in job["error"] or "Could not find" in job["error"]
    assert job["runId"] is None


def test_the_script_sees_its_context_and_none_of_the_servers_secrets(client, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "server-secret")
    monkeypatch.setenv("ASGARD_TOKEN_PEPPER", "server-secret")
    script = (
        "import os, json\n"
        "print(json.dumps({k: os.environ.get(k) for k in ['MLFLOW_TRACKING_URI', 'MLFLOW_EXPERIMENT_ID', "
        "'MLFLOW_RUN_ID', 'FEAST_REPO_PATH', 'ASGARD_JOB_ID', 'ASGARD_PARAMS']}))\n"
        "print('LEAK' if any(v == 'server-secret' for v in os.environ.values()) else 'CLEAN')\n"
        "print('REPO', os.path.exists(os.path.join(os.environ['FEAST_REPO_PATH'], 'feature_store.yaml')))\n"
    )
    job = wait_for(client, submit(client, script, parameters={"alpha": 0.5})["job"]["id"], {"SUCCEEDED", "FAILED"})
    texts = [line["text"] for line in job["logs"] if line["stream"] == "STDOUT"]
    assert "CLEAN" in texts
    import json

    seen = json.loads(texts[0])
    assert seen["MLFLOW_RUN_ID"] == job["runId"]
    assert seen["MLFLOW_EXPERIMENT_ID"] == job["run"]["experimentId"]
    assert seen["ASGARD_JOB_ID"] == job["id"]
    assert json.loads(seen["ASGARD_PARAMS"]) == {"alpha": 0.5}
    assert "REPO True" in texts  # its own repo, there while it runs (and gone when it ends)
    assert not Path(seen["FEAST_REPO_PATH"]).exists()


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


BAD_SUBMISSIONS = {
    "invalid base64": ({"script": None, "scriptBase64": "not base64!!"}, ("INVALID_SCRIPT", ["scriptBase64"])),
    "empty script": ({"script": "   \n"}, ("INVALID_SCRIPT", ["script"])),
    "too large": ({"script": "#" * (1024 * 1024 + 1)}, ("TOO_LARGE", ["script"])),
    "too large in base64": (
        {"script": None, "scriptBase64": _b64("#" * (1024 * 1024 + 10))},
        ("TOO_LARGE", ["scriptBase64"]),
    ),
    "syntax error": ({"script": "x = 1\ndef broken(:\n"}, ("INVALID_SCRIPT", ["script"])),
    "bad requirement": (
        {"requirements": ["numpy", "scikit-learn>=>1"]},
        ("INVALID_REQUIREMENT", ["requirements", "1"]),
    ),
    "file url requirement": (
        {"requirements": ["pkg @ file:///etc/passwd"]},
        ("INVALID_REQUIREMENT", ["requirements", "0"]),
    ),
    "both script forms": ({"scriptBase64": _b64("print(1)")}, ("INVALID_VALUE", ["script"])),
    "no script": ({"script": None}, ("INVALID_SCRIPT", ["script"])),
    "bad script name": ({"scriptName": "../evil.py"}, ("INVALID_NAME", ["scriptName"])),
    "zero timeout": ({"timeoutSeconds": 0}, ("INVALID_VALUE", ["timeoutSeconds"])),
    "unknown feature service": ({"featureService": "no_such_service"}, ("NOT_FOUND", ["featureService"])),
}


@pytest.mark.parametrize("case", list(BAD_SUBMISSIONS))
def test_bad_submissions_are_typed_errors_and_queue_nothing(client, case):
    changes, (code, field) = BAD_SUBMISSIONS[case]
    count = "{ trainingJobs { totalCount } }"
    before = gql(client, count).data["trainingJobs"]["totalCount"]
    result = submit(client, "print('hi')", **changes)
    assert result["job"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [(code, field)]
    assert gql(client, count).data["trainingJobs"]["totalCount"] == before


def test_syntax_error_names_the_line(client):
    result = submit(client, "x = 1\n\ndef broken(:\n    pass\n")
    assert "line 3" in result["userErrors"][0]["message"]


def test_base64_scripts_run(client):
    result = submit(client, None, scriptBase64=_b64("print('from base64')"))
    job = wait_for(client, result["job"]["id"], {"SUCCEEDED", "FAILED"})
    assert ("STDOUT", "from base64") in {(line["stream"], line["text"]) for line in job["logs"]}


def test_jobs_connection_pages_newest_first(client):
    experiment = unique("paged_jobs")
    ids = [submit(client, "pass", experimentName=experiment)["job"]["id"] for _ in range(5)]
    query = """
    query($e: String, $after: String) {
      trainingJobs(filter: {experimentName: $e}, first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
      }
    }
    """
    seen, after = [], None
    while True:
        page = gql(client, query, {"e": experiment, "after": after}).data["trainingJobs"]
        assert page["totalCount"] == 5
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(ids))
    logs = gql(
        client,
        "query($id: ID!) { trainingJob(id: $id) { logs(limit: 20000) { number } } }",
        {"id": ids[0]},
        errors=True,
    )
    assert logs.codes() == ["BAD_USER_INPUT"]


def test_jobs_that_start_together_share_their_new_experiment(client):
    """Two jobs of an experiment that does not exist yet: both create it at once; neither fails."""
    experiment = unique("together")
    ids = [submit(client, "print('hi')", experimentName=experiment)["job"]["id"] for _ in range(2)]
    jobs = [wait_for(client, job_id, {"SUCCEEDED", "FAILED"}) for job_id in ids]
    assert [j["status"] for j in jobs] == ["SUCCEEDED", "SUCCEEDED"], [j["error"] for j in jobs]
    assert len({j["run"]["experimentId"] for j in jobs}) == 1


READ_FEATURES = """
import json, os
import pandas as pd
from feast import FeatureStore

params = json.loads(os.environ["ASGARD_PARAMS"])
repo = os.environ["FEAST_REPO_PATH"]
seen = "".join(open(os.path.join(repo, name), errors="replace").read() for name in os.listdir(repo))
seen += json.dumps({k: v for k, v in os.environ.items() if k != "ASGARD_PARAMS"})
print("SECRETS " + json.dumps([secret for secret in params["secrets"] if secret in seen]))
print("TELEMETRY " + json.dumps([os.environ.get("MLFLOW_DISABLE_TELEMETRY"), os.environ.get("DO_NOT_TRACK")]))
store = FeatureStore(repo_path=repo)
entities = pd.DataFrame({"customer_id": params["ids"], "event_timestamp": pd.Timestamp("2026-01-06T12:00:00Z")})
frame = store.get_historical_features(entity_df=entities, features=params["features"]).to_df()
print("ROWS " + frame.sort_values("customer_id")[["customer_id", "total_orders", "total_spent"]].to_json(orient="records"))
"""


def test_a_job_reads_features_on_every_gold_layer_without_the_servers_secrets(gold_backend):
    """The job's Feast repo is its own: a registry snapshot, the server's engine, the gold layer read-only,
    and not one credential of the server's (its registry database, its online store, its catalog's password).
    Its point-in-time join is the server's (a TTL of 30 days and a second: Feast's own DuckDB join refuses
    one of days and seconds), and so are the rows it gets."""
    import json
    from urllib.parse import urlsplit

    import pandas as pd

    client, services = gold_backend
    settings = services.settings
    view = unique("job_reads")
    assert register_view(client, customer_view_input(view, ttlSeconds=30 * 86400 + 1))["userErrors"] == []
    features = [f"{view}:total_orders", f"{view}:total_spent"]
    ids = [1001, 1002, 1003, 99999]  # the last has no rows
    secrets = [settings.registry_url, settings.online_store, settings.jobs.db_url, settings.mlflow_tracking_uri]
    secrets += [f":{urlsplit(url).password}@" for url in secrets if urlsplit(url).password]  # in any URL form
    job = wait_for(
        client,
        submit(client, READ_FEATURES, parameters={"ids": ids, "features": features, "secrets": secrets})["job"]["id"],
        {"SUCCEEDED", "FAILED"},
        timeout=180,
    )
    assert job["status"] == "SUCCEEDED", (job["error"], [line["text"] for line in job["logs"]][-20:])
    lines = {
        line["text"].split(" ", 1)[0]: line["text"].split(" ", 1)[1] for line in job["logs"] if " " in line["text"]
    }
    assert json.loads(lines["SECRETS"]) == []
    assert json.loads(lines["TELEMETRY"]) == ["true", "true"]  # no phoning home, no telemetry thread
    entities = pd.DataFrame({"customer_id": ids, "event_timestamp": pd.Timestamp("2026-01-06T12:00:00Z")})
    with services.registry.engine_lock:  # the engine's turn, as the server's own reads take it
        expected = services.registry.store.get_historical_features(entity_df=entities, features=features).to_df()
    expected = expected.sort_values("customer_id")[["customer_id", "total_orders", "total_spent"]]
    assert json.loads(lines["ROWS"]) == json.loads(expected.to_json(orient="records"))
    assert json.loads(lines["ROWS"])[0]["total_orders"] is not None
