"""The Feast repo under the data dir: a real feature_store.yaml any Feast user can open."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import yaml

from server.config import Settings
from server.services.trino_engine import TrinoEngine
from server.sql_urls import sqlalchemy_url
from server.store_urls import online_store_config


def registry_kind(url: str) -> str:
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    kinds = {"sqlite": "SQL_SQLITE", "postgresql": "SQL_POSTGRESQL", "postgres": "SQL_POSTGRESQL", "mysql": "SQL_MYSQL"}
    return kinds.get(scheme, "SQL")


def repo_config(settings: Settings) -> dict[str, Any]:
    registry: dict[str, Any] = {
        "registry_type": "sql",
        "path": sqlalchemy_url(settings.registry_url),
        "cache_ttl_seconds": 60,
        # Feast's "sync" mode re-reads the whole registry after every object it writes (three times per
        # registered view: 0.4 s among 5,000 views); in "thread" mode a timer refreshes it every minute. That
        # is for a Feast user who opens this repo: the server's own store has no timer and caches its project
        # alone, refreshed before Feast resolves anything from it (server/services/feast_store.py).
        "cache_mode": "thread",
        "sqlalchemy_config_kwargs": {"echo": False, "pool_pre_ping": True},
    }
    if settings.registry_url.startswith("sqlite"):
        # Concurrent readers wait for a writer instead of failing with "database is locked".
        registry["sqlalchemy_config_kwargs"]["connect_args"] = {"timeout": 30}
    config: dict[str, Any] = {
        "project": settings.feast_project,
        "provider": "local",
        "registry": registry,
        # DuckDB by name, not as a section: Feast validates a section when it reads the config, which imports
        # its DuckDB store (ibis, sqlglot, DuckDB: ~0.5 s of every start); a name is resolved on first use.
        "offline_store": TrinoEngine(settings).feast_config() if settings.offline_engine == "trino" else "duckdb",
        "entity_key_serialization_version": 3,
    }
    online = online_store_config(settings.online_store)
    config["online_store"] = online if online is not None else {"type": "sqlite", "path": ":memory:"}
    return config


def _use_wal(sqlite_url: str) -> None:
    """WAL lets readers go on while a registration writes; the mode is stored in the file."""
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, timeout=30) as conn:
        conn.execute("PRAGMA journal_mode=WAL")


def write_feast_repo(settings: Settings) -> Path:
    """Write feature_store.yaml (only when its content changes) and return the repo dir."""
    repo = settings.feast_repo_path
    repo.mkdir(parents=True, exist_ok=True)
    if settings.registry_url.startswith("sqlite:///"):
        _use_wal(settings.registry_url)
    text = yaml.safe_dump(repo_config(settings), sort_keys=False)
    path = repo / "feature_store.yaml"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return repo
