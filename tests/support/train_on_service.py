"""A training job's script (the tests submit its text): trains on the feature service named in
ASGARD_PARAMS, with historical features from Feast, and says how much it read."""

import json
import os

import mlflow
import pandas as pd
from feast import FeatureStore
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression

params = json.loads(os.environ["ASGARD_PARAMS"])
customers = list(range(1001, 1001 + int(params.get("customers", 600))))
store = FeatureStore(repo_path=os.environ["FEAST_REPO_PATH"])
entities = pd.DataFrame({"customer_id": customers, "event_timestamp": pd.Timestamp("2026-01-07T12:00:00Z")})
frame = store.get_historical_features(entity_df=entities, features=store.get_feature_service(params["service"])).to_df()
X = frame[["total_orders", "total_spent"]].astype("float64")
y = (X["total_orders"] > X["total_orders"].median()).astype(int)
print(f"training on {len(X)} rows")
with mlflow.start_run():
    model = LogisticRegression(max_iter=1000).fit(X, y)
    mlflow.log_metric("accuracy", float(model.score(X, y)))
    mlflow.sklearn.log_model(
        model, name="model", signature=infer_signature(X, model.predict(X)), pip_requirements=["scikit-learn"]
    )
