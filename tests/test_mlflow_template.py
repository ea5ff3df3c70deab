"""A new embedded MLflow database from the cache dir's template (server/services/mlflow_template.py): the first
data dir's database is made by MLflow's migrations and becomes the template; the next ones are copies of it,
each with a Default experiment of its own; a damaged template or no cache dir costs only the shortcut."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import mlflow.store.db.utils as mlflow_db
import pytest

from server.app import create_app, create_services
from server.config import load_settings
from server.services.mlflow_template import template_path
from tests.support.client import local_client
from tests.support.graphql import gql

DEFAULT = '{ experiment(name: "Default") { id name artifactLocation } }'


def _default_experiment(data: Path, cache: Path | None) -> dict:
    settings = replace(load_settings(env={}, data_dir=data), cache_dir=cache)
    with local_client(create_app(settings, create_services(settings))) as client:
        return gql(client, DEFAULT).data["experiment"]


@pytest.fixture
def migrations(monkeypatch) -> list[int]:
    """How often MLflow ran its migrations (it makes a new database that way)."""
    calls: list[int] = []
    real = mlflow_db._initialize_tables
    monkeypatch.setattr(mlflow_db, "_initialize_tables", lambda engine: calls.append(1) or real(engine))
    return calls


def test_the_first_database_is_migrated_and_the_next_are_copies_with_their_own_default_experiment(tmp_path, migrations):
    cache = tmp_path / "cache"
    first = _default_experiment(tmp_path / "a", cache)
    assert migrations == [1] and first["id"] == "0" and first["artifactLocation"].startswith("<data-dir>/mlartifacts")
    template = template_path(cache)
    with sqlite3.connect(template) as db:
        assert db.execute("SELECT count(*) FROM experiments").fetchone() == (0,)  # no data dir's Default in it
    assert oct(cache.stat().st_mode & 0o777) == oct(0o700)

    second = _default_experiment(tmp_path / "b", cache)
    assert migrations == [1]  # copied, not migrated
    assert second["id"] == "0" and second["artifactLocation"].startswith("<data-dir>/")  # its own data dir, masked


def test_a_damaged_template_is_made_again_and_no_cache_dir_keeps_nothing(tmp_path, migrations):
    cache = tmp_path / "cache"
    cache.mkdir()
    template_path(cache).write_bytes(b"not a database")
    assert _default_experiment(tmp_path / "a", cache)["id"] == "0"
    assert migrations == [1]
    with sqlite3.connect(template_path(cache)) as db:  # made again from the migrated database
        assert db.execute("SELECT count(*) FROM experiments").fetchone() == (0,)

    assert _default_experiment(tmp_path / "b", None)["id"] == "0"
    assert migrations == [1, 1]


def test_a_template_others_may_write_to_is_not_used(tmp_path, migrations):
    cache = tmp_path / "cache"
    _default_experiment(tmp_path / "a", cache)
    cache.chmod(0o777)  # a shared directory: anyone could have put the template there
    assert _default_experiment(tmp_path / "b", cache)["id"] == "0"
    assert migrations == [1, 1]
    cache.chmod(0o700)
    template_path(cache).chmod(0o666)
    _default_experiment(tmp_path / "c", cache)
    assert migrations == [1, 1, 1]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ASGARD_CACHE_DIR": "/srv/asgard-cache"}, Path("/srv/asgard-cache")),
        ({"ASGARD_CACHE_DIR": "off"}, None),
        ({"XDG_CACHE_HOME": "/home/u/.cache"}, Path("/home/u/.cache/asgard")),
        ({}, Path.home() / ".cache" / "asgard"),
    ],
)
def test_the_cache_dir_setting(tmp_path, env, expected):
    assert load_settings(env=env, data_dir=tmp_path).cache_dir == expected
