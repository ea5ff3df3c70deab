"""Validation of registry writes, before anything touches the registry (pure functions).

Every problem found becomes one InputError naming the input field, so a caller fixes them all in
one round trip; a plan is only returned when there are none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from server.services.dtypes import (
    TIMESTAMP_COLUMN_TYPES,
    is_compatible,
    natural_dtype,
)
from server.services.errors import ErrorCode, InputError, InputErrorList, input_error
from server.services.gold_catalog import GoldTableRecord, split_table_name
from server.services.registry_records import (
    EntityRecord,
    EntitySpec,
    FeatureRecord,
    FeatureServiceRecord,
    FeatureServiceSpec,
    FeatureViewRecord,
    FeatureViewSpec,
    ProjectionRecord,
    RegistrySnapshot,
    SourceRecord,
)

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
TAG_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.\-/]{1,128}$")
MAX_TAG_VALUE = 1024
MAX_FEATURES = 1000


def check_name(name: str, *path: str | int) -> list[InputError]:
    if NAME_PATTERN.match(name) and not name.startswith("__"):
        return []
    return [
        input_error(
            ErrorCode.INVALID_NAME,
            f"{name!r} is not a valid name: use letters, digits and underscores, "
            "starting with a letter or underscore, at most 128 characters",
            *path,
        )
    ]


def check_tags(tags: Sequence[tuple[str, str]]) -> list[InputError]:
    errors = InputErrorList()
    seen: set[str] = set()
    for i, (key, value) in enumerate(tags):
        if not TAG_KEY_PATTERN.match(key):
            errors.add(
                ErrorCode.INVALID_VALUE, f"tag key {key!r} must be 1-128 letters, digits or _ . - /", "tags", i, "key"
            )
        elif key in seen:
            errors.add(ErrorCode.DUPLICATE, f"tag {key!r} is given twice", "tags", i, "key")
        if len(value) > MAX_TAG_VALUE:
            errors.add(
                ErrorCode.INVALID_VALUE, f"tag value is longer than {MAX_TAG_VALUE} characters", "tags", i, "value"
            )
        seen.add(key)
    return errors


def _duplicates(names: Sequence[str]) -> list[int]:
    seen: set[str] = set()
    dupes = []
    for i, name in enumerate(names):
        if name in seen:
            dupes.append(i)
        seen.add(name)
    return dupes


@dataclass(frozen=True)
class ViewPlan:
    """What a valid feature view registration will write."""

    view: FeatureViewRecord
    entities: tuple[EntityRecord, ...]
    new_entities: tuple[EntityRecord, ...]


def _resolve_entity(ref: str, snapshot: RegistrySnapshot) -> EntityRecord | None:
    if ref in snapshot.entities:
        return snapshot.entities[ref]
    by_key = [e for e in snapshot.entities.values() if e.join_key == ref]
    return by_key[0] if len(by_key) == 1 else None


def _check_source(spec: FeatureViewSpec, table: GoldTableRecord | None, catalog_name: str) -> list[InputError]:
    source = spec.source
    if source.catalog and source.catalog != catalog_name:
        return [
            input_error(
                ErrorCode.UNKNOWN_TABLE,
                f"unknown catalog {source.catalog!r}; the gold catalog is {catalog_name!r}",
                "source",
                "catalog",
            )
        ]
    if split_table_name(source.table) is None:
        return [
            input_error(
                ErrorCode.INVALID_VALUE,
                f"table {source.table!r} must be qualified as namespace.table, e.g. gold.customer_aggregates",
                "source",
                "table",
            )
        ]
    if table is None:
        return [
            input_error(
                ErrorCode.UNKNOWN_TABLE,
                f"table {source.table!r} does not exist in the gold catalog",
                "source",
                "table",
            )
        ]
    errors = InputErrorList()
    for path, column in (
        ("timestampField", source.timestamp_field),
        ("createdTimestampField", source.created_timestamp_field),
    ):
        if column is None:
            continue
        col = table.column(column)
        if col is None:
            errors.add(ErrorCode.UNKNOWN_COLUMN, f"column {column!r} does not exist in {table.name}", "source", path)
        elif col.type not in TIMESTAMP_COLUMN_TYPES:
            errors.add(ErrorCode.TYPE_MISMATCH, f"column {column!r} is {col.type}, not a timestamp", "source", path)
    return errors


def _check_entities(
    spec: FeatureViewSpec, table: GoldTableRecord | None, snapshot: RegistrySnapshot
) -> tuple[list[InputError], list[EntityRecord], list[EntityRecord]]:
    errors = InputErrorList()
    resolved: list[EntityRecord] = []
    new: list[EntityRecord] = []
    if not spec.entities:
        errors.add(ErrorCode.INVALID_VALUE, "at least one entity is required", "entities")
    dupes = set(_duplicates(spec.entities))
    for i, ref in enumerate(spec.entities):
        if i in dupes:
            errors.add(ErrorCode.DUPLICATE, f"entity {ref!r} is given twice", "entities", i)
            continue
        name_errors = check_name(ref, "entities", i)
        if name_errors:
            errors += name_errors
            continue
        existing = _resolve_entity(ref, snapshot)
        join_key = existing.join_key if existing else ref
        column = table.column(join_key) if table else None
        if table is not None and column is None:
            errors.add(
                ErrorCode.UNKNOWN_COLUMN, f"join key {join_key!r} is not a column of {table.name}", "entities", i
            )
            continue
        if column is None:
            continue
        dtype = natural_dtype(column.type)
        if dtype is None or dtype.is_list:
            errors.add(
                ErrorCode.TYPE_MISMATCH,
                f"join key column {join_key!r} is {column.type}, which cannot be an entity key",
                "entities",
                i,
            )
            continue
        if existing is not None:
            if existing.value_type is not None and not is_compatible(existing.value_type, column.type):
                errors.add(
                    ErrorCode.TYPE_MISMATCH,
                    f"entity {existing.name!r} has value type {existing.value_type.value}, "
                    f"but column {join_key!r} is {column.type}",
                    "entities",
                    i,
                )
                continue
            resolved.append(existing)
        else:
            entity = EntityRecord(name=ref, join_key=ref, value_type=dtype)
            resolved.append(entity)
            new.append(entity)
    return errors, resolved, new


def _check_features(spec: FeatureViewSpec, table: GoldTableRecord | None, reserved: set[str]) -> list[InputError]:
    errors = InputErrorList()
    if not spec.features:
        errors.add(ErrorCode.INVALID_VALUE, "at least one feature is required", "features")
    if len(spec.features) > MAX_FEATURES:
        errors.add(ErrorCode.LIMIT_EXCEEDED, f"at most {MAX_FEATURES} features", "features")
    dupes = set(_duplicates([f.name for f in spec.features]))
    for i, feature in enumerate(spec.features):
        name_errors = check_name(feature.name, "features", i, "name")
        if name_errors:
            errors += name_errors
            continue
        if i in dupes:
            errors.add(ErrorCode.DUPLICATE, f"feature {feature.name!r} is given twice", "features", i, "name")
            continue
        if feature.name in reserved:
            errors.add(
                ErrorCode.INVALID_VALUE,
                f"{feature.name!r} is a join key or timestamp column, not a feature",
                "features",
                i,
                "name",
            )
            continue
        if table is None:
            continue
        column = table.column(feature.name)
        if column is None:
            errors.add(
                ErrorCode.UNKNOWN_COLUMN,
                f"column {feature.name!r} does not exist in {table.name}",
                "features",
                i,
                "name",
            )
        elif not is_compatible(feature.dtype, column.type):
            errors.add(
                ErrorCode.TYPE_MISMATCH,
                f"feature {feature.name!r} is declared {feature.dtype.value}, "
                f"but column {feature.name!r} is {column.type}",
                "features",
                i,
                "dtype",
            )
    return errors


def plan_feature_view(
    spec: FeatureViewSpec,
    table: GoldTableRecord | None,
    snapshot: RegistrySnapshot,
    catalog_name: str,
) -> tuple[ViewPlan | None, list[InputError]]:
    """Check a registration against the gold table and the registry; plan it when it is valid."""
    errors = InputErrorList(check_name(spec.name, "name"))
    if spec.ttl_seconds is not None and spec.ttl_seconds < 0:
        errors.add(ErrorCode.INVALID_VALUE, "ttlSeconds must be 0 (no expiry) or more", "ttlSeconds")
    errors += check_tags(spec.tags)
    source_errors = _check_source(spec, table, catalog_name)
    errors += source_errors
    usable_table = table if not source_errors else None
    entity_errors, entities, new_entities = _check_entities(spec, usable_table, snapshot)
    errors += entity_errors
    reserved = {e.join_key for e in entities} | {spec.source.timestamp_field}
    if spec.source.created_timestamp_field:
        reserved.add(spec.source.created_timestamp_field)
    errors += _check_features(spec, usable_table, reserved)
    if errors:
        return None, errors
    assert table is not None
    view = FeatureViewRecord(
        name=spec.name,
        entities=tuple(e.name for e in entities),
        features=tuple(FeatureRecord(f.name, f.dtype, f.description or "") for f in spec.features),
        source=SourceRecord(
            table=table.name,
            timestamp_field=spec.source.timestamp_field,
            created_timestamp_field=spec.source.created_timestamp_field or None,
            catalog=catalog_name,
        ),
        ttl_seconds=spec.ttl_seconds or None,
        online=spec.online,
        description=spec.description or "",
        tags=tuple(sorted(spec.tags)),
        owner=spec.owner or "",
    )
    return ViewPlan(view, tuple(entities), tuple(new_entities)), []


def plan_entity(spec: EntitySpec, snapshot: RegistrySnapshot) -> tuple[EntityRecord | None, list[InputError]]:
    errors = InputErrorList(check_name(spec.name, "name"))
    join_key = spec.join_key or spec.name
    if spec.join_key is not None:
        errors += check_name(spec.join_key, "joinKey")
    errors += check_tags(spec.tags)
    existing = snapshot.entities.get(spec.name)
    if existing is not None and existing.join_key != join_key and snapshot.views_using(spec.name):
        errors.add(
            ErrorCode.IN_USE,
            f"entity {spec.name!r} is used by feature views "
            f"{', '.join(snapshot.views_using(spec.name))}; its join key cannot change",
            "joinKey",
        )
    if errors:
        return None, errors
    value_type = spec.value_type or (existing.value_type if existing else None)
    return (
        EntityRecord(
            name=spec.name,
            join_key=join_key,
            value_type=value_type,
            description=spec.description or "",
            tags=tuple(sorted(spec.tags)),
            owner=spec.owner or "",
        ),
        [],
    )


def plan_feature_service(
    spec: FeatureServiceSpec, snapshot: RegistrySnapshot
) -> tuple[FeatureServiceRecord | None, list[InputError]]:
    errors = InputErrorList(check_name(spec.name, "name"))
    errors += check_tags(spec.tags)
    if not spec.projections:
        errors.add(ErrorCode.INVALID_VALUE, "at least one feature view is required", "featureViews")
    dupes = set(_duplicates([p.view for p in spec.projections]))
    projections = []
    for i, projection in enumerate(spec.projections):
        if i in dupes:
            errors.add(
                ErrorCode.DUPLICATE, f"feature view {projection.view!r} is given twice", "featureViews", i, "name"
            )
            continue
        view = snapshot.views.get(projection.view)
        if view is None:
            errors.add(
                ErrorCode.NOT_FOUND, f"feature view {projection.view!r} does not exist", "featureViews", i, "name"
            )
            continue
        known = [f.name for f in view.features]
        chosen = list(projection.features) if projection.features is not None else known
        if projection.features is not None and not chosen:
            errors.add(
                ErrorCode.INVALID_VALUE,
                "choose at least one feature, or leave features out for all of them",
                "featureViews",
                i,
                "features",
            )
        for dupe in _duplicates(chosen):
            errors.add(
                ErrorCode.DUPLICATE, f"feature {chosen[dupe]!r} is given twice", "featureViews", i, "features", dupe
            )
        for j, name in enumerate(chosen):
            if name not in known:
                errors.add(
                    ErrorCode.NOT_FOUND,
                    f"feature view {view.name!r} has no feature {name!r}",
                    "featureViews",
                    i,
                    "features",
                    j,
                )
        projections.append(ProjectionRecord(view=view.name, features=tuple(chosen)))
    if errors:
        return None, errors
    return (
        FeatureServiceRecord(
            name=spec.name,
            projections=tuple(projections),
            description=spec.description or "",
            tags=tuple(sorted(spec.tags)),
            owner=spec.owner or "",
        ),
        [],
    )
