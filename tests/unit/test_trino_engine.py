"""Trino's column types in Iceberg's names, and its connection settings (server/services/trino_engine.py)."""

from __future__ import annotations

import pytest

from server.services.trino_engine import connection, iceberg_type


@pytest.mark.parametrize(
    ("trino", "iceberg"),
    [
        ("bigint", "long"),
        ("integer", "int"),
        ("double", "double"),
        ("real", "float"),
        ("varchar", "string"),
        ("varchar(20)", "string"),
        ("boolean", "boolean"),
        ("varbinary", "binary"),
        ("date", "date"),
        ("timestamp(6)", "timestamp"),
        ("timestamp(6) with time zone", "timestamptz"),
        ("decimal(10,2)", "decimal(10, 2)"),
        ("array(bigint)", "list<long>"),
        ("array(array(varchar))", "list<list<string>>"),
        ("row(a integer)", "row(a integer)"),
    ],
)
def test_iceberg_type(trino, iceberg):
    assert iceberg_type(trino) == iceberg


def test_connection():
    assert connection("http://127.0.0.1:18080") == {"host": "127.0.0.1", "port": 18080, "scheme": "http"}
    assert connection("https://trino.internal") == {"host": "trino.internal", "port": 443, "scheme": "https"}
