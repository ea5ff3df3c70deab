"""The Feast repo a training job opens: read-only, and without a secret of the server's in it.

The server's own feature_store.yaml names its registry database (a PostgreSQL URL carries its password),
its online store (Redis, writable) and, inside the registry, each Iceberg source's catalog URI (a SQL
catalog on a database server carries its password too). None of that is the job's. A job gets instead:
- the registry as Feast's own file format, a snapshot taken when the job starts (what a training script
  reads: entities, views, services), so no registry database is reachable with its configuration;
- the same offline engine (DuckDB over the gold catalog, or Trino), with each source's catalog URI
  replaced by the one jobs may use (ASGARD_JOB_CATALOG_URI; by default the server's without its password);
- no online store: a training job reads history, and may not write what predictions read.
Reading S3 takes keys of the job's own (ASGARD_JOB_AWS_ACCESS_KEY_ID / _SECRET_ACCESS_KEY, read-only ones).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from server.config import Settings
from server.services.feast_repo import repo_config
from server.sql_urls import sqlalchemy_url


def without_password(url: str) -> str:
    """`scheme://user:secret@host/db?password=x` -> `scheme://user@host/db`; anything else as it is."""
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and not p.lower().startswith("password="))
    if parts.password is None and query == parts.query:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def job_catalog_uri(settings: Settings) -> str:
    return sqlalchemy_url(settings.jobs.catalog_uri or without_password(settings.catalog_uri))


def job_repo_config(settings: Settings, registry_file: Path) -> dict[str, Any]:
    config = repo_config(settings)
    config["registry"] = {"registry_type": "file", "path": str(registry_file), "cache_ttl_seconds": 0}
    config["online_store"] = {"type": "sqlite", "path": ":memory:"}
    if settings.offline_engine == "trino":
        config["offline_store"]["user"] = settings.jobs.trino_user  # not the server's identity
    return config


def job_registry(registry: bytes, catalog_uri: str, project: str) -> bytes:
    """The serialized registry as a job may see it: this project's objects only, nothing of the registry's
    infrastructure or saved datasets, and every data source in it, wherever it is nested (a view's, a
    feature service's copy of it, an on-demand view's), pointed at the job's catalog URI."""
    from feast.protos.feast.core.DataSource_pb2 import DataSource
    from feast.protos.feast.core.Registry_pb2 import Registry

    proto = Registry.FromString(registry)
    for field, _ in list(proto.ListFields()):
        if field.message_type is None or field.message_type.name == "Timestamp":
            continue  # the schema version, the last update
        if not field.is_repeated or field.name in {"saved_datasets", "permissions", "validation_references"}:
            proto.ClearField(field.name)  # the registry's infrastructure, history, datasets: not the job's
            continue
        kept = [item for item in getattr(proto, field.name) if _project_of(item) == project]
        del getattr(proto, field.name)[:]
        getattr(proto, field.name).extend(kept)

    def walk(message: Any) -> None:
        if isinstance(message, DataSource):
            _point_at(message, catalog_uri)
            return
        for field, value in message.ListFields():
            if field.message_type is None:
                continue
            for item in value if field.is_repeated else [value]:
                if hasattr(item, "ListFields"):
                    walk(item)

    walk(proto)
    return bytes(proto.SerializeToString())


def _project_of(item: Any) -> str | None:
    """The Feast project an object of the registry belongs to (a Project is its own)."""
    spec = getattr(item, "spec", None)
    if spec is None:
        return getattr(item, "project", None)
    if type(item).__name__ == "Project":
        return str(spec.name)
    return getattr(spec, "project", None)


def _point_at(source: Any, catalog_uri: str) -> None:
    if not source.HasField("custom_options") or not source.custom_options.configuration:
        return
    try:
        options = json.loads(source.custom_options.configuration)
    except ValueError:
        return
    catalog = options.get("catalog_properties") if isinstance(options, dict) else None
    if not isinstance(catalog, dict):
        return  # not an Iceberg source: nothing of a catalog in it
    catalog["uri"] = catalog_uri
    if options.get("endpoint"):
        options["endpoint"] = catalog_uri
    source.custom_options.configuration = json.dumps(options).encode()


def write_job_repo(settings: Settings, registry: bytes, repo: Path) -> Path:
    """Write a job's Feast repo (feature_store.yaml and registry.pb) into `repo` and return it."""
    repo.mkdir(parents=True, exist_ok=True)
    registry_file = repo / "registry.pb"
    registry_file.write_bytes(job_registry(registry, job_catalog_uri(settings), settings.feast_project))
    text = yaml.safe_dump(job_repo_config(settings, registry_file), sort_keys=False)
    (repo / "feature_store.yaml").write_text(text)
    return repo
