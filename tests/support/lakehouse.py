"""The real lakehouse (scripts/lakehouse-services): Nessie's Iceberg REST catalog over S3 (s3proxy),
Trino, and PostgreSQL for Feast's registry. Each test session gets a Nessie branch of its own, so
sessions (and xdist workers) never see each other's gold tables, and a Feast project of its own."""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from server.config import Settings, load_settings

NEEDED = (
    "ASGARD_TEST_ICEBERG_REST_URI",
    "ASGARD_TEST_WAREHOUSE",
    "ASGARD_TEST_S3_ENDPOINT",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
    "ASGARD_TEST_POSTGRES_URL",
)


def require(*names: str) -> dict[str, str]:
    """The variables named, or a failure that names the missing ones (no silent skips)."""
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not set: run the suite with `make test`, whose scripts/test-services starts "
            "PostgreSQL and the lakehouse (scripts/lakehouse-services: s3proxy, Nessie, Trino)"
        )
    return {n: os.environ[n] for n in names}


# What this process made on the shared servers, undone (newest first) by cleanup() at the session's end,
# so repeated `make test` runs leave no branches, Trino catalogs or databases behind.
_UNDO: list[tuple[str, Callable[[], None]]] = []


def cleanup() -> list[str]:
    """Undo what this process made; returns what could not be undone (the servers may be gone)."""
    failed = []
    while _UNDO:
        what, undo = _UNDO.pop()
        try:
            undo()
        except Exception as error:  # best effort: report it, go on with the rest
            failed.append(f"{what}: {error}")
    return failed


def _delete_branch(root: str, name: str) -> None:
    with urllib.request.urlopen(f"{root}/api/v2/trees/{name}", timeout=30) as response:
        head = json.load(response)["reference"]["hash"]
    request = urllib.request.Request(f"{root}/api/v2/trees/{name}@{head}", method="DELETE")
    with urllib.request.urlopen(request, timeout=30):
        pass


def nessie_branch(rest_uri: str, name: str) -> str:
    """A new Nessie branch off main; returns the Iceberg REST URI that reads and writes it."""
    root = rest_uri.rstrip("/").removesuffix("/iceberg")
    with urllib.request.urlopen(f"{root}/api/v2/trees/main", timeout=30) as response:
        main = json.load(response)["reference"]
    body = json.dumps({"type": "BRANCH", "name": "main", "hash": main["hash"]}).encode()
    request = urllib.request.Request(
        f"{root}/api/v2/trees?name={name}&type=BRANCH",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30):
        pass
    _UNDO.append((f"Nessie branch {name}", lambda: _delete_branch(root, name)))
    return f"{root}/iceberg/{name}"


def new_database(url: str) -> str:
    """A database of its own on the test PostgreSQL (other tests drop tables of the shared one)."""
    import psycopg

    name = f"asgard_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    _UNDO.append((f"database {name}", drop))
    return url.rsplit("/", 1)[0] + "/" + name


def feast_project(url: str, name: str) -> str:
    """A Feast project of its own in the shared registry database; its rows are deleted at the session's end
    (a registry database keeps every project ever made in it otherwise)."""

    def delete() -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(url, autocommit=True) as conn:
            found = conn.execute(
                "SELECT table_name FROM information_schema.columns"
                " WHERE column_name = 'project_id' AND table_schema = current_schema()"
            )
            for (table,) in found.fetchall():
                conn.execute(sql.SQL("DELETE FROM {} WHERE project_id = %s").format(sql.Identifier(table)), (name,))

    _UNDO.append((f"Feast project {name}", delete))
    return name


def trino_catalog(trino_url: str, name: str, rest_uri: str) -> None:
    """A Trino catalog over one Nessie branch (Trino's dynamic catalogs), with the store's keys."""
    import trino

    parts = urllib.parse.urlsplit(trino_url)
    conn = trino.dbapi.connect(host=parts.hostname, port=parts.port, user="asgard-tests")
    options = {
        "iceberg.catalog.type": "rest",
        "iceberg.rest-catalog.uri": rest_uri,
        "iceberg.rest-catalog.warehouse": "warehouse",
        "fs.native-s3.enabled": "true",
        "s3.endpoint": os.environ["ASGARD_TEST_S3_ENDPOINT"],
        "s3.region": os.environ["AWS_REGION"],
        "s3.path-style-access": "true",
        "s3.aws-access-key": os.environ["AWS_ACCESS_KEY_ID"],
        "s3.aws-secret-key": os.environ["AWS_SECRET_ACCESS_KEY"],
    }
    with_clause = ", ".join(f"\"{k}\" = '{v}'" for k, v in options.items())
    cursor = conn.cursor()
    cursor.execute(f"CREATE CATALOG {name} USING iceberg WITH ({with_clause})")
    cursor.fetchall()

    def drop() -> None:
        cursor = trino.dbapi.connect(host=parts.hostname, port=parts.port, user="asgard-tests").cursor()
        cursor.execute(f"DROP CATALOG IF EXISTS {name}")
        cursor.fetchall()

    _UNDO.append((f"Trino catalog {name}", drop))


def lakehouse_settings(data_dir: Path, engine: str = "duckdb", **overrides: object) -> Settings:
    """Settings of a server whose gold layer is Iceberg on S3 behind Nessie, and whose Feast registry
    is on PostgreSQL: the seed platform's stack; with `engine="trino"`, historical retrieval, exports
    and materialization run on Trino over the same tables."""
    env = require(*NEEDED, *(("ASGARD_TEST_TRINO_URL",) if engine == "trino" else ()))
    branch = f"asgard_{uuid.uuid4().hex[:10]}"
    rest_uri = nessie_branch(env["ASGARD_TEST_ICEBERG_REST_URI"], branch)
    if engine == "trino":
        trino_catalog(env["ASGARD_TEST_TRINO_URL"], branch, rest_uri)
        overrides.update(offline_engine="trino", trino_url=env["ASGARD_TEST_TRINO_URL"], trino_catalog=branch)
    # s3proxy knows one identity: jobs get the same keys here; an operator gives them read-only ones
    jobs_keys = {
        "ASGARD_JOB_AWS_ACCESS_KEY_ID": env["AWS_ACCESS_KEY_ID"],
        "ASGARD_JOB_AWS_SECRET_ACCESS_KEY": env["AWS_SECRET_ACCESS_KEY"],
    }
    return load_settings(
        env=jobs_keys,
        data_dir=data_dir,
        catalog_uri=rest_uri,
        warehouse=env["ASGARD_TEST_WAREHOUSE"],
        s3_endpoint=env["ASGARD_TEST_S3_ENDPOINT"],
        registry_url=env["ASGARD_TEST_POSTGRES_URL"],
        feast_project=feast_project(env["ASGARD_TEST_POSTGRES_URL"], branch),
        export_location=f"{env['ASGARD_TEST_WAREHOUSE']}asgard-exports/{branch}",  # what replicas would share
        **overrides,
    ).resolved()
