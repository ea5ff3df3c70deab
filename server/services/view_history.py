"""Every definition a feature view has had, written by each registration that changes it and by its
deletion, in the server's own database (beside its jobs: one database for every replica); read newest
first. A definition has the shape of registerFeatureView's input, so a client can send an old one back."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from server.jobs.tables import feature_view_history as history
from server.services.registry_records import FeatureViewRecord
from server.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)
INSERT_ATTEMPTS = 3  # another replica took the next version number first


class ViewChange(StrEnum):
    """What a version of a feature view records."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


@dataclass(frozen=True)
class ViewVersionRecord:
    view: str
    version: int
    change: ViewChange
    definition: dict[str, Any] | None  # None: the view was deleted
    changed_at: datetime
    changed_by: str | None  # None: written before the history was kept


def view_definition(view: FeatureViewRecord) -> dict[str, Any]:
    """A view as registerFeatureView's input (GraphQL's field names)."""
    source = view.source
    return {
        "name": view.name,
        "entities": list(view.entities),
        "features": [
            {"name": f.name, "dtype": f.dtype.value if f.dtype else None, "description": f.description}
            for f in view.features
        ],
        "source": {
            "table": source.table,
            "timestampField": source.timestamp_field,
            "createdTimestampField": source.created_timestamp_field,
            "catalog": source.catalog,
        },
        "ttlSeconds": view.ttl_seconds,
        "online": view.online,
        "description": view.description,
        "tags": [{"key": k, "value": v} for k, v in view.tags],
        "owner": view.owner,
    }


class ViewHistory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(self, previous: FeatureViewRecord | None, current: FeatureViewRecord | None, by: str) -> None:
        """A registration or deletion of one view, after it was applied. The first change to a view that
        existed before its history was kept records that earlier definition first (its own time, no author)."""
        either = current or previous
        assert either is not None
        name = either.name
        change = (
            ViewChange.CREATED if previous is None else ViewChange.DELETED if current is None else ViewChange.UPDATED
        )
        for attempt in range(INSERT_ATTEMPTS):
            try:
                with self.engine.begin() as conn:
                    latest = conn.execute(select(func.max(history.c.version)).where(history.c.view == name)).scalar()
                    rows = []
                    if latest is None and previous is not None:
                        at = previous.updated_at or previous.created_at or utcnow()
                        rows.append(_row(name, 1, ViewChange.CREATED, view_definition(previous), at, None))
                        latest = 1
                    definition = view_definition(current) if current is not None else None
                    rows.append(_row(name, (latest or 0) + 1, change, definition, utcnow(), by))
                    conn.execute(history.insert(), rows)
                return
            except IntegrityError:
                if attempt == INSERT_ATTEMPTS - 1:
                    raise
                log.info("another writer took the next version of %s; trying again", name)

    def versions(self, names: Sequence[str], first: int) -> dict[str, list[ViewVersionRecord]]:
        """Each view's latest `first` versions, newest first (one query for all the views)."""
        if not names or first <= 0:
            return {name: [] for name in names}
        ranked = select(
            history,
            func.row_number().over(partition_by=history.c.view, order_by=history.c.version.desc()).label("rank"),
        ).where(history.c.view.in_(list(names)))
        inner = ranked.subquery()
        query = select(inner).where(inner.c.rank <= first).order_by(inner.c.view, inner.c.version.desc())
        found: dict[str, list[ViewVersionRecord]] = {name: [] for name in names}
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                changed_at = as_utc(row.changed_at)
                assert changed_at is not None
                found[row.view].append(
                    ViewVersionRecord(
                        view=row.view,
                        version=row.version,
                        change=ViewChange(row.change),
                        definition=row.definition,
                        changed_at=changed_at,
                        changed_by=row.changed_by,
                    )
                )
        return found


def _row(
    name: str, version: int, change: ViewChange, definition: dict[str, Any] | None, at: datetime, by: str | None
) -> dict[str, Any]:
    return {
        "view": name,
        "version": version,
        "change": change.value,
        "definition": definition,
        "changed_at": at,
        "changed_by": by,
    }
