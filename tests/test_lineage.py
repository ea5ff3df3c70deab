"""Lineage over GraphQL from what MLflow holds: versions whose runs recorded the features their scripts
retrieved (feast.feature_refs), versions only their signature can place, a declared service since deleted,
and the graph's bounds. (A model trained by a job on a declared service: tests/test_predict.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from tests.support.graphql import customer_view_input, gql, register_view, unique

VERSION = """
query($model: String!, $version: Int!) {
  modelVersion(model: $model, version: $version) { features { reference source } featureService { name } }
}
"""
MODELS = "query($view: String!) { featureView(name: $view) { models { model version } } }"
GRAPH = """
query($of: LineageTarget!, $depth: Int!) {
  lineage(of: $of, depth: $depth) { root nodes { id depth } edges { from to kind source } truncated }
}
"""


def _mlmodel(root: Path, inputs: list[str]) -> str:
    """A model directory whose MLmodel file has only a signature (all lineage reads of it)."""
    root.mkdir(parents=True)
    signature = json.dumps([{"type": "double", "name": name, "required": True} for name in inputs])
    (root / "MLmodel").write_text(
        "artifact_path: model\nflavors: {}\nsignature:\n"
        f'  inputs: \'{signature}\'\n  outputs: \'[{{"type": "long", "required": true}}]\'\n'
    )
    return root.as_uri()


@pytest.fixture(scope="module")
def registered(client, services, tmp_path_factory):
    """Two views over a table of their own (one feature name no other view has), and three model versions
    registered straight in MLflow, as another tool would."""
    catalog = services.gold.catalog()
    table = unique("lineage_table")
    rare = unique("rare_score")
    schema = pa.schema([("customer_id", pa.int64()), (rare, pa.float64()), ("total_spent", pa.float64())])
    catalog.create_table(("gold", table), schema=schema.append(pa.field("at", pa.timestamp("us", tz="UTC"))))
    views = [unique("lineage_view"), unique("lineage_other")]
    for view in views:
        features = (
            [{"name": rare, "dtype": "FLOAT64"}] if view == views[0] else [{"name": "total_spent", "dtype": "FLOAT64"}]
        )
        source = {"table": f"gold.{table}", "timestampField": "at"}
        definition = {"name": view, "entities": ["customer_id"], "features": features, "source": source}
        assert register_view(client, definition)["userErrors"] == []
    # another view with total_spent, so that the name is no one view's (in a suite that has many already)
    assert register_view(client, customer_view_input(unique("lineage_customers")))["userErrors"] == []
    client_ = services.mlflow.client()
    experiment = services.mlflow_writes.create_experiment(unique("lineage_exp"), ()).id  # under the data dir
    model = unique("lineage_model")
    client_.create_registered_model(model)
    root = tmp_path_factory.mktemp("lineage-models")
    recorded = client_.create_run(
        experiment, tags={"feast.feature_refs": f"{views[1]}:total_spent,deleted_view:old,{views[1]}:cut..."}
    )
    client_.create_model_version(model, _mlmodel(root / "a", []), run_id=recorded.info.run_id)
    guessed = client_.create_run(experiment)
    client_.create_model_version(
        model, _mlmodel(root / "b", [rare, "total_spent", "unknown"]), run_id=guessed.info.run_id
    )
    declared = client_.create_run(experiment)
    client_.create_model_version(
        model, _mlmodel(root / "c", [rare]), run_id=declared.info.run_id, tags={"asgard.feature_service": "gone_svc"}
    )
    services.mlflow.changed()  # as a write through Asgard would: the lineage index is built again
    return {"model": model, "views": views, "rare": rare, "table": f"gold.{table}"}


def _version(client, model, version):
    return gql(client, VERSION, {"model": model, "version": version}).data["modelVersion"]


def test_recorded_features_come_first_and_name_views_since_deleted(client, registered):
    found = _version(client, registered["model"], 1)
    other = registered["views"][1]
    assert found["features"] == [
        {"reference": f"{other}:total_spent", "source": "RECORDED"},
        {"reference": "deleted_view:old", "source": "RECORDED"},  # a cut reference ('...') is left out
    ]
    assert found["featureService"] is None


def test_a_signature_places_a_version_by_names_only_one_view_has(client, registered):
    found = _version(client, registered["model"], 2)
    # total_spent is a feature of many views: no guess; unknown is no feature at all
    assert found["features"] == [{"reference": f"{registered['views'][0]}:{registered['rare']}", "source": "SIGNATURE"}]


def test_a_deleted_service_is_no_lineage_and_the_signature_is_not_guessed_past_it(client, registered):
    found = _version(client, registered["model"], 3)
    assert found == {
        "features": [{"reference": f"{registered['views'][0]}:{registered['rare']}", "source": "SIGNATURE"}],
        "featureService": None,
    }


def test_views_list_the_versions_trained_on_them(client, registered):
    model, (rare_view, other) = registered["model"], registered["views"]
    assert gql(client, MODELS, {"view": other}).data["featureView"]["models"] == [{"model": model, "version": 1}]
    assert gql(client, MODELS, {"view": rare_view}).data["featureView"]["models"] == [
        {"model": model, "version": 3},
        {"model": model, "version": 2},
    ]


def test_the_graph_around_a_table(client, registered):
    model, (rare_view, other), table = registered["model"], registered["views"], registered["table"]
    graph = gql(client, GRAPH, {"of": {"kind": "GOLD_TABLE", "name": table}, "depth": 2}).data["lineage"]
    depths = {n["id"]: n["depth"] for n in graph["nodes"]}
    assert depths == {
        f"GOLD_TABLE:{table}": 0,
        f"FEATURE_VIEW:{rare_view}": 1,
        f"FEATURE_VIEW:{other}": 1,
        "ENTITY:customer_id": 2,
        f"MODEL_VERSION:{model}/1": 2,
        f"MODEL_VERSION:{model}/2": 2,
        f"MODEL_VERSION:{model}/3": 2,
    }
    edges = {(e["from"], e["to"], e["kind"], e["source"]) for e in graph["edges"]}
    assert (f"MODEL_VERSION:{model}/1", f"FEATURE_VIEW:{other}", "TRAINED_ON", "RECORDED") in edges
    assert (f"MODEL_VERSION:{model}/2", f"FEATURE_VIEW:{rare_view}", "TRAINED_ON", "SIGNATURE") in edges
    assert (f"FEATURE_VIEW:{other}", f"GOLD_TABLE:{table}", "READS", None) in edges
    root_only = gql(client, GRAPH, {"of": {"kind": "GOLD_TABLE", "name": table}, "depth": 0}).data["lineage"]
    assert root_only["nodes"] == [{"id": f"GOLD_TABLE:{table}", "depth": 0}] and root_only["edges"] == []


@pytest.mark.parametrize(
    "of,depth,code",
    [
        ({"kind": "FEATURE_VIEW", "name": "no_such_view"}, 2, "NOT_FOUND"),
        ({"kind": "MODEL_VERSION", "name": "no_such_model", "version": 1}, 2, "NOT_FOUND"),
        ({"kind": "MODEL_VERSION", "name": "m"}, 2, "BAD_USER_INPUT"),
        ({"kind": "FEATURE_VIEW", "name": "v", "version": 1}, 2, "BAD_USER_INPUT"),
        ({"kind": "GOLD_TABLE", "name": "gold.customer_aggregates"}, 5, "BAD_USER_INPUT"),
    ],
)
def test_the_graph_refuses_what_it_cannot_draw(client, of, depth, code):
    assert gql(client, GRAPH, {"of": of, "depth": depth}, errors=True).codes() == [code]
