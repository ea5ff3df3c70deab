"""server/services/gold_writes.py: appends undone only while they are still the table's newest commit, the
table's first snapshot included: on a pyiceberg SQL catalog in a temp dir, and on Nessie's Iceberg REST
catalog over S3 (the test lakehouse), which applies the commit's updates and checks on its side."""

from __future__ import annotations

import os
import uuid

import pyarrow as pa
import pytest
from pyiceberg.catalog import load_catalog

from server.services import gold_writes

SCHEMA = pa.schema([pa.field("k", pa.int64())])


@pytest.fixture(params=["sql", "rest"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def table(kind, tmp_path):
    if kind == "sql":
        properties = {"type": "sql", "uri": f"sqlite:///{tmp_path}/catalog.db", "warehouse": f"file://{tmp_path}/w"}
    else:
        from tests.support.lakehouse import nessie_branch

        rest = os.environ.get("ASGARD_TEST_ICEBERG_REST_URI")
        if not rest:
            pytest.fail("ASGARD_TEST_ICEBERG_REST_URI is not set: run the suite with `make test`, which starts Nessie")
        uri = nessie_branch(rest, f"gold_writes_{uuid.uuid4().hex[:10]}")
        endpoint, warehouse = os.environ["ASGARD_TEST_S3_ENDPOINT"], os.environ["ASGARD_TEST_WAREHOUSE"]
        properties = {"type": "rest", "uri": uri, "warehouse": warehouse, "s3.endpoint": endpoint}
    catalog = load_catalog("gold_writes", **properties)
    catalog.create_namespace("gold")
    return catalog.create_table(("gold", "pushed"), schema=SCHEMA)


def _append(table, *keys: int) -> gold_writes.AppendRecord:
    return gold_writes.append(table, pa.table({"k": pa.array(keys, pa.int64())}, schema=SCHEMA), {"by": "test"})


def _rows(table) -> list[int]:
    return sorted(table.refresh().scan().to_arrow()["k"].to_pylist())


def _undone_by_a_new_snapshot(table, record: gold_writes.AppendRecord) -> bool:
    summary = table.refresh().current_snapshot().summary
    return summary.get(gold_writes.UNDONE) == str(record.snapshot_id) and summary.get(gold_writes.OPERATION) == "push"


def test_the_first_append_of_an_empty_table_is_undone(kind, table):
    first = _append(table, 1, 2)
    assert first.parent_id is None and _rows(table) == [1, 2]
    assert gold_writes.undo_append(table, first)
    assert _rows(table) == []
    if kind == "sql":  # as it was: no snapshot at all
        assert table.refresh().current_snapshot() is None
    else:  # Nessie keeps its current snapshot when asked to drop the main branch
        assert _undone_by_a_new_snapshot(table, first)
    assert _append(table.refresh(), 3) and _rows(table) == [3]  # and takes appends again


def test_a_later_append_is_undone(kind, table):
    first = _append(table, 1)
    second = _append(table.refresh(), 2)
    assert second.parent_id == first.snapshot_id
    assert gold_writes.undo_append(table, second)
    assert _rows(table) == [1]
    if kind == "sql":  # its parent current again
        assert table.refresh().current_snapshot().snapshot_id == first.snapshot_id
    else:  # Nessie's table metadata holds the current snapshot alone: the parent is not there to go back to
        assert _undone_by_a_new_snapshot(table, second)


@pytest.mark.parametrize("earlier", [False, True])
def test_an_append_with_another_commit_on_top_is_left_alone(table, earlier):
    if earlier:
        _append(table, 0)
    mine = _append(table.refresh(), 1)
    _append(table.refresh(), 2)  # someone else's, after mine
    assert not gold_writes.undo_append(table, mine)
    assert _rows(table) == ([0, 1, 2] if earlier else [1, 2])


def test_a_commit_between_the_check_and_the_undo_wins(table, monkeypatch):
    mine = _append(table, 1)
    other = table.catalog.load_table(("gold", "pushed"))  # another writer's handle on the table
    _append(other, 2)  # lands after undo_append has read the table (held at its read below), before it commits
    monkeypatch.setattr(table, "refresh", lambda: table)
    assert table.current_snapshot().snapshot_id == mine.snapshot_id
    assert not gold_writes.undo_append(table, mine)
    assert _rows(other) == [1, 2]
