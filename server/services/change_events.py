"""What changed in the feature registry and the model registry, as events for subscribers (pure diffs).

A change is found by comparing two readings of the registries, so writes made by this replica and by any
other are told the same way, once each (server/services/change_feed.py reads them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from server.services.mlflow_records import ModelVersionRecord
from server.services.registry_records import FeatureViewRecord

VersionKey = tuple[str, int]


class ViewEventKind(StrEnum):
    REGISTERED = "REGISTERED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"
    MATERIALIZED = "MATERIALIZED"


class ModelEventKind(StrEnum):
    CREATED = "CREATED"
    ALIAS_MOVED = "ALIAS_MOVED"
    ALIAS_REMOVED = "ALIAS_REMOVED"
    TAG_SET = "TAG_SET"
    TAG_DELETED = "TAG_DELETED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


@dataclass(frozen=True)
class ViewEvent:
    kind: ViewEventKind
    name: str
    at: datetime
    view: FeatureViewRecord | None  # as it is after the change; None once deleted


@dataclass(frozen=True)
class ModelEvent:
    kind: ModelEventKind
    model: str
    version: int
    at: datetime
    record: ModelVersionRecord | None  # as it is after the change; None once deleted
    alias: str | None = None
    tag: str | None = None


def _definition(view: FeatureViewRecord) -> FeatureViewRecord:
    return replace(view, created_at=None, updated_at=None, materialized=())


def view_changes(
    before: Mapping[str, FeatureViewRecord], after: Mapping[str, FeatureViewRecord], at: datetime
) -> list[ViewEvent]:
    events = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old is None and new is not None:
            events.append(ViewEvent(ViewEventKind.REGISTERED, name, at, new))
        elif new is None and old is not None:
            events.append(ViewEvent(ViewEventKind.DELETED, name, at, None))
        elif old is not None and new is not None:
            if _definition(old) != _definition(new):
                events.append(ViewEvent(ViewEventKind.UPDATED, name, at, new))
            if old.materialized != new.materialized:
                events.append(ViewEvent(ViewEventKind.MATERIALIZED, name, at, new))
    return events


def version_changes(
    before: Mapping[VersionKey, ModelVersionRecord], after: Mapping[VersionKey, ModelVersionRecord], at: datetime
) -> list[ModelEvent]:
    events = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        name, number = key
        if old is None and new is not None:
            events.append(ModelEvent(ModelEventKind.CREATED, name, number, at, new))
            events += [ModelEvent(ModelEventKind.ALIAS_MOVED, name, number, at, new, alias=a) for a in new.aliases]
            continue
        if new is None:
            events.append(ModelEvent(ModelEventKind.DELETED, name, number, at, None))
            continue
        assert old is not None
        events += [
            ModelEvent(ModelEventKind.ALIAS_MOVED, name, number, at, new, alias=a)
            for a in sorted(set(new.aliases) - set(old.aliases))
        ]
        events += [
            ModelEvent(ModelEventKind.ALIAS_REMOVED, name, number, at, new, alias=a)
            for a in sorted(set(old.aliases) - set(new.aliases))
        ]
        old_tags, new_tags = dict(old.tags), dict(new.tags)
        events += [
            ModelEvent(ModelEventKind.TAG_SET, name, number, at, new, tag=k)
            for k in sorted(new_tags)
            if old_tags.get(k) != new_tags[k]
        ]
        events += [
            ModelEvent(ModelEventKind.TAG_DELETED, name, number, at, new, tag=k)
            for k in sorted(old_tags.keys() - new_tags.keys())
        ]
        if (old.description, old.status) != (new.description, new.status):
            events.append(ModelEvent(ModelEventKind.UPDATED, name, number, at, new))
    return events
