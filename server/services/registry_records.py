"""Plain records of the feature registry: what callers ask for (specs) and what exists (records).

These never hold Feast objects, so the GraphQL layer and tests can use them without importing Feast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from server.services.dtypes import FeatureDtype

Tags = tuple[tuple[str, str], ...]


def tags_of(mapping: dict[str, str] | None) -> Tags:
    return tuple(sorted((mapping or {}).items()))


class Change(StrEnum):
    """What a registration did to the registry."""

    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True)
class StoreStatus:
    registry_type: str
    registry_location: str
    offline_store_type: str
    online_store_type: str
    feature_views: int
    entities: int
    feature_services: int


# ---- what exists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityRecord:
    name: str
    join_key: str
    value_type: FeatureDtype | None
    description: str = ""
    tags: Tags = ()
    owner: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class FeatureRecord:
    name: str
    dtype: FeatureDtype | None
    description: str = ""


@dataclass(frozen=True)
class SourceRecord:
    table: str
    timestamp_field: str
    created_timestamp_field: str | None = None
    catalog: str | None = None


@dataclass(frozen=True)
class FeatureViewRecord:
    name: str
    entities: tuple[str, ...]
    features: tuple[FeatureRecord, ...]
    source: SourceRecord
    ttl_seconds: int | None
    online: bool
    description: str = ""
    tags: Tags = ()
    owner: str = ""
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)
    materialized: tuple[tuple[datetime, datetime], ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class ProjectionRecord:
    view: str
    features: tuple[str, ...]


@dataclass(frozen=True)
class FeatureServiceRecord:
    name: str
    projections: tuple[ProjectionRecord, ...]
    description: str = ""
    tags: Tags = ()
    owner: str = ""
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RegistrySnapshot:
    """Everything in the registry at one moment; immutable, so readers share it freely."""

    entities: dict[str, EntityRecord]
    views: dict[str, FeatureViewRecord]
    services: dict[str, FeatureServiceRecord]

    def services_using(self, view: str) -> list[str]:
        return sorted(s.name for s in self.services.values() if any(p.view == view for p in s.projections))

    def views_using(self, entity: str) -> list[str]:
        return sorted(v.name for v in self.views.values() if entity in v.entities)


# ---- what callers ask for ----------------------------------------------------------------------


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    dtype: FeatureDtype
    description: str | None = None


@dataclass(frozen=True)
class SourceSpec:
    table: str
    timestamp_field: str
    created_timestamp_field: str | None = None
    catalog: str | None = None


@dataclass(frozen=True)
class FeatureViewSpec:
    name: str
    entities: tuple[str, ...]
    features: tuple[FeatureSpec, ...]
    source: SourceSpec
    ttl_seconds: int | None = None
    online: bool = False
    description: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    owner: str | None = None


@dataclass(frozen=True)
class EntitySpec:
    name: str
    join_key: str | None = None
    value_type: FeatureDtype | None = None
    description: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    owner: str | None = None


@dataclass(frozen=True)
class ProjectionSpec:
    view: str
    features: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FeatureServiceSpec:
    name: str
    projections: tuple[ProjectionSpec, ...]
    description: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    owner: str | None = None
