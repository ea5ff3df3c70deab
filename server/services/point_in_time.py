"""Feast's point-in-time join as DuckDB's ASOF join, for this process's DuckDB offline store.

Feast's ibis offline store (`feast.infra.offline_stores.ibis.point_in_time_join`) joins each view's whole
table to the entity rows on the keys and `timestamp <= event time`, numbers every match per entity row with
a window, keeps the latest, and joins that back: every feature row of an entity that precedes an entity
row's time is materialized and sorted. 100,000 entity rows against a 1,000,000-row table: about 0.43 s of
DuckDB, most of a retrieval. DuckDB's ASOF join finds the same row (the latest at or before the event time,
per key) by merging the two sides sorted, without materializing the matches: the same answer in a fraction
of the time.

Same answer, same shape: each entity row (duplicates included) once, its columns (without Feast's
`entity_row_id`) then each view's features in order; a view's TTL nulls a match older than the event time
minus the TTL (Feast filters those rows out before taking the latest, and the latest of what is left is
older still, so it finds none either); with a created-timestamp column, of the rows that share a key and an
event time the one created last (Feast's tie-break). Where Feast's own rules differ from that (a cutoff on
the created timestamp, an expiry function, a feature named like an entity column or our working columns),
Feast's own join runs. Rows that tie on both timestamps have no single right answer in either. Where Feast's
join fails, this one answers: a TTL of a day and some seconds (ibis refuses the literal Feast builds), a
feature named like one of its working columns (`rn`, a `_y` suffix, `event_expire_timestamp`, a source
column `entity_row_id`). An attack review compared the two on 300 random cases and every type, null and
name clash it could think of: the same answers everywhere else.

`install()` replaces the function in Feast's ibis module, in the process that calls it: the server, and
every training job (its sitecustomize loads this module by path), so a job's training frame has the rows the
server gives for the same entities. It imports nothing of the server's: a job's environment may not see it.
Only into the Feast release it was checked against (VERIFIED, by tests/unit/test_point_in_time.py): a job
whose requirements bring another Feast keeps that Feast's own join, whose arguments and rules may differ.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

MARK = "_asgard_point_in_time"
VERIFIED = "0.67"  # Feast's release (major.minor) whose join this one answers as
PREFIX = "__asgard_pit_"  # working columns; a table with a column of this prefix goes to Feast's join


def asof_point_in_time_join(
    original: Callable[..., Any],
    entity_table: Any,
    feature_tables: list[tuple[Any, str, str | None, dict[str, str], list[str], timedelta | None]],
    event_timestamp_col: str = "event_timestamp",
    event_expire_timestamp_fn: Any = None,
    filter_by_created_timestamp: bool = False,
) -> Any:
    """Feast's `point_in_time_join`, same arguments and result; `original` answers what this does not."""
    import ibis

    entity_columns = [c for c in entity_table.columns if c != "entity_row_id"]
    features = [ref for *_, refs, _ in feature_tables for ref in refs]
    taken = set(entity_table.columns)  # entity_row_id included: a feature of that name goes to Feast
    if (
        event_expire_timestamp_fn is not None
        or filter_by_created_timestamp
        or len(set(features)) != len(features)
        or taken & set(features)
        or any(c.startswith(PREFIX) for c in [*taken, *(c for t, *_ in feature_tables for c in t.columns)])
    ):
        return original(
            entity_table,
            feature_tables,
            event_timestamp_col=event_timestamp_col,
            event_expire_timestamp_fn=event_expire_timestamp_fn,
            filter_by_created_timestamp=filter_by_created_timestamp,
        )
    acc = entity_table.select(*entity_columns)
    event = acc[event_timestamp_col]
    kept = list(entity_columns)
    for table, timestamp_field, created_field, join_key_map, refs, ttl in feature_tables:
        keys = {f"{PREFIX}key{i}": (column, entity) for i, (column, entity) in enumerate(join_key_map.items())}
        stamp, created = f"{PREFIX}ts", f"{PREFIX}created"
        right_columns = {name: table[column] for name, (column, _) in keys.items()}
        right_columns[stamp] = table[timestamp_field]
        right_columns |= {ref: table[ref] for ref in refs}
        if created_field:
            right_columns[created] = table[created_field]
        right = table.select(**right_columns)
        # Only the rows of keys asked for: a few entity rows against a large table sort and rank only
        # theirs (a hash semi-join; 10 rows against 1,000,000: 0.30 s -> 0.04 s, with a created-time column)
        right = right.semi_join(acc, [right[name] == acc[entity] for name, (_, entity) in keys.items()])
        if created_field:
            # Of the rows sharing a key and an event time, the one created last (Feast's tie-break).
            order = [ibis.desc(right[created])]
            window = ibis.window(group_by=[*keys, stamp], order_by=order)
            ranked = right.mutate(**{f"{PREFIX}rank": ibis.row_number().over(window)})
            right = ranked.filter(ranked[f"{PREFIX}rank"] == 0).drop(f"{PREFIX}rank", created)
        joined = acc.asof_join(
            right,
            on=event >= right[stamp],
            predicates=[acc[entity] == right[name] for name, (_, entity) in keys.items()],
        )
        values = {ref: joined[ref] for ref in refs}
        if ttl:
            fresh = joined[stamp] >= joined[event_timestamp_col] - ibis.interval(microseconds=_micros(ttl))
            values = {ref: fresh.ifelse(value, ibis.null(value.type())) for ref, value in values.items()}
        acc = joined.select(*[joined[c] for c in kept], **values)
        kept += refs
        event = acc[event_timestamp_col]
    return acc.select(*kept)


def _micros(ttl: timedelta) -> int:
    return (ttl.days * 86_400 + ttl.seconds) * 1_000_000 + ttl.microseconds


def install() -> bool:
    """Feast's ibis offline store joins through `asof_point_in_time_join` in this process, if this Feast is
    of the VERIFIED release; whether it does."""
    from importlib import metadata

    from feast.infra.offline_stores import ibis as feast_ibis

    if getattr(feast_ibis.point_in_time_join, MARK, False):
        return True
    if not metadata.version("feast").startswith(f"{VERIFIED}."):
        return False
    original = feast_ibis.point_in_time_join

    def point_in_time_join(entity_table: Any, feature_tables: Any, *args: Any, **kwargs: Any) -> Any:
        return asof_point_in_time_join(original, entity_table, feature_tables, *args, **kwargs)

    setattr(point_in_time_join, MARK, True)
    feast_ibis.point_in_time_join = point_in_time_join
    return True
