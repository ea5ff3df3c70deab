"""The job table and its log lines, with a versioned create (SQLite or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

SCHEMA_VERSION = 2

metadata = MetaData()

schema_version = Table("asgard_schema_version", metadata, Column("version", Integer, primary_key=True))

jobs = Table(
    "training_jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("script_name", String(255), nullable=False),
    Column("script", Text, nullable=False),
    Column("script_sha256", String(64), nullable=False),
    Column("experiment_name", String(500), nullable=False),
    Column("model_name", String(500)),
    Column("feature_service", String(255)),
    Column("requirements", JSON, nullable=False),
    Column("parameters", JSON),
    Column("timeout_seconds", Integer, nullable=False),
    Column("retries", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("exit_code", Integer),
    Column("error", Text),
    Column("warning", Text),
    Column("mlflow_run_id", String(64)),
    Column("model_version", Integer),
    Column("worker_id", String(255)),
    Column("pid", Integer),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("lease_expires_at", DateTime(timezone=True)),
    # who submitted it: the token's name ("local" without tokens), and the owner key of its token (since 2)
    Column("submitted_by", String(100)),
    Column("owner", String(120)),
    Index("ix_training_jobs_status_seq", "status", "seq"),
)

job_logs = Table(
    "training_job_logs",
    metadata,
    Column("job_id", String(36), ForeignKey("training_jobs.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("stream", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("time", DateTime(timezone=True), nullable=False),
)


materializations = Table(
    "materializations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("feature_views", JSON, nullable=False),
    Column("start", DateTime(timezone=True)),
    Column("end", DateTime(timezone=True), nullable=False),
    Column("incremental", Boolean, nullable=False),
    Column("rows_written", BigInteger),
    Column("error", Text),
    Column("worker_id", String(255)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_materializations_status", "status"),
)


# Every definition a feature view has had (server/services/view_history.py); a deletion has none.
feature_view_history = Table(
    "feature_view_history",
    metadata,
    Column("view", String(128), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("change", String(16), nullable=False),
    Column("definition", JSON),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String(100)),
)


# Columns added by each version, for a database an older server created.
ADDED_COLUMNS = {2: (("training_jobs", "submitted_by", "VARCHAR(100)"), ("training_jobs", "owner", "VARCHAR(120)"))}


def create_tables(engine: Engine) -> None:
    """Create the tables of this version, bring an older database up to it, or refuse a newer one."""
    metadata.create_all(engine)
    with engine.begin() as conn:
        found = conn.execute(select(schema_version.c.version)).scalars().all()
        current = max(found, default=None)
        if current is not None and current > SCHEMA_VERSION:
            raise RuntimeError(f"the job database has schema version {current}; this server knows {SCHEMA_VERSION}")
        if current is not None and current < SCHEMA_VERSION:
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for table, column, sql_type in ADDED_COLUMNS.get(version, ()):
                    present = {c["name"] for c in inspect(conn).get_columns(table)}
                    if column not in present:
                        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
            conn.execute(schema_version.delete())
        if current != SCHEMA_VERSION:
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
