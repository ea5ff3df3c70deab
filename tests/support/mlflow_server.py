"""A real `mlflow server` process (full MLflow lives in its own venv: it pins graphql-core < 3.3)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.server import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent.parent


def mlflow_executable() -> str:
    exe = os.environ.get("ASGARD_TEST_MLFLOW_SERVER") or str(ROOT / ".venv-mlflow-server" / "bin" / "mlflow")
    if not Path(exe).exists():
        pytest.fail(f"no MLflow server executable at {exe}: run `make test`, which builds the helper venv")
    return exe


@contextmanager
def mlflow_server(data: Path, backend: str, artifacts: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve `backend` (a database URL) with proxied artifacts kept at `artifacts`; yields its URL."""
    port = free_port()
    with open(data / "server.log", "w") as log:
        proc = subprocess.Popen(
            [
                mlflow_executable(),
                "server",
                "--backend-store-uri",
                backend,
                "--artifacts-destination",
                artifacts,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            # MLflow 3's server starts job runners (Huey consumers, seven processes of full MLflow) for its own
            # GenAI jobs, which Asgard never asks for: ~30 s of CPU per server, beside the other tests.
            env={**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **(env or {})},
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{url}/health", proc, data / "server.log")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=30)
