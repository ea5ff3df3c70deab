"""Shared fixtures: one temp data dir with the demo gold layer, real Feast/pyiceberg/MLflow."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from server.app import create_app, create_services
from server.config import NO_TELEMETRY, Settings, load_settings
from server.context import Services
from server.feast_import import skip_feast_instrumentation
from server.services.demo import load_demo_gold_layer
from server.sklearn_estimators import give_skops_the_known_estimators
from tests.support.client import local_client
from tests.support.demo_server import DEMO_SERVER_ENV, Background, DemoServer, attach, attach_spawned, spawn

# Before any test module imports Feast (nothing above does): as in the server (server/feast_import.py),
# ~3 s less per worker at collection, and Feast's calls in this process unchecked, as in the server's.
skip_feast_instrumentation()
# skops (scikit-learn models through MLflow, the tests' oracles) given scikit-learn's estimator names, as the model
# workers and jobs are: ~0.5 s less per worker that loads such a model.
give_skops_the_known_estimators()
# Before any test module imports MLflow, as the server does before it does: MLflow's telemetry thread pops
# its session variable from os.environ while other threads copy the environment ("dictionary changed size
# during iteration" starting a process), and the processes the tests start inherit it.
os.environ.update(NO_TELEMETRY)

# The files that take longest (a minute or more each: real MLflow servers, S3, training jobs, a second
# server), first: `--dist loadfile` hands files to the workers in this order, so the long ones start at
# once and the short ones fill in around them, instead of one long file running alone at the end.
LONGEST_FIRST = (  # about a minute each, then tens of seconds (2026-12-03, -n 2); the first two mostly wait on
    "test_mlflow_remote.py",  # an MLflow server while the next two train: the order that ran fastest
    "test_mlflow_s3.py",
    "test_jobs.py",
    "test_jobs_processes.py",
    "test_predict.py",
    "test_mlflow_paging.py",
    "test_fuzz.py",
    "test_client_e2e.py",
    "test_historical.py",
    "test_sandbox.py",
    "test_auth.py",
    "test_model_workers.py",
    "test_serving.py",
    "test_replicas.py",
    "test_workers.py",
    "test_rest_bridge.py",
    "test_change_events.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: a file's own order kept


# The files whose tests use the run's one shared demo server (tests/support/demo_server.py).
DEMO_SERVER_USERS = ("test_client_e2e.py", "test_explorer_browser.py")
_shared_demo: Background | None = None


def _wants_demo_server(config: pytest.Config) -> bool:
    """Whether the run includes a file that uses the shared demo server (not the benchmarks' smoke run)."""
    if (config.option.markexpr or "").strip() == "bench":
        return False
    here = Path(__file__).parent
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path.name in DEMO_SERVER_USERS or (path.is_dir() and here.is_relative_to(path)):
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """In the run's first process (xdist's controller, before it starts the workers, who inherit the variable):
    the shared demo server, spawned in the background."""
    global _shared_demo
    if os.environ.get("PYTEST_XDIST_WORKER") or not _wants_demo_server(session.config):
        return
    _shared_demo = Background(Path(tempfile.mkdtemp(prefix="asgard-demo-server-")))
    os.environ[DEMO_SERVER_ENV] = str(_shared_demo.info)
    _shared_demo.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the Nessie branches, Trino catalogs and databases this process made on the shared servers; in the
    run's first process, stop the shared demo server."""
    import sys

    if _shared_demo is not None:
        _shared_demo.stop()
        shutil.rmtree(_shared_demo.data, ignore_errors=True)
    lakehouse = sys.modules.get("tests.support.lakehouse")
    if lakehouse is not None:
        for problem in lakehouse.cleanup():
            print(f"\ncould not clean up {problem}", file=sys.stderr)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("asgard-data")
    return load_settings(env={}, data_dir=Path(data), registry_cache_seconds=0.5)


@pytest.fixture(scope="session")
def services(settings: Settings) -> Services:
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    return services


@pytest.fixture(scope="session")
def client(settings: Settings, services: Services) -> Iterator[TestClient]:
    with local_client(create_app(settings, services)) as c:
        yield c


def _lakehouse(tmp_path_factory: pytest.TempPathFactory, engine: str) -> Iterator[tuple[TestClient, Services]]:
    from tests.support.lakehouse import lakehouse_settings

    data = tmp_path_factory.mktemp(f"lakehouse-{engine}")
    settings = lakehouse_settings(data, engine=engine, registry_cache_seconds=0.5)
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    with local_client(create_app(settings, services)) as c:
        yield c, services


@pytest.fixture(scope="session")
def lakehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Services]]:
    """An app on the seed's stack: gold layer on Nessie + S3, Feast registry on PostgreSQL (made on first use)."""
    yield from _lakehouse(tmp_path_factory, "duckdb")


@pytest.fixture(scope="session")
def lakehouse_trino(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Services]]:
    """The same stack with Trino as the offline engine: retrieval, exports and materialization run there."""
    yield from _lakehouse(tmp_path_factory, "trino")


@pytest.fixture(scope="module", params=["embedded", "lakehouse", "trino"])
def gold_backend(request: pytest.FixtureRequest) -> tuple[TestClient, Services]:
    """The same tests on the embedded gold layer (SQL catalog, local files, DuckDB), on the real lakehouse
    (Nessie, S3, PostgreSQL) with DuckDB, and on the lakehouse with Trino as the offline engine."""
    if request.param == "embedded":
        return request.getfixturevalue("client"), request.getfixturevalue("services")
    found: tuple[TestClient, Services] = request.getfixturevalue(
        "lakehouse" if request.param == "lakehouse" else "lakehouse_trino"
    )
    return found


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """`asgard serve --demo` with an admin and a reader token: the run's shared one, or, where the run started
    none, one for this session."""
    shared = os.environ.get(DEMO_SERVER_ENV)
    if shared:
        yield attach(Path(shared))
        return
    process, server = spawn(tmp_path_factory.mktemp("demo-server"))
    try:
        yield attach_spawned(process, server)
    finally:
        process.stop()
