"""What a training script does with MLflow: run, params, metric history, artifacts, a logged and
registered scikit-learn model. Run as a subprocess with MLFLOW_TRACKING_URI set."""

from __future__ import annotations

import json
import os
import sys
import tempfile

import mlflow
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

experiment_name, model_name = sys.argv[1], sys.argv[2]
artifact_location = os.environ.get("ARTIFACT_LOCATION")
client = mlflow.MlflowClient()
if client.get_experiment_by_name(experiment_name) is None:
    client.create_experiment(experiment_name, artifact_location=artifact_location, tags={"team": "growth"})
mlflow.set_experiment(experiment_name)

rng = np.random.default_rng(0)
X = pd.DataFrame({"total_orders": rng.integers(0, 20, 200), "total_spent": rng.uniform(0, 900, 200)})
y = (X["total_orders"] > 8).astype(int)
run_ids = []
for i, c in enumerate((0.1, 1.0)):
    with mlflow.start_run(run_name=f"logreg-{i}") as run:
        mlflow.log_params({"C": c, "solver": "lbfgs"})
        for step in range(10):
            mlflow.log_metric("loss", 1.0 / (step + 1 + i), step=step)
        mlflow.log_metric("loss", 0.01, step=2**53 + 1)
        mlflow.log_metric("accuracy", 0.9 + i / 100)
        mlflow.set_tag("purpose", "test")
        mlflow.log_input(mlflow.data.from_pandas(X, name="customers"), context="training")
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "report.json"), "w") as f:
                json.dump({"c": c}, f)
            os.makedirs(os.path.join(tmp, "plots"))
            with open(os.path.join(tmp, "plots", "roc.txt"), "w") as f:
                f.write("roc" * 100)
            mlflow.log_artifacts(tmp)
        model = LogisticRegression(C=c, max_iter=500).fit(X, y)
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(X, model.predict(X)),
            registered_model_name=model_name,
            pip_requirements=["scikit-learn"],  # what MLflow would infer, without its ~10 s subprocess
        )
        run_ids.append(run.info.run_id)
print(json.dumps({"runs": run_ids}))
