"""Feast's SQL registry read directly: the stored protos and the last-updated mark, without importing Feast.

The table and column names are Feast's (feast/infra/registry/sql.py; tests/unit/test_registry_tables.py
checks them against the Feast installed). Feast writes the registry; the server reads it with these, so
that a start with its converted records on disk (server/services/record_file.py) answers before Feast has
been imported.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, column, create_engine, select, table

from server.sql_urls import sqlalchemy_url

# (table, name column, proto column) of each kind of object the server reads
ENTITIES = ("entities", "entity_name", "entity_proto")
FEATURE_VIEWS = ("feature_views", "feature_view_name", "feature_view_proto")
FEATURE_SERVICES = ("feature_services", "feature_service_name", "feature_service_proto")
METADATA = ("feast_metadata", "metadata_key", "last_updated_timestamp")
LAST_UPDATED_KEY = "last_updated_timestamp"  # Feast's FeastMetadataKeys.LAST_UPDATED_TIMESTAMP

StoredProtos = tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]


def registry_engine(url: str) -> Engine:
    """An engine of the server's own on the registry's database (Feast's is made when Feast opens)."""
    connect_args = {"timeout": 30} if url.startswith("sqlite") else {}  # readers wait for a writer
    return create_engine(sqlalchemy_url(url), pool_pre_ping=True, connect_args=connect_args)


def stored_protos(engine: Engine, project: str) -> StoredProtos:
    """Entities, feature views and feature services of `project` as Feast stores them: name -> serialized
    proto. Raises SQLAlchemy's error where the tables do not exist (a registry Feast has not opened yet)."""
    out = []
    with engine.begin() as conn:
        for name, key, proto in (ENTITIES, FEATURE_VIEWS, FEATURE_SERVICES):
            rows = table(name, column(key), column(proto), column("project_id"))
            query = select(rows.c[key], rows.c[proto]).where(rows.c.project_id == project)
            out.append({row[0]: bytes(row[1]) for row in conn.execute(query)})
    return out[0], out[1], out[2]


def last_updated(engine: Engine, project: str) -> datetime | None:
    """When Feast last wrote anything of `project` (whole seconds), as Feast's own `_get_last_updated_metadata`
    reads it; None where nothing was written yet."""
    name, key, value = METADATA
    rows = table(name, column(key), column(value), column("project_id"))
    query = select(rows.c[value]).where(rows.c[key] == LAST_UPDATED_KEY, rows.c.project_id == project)
    with engine.begin() as conn:
        found = conn.execute(query).scalar()
    return None if found is None else datetime.fromtimestamp(int(found), tz=UTC)
