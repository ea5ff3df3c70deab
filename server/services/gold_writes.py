"""Appending rows to a gold table through Iceberg: one new snapshot per append, or none.

Appends merge manifests (Iceberg's merge append, as `commit.manifest-merge.enabled` would ask for), so
that many small pushes do not leave a scan one manifest per push to plan; and the snapshots pushes made
are expired past the newest few (`expire_pushes`), so that the table's metadata, which every commit
copies and rewrites, stays the same size however many pushes came before. Data files are left as
written: compacting them is the table owner's maintenance (Trino's `ALTER TABLE ... EXECUTE optimize`,
Spark's `rewrite_data_files`), as it is for any other writer's."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from server.services.errors import RequestCode, RequestError

log = logging.getLogger(__name__)
COMMIT_ATTEMPTS = 4  # another writer committed first: reload the table and append again
OPERATION = "asgard.operation"  # the snapshot summary property naming what made a snapshot
PUSH = "push"
UNDONE = "asgard.undone-snapshot"  # on the snapshot that took a failed push's rows out again: the push's snapshot
MERGE_ENABLED = "commit.manifest-merge.enabled"  # Iceberg's table property; unset: manifests merged here
MERGE_MIN_COUNT = 16  # manifests that accumulate before they are merged into one (Iceberg's default is 100)


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
    from pyiceberg.exceptions import CommitFailedException, ValidationException

    for attempt in range(COMMIT_ATTEMPTS):
        parent = table.current_snapshot()
        try:
            _merge_append(table, rows, properties)
        except (CommitFailedException, ValidationException):  # another commit, or an expiry, came first
            if attempt == COMMIT_ATTEMPTS - 1:
                raise RequestError(
                    f"table {table.name()} changed under {COMMIT_ATTEMPTS} attempts to append; nothing was "
                    "written: try again",
                    code=RequestCode.BUSY,
                ) from None
            log.info("append to %s raced another commit; trying again", table.name())
            table = table.refresh()
            continue
        made = table.current_snapshot()
        return AppendRecord(made.snapshot_id, parent.snapshot_id if parent is not None else None)
    raise AssertionError("unreachable")


def undo_append(table: Any, record: AppendRecord) -> bool:
    """Take the append's rows out of the table, if nothing was committed on top of it since (someone else's
    rows are never undone). Where the catalog keeps the table's snapshots, the table is made as it was: the
    append's parent current again, or for its first snapshot none (an empty table's state). Nessie keeps only
    the current snapshot in a table's metadata, and leaves the current one when asked to drop the main
    branch: there a new snapshot deletes the files the append added. Each commit asserts that the table's
    current snapshot is still the one read, so a writer who commits in between wins. False when it could not
    be undone."""
    from pyiceberg.exceptions import CommitFailedException
    from pyiceberg.table.refs import MAIN_BRANCH

    table = table.refresh()
    if _current_id(table) != record.snapshot_id:
        return False
    try:
        if record.parent_id is None or table.metadata.snapshot_by_id(record.parent_id) is not None:
            snapshots = table.manage_snapshots()
            if record.parent_id is None:
                snapshots.remove_branch(MAIN_BRANCH)
            else:
                snapshots.rollback_to_snapshot(record.parent_id)
            snapshots.commit()
            table = table.refresh()
            if _current_id(table) == record.parent_id:
                return True
            if _current_id(table) != record.snapshot_id:  # another writer's commit came first
                return False
        _delete_added_files(table, record.snapshot_id)
    except CommitFailedException:
        return False
    return True


def _current_id(table: Any) -> int | None:
    current = table.current_snapshot()
    return current.snapshot_id if current is not None else None


def _delete_added_files(table: Any, snapshot_id: int) -> None:
    """Commit a snapshot that deletes the data files `snapshot_id` (the current one) added."""
    from pyiceberg.manifest import ManifestEntryStatus

    added = [
        entry.data_file
        for manifest in table.metadata.snapshot_by_id(snapshot_id).manifests(table.io)
        for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True)
        if entry.status == ManifestEntryStatus.ADDED and entry.snapshot_id == snapshot_id
    ]
    transaction = table.transaction()
    properties = {OPERATION: PUSH, UNDONE: str(snapshot_id)}
    with transaction, transaction.update_snapshot(snapshot_properties=properties).overwrite() as producer:
        for data_file in added:
            producer.delete_data_file(data_file)


def _merge_append(table: Any, rows: Any, properties: dict[str, str]) -> None:
    """Table.append, with a merging snapshot producer whatever the table's properties say (the rows are
    already in the table's own Arrow schema: gold_writes.arrow_rows)."""
    from pyiceberg.io.pyarrow import _dataframe_to_data_files

    transaction = table.transaction()
    with transaction, transaction.update_snapshot(snapshot_properties=properties).merge_append() as producer:
        if MERGE_ENABLED not in table.properties:  # the table's owner has not chosen: merge, and sooner
            producer._merge_enabled = True
            producer._min_count_to_merge = MERGE_MIN_COUNT
        for data_file in _dataframe_to_data_files(
            table_metadata=transaction.table_metadata, write_uuid=producer.commit_uuid, df=rows, io=table.io
        ):
            producer.append_data_file(data_file)


def expire_pushes(table: Any, kept: int) -> int:
    """Expire the snapshots pushes made, but for the newest `kept` of them and the current one, once there
    are more than twice `kept` (so one push in `kept` pays for it). Rows are not touched (an expired
    append's rows are in every later snapshot); only time travel to those snapshots goes. How many were
    expired."""
    snapshots = table.metadata.snapshots
    current = table.current_snapshot()
    pushed = [s for s in snapshots if s.summary is not None and s.summary.get(OPERATION) == PUSH]
    if len(pushed) <= 2 * kept:
        return 0
    protected = {ref.snapshot_id for ref in table.metadata.refs.values()}
    if current is not None:
        protected.add(current.snapshot_id)
    newest = {s.snapshot_id for s in sorted(pushed, key=lambda s: s.timestamp_ms)[-kept:]} if kept else set()
    expired = [s.snapshot_id for s in pushed if s.snapshot_id not in newest and s.snapshot_id not in protected]
    if expired:
        table.maintenance.expire_snapshots().by_ids(expired).commit()
    return len(expired)
