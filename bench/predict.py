"""Predictions for 1 and 100 customers: Asgard's `predict` (the model named, the customers' ids, the
features found by the server from the model's signature) against the in-process floor, which is what
a service would otherwise do itself: the Feast SDK's online read plus an MLflow pyfunc model loaded
once. Sequential latency, p50 and p99, the same customers on both sides."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import ServerProcess

VIEW, MODEL, EXPERIMENT = "bench_predict", "bench_churn", "bench-predict"
FEATURES = ["total_orders", "total_spent"]
FIRST_CUSTOMER, CUSTOMERS = 1001, 3000  # the demo gold layer's customers
PREDICT = """
mutation P($i: PredictInput!) {
  predict(input: $i) { predictions missingFeatures modelVersion { version } userErrors { code message } }
}
"""


def _post(server: ServerProcess, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    data = server.post(query, variables)
    payload = next(iter(data.values()))
    assert not payload.get("userErrors"), payload
    return payload


def prepare(server: ServerProcess) -> None:
    """An online view over the demo's customers, materialized; an experiment for the model."""
    view = {
        "name": VIEW,
        "entities": ["customer_id"],
        "features": [{"name": "total_orders", "dtype": "INT64"}, {"name": "total_spent", "dtype": "FLOAT64"}],
        "source": {"table": "gold.customer_aggregates", "timestampField": "updated_at"},
        "ttlSeconds": 0,  # the demo's rows are from January 2026: never outside max age
        "online": True,
    }
    _post(server, "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { change } }", {"i": view})
    op = _post(
        server,
        "mutation($i: MaterializeInput!) { materialize(input: $i) { operation { id } userErrors { message } } }",
        {"i": {"featureViews": [VIEW], "start": "2025-12-01T00:00:00Z", "end": "2026-02-01T00:00:00Z"}},
    )["operation"]["id"]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = server.post("query($id: ID!) { materialization(id: $id) { status error } }", {"id": op})
        if state["materialization"]["status"] != "RUNNING":
            assert state["materialization"]["status"] == "SUCCEEDED", state
            break
        time.sleep(0.2)
    else:
        raise RuntimeError("materialization did not finish")
    create = "mutation($i: CreateExperimentInput!) { createExperiment(input: $i) { userErrors { code message } } }"
    _post(server, create, {"i": {"name": EXPERIMENT}})


def train(data_dir: Path) -> int:
    """What a training script does against the server's tracking store: features as of a time from
    the offline store, a logistic regression, logged and registered with its signature."""
    import mlflow
    import pandas as pd
    from feast import FeatureStore
    from mlflow.models import infer_signature
    from sklearn.linear_model import LogisticRegression

    from server.config import load_settings

    settings = load_settings(env={}, data_dir=data_dir)
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    mlflow.set_experiment(EXPERIMENT)
    store = FeatureStore(repo_path=str(data_dir / "feast"))
    entities = pd.DataFrame(
        {
            "customer_id": range(FIRST_CUSTOMER, FIRST_CUSTOMER + CUSTOMERS),
            "event_timestamp": pd.Timestamp("2026-01-07T12:00:00Z"),
        }
    )
    frame = store.get_historical_features(entity_df=entities, features=[f"{VIEW}:{f}" for f in FEATURES]).to_df()
    x = frame[FEATURES].astype("float64")
    y = (frame["total_orders"] > frame["total_orders"].median()).astype(int)
    with mlflow.start_run(run_name="bench-logreg"):
        model = LogisticRegression(max_iter=1000).fit(x, y)
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(x, model.predict(x)),
            registered_model_name=MODEL,
            pip_requirements=["scikit-learn"],
        )
    return int(info.registered_model_version)


def _in_process(data_dir: Path, version: int) -> Callable[[list[int]], list[Any]]:
    """The floor: one FeatureStore and one loaded model, reused for every call."""
    import mlflow
    from feast import FeatureStore

    from server.config import load_settings

    mlflow.set_tracking_uri(load_settings(env={}, data_dir=data_dir).mlflow_tracking_uri)
    model = mlflow.pyfunc.load_model(f"models:/{MODEL}/{version}")
    store = FeatureStore(repo_path=str(data_dir / "feast"))
    refs = [f"{VIEW}:{f}" for f in FEATURES]

    def predict(ids: list[int]) -> list[Any]:
        rows = [{"customer_id": i} for i in ids]
        frame = store.get_online_features(features=refs, entity_rows=rows).to_df()
        return list(model.predict(frame[FEATURES].astype("float64")).tolist())

    return predict


def _over_http(server: ServerProcess) -> Callable[[list[int]], list[Any]]:
    client = httpx.Client(timeout=60)
    url = f"{server.url}/graphql"

    def predict(ids: list[int]) -> list[Any]:
        body = {"query": PREDICT, "variables": {"i": {"model": MODEL, "entities": {"customer_id": ids}}}}
        response = client.post(url, json=body)
        response.raise_for_status()
        result = response.json()
        if "errors" in result or result["data"]["predict"]["userErrors"]:
            raise RuntimeError(result)
        return list(result["data"]["predict"]["predictions"])

    return predict


def _latencies(predict: Callable[[list[int]], Any], ids: list[int], n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        predict(ids)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _p(samples: list[float], q: float) -> float:
    return round(samples[min(len(samples) - 1, int(len(samples) * q))], 3)


def measure(data_dir: Path, server: ServerProcess, version: int, requests: int, rounds: int) -> list[dict[str, Any]]:
    """Both targets in turn, `rounds` times, pooling the samples, so that a machine getting busier
    or quieter during the run weighs on both alike."""
    targets = {"in-process": _in_process(data_dir, version), "asgard": _over_http(server)}
    results = []
    for customers in (1, 100):
        ids = list(range(FIRST_CUSTOMER, FIRST_CUSTOMER + customers))
        answers = {name: predict(ids) for name, predict in targets.items()}
        # like with like: every customer found, and the same predictions on both sides
        assert answers["asgard"] == answers["in-process"] and None not in answers["asgard"], answers
        samples: dict[str, list[float]] = {name: [] for name in targets}
        for predict in targets.values():
            _latencies(predict, ids, max(requests // 10, 5))  # warm-up
        for _ in range(rounds):
            for name, predict in targets.items():
                samples[name] += _latencies(predict, ids, max(requests // rounds, 1))
        for name, pooled in samples.items():
            pooled.sort()
            results.append(
                {
                    "target": name,
                    "customers": customers,
                    "p50_ms": round(statistics.median(pooled), 3),
                    "p99_ms": _p(pooled, 0.99),
                    "samples": len(pooled),
                }
            )
    floor = {r["customers"]: r for r in results if r["target"] == "in-process"}
    worker_mb = model_worker_rss_mb(server)
    for r in results:
        r["p50_vs_in_process"] = round(r["p50_ms"] / floor[r["customers"]]["p50_ms"], 2)
        r["p99_vs_in_process"] = round(r["p99_ms"] / floor[r["customers"]]["p99_ms"], 2)
        r["model_worker_rss_mb"] = worker_mb if r["target"] == "asgard" else None
    return results


def model_worker_rss_mb(server: ServerProcess) -> float | None:
    """Resident memory of the server's model worker processes (one loaded model version here), in MB:
    what a loaded model costs now that its code runs outside the API process."""
    from server.jobs.processes import descendants

    assert server.proc is not None
    total = 0
    for pid in descendants(server.proc.pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if b"server.model_worker" in command:
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return round(total / 1024, 1) if total else None


def run(data_dir: Path, requests: int, rounds: int = 5) -> list[dict[str, Any]]:
    data_dir.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(data_dir, "--demo", "--log-level", "WARNING").start()
    try:
        prepare(server)
        version = train(data_dir)
        return measure(data_dir, server, version, requests, rounds)
    finally:
        server.stop()


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "Predictions: Asgard's predict over HTTP (model and customer ids only) vs in-process "
        "(Feast SDK online read + MLflow pyfunc loaded once)",
        "",
        "| customers | target | p50 ms | p99 ms | p50 vs in-process | p99 vs in-process | model worker RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        memory = r.get("model_worker_rss_mb")
        lines.append(
            f"| {r['customers']} | {r['target']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['p50_vs_in_process']:.2f}x | {r['p99_vs_in_process']:.2f}x | {memory if memory else ''} |"
        )
    return "\n".join(lines)
