"""server/services/change_events.py: two readings of the registries compared, each change told once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from server.services.change_events import ModelEventKind, ViewEventKind, version_changes, view_changes
from server.services.dtypes import FeatureDtype
from server.services.mlflow_records import ModelVersionRecord
from server.services.registry_records import FeatureRecord, FeatureViewRecord, SourceRecord

AT = datetime(2026, 12, 3, tzinfo=UTC)


def _view(name: str, **changes) -> FeatureViewRecord:
    view = FeatureViewRecord(
        name, ("c",), (FeatureRecord("x", FeatureDtype.INT64),), SourceRecord("g.t", "at"), None, True
    )
    return replace(view, **changes)


def _version(number: int, aliases=(), tags=(), description="") -> ModelVersionRecord:
    return ModelVersionRecord("m", number, "READY", "r", None, description, tuple(aliases), tuple(tags), 1, 1)


def test_views_registered_updated_materialized_and_deleted():
    before = {"a": _view("a"), "b": _view("b"), "c": _view("c")}
    after = {
        "a": _view("a", description="changed", updated_at=AT),
        "b": _view("b", materialized=((AT, AT),), updated_at=AT),  # only its intervals: materialized
        "d": _view("d"),
    }
    found = [(e.kind, e.name) for e in view_changes(before, after, AT)]
    assert found == [
        (ViewEventKind.UPDATED, "a"),
        (ViewEventKind.MATERIALIZED, "b"),
        (ViewEventKind.DELETED, "c"),
        (ViewEventKind.REGISTERED, "d"),
    ]
    assert view_changes(after, after, AT) == []


def test_an_alias_moving_is_told_on_both_versions_and_tags_by_key():
    before = {("m", 1): _version(1, aliases=["champion"], tags=[("a", "1"), ("b", "1")]), ("m", 2): _version(2)}
    after = {
        ("m", 1): _version(1, tags=[("a", "2")]),
        ("m", 2): _version(2, aliases=["champion"], description="new"),
        ("m", 3): _version(3, aliases=["latest"]),
    }
    found = [(e.kind, e.version, e.alias, e.tag) for e in version_changes(before, after, AT)]
    assert found == [
        (ModelEventKind.ALIAS_REMOVED, 1, "champion", None),
        (ModelEventKind.TAG_SET, 1, None, "a"),
        (ModelEventKind.TAG_DELETED, 1, None, "b"),
        (ModelEventKind.ALIAS_MOVED, 2, "champion", None),
        (ModelEventKind.UPDATED, 2, None, None),
        (ModelEventKind.CREATED, 3, None, None),
        (ModelEventKind.ALIAS_MOVED, 3, "latest", None),
    ]
    gone = version_changes(after, {}, AT)
    assert {e.kind for e in gone} == {ModelEventKind.DELETED} and all(e.record is None for e in gone)
