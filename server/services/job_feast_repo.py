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


def without_password(url: str) -> str:
    """`scheme://user:secret@host/db` -> `scheme://user@host/db`; anything else as it is."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}@{host}" if parts.username else host))


def job_catalog_uri(settings: Settings) -> str:
    return settings.jobs.catalog_uri or without_password(settings.catalog_uri)


def job_repo_config(settings: Settings, registry_file: Path) -> dict[str, Any]:
    config = repo_config(settings)
    config["registry"] = {"registry_type": "file", "path": str(registry_file), "cache_ttl_seconds": 0}
    config["online_store"] = {"type": "sqlite", "path": ":memory:"}
    return config


def job_registry(registry: bytes, catalog_uri: str) -> bytes:
    """The serialized registry with every Iceberg source pointed at the job's catalog URI."""
    from feast.protos.feast.core.Registry_pb2 import Registry

    proto = Registry.FromString(registry)
    sources = [*proto.data_sources]
    for view in proto.feature_views:
        sources.append(view.spec.batch_source)
        if view.spec.HasField("stream_source"):
            sources.append(view.spec.stream_source)
    for stream_view in proto.stream_feature_views:
        sources += [stream_view.spec.batch_source, stream_view.spec.stream_source]
    for source in sources:
        if not source.HasField("custom_options") or not source.custom_options.configuration:
            continue
        try:
            options = json.loads(source.custom_options.configuration)
        except ValueError:
            continue
        catalog = options.get("catalog_properties") if isinstance(options, dict) else None
        if not isinstance(catalog, dict):
            continue  # not an Iceberg source: nothing of a catalog in it
        catalog["uri"] = catalog_uri
        if options.get("endpoint"):
            options["endpoint"] = catalog_uri
        source.custom_options.configuration = json.dumps(options).encode()
    return bytes(proto.SerializeToString())


def write_job_repo(settings: Settings, registry: bytes, repo: Path) -> Path:
    """Write a job's Feast repo (feature_store.yaml and registry.pb) into `repo` and return it."""
    repo.mkdir(parents=True, exist_ok=True)
    registry_file = repo / "registry.pb"
    registry_file.write_bytes(job_registry(registry, job_catalog_uri(settings)))
    text = yaml.safe_dump(job_repo_config(settings, registry_file), sort_keys=False)
    (repo / "feature_store.yaml").write_text(text)
    return repo
