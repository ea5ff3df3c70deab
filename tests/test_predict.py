"""Predictions for customers by id: a model trained by the job API, features fetched online."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from tests.support import TRAIN_ON_SERVICE
from tests.support.graphql import create_service, customer_view_input, gql, register_view, unique
from tests.support.jobs import submit, wait_for
from tests.support.serving import END, START, count_compiled, latest_rows, materialize

PREDICT = """
mutation($input: PredictInput!) {
  predict(input: $input) {
    predictions missingFeatures
    modelVersion { model version aliases }
    userErrors { field message code }
  }
}
"""

TRAIN = TRAIN_ON_SERVICE.read_text()


def train(client, model: str, service: str) -> int:
    submitted = submit(client, TRAIN, modelName=model, featureService=service, parameters={"service": service})
    assert submitted["userErrors"] == [], submitted
    job = wait_for(client, submitted["job"]["id"], {"SUCCEEDED", "FAILED"}, timeout=300)
    assert job["status"] == "SUCCEEDED", job["error"]
    return job["modelVersion"]["version"]


@pytest.fixture(scope="module")
def trained(client):
    view, service, model = unique("predict_view"), unique("predict_svc"), unique("predict_model")
    register_view(client, customer_view_input(view, ttlSeconds=0))
    assert materialize(client, [view], start=START, end=END)["status"] == "SUCCEEDED"
    create_service(client, service, [view])
    return {"view": view, "service": service, "model": model, "version": train(client, model, service)}


@pytest.fixture(scope="module")
def newer(settings, trained) -> int:
    """A second version of the trained model, registered from the first one's model with MLflow's client (as a
    user registers a model again): all the tests that move an alias to it need, without a second training job."""
    from mlflow.tracking import MlflowClient

    outside = MlflowClient(tracking_uri=settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
    first = outside.get_model_version(trained["model"], str(trained["version"]))
    version = int(outside.create_model_version(trained["model"], first.source, run_id=first.run_id).version)
    assert version == trained["version"] + 1
    return version


def predict(client, **fields) -> dict:
    return gql(client, PREDICT, {"input": fields}).data["predict"]


def test_predictions_for_customers_by_id_alone(client, services, trained):
    result = predict(client, model=trained["model"], entities={"customer_id": [1001, 1002, 999_999]})
    assert result["userErrors"] == []
    assert result["modelVersion"]["version"] == trained["version"]
    predictions = result["predictions"]
    assert predictions[2] is None  # an unknown customer is a null the caller can see
    assert result["missingFeatures"] == ["total_orders", "total_spent"]
    oracle = latest_rows(services).loc[[1001, 1002], ["total_orders", "total_spent"]].astype("float64")
    version = services.mlflow.model_version(trained["model"], trained["version"])
    import mlflow.pyfunc

    in_process = mlflow.pyfunc.load_model(str(services.predictor._files(version)))  # the test trusts the model
    expected = in_process.predict(pd.DataFrame(oracle.values, columns=oracle.columns))
    assert predictions[:2] == [int(v) for v in expected]


def test_explicit_features_service_and_raw_rows_agree(client, trained):
    ids = {"customer_id": [1003, 1004]}
    implicit = predict(client, model=trained["model"], entities=ids)["predictions"]
    view = trained["view"]
    by_features = predict(
        client, model=trained["model"], entities=ids, features=[f"{view}:total_spent", f"{view}:total_orders"]
    )
    assert by_features["predictions"] == implicit
    assert (
        predict(client, model=trained["model"], entities=ids, featureService=trained["service"])["predictions"]
        == implicit
    )
    rows = predict(
        client,
        model=trained["model"],
        rows=[{"total_orders": 2, "total_spent": 80.0}, {"total_orders": 30, "total_spent": 2500.0}],
    )
    assert rows["userErrors"] == [] and len(rows["predictions"]) == 2
    assert rows["missingFeatures"] == []


def test_an_alias_that_moves_is_picked_up(client, trained, newer):
    set_alias = "mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { userErrors { code } } }"

    def point_champion_at(version: int) -> None:
        moved = gql(client, set_alias, {"i": {"model": trained["model"], "alias": "champion", "version": version}})
        assert moved.data["setModelAlias"]["userErrors"] == []

    point_champion_at(trained["version"])
    first = predict(client, model=trained["model"], alias="champion", entities={"customer_id": [1001]})
    assert first["modelVersion"]["version"] == trained["version"]
    point_champion_at(newer)
    moved = predict(client, model=trained["model"], alias="champion", entities={"customer_id": [1001]})
    assert moved["modelVersion"]["version"] == newer
    pinned = predict(client, model=trained["model"], version=trained["version"], entities={"customer_id": [1001]})
    assert pinned["modelVersion"]["version"] == trained["version"]


def test_an_alias_moved_outside_asgard_is_picked_up_within_the_registry_cache_time(client, settings, trained, newer):
    from mlflow.tracking import MlflowClient

    outside = MlflowClient(tracking_uri=settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
    outside.set_registered_model_alias(trained["model"], "shadow", str(trained["version"]))
    first = predict(client, model=trained["model"], alias="shadow", entities={"customer_id": [1001]})
    assert first["modelVersion"]["version"] == trained["version"]
    outside.set_registered_model_alias(trained["model"], "shadow", str(newer))
    time.sleep(settings.registry_cache_seconds + 0.1)
    moved = predict(client, model=trained["model"], alias="shadow", entities={"customer_id": [1001]})
    assert moved["modelVersion"]["version"] == newer


def test_models_are_cached_by_resolved_version(client, services, trained):
    workers = services.predictor.workers
    workers.forget((trained["model"], trained["version"]))
    started = workers.started
    for _ in range(3):
        predict(client, model=trained["model"], version=trained["version"], entities={"customer_id": [1001]})
    assert workers.started == started + 1


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"model": "no_such_model"}, ("NOT_FOUND", ["model"])),
        ({"version": 99}, ("NOT_FOUND", ["version"])),
        ({"alias": "ghost"}, ("NOT_FOUND", ["alias"])),
        ({"version": 1, "alias": "champion"}, ("INVALID_VALUE", ["version"])),
        ({"entities": None}, ("INVALID_VALUE", ["entities"])),
        ({"entities": {"customer_id": ["x"]}}, ("INVALID_VALUE", ["entities", "customer_id"])),
        ({"entities": {"customer_id": []}}, ("INVALID_VALUE", ["entities"])),
        ({"featureService": "no_such_service"}, ("NOT_FOUND", ["featureService"])),
        ({"features": ["VIEW:total_orders"]}, ("INVALID_VALUE", ["features"])),
    ],
)
def test_bad_predictions_are_user_errors(client, trained, fields, expected):
    request = {"model": trained["model"], "entities": {"customer_id": [1001]}} | fields
    if request.get("features"):
        request["features"] = [f.replace("VIEW", trained["view"]) for f in request["features"]]
    result = predict(client, **request)
    assert result["predictions"] is None
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [expected], result["userErrors"]
    assert all("Traceback" not in e["message"] for e in result["userErrors"])


COMPILED = {
    "bench": "mutation P($input: PredictInput!) { predict(input: $input) { predictions missingFeatures modelVersion { version } userErrors { code message } } }",
    "everything": """mutation Every($input: PredictInput!) { p: predict(input: $input) { __typename predictions
        missing: missingFeatures userErrors { field message code __typename } modelVersion { __typename model version
        status description aliases runId modelId creationTime lastUpdatedTime } mv: modelVersion { version } } }""",
}


@pytest.fixture(scope="module")
def generic(settings, services):
    from dataclasses import replace

    from server.app import create_app
    from tests.support.client import local_client

    with local_client(create_app(replace(settings, online_fast_path=False), services)) as c:
        yield c


@pytest.mark.parametrize("shape", sorted(COMPILED))
def test_the_compiled_predict_answers_as_the_generic_pipeline(client, generic, trained, shape, monkeypatch):
    """predict takes the compiled path (server/online_fast_path.py) after one clean run: same answers."""
    compiled = count_compiled(monkeypatch)
    cases = [
        {"model": trained["model"], "entities": {"customer_id": [1001, 999_999]}},
        {"model": trained["model"], "version": trained["version"], "rows": [{"total_orders": 2, "total_spent": 8.0}]},
        {"model": trained["model"], "alias": "no-such-alias", "entities": {"customer_id": [1001]}},  # a user error
        {"model": trained["model"], "entities": {"customer_id": "not ids"}},
    ]
    for variables in cases:
        answers = [
            client.post("/graphql", json={"query": COMPILED[shape], "variables": {"input": variables}}).json()
            for _ in range(3)
        ]
        expected = generic.post("/graphql", json={"query": COMPILED[shape], "variables": {"input": variables}}).json()
        assert all(answer == expected for answer in answers), (variables, answers, expected)
    assert True in compiled  # the successful cases were answered by the compiled plan


def test_a_compiled_prediction_runs_on_the_event_loop(client, services, trained, monkeypatch):
    """Once its version is resolved and its worker runs, a small compiled prediction takes no worker thread
    (its online read and the exchange with the model's worker are the loop's); a large one does."""
    threaded: list[int] = []
    real = type(services.predictor).predict

    def counted(self, snap, request):
        threaded.append(1)
        return real(self, snap, request)

    monkeypatch.setattr(type(services.predictor), "predict", counted)
    small = {"model": trained["model"], "entities": {"customer_id": [1001, 1002]}}
    answers = [predict(client, **small) for _ in range(4)]
    assert all(a == answers[0] for a in answers) and None not in answers[0]["predictions"], answers
    assert len(threaded) <= 2  # the generic pipeline's first run (and a resolution gone stale), no more
    before = len(threaded)
    large = {"model": trained["model"], "entities": {"customer_id": list(range(1001, 1201))}}
    for _ in range(2):
        assert len(predict(client, **large)["predictions"]) == 200
    assert len(threaded) > before


LINEAGE = """
query($model: String!, $version: Int!, $view: String!, $service: String!) {
  modelVersion(model: $model, version: $version) {
    features { featureView name reference source }
    featureService { name }
    run { features { reference source } tags { key value } }
  }
  featureView(name: $view) { models { model version } }
  featureService(name: $service) { models { model version } }
  goldTable(name: "gold.customer_aggregates") { featureViews { name } models(first: 100) { model version } }
  lineage(of: {kind: MODEL_VERSION, name: $model, version: $version}, depth: 3) {
    root nodes { id kind name version depth } edges { from to kind source } truncated
  }
}
"""


def test_lineage_of_a_model_trained_by_a_job_on_a_feature_service(client, trained):
    """The declared service is the version's lineage both ways; the job's script retrieval was recorded on
    its run, as Feast's own MLflow integration tags it."""
    model, version, view, service = trained["model"], trained["version"], trained["view"], trained["service"]
    variables = {"model": model, "version": version, "view": view, "service": service}
    found = gql(client, LINEAGE, variables).data
    names = ["total_orders", "total_spent", "avg_order_value", "days_since_last_order"]  # the whole view
    refs = [f"{view}:{name}" for name in names]
    mv = found["modelVersion"]
    assert [(f["featureView"], f["name"], f["reference"], f["source"]) for f in mv["features"]] == [
        (view, name, ref, "FEATURE_SERVICE") for name, ref in zip(names, refs, strict=True)
    ]
    assert mv["featureService"] == {"name": service}
    tags = {t["key"]: t["value"] for t in mv["run"]["tags"]}
    assert tags["feast.feature_service"] == service and tags["feast.feature_refs"] == ",".join(refs)
    assert tags["feast.feature_views"] == view
    assert [f["reference"] for f in mv["run"]["features"]] == refs
    me = {"model": model, "version": version}
    assert me in found["featureView"]["models"] and me in found["featureService"]["models"]
    assert me in found["goldTable"]["models"] and {"name": view} in found["goldTable"]["featureViews"]
    graph = found["lineage"]
    root = f"MODEL_VERSION:{model}/{version}"
    assert graph["root"] == root and graph["nodes"][0] == {
        "id": root,
        "kind": "MODEL_VERSION",
        "name": model,
        "version": version,
        "depth": 0,
    }
    edges = {(e["from"], e["to"], e["kind"]) for e in graph["edges"]}
    assert (root, f"FEATURE_SERVICE:{service}", "TRAINED_ON") in edges
    assert (f"FEATURE_SERVICE:{service}", f"FEATURE_VIEW:{view}", "INCLUDES") in edges
    assert (f"FEATURE_VIEW:{view}", "GOLD_TABLE:gold.customer_aggregates", "READS") in edges
    depths = {n["id"]: n["depth"] for n in graph["nodes"]}
    assert depths[f"FEATURE_VIEW:{view}"] == 2 and depths["GOLD_TABLE:gold.customer_aggregates"] == 3
    assert all(depth <= 3 for depth in depths.values()) and graph["truncated"] is False


def test_the_training_job_recorded_a_profile_that_drift_compares_with(client, trained):
    query = """query($model: String!, $version: Int!) { modelVersion(model: $model, version: $version) {
      featureDrift(window: 864000) { feature psi ks drifted trainingCount currentCount } } }"""
    found = gql(client, query, {"model": trained["model"], "version": trained["version"]}).data
    drift = {d["feature"]: d for d in found["modelVersion"]["featureDrift"]}
    view = trained["view"]
    assert set(drift) == {
        f"{view}:{f}" for f in ("avg_order_value", "days_since_last_order", "total_orders", "total_spent")
    }
    for entry in drift.values():
        assert entry["trainingCount"] == 600 and entry["currentCount"] == 21000  # the whole demo table
        assert entry["psi"] >= 0 and 0 <= entry["ks"] <= 1 and entry["drifted"] is (entry["psi"] >= 0.2)


def test_one_predict_is_one_trace_from_the_operation_to_each_backend(settings, services, trained):
    """With tracing on (an in-memory exporter in place of OTLP), a predict is one tree: the operation's span,
    named by it, with the request id, over the MLflow resolution, the online read and the model's worker."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from server import tracing
    from server.app import create_app
    from tests.support.client import local_client

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing.enable(provider)
    try:
        with local_client(create_app(settings, services)) as traced:
            document = (
                "mutation Churn($input: PredictInput!) { predict(input: $input) { predictions userErrors { code } } }"
            )
            variables = {"input": {"model": trained["model"], "entities": {"customer_id": [1001, 1002]}}}
            response = traced.post("/graphql", json={"query": document, "variables": variables})
    finally:
        tracing.disable()
    assert response.status_code == 200 and response.json()["data"]["predict"]["userErrors"] == []
    finished = exporter.get_finished_spans()  # the app's start-up and shutdown calls are traces of their own
    roots = [s for s in finished if s.parent is None and s.name.startswith(("mutation", "query", "graphql"))]
    assert [r.name for r in roots] == ["mutation Churn"], [(s.name, s.parent) for s in finished]
    root = roots[0]
    spans = [s for s in finished if s.context.trace_id == root.context.trace_id]
    assert root.attributes["graphql.operation.type"] == "mutation"
    assert root.attributes["graphql.operation.name"] == "Churn"
    assert root.attributes["asgard.request_id"] == response.headers["x-request-id"]
    by_id = {s.context.span_id: s for s in spans}

    def ancestors(s):
        while s.parent is not None:
            s = by_id[s.parent.span_id]
            yield s.name

    names = {s.name for s in spans}
    assert {"Predictor.resolve", "FeatureServing.online", "ModelWorker.predict"} <= names, names
    for name in ("Predictor.resolve", "FeatureServing.online", "ModelWorker.predict"):
        found = next(s for s in spans if s.name == name)
        assert "mutation Churn" in list(ancestors(found)), name
        assert found.attributes["asgard.request_id"] == root.attributes["asgard.request_id"]
    backends = {s.attributes.get("asgard.backend") for s in spans}
    assert {"mlflow", "feast.online", "model"} <= backends


def test_without_an_endpoint_tracing_is_off_and_installs_nothing(monkeypatch):
    from server import tracing
    from server.schema.build import build_schema

    assert tracing.configure_from_environment({}) is False and not tracing.enabled()
    assert tracing.span("x") is tracing.span("y")  # the one shared no-op
    assert not any("OperationTracing" in repr(e) for e in build_schema().extensions)
