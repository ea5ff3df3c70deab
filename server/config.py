"""One typed Settings object, read once from ASGARD_* environment variables.

Every backend has an embedded default under one data directory; the scale-out backends are
chosen by setting a URL, never by code changes.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from server.resource_groups import ResourceLimits
from server.store_urls import online_store_config

DEFAULT_DATA_DIR = ".asgard-data"
# Usage telemetry off, MLflow's and any library's that honours DO_NOT_TRACK: in the server (unless its
# environment says otherwise) and in every job and model worker it starts. A server does not phone home,
# sandboxed code has no network for it, and MLflow's telemetry thread removes its session variable from
# os.environ while other threads read the environment (a job's log_metric failed with KeyError
# '_MLFLOW_TELEMETRY_SESSION_ID').
NO_TELEMETRY = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


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
    max_selections: int = 200  # fields of any one selection set, fragments expanded
    max_batch: int = 10
    max_historical_rows: int = 100_000
    max_query_bytes: int = 64 * 1024  # the query text itself: comments and whitespace count
    max_online_rows: int = 10_000  # entity rows of one onlineFeatures (or predict) field
    max_request_rows: int = 100_000  # entity rows of one HTTP request: every field, every batched operation


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
    # Where job scripts, their installs and model code run: "auto" (bubblewrap when it works here, else
    # refused), "bwrap" (bubblewrap or the server does not start), "off" (unconfined: a single-user laptop)
    sandbox: str = "auto"
    model_timeout_seconds: float = 30.0  # one prediction in a model's worker process
    # Each sandbox's cgroup (server/resource_groups.py), where the server can make one: a job (its install
    # and its script, each in turn) and a model worker, in tasks (threads count) and MiB of memory
    job_max_processes: int = 512
    job_memory_mb: int = 8192
    model_max_processes: int = 256
    model_memory_mb: int = 2048
    # Every sandbox together (the cgroup above theirs): tasks, and MiB (0: three quarters of the machine's)
    sandbox_max_processes: int = 4096
    sandbox_memory_mb: int = 0
    # What a job reaches the gold layer with (server/services/job_feast_repo.py): the catalog's URI as jobs
    # use it (empty: the server's, without its password), and S3 keys of their own (give read-only ones).
    catalog_uri: str = ""
    # The Trino user jobs query as (with Trino as the engine): give it read access to the gold schemas and
    # its own tables in the scratch schema (Feast's Trino store uploads a job's entity rows there)
    trino_user: str = "asgard-job"
    aws_access_key_id: str = ""
    aws_secret_access_key: str = field(default="", repr=False)

    @property
    def job_limits(self) -> ResourceLimits:
        return ResourceLimits(self.job_max_processes, self.job_memory_mb * 1024**2)

    @property
    def model_limits(self) -> ResourceLimits:
        return ResourceLimits(self.model_max_processes, self.model_memory_mb * 1024**2)

    @property
    def sandbox_limits(self) -> ResourceLimits:
        memory = self.sandbox_memory_mb * 1024**2
        if not memory:
            memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * 3 // 4
        return ResourceLimits(self.sandbox_max_processes, memory)


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to know about where its backends live."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    # Server processes sharing the port, each with its own backends' clients, registry snapshot and caches
    workers: int = 1
    feast_project: str = "asgard"
    registry_url: str = ""
    catalog_name: str = "iceberg"
    catalog_uri: str = ""
    warehouse: str = ""
    # An S3-compatible store's endpoint (MinIO, s3proxy, Ceph...) for an s3:// warehouse; empty: AWS itself.
    # Credentials come the standard way (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION), never here.
    s3_endpoint: str = ""
    # Where historical retrieval, exports and materialization read the gold layer: DuckDB in-process
    # (through pyiceberg), or a Trino cluster whose `trino_catalog` is the same Iceberg catalog.
    offline_engine: str = "duckdb"
    trino_url: str = ""
    trino_catalog: str = "iceberg"
    trino_user: str = "asgard"
    # Offline reads (historical retrieval, exports): at most this many at once on Trino (DuckDB: one, its
    # one connection), and at most `offline_queue` more waiting; beyond that a request is refused as BUSY.
    offline_concurrency: int = 4
    offline_queue: int = field(default_factory=lambda: 4 * (os.cpu_count() or 1))
    # Gold tables the DuckDB engine has read, kept by Iceberg table version (server/services/gold_snapshots.py)
    offline_cache_mb: int = 256
    online_store: str = ""
    mlflow_tracking_uri: str = ""
    mlflow_artifact_root: str = ""
    # What is kept between data dirs, outside them: the template of a new embedded MLflow database
    # (server/services/mlflow_template.py). None: nothing kept.
    cache_dir: Path | None = None
    registry_cache_seconds: float = 5.0
    # How often the registries are read again for change events while anyone subscribes (server/services/change_feed.py)
    change_poll_seconds: float = 2.0
    # Push snapshots a gold table keeps for time travel; older ones are expired (server/services/gold_writes.py)
    push_snapshots_kept: int = 10
    # Operations by hash (server/persisted_documents.py): a manifest of the only ones that run, and/or
    # automatic persisted queries ("auto")
    trusted_documents: str = ""
    persisted_queries: str = "off"
    graphiql: bool = True
    introspection: bool = True
    # Compiled execution of plain onlineFeatures queries (server/online_fast_path.py); off = the generic path.
    online_fast_path: bool = True
    # Online reads straight from the SQLite or Redis store (server/services/online_store.py); off = Feast's read.
    online_direct_reads: bool = True
    cors_origins: tuple[str, ...] = ()
    # Host headers served besides the loopback names (served whenever the server binds a loopback address)
    allowed_hosts: tuple[str, ...] = ()
    # The path prefix a reverse proxy serves the app under (uvicorn's root_path); rules apply after it.
    root_path: str = ""
    # How long a verified (or revoked) token is believed; a revoke takes effect everywhere within it.
    token_cache_seconds: float = 5.0
    # exportHistoricalFeatures' files: where (a directory, default <data_dir>/exports, or an s3://bucket/prefix
    # that replicas share), how long each lives, and how much is kept in all
    export_location: str = ""
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
        """Bound to a loopback address only: `localhost`, or an IP address that is loopback."""
        return is_loopback(self.host)

    @property
    def host_patterns(self) -> tuple[str, ...]:
        """Host headers to serve (empty: any). On loopback the loopback names are always among them,
        so a page on a foreign name that resolves to 127.0.0.1 (DNS rebinding) is turned away."""
        if self.serves_loopback:
            return (*LOOPBACK_HOSTS, *self.allowed_hosts)
        return self.allowed_hosts

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
            export_location=self.export_location or str(data / "exports"),
            jobs=replace(self.jobs, db_url=self.jobs.db_url or f"sqlite:///{data / 'jobs.db'}"),
        )


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether a bind address is loopback: an IP address that says so, or the name `localhost`."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other name may resolve anywhere


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


def _seconds(env: Mapping[str, str], name: str, default: float, maximum: float) -> float:
    raw = env.get(name)
    try:
        value = float(raw) if raw not in (None, "") else default
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0 < value <= maximum:
        raise ConfigError(f"{name} must be more than 0 and at most {maximum:g} seconds, not {value:g}")
    return value


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (env.get(name) or "").split(",") if part.strip())


def _root_path(raw: str) -> str:
    """`/prefix` (leading slash, no trailing one); empty for none."""
    path = raw.strip().rstrip("/")
    if not path:
        return ""
    if not path.startswith("/") or "//" in path or any(c in path for c in "?#% \t"):
        raise ConfigError(f"ASGARD_ROOT_PATH (--root-path) must be a path such as /asgard, not {raw!r}")
    return path


def _cache_dir(env: Mapping[str, str]) -> Path | None:
    """ASGARD_CACHE_DIR (`off`: none), else the user's cache dir: $XDG_CACHE_HOME/asgard, ~/.cache/asgard."""
    configured = env.get("ASGARD_CACHE_DIR", "")
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    if env.get("XDG_CACHE_HOME"):
        return Path(env["XDG_CACHE_HOME"]) / "asgard"
    try:
        return Path.home() / ".cache" / "asgard"
    except RuntimeError:  # a user without a home (an unlisted uid in a container): nothing kept
        return None


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
        max_selections=_int(env, "ASGARD_MAX_SELECTIONS", defaults.max_selections, minimum=1),
        max_batch=_int(env, "ASGARD_MAX_BATCH", defaults.max_batch),
        max_query_bytes=_int(env, "ASGARD_MAX_QUERY_BYTES", defaults.max_query_bytes, minimum=1),
        max_online_rows=_int(env, "ASGARD_MAX_ONLINE_ROWS", defaults.max_online_rows, minimum=1),
    )
    # One budget of entity rows per HTTP request; by default as large as one historical read may be.
    limits = replace(
        limits, max_request_rows=_int(env, "ASGARD_MAX_REQUEST_ROWS", limits.max_historical_rows, minimum=1)
    )
    job_defaults = JobSettings()
    allow = env.get("ASGARD_ALLOW_TRAINING")
    jobs = JobSettings(
        db_url=env.get("ASGARD_JOB_DB_URL", ""),
        concurrency=_int(env, "ASGARD_JOB_CONCURRENCY", job_defaults.concurrency, minimum=0),
        lease_seconds=float(env.get("ASGARD_JOB_LEASE_SECONDS") or job_defaults.lease_seconds),
        grace_seconds=float(env.get("ASGARD_JOB_GRACE_SECONDS") or job_defaults.grace_seconds),
        poll_seconds=float(env.get("ASGARD_JOB_POLL_SECONDS") or job_defaults.poll_seconds),
        default_timeout_seconds=_int(env, "ASGARD_JOB_DEFAULT_TIMEOUT", job_defaults.default_timeout_seconds),
        max_timeout_seconds=_int(env, "ASGARD_JOB_MAX_TIMEOUT", job_defaults.max_timeout_seconds),
        max_script_bytes=_int(env, "ASGARD_MAX_SCRIPT_BYTES", job_defaults.max_script_bytes),
        install_timeout_seconds=_int(env, "ASGARD_INSTALL_TIMEOUT", job_defaults.install_timeout_seconds),
        allow_training=None if allow in (None, "") else _flag(env, "ASGARD_ALLOW_TRAINING", False),
        sandbox=_choice(env, "ASGARD_SANDBOX", ("auto", "bwrap", "off"), job_defaults.sandbox),
        model_timeout_seconds=_seconds(env, "ASGARD_MODEL_TIMEOUT", job_defaults.model_timeout_seconds, 3600.0),
        job_max_processes=_int(env, "ASGARD_JOB_MAX_PROCESSES", job_defaults.job_max_processes, minimum=16),
        job_memory_mb=_int(env, "ASGARD_JOB_MEMORY_MB", job_defaults.job_memory_mb, minimum=64),
        model_max_processes=_int(env, "ASGARD_MODEL_MAX_PROCESSES", job_defaults.model_max_processes, minimum=16),
        model_memory_mb=_int(env, "ASGARD_MODEL_MEMORY_MB", job_defaults.model_memory_mb, minimum=64),
        sandbox_max_processes=_int(env, "ASGARD_SANDBOX_MAX_PROCESSES", job_defaults.sandbox_max_processes, minimum=64),
        sandbox_memory_mb=_int(env, "ASGARD_SANDBOX_MEMORY_MB", job_defaults.sandbox_memory_mb, minimum=0),
        catalog_uri=env.get("ASGARD_JOB_CATALOG_URI", ""),
        trino_user=env.get("ASGARD_JOB_TRINO_USER") or job_defaults.trino_user,
        aws_access_key_id=env.get("ASGARD_JOB_AWS_ACCESS_KEY_ID", ""),
        aws_secret_access_key=env.get("ASGARD_JOB_AWS_SECRET_ACCESS_KEY", ""),
    )
    if bool(jobs.aws_access_key_id) != bool(jobs.aws_secret_access_key):
        raise ConfigError("ASGARD_JOB_AWS_ACCESS_KEY_ID and ASGARD_JOB_AWS_SECRET_ACCESS_KEY go together")
    values: dict[str, object] = {
        "data_dir": Path(env.get("ASGARD_DATA_DIR") or DEFAULT_DATA_DIR),
        "host": env.get("ASGARD_HOST") or "127.0.0.1",
        "port": _int(env, "ASGARD_PORT", 8000),
        "workers": _int(env, "ASGARD_WORKERS", 1, minimum=1),
        "feast_project": env.get("ASGARD_FEAST_PROJECT") or "asgard",
        "registry_url": env.get("ASGARD_REGISTRY_URL", ""),
        "catalog_name": env.get("ASGARD_CATALOG_NAME") or "iceberg",
        "catalog_uri": env.get("ASGARD_CATALOG_URI", ""),
        "warehouse": env.get("ASGARD_WAREHOUSE", ""),
        "s3_endpoint": env.get("ASGARD_S3_ENDPOINT", ""),
        "offline_engine": _choice(env, "ASGARD_OFFLINE_ENGINE", ("duckdb", "trino"), "duckdb"),
        "trino_url": env.get("ASGARD_TRINO_URL", ""),
        "trino_catalog": env.get("ASGARD_TRINO_CATALOG") or "iceberg",
        "trino_user": env.get("ASGARD_TRINO_USER") or "asgard",
        "offline_concurrency": _int(env, "ASGARD_OFFLINE_CONCURRENCY", 4, minimum=1),
        "offline_queue": _int(env, "ASGARD_OFFLINE_QUEUE", 4 * (os.cpu_count() or 1), minimum=0),
        "offline_cache_mb": _int(env, "ASGARD_OFFLINE_CACHE_MB", 256, minimum=0),
        "online_store": env.get("ASGARD_ONLINE_STORE", ""),
        "mlflow_tracking_uri": env.get("ASGARD_MLFLOW_TRACKING_URI", ""),
        "mlflow_artifact_root": env.get("ASGARD_MLFLOW_ARTIFACT_ROOT", ""),
        "cache_dir": _cache_dir(env),
        "registry_cache_seconds": float(env.get("ASGARD_REGISTRY_CACHE_SECONDS") or 5.0),
        "change_poll_seconds": _seconds(env, "ASGARD_CHANGE_POLL_SECONDS", 2.0, maximum=3600),
        "push_snapshots_kept": _int(env, "ASGARD_PUSH_SNAPSHOTS_KEPT", 10, minimum=0),
        "trusted_documents": env.get("ASGARD_TRUSTED_DOCUMENTS", ""),
        "persisted_queries": _choice(env, "ASGARD_PERSISTED_QUERIES", ("off", "auto"), "off"),
        "graphiql": _flag(env, "ASGARD_GRAPHIQL", True),
        "introspection": _flag(env, "ASGARD_INTROSPECTION", True),
        "online_fast_path": _flag(env, "ASGARD_ONLINE_FAST_PATH", True),
        "online_direct_reads": _flag(env, "ASGARD_ONLINE_DIRECT_READS", True),
        "cors_origins": _list(env, "ASGARD_CORS_ORIGINS"),
        "allowed_hosts": _list(env, "ASGARD_ALLOWED_HOSTS"),
        "root_path": env.get("ASGARD_ROOT_PATH", ""),
        "token_cache_seconds": _seconds(env, "ASGARD_TOKEN_CACHE_SECONDS", 5.0, maximum=10.0),
        "export_location": env.get("ASGARD_EXPORT_LOCATION", ""),
        "export_ttl_seconds": _int(env, "ASGARD_EXPORT_TTL_SECONDS", 3600, minimum=1),
        "export_max_bytes": _int(env, "ASGARD_EXPORT_MAX_BYTES", 2 * 1024**3, minimum=1),
        "limits": limits,
        "jobs": jobs,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if not isinstance(values["data_dir"], Path):
        values["data_dir"] = Path(str(values["data_dir"]))
    values["root_path"] = _root_path(str(values["root_path"]))
    if not isinstance(values["workers"], int) or values["workers"] < 1:
        raise ConfigError(f"ASGARD_WORKERS (--workers) must be at least 1, not {values['workers']}")
    try:
        online_store_config(str(values["online_store"]))
    except ValueError as error:
        raise ConfigError(f"ASGARD_ONLINE_STORE: {error}") from None
    if values["offline_engine"] == "trino" and not str(values["trino_url"]).startswith(("http://", "https://")):
        raise ConfigError("ASGARD_OFFLINE_ENGINE=trino needs ASGARD_TRINO_URL=http(s)://host:port")
    return Settings(**values).resolved()  # type: ignore[arg-type]
