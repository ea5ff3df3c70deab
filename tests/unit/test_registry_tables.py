"""The server reads Feast's SQL registry with its own names for Feast's tables (server/services/registry_tables.py):
they are the Feast installed's."""

from __future__ import annotations

from feast.infra.registry import sql as feast_sql

from server.services import registry_tables


def test_the_tables_and_columns_are_feasts():
    for name, key, value in (
        registry_tables.ENTITIES,
        registry_tables.FEATURE_VIEWS,
        registry_tables.FEATURE_SERVICES,
        registry_tables.METADATA,
    ):
        table = feast_sql.metadata.tables[name]
        assert {key, value, "project_id"} <= set(table.c.keys()), name
    assert feast_sql.FeastMetadataKeys.LAST_UPDATED_TIMESTAMP.value == registry_tables.LAST_UPDATED_KEY
