"""Two `asgard serve` replicas on one stack: PostgreSQL (Feast registry, job table), Redis (online
store), Nessie + S3 (gold layer), Trino (offline engine), one MLflow store. What one replica does, the
other sees: registrations within the registry cache time, jobs (claimed once, followed over a
websocket), materializations and the values they wrote."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest
from websockets.sync.client import connect

from tests.support.graphql import customer_view_input
from tests.support.lakehouse import NEEDED, nessie_branch, new_database, require, trino_catalog
from tests.support.server import ServerProcess
from tests.support.serving import END, START

CACHE_SECONDS = 1.0
REGISTER = """
mutation($input: RegisterFeatureViewInput!) { registerFeatureView(input: $input) { change userErrors { code message } } }
"""
VIEW = "query($n: String!) { featureView(name: $n) { name } }"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    env = require(*NEEDED, "ASGARD_TEST_TRINO_URL", "ASGARD_TEST_REDIS_URL")
    shared = tmp_path_factory.mktemp("replicas-shared")
    branch = f"asgard_{uuid.uuid4().hex[:10]}"
    rest_uri = nessie_branch(env["ASGARD_TEST_ICEBERG_REST_URI"], branch)
    trino_catalog(env["ASGARD_TEST_TRINO_URL"], branch, rest_uri)
    database = new_database(env["ASGARD_TEST_POSTGRES_URL"])
    config = {
        "ASGARD_CATALOG_URI": rest_uri,
        "ASGARD_WAREHOUSE": env["ASGARD_TEST_WAREHOUSE"],
        "ASGARD_S3_ENDPOINT": env["ASGARD_TEST_S3_ENDPOINT"],
        "ASGARD_OFFLINE_ENGINE": "trino",
        "ASGARD_TRINO_URL": env["ASGARD_TEST_TRINO_URL"],
        "ASGARD_TRINO_CATALOG": branch,
        "ASGARD_REGISTRY_URL": database,
        "ASGARD_FEAST_PROJECT": branch,
        "ASGARD_JOB_DB_URL": database,
        "ASGARD_ONLINE_STORE": env["ASGARD_TEST_REDIS_URL"],
        "ASGARD_MLFLOW_TRACKING_URI": f"sqlite:///{shared / 'mlflow.db'}",
        "ASGARD_MLFLOW_ARTIFACT_ROOT": (shared / "mlartifacts").as_uri(),
        "ASGARD_REGISTRY_CACHE_SECONDS": str(CACHE_SECONDS),
        "ASGARD_JOB_POLL_SECONDS": "0.2",
        "ASGARD_EXPORT_LOCATION": f"{env['ASGARD_TEST_WAREHOUSE']}asgard-exports/{branch}",
    }
    root = tmp_path_factory.mktemp("replicas")
    first = ServerProcess(root / "a", "--demo", env=config).start()  # loads the demo gold layer, once
    second = ServerProcess(root / "b", env=config | {"ASGARD_JOB_CONCURRENCY": "0"}).start()  # serves, runs no job
    yield first, second
    for server in (first, second):
        server.stop()


def test_a_registration_on_one_replica_is_seen_on_the_other_within_the_cache_time(replicas):
    a, b = replicas
    name = f"replicated_{uuid.uuid4().hex[:6]}"
    assert b.post(VIEW, {"n": name})["featureView"] is None  # B has it cached as absent
    registered = a.post(REGISTER, {"input": customer_view_input(name)})["registerFeatureView"]
    assert registered["userErrors"] == [] and registered["change"] == "CREATED"
    started = time.monotonic()
    while b.post(VIEW, {"n": name})["featureView"] is None:
        assert time.monotonic() - started < CACHE_SECONDS + 2.0, "B did not see A's registration in time"
        time.sleep(0.1)


def test_a_views_history_and_pushed_features_are_the_same_on_both_replicas(replicas):
    """The history lives in the shared database (PostgreSQL here), and a push to the shared online store
    (Redis) is read on the other replica at once."""
    a, b = replicas
    name = f"replicated_history_{uuid.uuid4().hex[:6]}"
    assert a.post(REGISTER, {"input": customer_view_input(name)})["registerFeatureView"]["userErrors"] == []
    changed = b.post(REGISTER, {"input": customer_view_input(name, description="changed on B")})
    assert changed["registerFeatureView"]["change"] == "UPDATED"
    history = "query($n: String!) { featureView(name: $n) { history { version change definition } } }"
    versions = a.post(history, {"n": name})["featureView"]["history"]
    assert [(v["version"], v["change"]) for v in versions] == [(2, "UPDATED"), (1, "CREATED")]
    assert versions[0]["definition"]["description"] == "changed on B"
    row = {"customer_id": 77, "total_orders": 1, "total_spent": 2.5, "avg_order_value": 2.5}
    push = "mutation($i: PushFeaturesInput!) { pushFeatures(input: $i) { rowsWritten userErrors { message } } }"
    pushed = b.post(push, {"i": {"featureView": name, "rows": [row | {"days_since_last_order": 3}]}})
    assert pushed["pushFeatures"] == {"rowsWritten": 1, "userErrors": []}
    online = "query($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { rows } }"
    read = a.post(online, {"i": {"features": [f"{name}:total_spent"], "entities": {"customer_id": [77]}}})
    assert read["onlineFeatures"]["rows"] == [[77, 2.5]]


def test_a_registration_on_one_replica_is_an_event_on_the_others_subscription(replicas):
    """featureViewChanged on B tells of A's write within B's poll (it has no kick from A)."""
    a, b = replicas
    name = f"replicated_event_{uuid.uuid4().hex[:6]}"
    subscription = "subscription($n: [String!]) { featureViewChanged(names: $n) { kind name } }"
    with connect(b.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(ws.recv(timeout=30))["type"] == "connection_ack"
        ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": subscription, "variables": {"n": [name]}}})
        )
        time.sleep(1.0)  # B takes its first reading of the registry
        assert a.post(REGISTER, {"input": customer_view_input(name)})["registerFeatureView"]["userErrors"] == []
        message = json.loads(ws.recv(timeout=CACHE_SECONDS + 10))
        assert message["type"] == "next", message
        assert message["payload"]["data"]["featureViewChanged"] == {"kind": "REGISTERED", "name": name}


def test_a_materialization_started_on_one_replica_is_followed_and_served_on_the_other(replicas):
    a, b = replicas
    name = f"replicated_online_{uuid.uuid4().hex[:6]}"
    assert (
        a.post(REGISTER, {"input": customer_view_input(name, ttlSeconds=0)})["registerFeatureView"]["userErrors"] == []
    )
    started = a.post(
        "mutation($i: MaterializeInput!) { materialize(input: $i) { operation { id } userErrors { message } } }",
        {"i": {"featureViews": [name], "start": START, "end": END}},
    )["materialize"]
    assert started["userErrors"] == []
    operation = started["operation"]["id"]
    deadline = time.monotonic() + 120
    while True:  # followed on B: the operations live in the shared job table
        seen = b.post("query($id: ID!) { materialization(id: $id) { status error } }", {"id": operation})
        status = seen["materialization"]
        if status is not None and status["status"] in ("SUCCEEDED", "FAILED"):
            break
        assert time.monotonic() < deadline, status
        time.sleep(0.5)
    assert status == {"status": "SUCCEEDED", "error": None}
    seen_at = time.monotonic()  # B sees A's registration within its cache time (the run may end sooner)
    while b.post(VIEW, {"n": name})["featureView"] is None:
        assert time.monotonic() - seen_at < CACHE_SECONDS + 2.0, "B did not see A's registration in time"
        time.sleep(0.1)
    online = b.post(
        "query($i: OnlineFeaturesInput!) { onlineFeatures(input: $i) { rows statuses } }",
        {"i": {"features": [f"{name}:total_orders"], "entities": {"customer_id": [1001, 999999]}}},
    )["onlineFeatures"]
    assert online["statuses"][0] == ["PRESENT", "PRESENT"] and online["statuses"][1][1] == "NOT_FOUND", online
    assert isinstance(online["rows"][0][1], int)


def test_a_job_that_one_replica_runs_is_followed_to_its_end_on_the_other(replicas):
    a, b = replicas
    submitted = a.post(
        "mutation($i: SubmitTrainingJobInput!) { submitTrainingJob(input: $i) { job { id } userErrors { message } } }",
        {
            "i": {
                "scriptName": "hello.py",
                "script": "import time\ntime.sleep(2)\nprint('hello')",
                "experimentName": "rep",
            }
        },
    )["submitTrainingJob"]
    assert submitted["userErrors"] == []
    job_id = submitted["job"]["id"]
    statuses = []
    with connect(f"ws://127.0.0.1:{b.port}/graphql", subprotocols=["graphql-transport-ws"], open_timeout=30) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "connection_ack"
        query = "subscription($id: ID!) { trainingJob(id: $id) { status workerId attempts } }"
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {"id": job_id}}}))
        while True:
            message = json.loads(ws.recv(timeout=180))
            if message["type"] == "complete":
                break
            assert message["type"] == "next", message
            statuses.append(message["payload"]["data"]["trainingJob"])
    assert statuses[-1]["status"] == "SUCCEEDED", statuses
    assert statuses[-1]["attempts"] == 1  # claimed once, by one of the two
    workers = {s["workerId"] for s in statuses if s["workerId"]}
    assert len(workers) == 1 and f":{a.proc.pid}:" in workers.pop()  # A ran it; B only followed


def test_an_export_made_on_one_replica_downloads_from_the_other(replicas):
    """Exports live under an S3 prefix both replicas share: a load balancer may send the download anywhere."""
    import io

    import httpx
    import pyarrow.parquet as pq

    a, b = replicas
    name = f"export_{uuid.uuid4().hex[:8]}"
    assert a.post(REGISTER, {"input": customer_view_input(name)})["registerFeatureView"]["userErrors"] == []
    made = a.post(
        "mutation($i: HistoricalFeaturesInput!) { exportHistoricalFeatures(input: $i) {"
        " export { url rowCount bytes } userErrors { code message } } }",
        {
            "i": {
                "features": [f"{name}:total_orders", f"{name}:total_spent"],
                "entities": {"customer_id": [1001, 1002, 1003], "event_timestamp": ["2026-01-06T12:00:00Z"] * 3},
            }
        },
    )["exportHistoricalFeatures"]
    assert made["userErrors"] == [], made
    export = made["export"]
    with httpx.Client(timeout=30) as http:
        downloaded = http.get(f"http://127.0.0.1:{b.port}{export['url']}")
        assert downloaded.status_code == 200, downloaded.text
        assert downloaded.headers["content-type"] == "application/vnd.apache.parquet"
        assert int(downloaded.headers["content-length"]) == export["bytes"] == len(downloaded.content)
        table = pq.read_table(io.BytesIO(downloaded.content))
        assert table.num_rows == export["rowCount"] == 3
        assert sorted(table.column("customer_id").to_pylist()) == [1001, 1002, 1003]
        assert http.get(f"http://127.0.0.1:{a.port}{export['url']}").content == downloaded.content
        unknown = export["url"].replace(export["url"][9:41], "0" * 32)
        assert http.get(f"http://127.0.0.1:{b.port}{unknown}").status_code == 404
