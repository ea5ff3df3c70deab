"""Appending rows to a gold table through Iceberg: one new snapshot per append, or none."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)
COMMIT_ATTEMPTS = 4  # another writer committed first: reload the table and append again


@dataclass(frozen=True)
class AppendRecord:
    """The snapshot an append made, and the one it was made on (None for the table's first)."""

    snapshot_id: int
    parent_id: int | None


def arrow_rows(table: Any, columns: dict[str, list[Any]], count: int) -> Any:
    """`count` rows in the table's current schema as Arrow: the columns given (Python values of the
    column's type), every other column null (the caller has checked those are optional)."""
    import pyarrow as pa

    schema = table.schema().as_arrow()
    arrays = [
        pa.array(columns[field.name], type=field.type) if field.name in columns else pa.nulls(count, field.type)
        for field in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def append(table: Any, rows: Any, properties: dict[str, str]) -> AppendRecord:
    """Append `rows` as one snapshot, tagged with `properties` in its summary."""
    from pyiceberg.exceptions import CommitFailedException

    for attempt in range(COMMIT_ATTEMPTS):
        parent = table.current_snapshot()
        try:
            table.append(rows, snapshot_properties=properties)
        except CommitFailedException:
            if attempt == COMMIT_ATTEMPTS - 1:
                raise
            log.info("append to %s raced another commit; trying again", table.name())
            table = table.refresh()
            continue
        made = table.current_snapshot()
        return AppendRecord(made.snapshot_id, parent.snapshot_id if parent is not None else None)
    raise AssertionError("unreachable")


def undo_append(table: Any, record: AppendRecord) -> bool:
    """Make the append's parent current again, if nothing was committed on top of it since (someone else's
    rows are never undone). False when it could not be undone."""
    table = table.refresh()
    current = table.current_snapshot()
    if current is None or current.snapshot_id != record.snapshot_id or record.parent_id is None:
        return False
    table.manage_snapshots().rollback_to_snapshot(record.parent_id).commit()
    return True
