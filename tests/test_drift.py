"""ModelVersion.featureDrift over GraphQL with a data set shifted on purpose: a version whose run holds the
profile of its training data (as a training job records it), a gold table that then receives newer rows in
which one feature moved and the other did not."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from server.jobs.job_site._asgard_profile import profile
from server.jobs.lineage_file import PROFILE_ARTIFACT
from tests.support.graphql import gql, register_view, unique

DRIFT = """
query($model: String!, $version: Int!, $window: Int!) {
  modelVersion(model: $model, version: $version) {
    featureDrift(window: $window) { feature psi ks drifted trainingCount currentCount }
  }
}
"""
TRAINED_AT = datetime(2026, 1, 1, tzinfo=UTC)
LATER = datetime(2026, 2, 1, tzinfo=UTC)


def _rows(start: datetime, ids: range, shifted: np.ndarray, steady: np.ndarray) -> pa.Table:
    stamps = [start + timedelta(minutes=i) for i in range(len(ids))]
    return pa.table(
        {
            "customer_id": pa.array(list(ids), pa.int64()),
            "moved": pa.array(shifted, pa.float64()),
            "steady": pa.array(steady, pa.float64()),
            "at": pa.array(stamps, pa.timestamp("us", tz="UTC")),
        }
    )


@pytest.fixture(scope="module")
def shifted(client, services, tmp_path_factory):
    rng = np.random.default_rng(20261203)
    training = _rows(TRAINED_AT, range(2000), rng.normal(0, 1, 2000), rng.normal(5, 2, 2000))
    table = unique("drift_table")
    catalog = services.gold.catalog()
    catalog.create_table(("gold", table), schema=training.schema).append(training)
    view = unique("drift_view")
    features = [{"name": "moved", "dtype": "FLOAT64"}, {"name": "steady", "dtype": "FLOAT64"}]
    source = {"table": f"gold.{table}", "timestampField": "at"}
    definition = {"name": view, "entities": ["customer_id"], "features": features, "source": source}
    assert register_view(client, definition)["userErrors"] == []

    mlflow = services.mlflow.client()
    experiment = services.mlflow_writes.create_experiment(unique("drift_exp"), ()).id  # under the data dir
    model = unique("drift_model")
    mlflow.create_registered_model(model)
    run = mlflow.create_run(experiment)
    recorded = {f"{view}:{name}": profile(training.column(name).to_numpy()) for name in ("moved", "steady")}
    folder = tmp_path_factory.mktemp("drift-profile")
    (folder / "feature_profile.json").write_text(json.dumps(recorded))
    mlflow.log_artifact(run.info.run_id, str(folder / "feature_profile.json"), PROFILE_ARTIFACT.rpartition("/")[0])
    mlflow.create_model_version(model, folder.as_uri(), run_id=run.info.run_id)
    bare = mlflow.create_run(experiment)
    mlflow.create_model_version(model, folder.as_uri(), run_id=bare.info.run_id)  # no profile on its run

    newer = _rows(LATER, range(2000, 3000), rng.normal(1.5, 1, 1000), rng.normal(5, 2, 1000))
    catalog.load_table(("gold", table)).append(newer)
    return model, view


def _drift(client, model, version, window):
    found = gql(client, DRIFT, {"model": model, "version": version, "window": window}).data["modelVersion"]
    return {d["feature"]: d for d in found["featureDrift"]}


def test_the_shifted_feature_is_flagged_and_the_steady_one_is_not(client, shifted):
    model, view = shifted
    recent = _drift(client, model, 1, 3 * 86400)  # the newer rows only
    moved, steady = recent[f"{view}:moved"], recent[f"{view}:steady"]
    assert moved["drifted"] is True and moved["psi"] > 0.5 and moved["ks"] > 0.4
    assert steady["drifted"] is False and steady["psi"] < 0.1 and steady["ks"] < 0.1
    assert moved["trainingCount"] == 2000 and moved["currentCount"] == 1000


def test_a_window_over_all_the_data_dilutes_the_shift(client, shifted):
    model, view = shifted
    recent = _drift(client, model, 1, 3 * 86400)[f"{view}:moved"]
    everything = _drift(client, model, 1, 60 * 86400)[f"{view}:moved"]
    assert everything["currentCount"] == 3000 and everything["psi"] < recent["psi"]


def test_without_a_profile_there_is_nothing_to_compare_and_bad_arguments_are_refused(client, shifted):
    model, _ = shifted
    assert _drift(client, model, 2, 86400) == {}
    bad = gql(client, DRIFT, {"model": model, "version": 1, "window": 0}, errors=True)
    assert bad.codes() == ["BAD_USER_INPUT"]
