"""Fresh features by push: rows checked against the view (server/services/push_rows.py), then appended to
its gold table as one Iceberg snapshot and/or written to the online store, all or nothing."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any

from server.services.errors import InputErrors, RequestCode, RequestError
from server.services.feature_registry import FeatureRegistry
from server.services.feature_serving import FeatureServing
from server.services.gold_catalog import GoldCatalog
from server.services.gold_writes import AppendRecord
from server.services.online_store import NotServedHere
from server.services.push_rows import PushPlan, PushRecord, PushSpec, event_micros, newest_rows, plan_push
from server.services.registry_records import RegistrySnapshot

log = logging.getLogger(__name__)


class FeaturePush:
    """Pushes, one at a time in this process (Feast's SQLite store shares one connection between threads;
    the table's appends would only race each other)."""

    def __init__(
        self, registry: FeatureRegistry, gold: GoldCatalog, serving: FeatureServing, snapshots_kept: int = 10
    ) -> None:
        self.registry = registry
        self.gold = gold
        self.serving = serving
        self.snapshots_kept = snapshots_kept  # push snapshots a table keeps for time travel (gold_writes)
        self._lock = threading.Lock()

    def push(self, spec: PushSpec, pushed_by: str, max_rows: int) -> PushRecord:
        snap = self.registry.snapshot()
        view = snap.views.get(spec.view)
        table = self.gold.describe(view.source.table) if view is not None else None
        plan, errors = plan_push(spec, snap, table, max_rows, datetime.now(UTC))
        if plan is None:
            raise InputErrors(errors)
        table_lock = self.serving.push_lock(f"table:{plan.table}") if plan.target.offline else contextlib.nullcontext()
        try:
            with self._lock, table_lock:  # appends and expiries of one table take turns across processes
                appended, stale = self._write(snap, plan, pushed_by)
        except Exception as error:
            if _unavailable(error):
                raise RequestError(
                    f"the online store did not answer ({type(error).__name__}); nothing was written: try again",
                    code=RequestCode.UNAVAILABLE,
                ) from error
            raise
        written = plan.count if plan.target.offline else plan.count - (stale or 0)
        return PushRecord(plan.view, written, plan.target, appended.snapshot_id if appended else None, stale)

    def _write(self, snap: RegistrySnapshot, plan: PushPlan, pushed_by: str) -> tuple[AppendRecord | None, int | None]:
        appended: AppendRecord | None = None
        if plan.target.offline:
            properties = {"asgard.operation": "push", "asgard.feature-view": plan.view, "asgard.pushed-by": pushed_by}
            appended, rows = self.gold.append(plan.table, plan.columns, plan.count, properties)
        else:
            rows = self.gold.arrow_rows(plan.table, plan.columns, plan.count)
        stale: int | None = None
        if plan.target.online:
            try:
                stale = self._write_online(snap, plan, rows)
            except Exception:
                if appended is not None:
                    self._undo(plan, appended)
                raise
        if appended is not None:
            self._expire(plan.table)
        return appended, stale

    def _undo(self, plan: PushPlan, appended: AppendRecord) -> None:
        """Take the offline rows of a push that failed online out again; what could not be is logged (the
        push's own error is what the caller gets)."""
        try:
            undone = self.gold.undo_append(plan.table, appended)
        except Exception:
            log.exception("a push to %s failed online; undoing its snapshot %s failed", plan.view, appended.snapshot_id)
            return
        if not undone:
            log.error(
                "a push to %s failed online after appending snapshot %s to %s, which could not be undone "
                "(another commit came after it)",
                plan.view,
                appended.snapshot_id,
                plan.table,
            )

    def _expire(self, table: str) -> None:
        """Old push snapshots expired (the push itself has succeeded: a failure here is only logged)."""
        try:
            self.gold.expire_pushes(table, self.snapshots_kept)
        except Exception:
            log.warning("could not expire old push snapshots of %s", table, exc_info=True)

    def _write_online(self, snap: RegistrySnapshot, plan: PushPlan, rows: Any) -> int | None:
        """Write each entity's newest row, where it is newer than what the store holds; the rows left out.
        Reading and writing hold the store's push lock, so that pushes from other processes (workers,
        replicas) cannot interleave and leave an older value. Where the store is not read directly, every
        row goes to Feast, whose store applies its own rule."""
        with self.serving.push_lock(plan.view):
            try:
                stored = self.serving.stored_times(snap, plan.view, {k: plan.columns[k] for k in plan.join_keys})
            except NotServedHere:
                self.registry.write_online(plan.view, rows)
                return None
            chosen = newest_rows(plan, stored.micros)
            if chosen:
                self.registry.write_online(plan.view, rows.take(chosen))
                times = event_micros(plan)
                self.serving.record_push(plan.view, stored, chosen, [times[i] for i in chosen])
        return plan.count - len(chosen)


def _unavailable(error: BaseException) -> bool:
    """Whether a push failed because the online store did not answer (a typed, retryable refusal)."""
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeout
    except ImportError:  # pragma: no cover - redis is a dependency
        return False
    if isinstance(error, (RedisConnectionError, RedisTimeout)):
        return True
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
