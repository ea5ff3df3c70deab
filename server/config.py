"""One typed Settings object, read once from ASGARD_* environment variables.

Every backend has an embedded default under one data directory; the scale-out backends are
chosen by setting a URL, never by code changes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DATA_DIR = ".asgard-data"


@dataclass(frozen=True)
class Limits:
    """Query limits; each is configurable because deployments differ in what they trust."""

    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_page_size: int = 100
    default_page_size: int = 20
    max_body_bytes: int = 10 * 1024 * 1024
    document_cache_size: int = 256
    max_root_fields: int = 20
    max_batch: int = 10
    max_historical_rows: int = 100_000


@dataclass(frozen=True)
class JobSettings:
    """How training jobs run; every number is configurable."""

    db_url: str = ""
    concurrency: int = 2
    lease_seconds: float = 30.0
    grace_seconds: float = 5.0
    poll_seconds: float = 1.0
    default_timeout_seconds: int = 3600
    max_timeout_seconds: int = 7 * 86400
    max_script_bytes: int = 1024 * 1024
    install_timeout_seconds: int = 900
    allow_training: bool | None = None  # None: allowed only when serving on loopback


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know about where its backends live."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    feast_project: str = "asgard"
    registry_url: str = ""
    catalog_name: str = "iceberg"
    catalog_uri: str = ""
    warehouse: str = ""
    online_store: str = ""
    mlflow_tracking_uri: str = ""
    mlflow_artifact_root: str = ""
    registry_cache_seconds: float = 5.0
    graphiql: bool = True
    introspection: bool = True
    # Compiled execution of plain onlineFeatures queries (server/online_fast_path.py); off = the generic path.
    online_fast_path: bool = True
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    # exportHistoricalFeatures' files under <data_dir>/exports: how long each lives, and how much is kept in all
    export_ttl_seconds: int = 3600
    export_max_bytes: int = 2 * 1024**3
    limits: Limits = field(default_factory=Limits)
    jobs: JobSettings = field(default_factory=JobSettings)

    @property
    def feast_repo_path(self) -> Path:
        return self.data_dir / "feast"

    def public(self, location: str) -> str:
        """A location fit to show clients: no credentials, and the server's own data dir is not theirs to know."""
        scheme, sep, rest = location.partition("://")
        if sep and "@" in rest:
            location = f"{scheme}{sep}{rest.split('@', 1)[1]}"
        for prefix in (self.data_dir.as_uri(), str(self.data_dir)):
            location = location.replace(prefix, "<data-dir>")
        return location

    @property
    def serves_loopback(self) -> bool:
        return self.host in {"127.0.0.1", "localhost", "::1"} or self.host.startswith("127.")

    def resolved(self) -> Settings:
        """Fill every empty backend URL with its embedded default under the data dir."""
        data = self.data_dir.resolve()
        return replace(
            self,
            data_dir=data,
            registry_url=self.registry_url or f"sqlite:///{data / 'registry.db'}",
            catalog_uri=self.catalog_uri or f"sqlite:///{data / 'gold_catalog.db'}",
            warehouse=self.warehouse or (data / "warehouse").as_uri(),
            online_store=self.online_store or f"sqlite:///{data / 'online_store.db'}",
            mlflow_tracking_uri=self.mlflow_tracking_uri or f"sqlite:///{data / 'mlflow.db'}",
            mlflow_artifact_root=self.mlflow_artifact_root or (data / "mlartifacts").as_uri(),
            jobs=replace(self.jobs, db_url=self.jobs.db_url or f"sqlite:///{data / 'jobs.db'}"),
        )


class ConfigError(ValueError):
    """A setting the server cannot run with; the message names the variable."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int | None = None) -> int:
    raw = env.get(name)
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (env.get(name) or "").split(",") if part.strip())


def load_settings(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Read settings from the environment; keyword overrides (CLI flags) win."""
    env = os.environ if env is None else env
    defaults = Limits()
    limits = Limits(
        max_depth=_int(env, "ASGARD_MAX_DEPTH", defaults.max_depth),
        max_aliases=_int(env, "ASGARD_MAX_ALIASES", defaults.max_aliases),
        max_tokens=_int(env, "ASGARD_MAX_TOKENS", defaults.max_tokens),
        max_page_size=_int(env, "ASGARD_MAX_PAGE_SIZE", defaults.max_page_size),
        default_page_size=_int(env, "ASGARD_DEFAULT_PAGE_SIZE", defaults.default_page_size),
        max_body_bytes=_int(env, "ASGARD_MAX_BODY_BYTES", defaults.max_body_bytes),
        document_cache_size=_int(env, "ASGARD_DOCUMENT_CACHE_SIZE", defaults.document_cache_size),
        max_historical_rows=_int(env, "ASGARD_MAX_HISTORICAL_ROWS", defaults.max_historical_rows),
        max_root_fields=_int(env, "ASGARD_MAX_ROOT_FIELDS", defaults.max_root_fields),
        max_batch=_int(env, "ASGARD_MAX_BATCH", defaults.max_batch),
    )
    job_defaults = JobSettings()
    allow = env.get("ASGARD_ALLOW_TRAINING")
    jobs = JobSettings(
        db_url=env.get("ASGARD_JOB_DB_URL", ""),
        concurrency=_int(env, "ASGARD_JOB_CONCURRENCY", job_defaults.concurrency),
        lease_seconds=float(env.get("ASGARD_JOB_LEASE_SECONDS") or job_defaults.lease_seconds),
        grace_seconds=float(env.get("ASGARD_JOB_GRACE_SECONDS") or job_defaults.grace_seconds),
        poll_seconds=float(env.get("ASGARD_JOB_POLL_SECONDS") or job_defaults.poll_seconds),
        default_timeout_seconds=_int(env, "ASGARD_JOB_DEFAULT_TIMEOUT", job_defaults.default_timeout_seconds),
        max_timeout_seconds=_int(env, "ASGARD_JOB_MAX_TIMEOUT", job_defaults.max_timeout_seconds),
        max_script_bytes=_int(env, "ASGARD_MAX_SCRIPT_BYTES", job_defaults.max_script_bytes),
        install_timeout_seconds=_int(env, "ASGARD_INSTALL_TIMEOUT", job_defaults.install_timeout_seconds),
        allow_training=None if allow in (None, "") else _flag(env, "ASGARD_ALLOW_TRAINING", False),
    )
    values: dict[str, object] = {
        "data_dir": Path(env.get("ASGARD_DATA_DIR") or DEFAULT_DATA_DIR),
        "host": env.get("ASGARD_HOST") or "127.0.0.1",
        "port": _int(env, "ASGARD_PORT", 8000),
        "feast_project": env.get("ASGARD_FEAST_PROJECT") or "asgard",
        "registry_url": env.get("ASGARD_REGISTRY_URL", ""),
        "catalog_name": env.get("ASGARD_CATALOG_NAME") or "iceberg",
        "catalog_uri": env.get("ASGARD_CATALOG_URI", ""),
        "warehouse": env.get("ASGARD_WAREHOUSE", ""),
        "online_store": env.get("ASGARD_ONLINE_STORE", ""),
        "mlflow_tracking_uri": env.get("ASGARD_MLFLOW_TRACKING_URI", ""),
        "mlflow_artifact_root": env.get("ASGARD_MLFLOW_ARTIFACT_ROOT", ""),
        "registry_cache_seconds": float(env.get("ASGARD_REGISTRY_CACHE_SECONDS") or 5.0),
        "graphiql": _flag(env, "ASGARD_GRAPHIQL", True),
        "introspection": _flag(env, "ASGARD_INTROSPECTION", True),
        "online_fast_path": _flag(env, "ASGARD_ONLINE_FAST_PATH", True),
        "cors_origins": _list(env, "ASGARD_CORS_ORIGINS"),
        "allowed_hosts": _list(env, "ASGARD_ALLOWED_HOSTS"),
        "export_ttl_seconds": _int(env, "ASGARD_EXPORT_TTL_SECONDS", 3600, minimum=1),
        "export_max_bytes": _int(env, "ASGARD_EXPORT_MAX_BYTES", 2 * 1024**3, minimum=1),
        "limits": limits,
        "jobs": jobs,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if not isinstance(values["data_dir"], Path):
        values["data_dir"] = Path(str(values["data_dir"]))
    return Settings(**values).resolved()  # type: ignore[arg-type]
