"""MLflow as the platform ran it: a real `mlflow server` on PostgreSQL with its artifacts on S3 (proxied,
so neither the API nor a job holds S3 keys for them). A training job logs a model there through the
job's tracking channel; predict loads it back from S3, in a model worker."""

from __future__ import annotations

import uuid

import pytest
from pyarrow import fs

from server.app import create_app, create_services
from server.config import load_settings
from tests.support.client import local_client
from tests.support.graphql import gql
from tests.support.jobs import submit, wait_for
from tests.support.lakehouse import new_database, require
from tests.support.mlflow_server import mlflow_server

TRAIN = """
import mlflow, numpy as np, pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

X = pd.DataFrame({"total_orders": np.arange(40, dtype="float64"), "total_spent": np.arange(40, dtype="float64") * 10})
y = (X["total_orders"] > 20).astype(int)
with mlflow.start_run():
    model = LogisticRegression(max_iter=500).fit(X, y)
    mlflow.sklearn.log_model(
        model, name="model", signature=infer_signature(X, model.predict(X)), pip_requirements=["scikit-learn"]
    )
"""
PREDICT = """
mutation($input: PredictInput!) {
  predict(input: $input) { predictions modelVersion { model version } userErrors { code message } }
}
"""


@pytest.fixture(scope="module")
def s3_mlflow(tmp_path_factory):
    env = require(
        "ASGARD_TEST_POSTGRES_URL",
        "ASGARD_TEST_S3_ENDPOINT",
        "ASGARD_TEST_MLFLOW_ARTIFACTS",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
    )
    data = tmp_path_factory.mktemp("mlflow-s3")
    database = new_database(env["ASGARD_TEST_POSTGRES_URL"]).replace("postgresql://", "postgresql+psycopg://")
    prefix = f"{env['ASGARD_TEST_MLFLOW_ARTIFACTS']}{uuid.uuid4().hex[:10]}"
    with mlflow_server(data, database, prefix, env={"MLFLOW_S3_ENDPOINT_URL": env["ASGARD_TEST_S3_ENDPOINT"]}) as url:
        settings = load_settings(env={}, data_dir=data / "asgard", mlflow_tracking_uri=url, registry_cache_seconds=0.5)
        services = create_services(settings)
        with local_client(create_app(settings, services)) as client:
            yield client, prefix.removeprefix("s3://"), env


def test_a_job_logs_a_model_to_s3_and_predict_loads_it_back(s3_mlflow):
    client, prefix, env = s3_mlflow
    model = f"s3_model_{uuid.uuid4().hex[:6]}"
    submitted = submit(client, TRAIN, modelName=model)
    assert submitted["userErrors"] == [], submitted
    job = wait_for(client, submitted["job"]["id"], {"SUCCEEDED", "FAILED"}, timeout=300)
    assert job["status"] == "SUCCEEDED", job["error"]
    assert job["modelVersion"]["model"] == model

    store = fs.S3FileSystem(
        endpoint_override=env["ASGARD_TEST_S3_ENDPOINT"],
        access_key=env["AWS_ACCESS_KEY_ID"],
        secret_key=env["AWS_SECRET_ACCESS_KEY"],
        region=env["AWS_REGION"],
    )
    names = {info.base_name for info in store.get_file_info(fs.FileSelector(prefix, recursive=True))}
    assert "MLmodel" in names, names  # the model's files are on S3, not on the API's disk

    result = gql(
        client,
        PREDICT,
        {"input": {"model": model, "rows": {"total_orders": [1.0, 35.0], "total_spent": [10.0, 350.0]}}},
    ).data["predict"]
    assert result["userErrors"] == []
    assert result["predictions"] == [0, 1]
    assert result["modelVersion"] == {"model": model, "version": 1}
