"""A start, and its first registry read, load nothing that answer does not need (issue 16): Feast's DuckDB
offline store (ibis, sqlglot, DuckDB: ~0.5 s), MLflow and scikit-learn load on first use. A fresh process
over an existing data dir, as `asgard serve` opens it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.graphql import customer_view_input, register_view, unique

ROOT = Path(__file__).resolve().parent.parent
LATER = ("ibis", "sqlglot", "duckdb", "mlflow", "sklearn")
SCRIPT = f"""
import json, sys
from pathlib import Path
from server.feast_import import skip_feast_instrumentation
skip_feast_instrumentation()
from server.app import create_app, create_services
from server.config import load_settings
from tests.support.client import local_client
settings = load_settings(env={{}}, data_dir=Path(sys.argv[1]))
with local_client(create_app(settings, create_services(settings))) as client:
    answer = client.post("/graphql", json={{"query": "{{ featureViews(first: 5) {{ edges {{ node {{ name }} }} }} }}"}})
    loaded = sorted(m for m in {LATER!r} if m in sys.modules)
    print(json.dumps({{"answer": answer.json(), "loaded": loaded}}))
"""


def test_a_start_and_its_first_registry_read_load_no_offline_engine_mlflow_or_scikit_learn(settings, client):
    assert register_view(client, customer_view_input(unique("startup_view")))["userErrors"] == []
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(settings.data_dir)], capture_output=True, text=True, timeout=180, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "errors" not in result["answer"], result["answer"]
    assert result["answer"]["data"]["featureViews"]["edges"]
    assert result["loaded"] == []
