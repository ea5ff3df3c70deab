"""The deprecated REST API: each old route answers with the old names and shapes, and the same data
as its GraphQL twin; auth, roles and limits are the GraphQL ones."""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from starlette.testclient import TestClient

from server.app import create_app
from server.auth.roles import Role
from server.auth.tokens import TokenStore
from server.config import Limits
from server.services.feature_registry import FeatureRegistry
from server.services.gold_catalog import GoldCatalog
from tests.support.client import local_client
from tests.support.graphql import app_with_limits, customer_view_input, gql, register_view, unique
from tests.support.serving import END, START, materialize

VIEW_FIELDS = """
  name online ttlSeconds createdAt description
  entities { name } features { name dtype description } source { table timestampField catalog } tags { key value }
"""
FEATURE_VIEW = f"query($name: String!) {{ featureView(name: $name) {{ {VIEW_FIELDS} }} }}"
ALL_VIEW_NAMES = """
query($after: String) { featureViews(first: 100, after: $after) {
  totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }
"""
JOB = """
query($id: ID!) { trainingJob(id: $id) {
  id status scriptName experimentName modelName runId error submittedAt startedAt finishedAt
  modelVersion { version } logs(limit: 10000) { text } } }
"""
PREDICT = """
mutation($input: PredictInput!) { predict(input: $input) {
  predictions missingFeatures modelVersion { model version } userErrors { field code } } }
"""

TRAIN = """
import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

rng = np.random.default_rng(0)
X = pd.DataFrame({"total_orders": rng.integers(0, 20, 200).astype("float64"), "total_spent": rng.uniform(0, 900, 200)})
y = (X["total_orders"] > 8).astype(int)
with mlflow.start_run():
    model = LogisticRegression(max_iter=500).fit(X, y)
    mlflow.sklearn.log_model(
        model, name="model", signature=infer_signature(X, model.predict(X)), pip_requirements=["scikit-learn"]
    )
print("trained on", len(X), "rows")
"""


def rest(client: TestClient, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
    """Call an old route; every answer, error or not, says the route is deprecated."""
    response = client.request(method, path, json=body, **kwargs)
    if response.status_code not in (401, 413):  # refused before any route runs
        assert response.headers["deprecation"] == "true", response.text
        assert response.headers["link"] == '</graphql>; rel="successor-version"'
    return response


def old_view(name: str, **changes: Any) -> dict[str, Any]:
    """A feature view as the old API's callers send it."""
    view: dict[str, Any] = {
        "name": name,
        "entities": ["customer_id"],
        "features": [
            {"name": "total_orders", "dtype": "int64", "description": "Orders so far"},
            {"name": "total_spent", "dtype": "float64"},
            {"name": "avg_order_value", "dtype": "float64"},
            {"name": "days_since_last_order", "dtype": "int32"},
        ],
        "source": {"table_name": "customer_aggregates", "timestamp_field": "updated_at", "catalog": "iceberg"},
        "ttl_seconds": 86400 * 30,
        "online": True,
        "description": "Customer aggregates",
        "tags": {"team": "growth"},
    }
    view.update(changes)
    return view


def as_listed(view: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL FeatureView renamed to the old list item."""
    return {
        "name": view["name"],
        "entities": [e["name"] for e in view["entities"]],
        "features": [
            {"name": f["name"], "dtype": f["dtype"].lower(), "description": f["description"]} for f in view["features"]
        ],
        "online_enabled": view["online"],
        "ttl_seconds": view["ttlSeconds"] or 0,
        "created_at": view["createdAt"],
    }


def all_view_names(client: TestClient) -> list[str]:
    names: list[str] = []
    after = None
    while True:
        page = gql(client, ALL_VIEW_NAMES, {"after": after}).data["featureViews"]
        names += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return names
        after = page["pageInfo"]["endCursor"]


def problems(response: httpx.Response) -> list[tuple[str | None, str]]:
    body = response.json()
    assert body["detail"] and "Traceback" not in response.text
    return [(e["field"], e["code"]) for e in body["errors"]]


# ---- feature views ------------------------------------------------------------------------------


def test_a_view_created_by_rest_is_the_one_graphql_would_create(client):
    rest_name, gql_name = unique("rest_view"), unique("rest_twin")
    created = rest(client, "POST", "/feast/features", old_view(rest_name))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body == {
        "name": rest_name,
        "status": "registered",
        "change": "created",
        "entities": ["customer_id"],
        "features": 4,
        "source_table": "iceberg.gold.customer_aggregates",
        "online_enabled": True,
        "created_at": body["created_at"],
    }
    register_view(client, customer_view_input(gql_name, owner=None))
    by_rest = gql(client, FEATURE_VIEW, {"name": rest_name}).data["featureView"]
    by_graphql = gql(client, FEATURE_VIEW, {"name": gql_name}).data["featureView"]
    assert by_rest["createdAt"] == body["created_at"]
    same = {k: v for k, v in by_rest.items() if k not in ("name", "createdAt")}
    assert same == {k: v for k, v in by_graphql.items() if k not in ("name", "createdAt")}
    again = rest(client, "POST", "/feast/features", old_view(rest_name))
    assert again.status_code == 201 and again.json()["change"] == "unchanged"


def test_old_defaults_and_dtype_spellings(client):
    name = unique("rest_defaults")
    view = old_view(
        name, features=[{"name": "total_orders", "dtype": "INT64"}, {"name": "total_spent", "dtype": "Float64"}]
    )
    del view["ttl_seconds"], view["online"], view["tags"], view["description"]
    view["source"] = {"table_name": "customer_aggregates", "timestamp_field": "updated_at"}  # catalog, schema left out
    assert rest(client, "POST", "/feast/features", view).status_code == 201
    registered = gql(client, FEATURE_VIEW, {"name": name}).data["featureView"]
    assert registered["ttlSeconds"] == 86400  # the old API's default ttl
    assert registered["online"] is False
    assert registered["source"]["table"] == "gold.customer_aggregates"
    assert [f["dtype"] for f in registered["features"]] == ["INT64", "FLOAT64"]


def test_the_list_is_every_view_as_graphql_has_it(client):
    for _ in range(2):
        assert rest(client, "POST", "/feast/features", old_view(unique("rest_listed"))).status_code == 201
    listed = rest(client, "GET", "/feast/features")
    assert listed.status_code == 200
    names = all_view_names(client)
    assert [v["name"] for v in listed.json()] == names
    for item in listed.json()[-3:]:
        assert item == as_listed(gql(client, FEATURE_VIEW, {"name": item["name"]}).data["featureView"])


def test_the_list_pages_through_graphql_page_limits(settings, services, client):
    for _ in range(3):
        register_view(client, customer_view_input(unique("rest_paged")))
    with app_with_limits(settings, services, max_page_size=2, default_page_size=2) as small:
        listed = rest(small, "GET", "/feast/features").json()
    assert len(listed) > 2
    assert [v["name"] for v in listed] == all_view_names(client)


def test_feature_store_status_matches_graphql(client):
    status = rest(client, "GET", "/feast/status")
    assert status.status_code == 200
    twin = gql(
        client,
        "{ featureStore { registryType onlineStoreType offlineStoreType featureViews entities featureServices }"
        " entities { name } }",
    ).data
    store = twin["featureStore"]
    assert status.json() == {
        "registry_type": store["registryType"],
        "online_store_type": store["onlineStoreType"],
        "offline_store_type": store["offlineStoreType"],
        "num_feature_views": store["featureViews"],
        "num_entities": store["entities"],
        "num_feature_services": store["featureServices"],
        "feature_views": all_view_names(client),
        "entities": [e["name"] for e in twin["entities"]],
    }


BAD_VIEWS = [
    (lambda v: v["features"][0].update(dtype="int128"), 422, [("features.0.dtype", "INVALID_VALUE")]),
    (lambda v: v["source"].update(catalog="hive"), 400, [("source.catalog", "UNKNOWN_TABLE")]),
    (lambda v: v["source"].update(table_name="no_such_table"), 400, [("source.table_name", "UNKNOWN_TABLE")]),
    (lambda v: v["source"].update(schema="silver"), 400, [("source.table_name", "UNKNOWN_TABLE")]),
    (lambda v: v["source"].update(timestamp_field="nope"), 400, [("source.timestamp_field", "UNKNOWN_COLUMN")]),
    (lambda v: v["features"][0].update(dtype="string"), 400, [("features.0.dtype", "TYPE_MISMATCH")]),
    (
        lambda v: (v["features"][1].update(name="ghost"), v.update(ttl_seconds=-5)),
        400,
        [("ttl_seconds", "INVALID_VALUE"), ("features.1.name", "UNKNOWN_COLUMN")],
    ),
    (lambda v: v["tags"].update({"bad key!": "x"}), 400, [("tags.bad key!.key", "INVALID_VALUE")]),
    (lambda v: v.pop("source"), 422, [("source", "INVALID_VALUE")]),
    (
        lambda v: v.update(entities="customer_id", online="yes"),
        422,
        [("entities", "INVALID_VALUE"), ("online", "INVALID_VALUE")],
    ),
    (lambda v: v.update(ttl_seconds=2**40), 422, [("ttl_seconds", "BAD_REQUEST")]),
]


@pytest.mark.parametrize(("change", "status", "expected"), BAD_VIEWS)
def test_bad_views_are_refused_with_the_old_field_names(client, services, change, status, expected):
    view = old_view(unique("rest_bad"))
    change(view)
    before = services.registry.snapshot(max_age=0)
    response = rest(client, "POST", "/feast/features", view)
    assert response.status_code == status, response.text
    assert sorted(problems(response)) == sorted(expected)
    assert services.registry.snapshot(max_age=0) == before  # nothing was written


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b""])
def test_a_body_that_is_not_a_json_object_is_422(client, raw):
    response = client.post("/feast/features", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["deprecation"] == "true"
    assert problems(response)[0][0] is None


# ---- feature services ---------------------------------------------------------------------------


def test_feature_services_from_whole_views_and_from_feature_references(client):
    view = unique("rest_svc_view")
    assert rest(client, "POST", "/feast/features", old_view(view)).status_code == 201
    whole, chosen = unique("rest_svc"), unique("rest_svc")
    created = rest(client, "POST", "/feast/features/service", {"name": whole, "feature_views": [view]})
    assert created.status_code == 201, created.text
    picked = rest(
        client,
        "POST",
        "/feast/features/service",
        {"name": chosen, "features": [f"{view}:total_spent", f"{view}:total_orders"], "description": "two"},
    )
    assert picked.status_code == 201, picked.text
    query = "query($n: String!) { featureService(name: $n) { name createdAt featureViews { name featureNames } } }"
    for response in (created, picked):
        twin = gql(client, query, {"n": response.json()["name"]}).data["featureService"]
        assert response.json() == {
            "name": twin["name"],
            "status": "created",
            "change": "created",
            "feature_views": [p["name"] for p in twin["featureViews"]],
            "features": [f"{p['name']}:{f}" for p in twin["featureViews"] for f in p["featureNames"]],
            "created_at": twin["createdAt"],
        }
    assert picked.json()["features"] == [f"{view}:total_spent", f"{view}:total_orders"]


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"feature_views": ["VIEW", "no_such_view"]}, 404, [("feature_views.1", "NOT_FOUND")]),
        ({"features": ["VIEW:total_orders", "VIEW:ghost"]}, 404, [("features.1", "NOT_FOUND")]),
        ({"features": ["no-colon"]}, 422, [("features.0", "INVALID_VALUE")]),
        ({}, 422, [("feature_views", "INVALID_VALUE")]),
    ],
)
def test_bad_feature_services_name_the_old_field(client, services, body, status, expected):
    view = unique("rest_svc_bad_view")
    register_view(client, customer_view_input(view))
    request = {"name": unique("rest_bad_svc")} | {
        k: [item.replace("VIEW", view) for item in v] for k, v in body.items()
    }
    before = services.registry.snapshot(max_age=0)
    response = rest(client, "POST", "/feast/features/service", request)
    assert response.status_code == status, response.text
    assert problems(response) == expected
    assert services.registry.snapshot(max_age=0) == before


# ---- platform status ----------------------------------------------------------------------------


def test_mlops_status_matches_graphql_and_hides_server_paths(client, settings):
    response = rest(client, "GET", "/mlops/status")
    assert response.status_code == 200
    twin = gql(
        client, "{ platformStatus { mlflowAvailable feastAvailable registeredModels activeExperiments featureViews } }"
    ).data["platformStatus"]
    body = response.json()
    assert body == {
        "mlflow_tracking_uri": "sqlite:///<data-dir>/mlflow.db",
        "mlflow_available": twin["mlflowAvailable"],
        "feast_store_available": twin["feastAvailable"],
        "registered_models": twin["registeredModels"],
        "active_experiments": twin["activeExperiments"],
        "feature_views": twin["featureViews"],
        "timestamp": body["timestamp"],
    }
    assert str(settings.data_dir) not in response.text


# ---- training jobs and inference ----------------------------------------------------------------


def upload(client: TestClient, script: str, headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
    body = {
        "script_name": "train.py",
        "script_content": base64.b64encode(script.encode()).decode(),
        "experiment_name": unique("rest_exp"),
    } | fields
    return rest(client, "POST", "/mlops/training/upload", body, headers=headers)


def poll(client: TestClient, job_id: str, timeout: float = 180) -> dict[str, Any]:
    """As old callers did: until the job is completed or failed."""
    deadline = time.monotonic() + timeout
    while True:
        job = rest(client, "GET", f"/mlops/training/jobs/{job_id}")
        assert job.status_code == 200, job.text
        if job.json()["status"] in ("completed", "failed"):
            return job.json()
        assert time.monotonic() < deadline, job.json()
        time.sleep(0.3)


@pytest.fixture(scope="module")
def trained(client):
    """A model trained by a script uploaded through the old route, registered as version 1."""
    model = unique("rest_model")
    submitted = upload(client, TRAIN, model_name=model, requirements=["scikit-learn"], tags={"team": "growth"})
    assert submitted.status_code == 202, submitted.text
    return {"model": model, "submitted": submitted.json(), "job": poll(client, submitted.json()["job_id"])}


def test_an_uploaded_script_runs_and_its_status_matches_graphql(client, trained):
    submitted, job = trained["submitted"], trained["job"]
    assert submitted["status"] == "queued" and submitted["run_id"] is None
    assert submitted["model_name"] == trained["model"] and submitted["script_name"] == "train.py"
    assert job["status"] == "completed", job["error"]
    assert job["run_id"] and job["model_version"] == "1"
    assert "trained on 200 rows" in job["logs"]
    twin = gql(client, JOB, {"id": job["job_id"]}).data["trainingJob"]
    assert job == {
        "job_id": twin["id"],
        "script_name": twin["scriptName"],
        "experiment_name": twin["experimentName"],
        "model_name": twin["modelName"],
        "status": "completed",
        "state": twin["status"],
        "run_id": twin["runId"],
        "model_version": str(twin["modelVersion"]["version"]),
        "error": twin["error"],
        "created_at": twin["submittedAt"],
        "started_at": twin["startedAt"],
        "completed_at": twin["finishedAt"],
        "logs": "\n".join(line["text"] for line in twin["logs"]),
        "duration_seconds": job["duration_seconds"],
    }
    assert 0 < job["duration_seconds"] < 180


def test_inference_on_old_inputs_matches_graphql_predict(client, trained):
    inputs = {"total_orders": [2.0, 15.0, 19.0], "total_spent": [80.0, 700.0, 20.0]}
    twin = gql(client, PREDICT, {"input": {"model": trained["model"], "rows": inputs}}).data["predict"]
    assert twin["predictions"] == [0, 1, 1]  # the script labelled customers with more than 8 orders
    for version in (None, "1", 1, "latest"):
        response = rest(
            client,
            "POST",
            "/mlops/inference",
            {"model_name": trained["model"], "model_version": version, "inputs": inputs, "return_probabilities": True},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body == {
            "model_name": trained["model"],
            "model_version": str(twin["modelVersion"]["version"]),
            "predictions": twin["predictions"],
            "probabilities": None,
            "missing_features": twin["missingFeatures"],
            "inference_time_ms": body["inference_time_ms"],
            "timestamp": body["timestamp"],
        }
        assert len(body["predictions"]) == 3 and body["model_version"] == "1"


def test_inference_for_entities_fetches_online_features(client, trained):
    view = unique("rest_online")
    assert rest(client, "POST", "/feast/features", old_view(view, ttl_seconds=0)).status_code == 201
    assert materialize(client, [view], start=START, end=END)["status"] == "SUCCEEDED"
    request = {
        "model_name": trained["model"],
        "entities": {"customer_id": [1001, 1002, 999_999]},
        "features": [f"{view}:total_orders", f"{view}:total_spent"],
    }
    response = rest(client, "POST", "/mlops/inference", request)
    assert response.status_code == 200, response.text
    twin = gql(
        client,
        PREDICT,
        {"input": {"model": trained["model"], "entities": request["entities"], "features": request["features"]}},
    ).data["predict"]
    assert response.json()["predictions"] == twin["predictions"]
    assert twin["predictions"][2] is None and twin["predictions"][0] is not None


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"model_name": "no_such_model"}, 404, [("model_name", "NOT_FOUND")]),
        ({"model_version": 99}, 404, [("model_version", "NOT_FOUND")]),
        ({"model_version": "champion"}, 422, [("model_version", "INVALID_VALUE")]),
        ({"inputs": {"total_orders": [1.0], "total_spent": "x"}}, 400, [("inputs.total_spent", "INVALID_VALUE")]),
        ({"model_name": None}, 422, [("model_name", "INVALID_VALUE")]),
    ],
)
def test_bad_inference_requests_name_the_old_field(client, trained, body, status, expected):
    request = {"model_name": trained["model"], "inputs": {"total_orders": [1.0], "total_spent": [5.0]}} | body
    response = rest(client, "POST", "/mlops/inference", request)
    assert response.status_code == status, response.text
    assert problems(response) == expected


@pytest.mark.parametrize(
    ("fields", "status", "expected"),
    [
        ({"script_content": "def broken(:\n"}, 400, [("script_content", "INVALID_SCRIPT")]),
        ({"script_content": base64.b64encode(b"def broken(:\n").decode()}, 400, [("script_content", "INVALID_SCRIPT")]),
        ({"script_name": "train.sh"}, 400, [("script_name", "INVALID_NAME")]),
        ({"requirements": ["not a requirement !!"]}, 400, [("requirements.0", "INVALID_REQUIREMENT")]),
        ({"environment_vars": {"DATA_PATH": "/data"}}, 422, [("environment_vars", "INVALID_VALUE")]),
        (
            {"experiment_name": None, "timeout": "soon"},
            422,
            [("experiment_name", "INVALID_VALUE"), ("timeout", "INVALID_VALUE")],
        ),
    ],
)
def test_bad_uploads_name_the_old_field_and_queue_nothing(client, services, fields, status, expected):
    before = services.jobs.count(None, None, None)
    response = upload(client, "print('hi')", **fields)
    assert response.status_code == status, response.text
    assert problems(response) == expected
    assert services.jobs.count(None, None, None) == before


def test_plain_text_scripts_are_taken_as_the_old_server_took_them(client):
    """Old callers that sent the script's text instead of base64 keep working."""
    text = "print('plain text, not base64')\n"
    response = upload(client, "", script_content=text)
    assert response.status_code == 202, response.text
    job = gql(client, "query($id: ID!) { trainingJob(id: $id) { scriptName } }", {"id": response.json()["job_id"]})
    assert job.data["trainingJob"]["scriptName"] == "train.py"
    assert poll(client, response.json()["job_id"])["status"] == "completed"


def test_an_unknown_job_is_404(client):
    response = rest(client, "GET", "/mlops/training/jobs/no-such-job")
    assert response.status_code == 404
    assert problems(response) == [("job_id", "NOT_FOUND")]


# ---- auth, limits and internal errors -----------------------------------------------------------


@pytest.fixture(scope="module")
def secured(settings, services, tmp_path_factory):
    """The same backends behind tokens of their own, with a small body limit."""
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('rest-tokens') / 'tokens.db'}")
    guarded = replace(services, tokens=TokenStore(engine))
    tokens = {role.value: guarded.tokens.create(f"rest-{role.value}", role) for role in Role}
    small = replace(settings, limits=replace(Limits(), max_body_bytes=4096))
    with local_client(create_app(small, guarded)) as c:
        yield c, {role: {"Authorization": f"Bearer {token}"} for role, token in tokens.items()}


ROUTES = [
    ("GET", "/feast/features"),
    ("GET", "/feast/status"),
    ("GET", "/mlops/status"),
    ("GET", "/mlops/training/jobs/x"),
    ("POST", "/feast/features"),
    ("POST", "/feast/features/service"),
    ("POST", "/mlops/training/upload"),
    ("POST", "/mlops/inference"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_a_token(secured, method, path):
    client, _ = secured
    for headers in ({}, {"Authorization": "Bearer asg_000000000000_" + "x" * 43}):
        response = client.request(method, path, json={}, headers=headers)
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "UNAUTHENTICATED"  # the old API's error shape


def test_roles_are_the_graphql_ones(secured, services):
    client, as_role = secured
    assert rest(client, "GET", "/feast/features", headers=as_role["reader"]).status_code == 200
    assert rest(client, "GET", "/mlops/status", headers=as_role["reader"]).status_code == 200
    assert rest(client, "GET", "/feast/status", headers=as_role["reader"]).status_code == 200
    assert rest(client, "GET", "/mlops/training/jobs/x", headers=as_role["reader"]).status_code == 404
    before = services.registry.snapshot(max_age=0)
    refused = rest(client, "POST", "/feast/features", old_view(unique("rest_reader")), headers=as_role["reader"])
    assert refused.status_code == 403
    assert problems(refused) == [(None, "FORBIDDEN")]
    assert services.registry.snapshot(max_age=0) == before
    for role in ("reader", "editor"):
        job = upload(client, "print(1)", headers=as_role[role])
        assert job.status_code == 403 and problems(job) == [(None, "FORBIDDEN")]
    predicted = rest(
        client, "POST", "/mlops/inference", {"model_name": "nope", "inputs": {"a": [1]}}, headers=as_role["reader"]
    )
    assert predicted.status_code == 403
    allowed = rest(
        client, "POST", "/mlops/inference", {"model_name": "nope", "inputs": {"a": [1]}}, headers=as_role["editor"]
    )
    assert allowed.status_code == 404
    created = rest(client, "POST", "/feast/features", old_view(unique("rest_editor")), headers=as_role["editor"])
    assert created.status_code == 201


def test_a_body_over_the_limit_is_413(secured):
    client, as_role = secured
    view = old_view(unique("rest_huge"), description="x" * 5000)
    response = client.post("/feast/features", json=view, headers=as_role["admin"])
    assert response.status_code == 413


def test_internal_errors_are_masked_with_the_request_id(settings, services, tmp_path_factory, caplog):
    missing = tmp_path_factory.mktemp("rest-gone") / "no" / "such" / "dir" / "catalog.db"
    broken_gold = GoldCatalog(replace(settings, catalog_uri=f"sqlite:///{missing}"))
    broken = replace(services, registry=FeatureRegistry(settings, broken_gold))  # the same registry, no gold layer
    caplog.set_level(logging.ERROR, logger="asgard.errors")
    with local_client(create_app(settings, broken)) as c:
        response = rest(
            c, "POST", "/feast/features", old_view(unique("rest_broken")), headers={"X-Request-ID": "rest-1"}
        )
    assert response.status_code == 500
    assert response.json() == {
        "detail": "internal error (request id rest-1)",
        "errors": [{"field": None, "code": "INTERNAL_SERVER_ERROR", "message": "internal error (request id rest-1)"}],
        "request_id": "rest-1",
    }
    assert any("rest-1" in r.getMessage() for r in caplog.records)
