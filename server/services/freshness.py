"""How fresh a feature view is: the newest event its gold table holds (from Iceberg's manifests, no
scan), how far the online store has been loaded, when it was last loaded, and whether the newest values
are still within the view's TTL.

- `latest_event_time`: the upper bound of the source's timestamp column over the current snapshot's data
  files (server/services/gold_stats.py); null when the table is empty or its files do not measure it.
- `materialized_up_to`: the end of the latest time range loaded into the online store (Feast's
  materialization intervals); `last_materialized_at`: when the latest materialization that included the
  view finished successfully (Asgard's own record of it).
- `lag_seconds`: how much newer the gold table's newest event is than what the online store was loaded up
  to (0 when the store is caught up); null for an offline-only view or when either side is unknown.
- `within_ttl`: whether the newest value a reader gets (online: the newest event loaded; offline: the
  newest event in the table) is younger than the TTL now; always true for a TTL of 0 or none (forever);
  null when there is no event to judge.

A view is stale when it is online and behind its table (lag > 0), or never loaded while its table holds
rows, or when its newest value is past its TTL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from server.services.gold_stats import TableStatsRecord
from server.services.registry_records import FeatureViewRecord
from server.timeutil import as_utc, utcnow

if TYPE_CHECKING:
    from server.jobs.materializations import Materializations
    from server.services.gold_catalog import GoldCatalog


@dataclass(frozen=True)
class FreshnessRecord:
    latest_event_time: datetime | None
    last_materialized_at: datetime | None
    materialized_up_to: datetime | None
    lag_seconds: float | None
    within_ttl: bool | None
    stale: bool


def freshness(
    view: FeatureViewRecord,
    latest_event: datetime | None,
    last_materialized: datetime | None,
    now: datetime,
    has_rows: bool | None = None,
) -> FreshnessRecord:
    """`has_rows`: whether the table holds data files (None: as `latest_event` says)."""
    up_to = max((end for _, end in view.materialized), default=None) if view.online else None
    lag = None
    if view.online and latest_event is not None and up_to is not None:
        lag = max(0.0, (latest_event - up_to).total_seconds())
    newest = latest_event if not view.online else _earliest(latest_event, up_to)
    within = None if newest is None else (not view.ttl_seconds or (now - newest).total_seconds() <= view.ttl_seconds)
    never_loaded = view.online and up_to is None and (latest_event is not None if has_rows is None else has_rows)
    return FreshnessRecord(
        latest_event_time=latest_event,
        last_materialized_at=last_materialized if view.online else None,
        materialized_up_to=up_to,
        lag_seconds=lag,
        within_ttl=within,
        stale=bool(lag) or never_loaded or within is False,
    )


def read_freshness(
    gold: GoldCatalog, materializations: Materializations, views: list[FeatureViewRecord]
) -> dict[str, FreshnessRecord]:
    """The views' freshness now: one manifest read per source table and snapshot, one look at the
    materializations (blocking)."""
    stats = gold.stats(sorted({v.source.table for v in views}))
    finished = materializations.last_finished([v.name for v in views if v.online])
    return views_freshness(views, stats, finished, utcnow())


def views_freshness(
    views: list[FeatureViewRecord],
    stats: dict[str, TableStatsRecord],
    finished: dict[str, datetime],
    now: datetime,
) -> dict[str, FreshnessRecord]:
    """Each view's freshness from its source tables' statistics (GoldCatalog.stats) and when each was last
    materialized (Materializations.last_finished)."""
    out = {}
    for view in views:
        table = stats.get(view.source.table)
        column = table.columns.get(view.source.timestamp_field) if table is not None else None
        latest = column.upper_bound if column is not None else None
        latest = as_utc(latest) if isinstance(latest, datetime) else None  # a time column, zoned or not
        has_rows = table.data_files > 0 if table is not None else None
        out[view.name] = freshness(view, latest, finished.get(view.name), now, has_rows)
    return out


def _earliest(latest: datetime | None, up_to: datetime | None) -> datetime | None:
    """The newest event the online store holds: none newer than the table's, none past what was loaded."""
    return None if latest is None or up_to is None else min(latest, up_to)
