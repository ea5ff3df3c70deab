"""server/services/freshness.py: lag, TTL and staleness of a view from its table's newest event and its
materializations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.services.freshness import freshness
from server.services.registry_records import FeatureViewRecord, SourceRecord

NOW = datetime(2026, 1, 10, tzinfo=UTC)
LATEST = datetime(2026, 1, 7, 6, tzinfo=UTC)


def _view(online=True, ttl=None, loaded=()):
    source = SourceRecord(table="gold.t", timestamp_field="updated_at")
    return FeatureViewRecord("v", ("customer",), (), source, ttl, online, materialized=loaded)


def _interval(end):
    return (end - timedelta(days=1), end)


def test_never_loaded_with_rows_in_the_table_is_stale():
    f = freshness(_view(), LATEST, None, NOW)
    assert f.materialized_up_to is None and f.lag_seconds is None and f.within_ttl is None and f.stale


def test_rows_whose_times_are_not_recorded_still_make_a_never_loaded_view_stale():
    assert freshness(_view(), None, None, NOW, has_rows=True).stale
    assert not freshness(_view(), None, None, NOW, has_rows=False).stale


def test_loaded_up_to_an_earlier_time_lags_by_the_difference():
    f = freshness(_view(loaded=(_interval(LATEST - timedelta(hours=3)),)), LATEST, NOW, NOW)
    assert f.lag_seconds == 3 * 3600 and f.stale
    assert f.last_materialized_at == NOW


def test_caught_up_and_within_ttl_is_fresh():
    loaded = (_interval(LATEST - timedelta(hours=3)), _interval(LATEST + timedelta(days=1)))  # the latest counts
    f = freshness(_view(ttl=7 * 86400, loaded=loaded), LATEST, None, NOW)
    assert f.materialized_up_to == LATEST + timedelta(days=1)
    assert f.lag_seconds == 0 and f.within_ttl is True and not f.stale


def test_caught_up_but_past_the_ttl_is_stale():
    f = freshness(_view(ttl=86400, loaded=(_interval(NOW),)), LATEST, None, NOW)
    assert f.lag_seconds == 0 and f.within_ttl is False and f.stale
    assert freshness(_view(ttl=0, loaded=(_interval(NOW),)), LATEST, None, NOW).within_ttl is True  # 0: forever


def test_an_offline_view_is_judged_by_its_table_alone():
    f = freshness(_view(online=False, ttl=86400), LATEST, NOW, NOW)
    assert f.lag_seconds is None and f.materialized_up_to is None and f.last_materialized_at is None
    assert f.within_ttl is False and f.stale
    assert not freshness(_view(online=False), LATEST, None, NOW).stale


def test_an_empty_table_says_nothing_and_is_not_stale():
    f = freshness(_view(ttl=60), None, None, NOW)
    assert (f.latest_event_time, f.lag_seconds, f.within_ttl, f.stale) == (None, None, None, False)
