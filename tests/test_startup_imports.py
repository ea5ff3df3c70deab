"""A start, and its first registry read, load nothing that answer does not need (issue 16): Feast itself (its
store opens in the background where the registry's records file is current), Feast's DuckDB offline store
(ibis, sqlglot, DuckDB: ~0.5 s), MLflow and scikit-learn load on first use. A fresh process over an existing
data dir, as `asgard serve` opens it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from server.app import create_app, create_services
from server.config import load_settings
from server.services.demo import load_demo_gold_layer
from tests.support.client import local_client
from tests.support.graphql import customer_view_input, register_view, unique

ROOT = Path(__file__).resolve().parent.parent
LATER = ("feast", "ibis", "sqlglot", "duckdb", "mlflow", "sklearn")
# Feast's background open is held until the first answer is in (else it races the answer to the imports)
SCRIPT = f"""
import json, sys, threading
from pathlib import Path
from server.feast_import import skip_feast_instrumentation
skip_feast_instrumentation()
from server.app import create_app, create_services
from server.config import load_settings
from server.services.feature_registry import FeatureRegistry
from tests.support.client import local_client
held, opened_by = threading.Event(), []
real_open = FeatureRegistry._open_feast
def held_open(registry):
    opened_by.append(threading.current_thread().name)
    if threading.current_thread() is not threading.main_thread():
        held.wait(120)
    return real_open(registry)
FeatureRegistry._open_feast = held_open
settings = load_settings(env={{}}, data_dir=Path(sys.argv[1]))
with local_client(create_app(settings, create_services(settings))) as client:
    answer = client.post("/graphql", json={{"query": "query($v: String!) {{ featureView(name: $v) {{ name }} }}",
                                          "variables": {{"v": sys.argv[2]}}}})
    loaded = sorted(m for m in {LATER!r} if m in sys.modules)
    held.set()
    online = {{"features": [sys.argv[2] + ":total_orders"], "entities": {{"customer_id": [1001]}}}}
    read = client.post("/graphql", json={{"query": "query($i: OnlineFeaturesInput!) {{ onlineFeatures(input: $i) {{ statuses }} }}",
                                        "variables": {{"i": online}}}})
    print(json.dumps({{"answer": answer.json(), "loaded": loaded, "opened_by": opened_by, "read": read.json()}}))
"""


def test_a_start_and_its_first_registry_read_load_no_feast_offline_engine_mlflow_or_scikit_learn(tmp_path):
    settings = load_settings(env={}, data_dir=tmp_path)  # a registry of its own: no other writer changes it
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    view = unique("startup_view")
    with local_client(create_app(settings, services)) as client:
        assert register_view(client, customer_view_input(view))["userErrors"] == []
    services.registry.close()  # the server's stop: the records file written
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(settings.data_dir), view],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "errors" not in result["answer"], result["answer"]
    assert result["answer"]["data"]["featureView"] == {"name": view}
    assert result["loaded"] == []
    assert result["opened_by"] == ["asgard-feast-open"]  # in the background, once
    assert result["read"] == {"data": {"onlineFeatures": {"statuses": [["PRESENT", "NOT_FOUND"]]}}}, result["read"]
