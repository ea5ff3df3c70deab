"""Translation between our registry records and Feast objects, both ways.

Registered objects are read back through the same functions that build them, so comparing two
records tells whether a registration changes anything.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from feast import Entity, FeatureService, FeatureView, Field, ValueType
from feast import types as ft
from feast.data_source import DataSource
from feast.infra.data_sources.contrib.iceberg_catalog.iceberg_source import IcebergSource
from feast.infra.offline_stores.contrib.trino_offline_store.trino_source import TrinoSource
from feast.protos.feast.core.Entity_pb2 import Entity as EntityProto
from feast.protos.feast.core.FeatureService_pb2 import FeatureService as FeatureServiceProto
from feast.protos.feast.core.FeatureView_pb2 import FeatureView as FeatureViewProto

from server.services.dtypes import FeatureDtype
from server.services.gold_catalog import GoldCatalog, split_table_name
from server.services.registry_records import (
    EntityRecord,
    FeatureRecord,
    FeatureServiceRecord,
    FeatureViewRecord,
    ProjectionRecord,
    SourceRecord,
    tags_of,
)
from server.services.trino_engine import TrinoEngine
from server.timeutil import as_utc

_SCALARS: dict[FeatureDtype, tuple[Any, ValueType]] = {
    FeatureDtype.INT32: (ft.Int32, ValueType.INT32),
    FeatureDtype.INT64: (ft.Int64, ValueType.INT64),
    FeatureDtype.FLOAT32: (ft.Float32, ValueType.FLOAT),
    FeatureDtype.FLOAT64: (ft.Float64, ValueType.DOUBLE),
    FeatureDtype.STRING: (ft.String, ValueType.STRING),
    FeatureDtype.BOOL: (ft.Bool, ValueType.BOOL),
    FeatureDtype.BYTES: (ft.Bytes, ValueType.BYTES),
    FeatureDtype.UNIX_TIMESTAMP: (ft.UnixTimestamp, ValueType.UNIX_TIMESTAMP),
}
_VALUE_TYPES = {value_type: dtype for dtype, (_, value_type) in _SCALARS.items()}


def feast_type(dtype: FeatureDtype) -> Any:
    if dtype.is_list:
        return ft.Array(_SCALARS[dtype.element][0])
    return _SCALARS[dtype][0]


def value_type(dtype: FeatureDtype) -> ValueType:
    return _SCALARS[dtype][1]


_DTYPES = {t.value: d for d, (t, _) in _SCALARS.items()}  # by PrimitiveFeastType's value: no __eq__ per pair


def dtype_of(feast_dtype: Any) -> FeatureDtype | None:
    if isinstance(feast_dtype, ft.Array):
        scalar = dtype_of(feast_dtype.base_type)
        return FeatureDtype(f"{scalar.value}_LIST") if scalar else None
    if isinstance(feast_dtype, ft.PrimitiveFeastType):
        return _DTYPES.get(feast_dtype.value)
    return None


def source_name(view: str) -> str:
    return f"{view}__source"


# ---- records -> Feast ---------------------------------------------------------------------------


def build_entity(record: EntityRecord) -> Entity:
    return Entity(
        name=record.name,
        join_keys=[record.join_key],
        value_type=value_type(record.value_type) if record.value_type else ValueType.UNKNOWN,
        description=record.description,
        tags=dict(record.tags),
        owner=record.owner,
    )


GOLD_CATALOG_TAG = "asgard.gold_catalog"


def build_source(view: FeatureViewRecord, gold: GoldCatalog, trino: TrinoEngine | None = None) -> DataSource:
    """The view's gold table as Feast reads it: through pyiceberg (DuckDB), or as a Trino table."""
    parts = split_table_name(view.source.table)
    assert parts is not None
    if trino is not None:
        return TrinoSource(
            name=source_name(view.name),
            table=trino.table(view.source.table),
            timestamp_field=view.source.timestamp_field,
            created_timestamp_column=view.source.created_timestamp_field or "",
            tags={GOLD_CATALOG_TAG: gold.name},
        )
    props = gold.properties()
    return IcebergSource(
        name=source_name(view.name),
        warehouse=props["warehouse"],
        namespace=parts[0],
        table=parts[1],
        catalog_type=props["type"],
        catalog_name=gold.name,
        catalog_properties={k: v for k, v in props.items() if k not in {"type", "warehouse"}},
        # Feast's DuckDB store opens a REST catalog from `endpoint` and `warehouse` alone (not the
        # properties): the S3 endpoint then comes from the catalog's own config, as Nessie serves it.
        endpoint=props["uri"] if props["type"] == "rest" else "",
        timestamp_field=view.source.timestamp_field,
        created_timestamp_column=view.source.created_timestamp_field or "",
        credential_vending=False,
    )


def build_feature_view(
    view: FeatureViewRecord, entities: tuple[EntityRecord, ...], gold: GoldCatalog, trino: TrinoEngine | None = None
) -> FeatureView:
    # Join keys go in the schema too: otherwise Feast reads the table to infer their types.
    key_fields = [Field(name=e.join_key, dtype=feast_type(e.value_type or FeatureDtype.STRING)) for e in entities]
    feature_fields = [
        Field(name=f.name, dtype=feast_type(f.dtype), description=f.description)
        for f in view.features
        if f.dtype is not None
    ]
    return FeatureView(
        name=view.name,
        entities=[build_entity(e) for e in entities],
        schema=key_fields + feature_fields,
        source=build_source(view, gold, trino),
        ttl=timedelta(seconds=view.ttl_seconds or 0),
        online=view.online,
        description=view.description,
        tags=dict(view.tags),
        owner=view.owner,
    )


def build_feature_service(record: FeatureServiceRecord, views: dict[str, FeatureView]) -> FeatureService:
    projections = []
    for p in record.projections:
        view = views[p.view]
        all_features = [f.name for f in view.features]
        projections.append(view if list(p.features) == all_features else view[list(p.features)])
    return FeatureService(
        name=record.name,
        features=projections,
        description=record.description,
        tags=dict(record.tags),
        owner=record.owner,
    )


# ---- Feast -> records ---------------------------------------------------------------------------


def entity_record(entity: Entity) -> EntityRecord:
    return EntityRecord(
        name=entity.name,
        join_key=entity.join_key,
        value_type=_VALUE_TYPES.get(entity.value_type),
        description=entity.description or "",
        tags=tags_of(entity.tags),
        owner=entity.owner or "",
        created_at=as_utc(entity.created_timestamp),
        updated_at=as_utc(entity.last_updated_timestamp),
    )


def _source_record(source: Any) -> SourceRecord:
    if isinstance(source, IcebergSource):
        table = f"{source.namespace}.{source.iceberg_table}"
        catalog: str | None = source.catalog_name
    elif isinstance(source, TrinoSource) and GOLD_CATALOG_TAG in source.tags:
        table = source.table.split(".", 1)[1]  # <trino catalog>.<namespace>.<table>
        catalog = source.tags[GOLD_CATALOG_TAG]
    else:  # a view registered by someone else, on another kind of source
        table = getattr(source, "table", None) or getattr(source, "path", None) or source.name
        catalog = None
    return SourceRecord(
        table=table,
        timestamp_field=source.timestamp_field or "",
        created_timestamp_field=source.created_timestamp_column or None,
        catalog=catalog,
    )


def feature_view_record(view: FeatureView, join_keys: set[str]) -> FeatureViewRecord:
    ttl = int(view.ttl.total_seconds()) if view.ttl else 0
    return FeatureViewRecord(
        name=view.name,
        entities=tuple(view.entities),
        features=tuple(
            FeatureRecord(name=f.name, dtype=dtype_of(f.dtype), description=f.description or "")
            for f in view.features
            if f.name not in join_keys
        ),
        source=_source_record(view.batch_source),
        ttl_seconds=ttl or None,
        online=view.online,
        description=view.description or "",
        tags=tags_of(view.tags),
        owner=view.owner or "",
        created_at=as_utc(view.created_timestamp),
        updated_at=as_utc(view.last_updated_timestamp),
        materialized=tuple(
            (start, end)
            for start, end in ((as_utc(s), as_utc(e)) for s, e in view.materialization_intervals)
            if start is not None and end is not None
        ),
    )


def feature_service_record(service: FeatureService) -> FeatureServiceRecord:
    return FeatureServiceRecord(
        name=service.name,
        projections=tuple(
            ProjectionRecord(view=p.name, features=tuple(f.name for f in p.features))
            for p in service.feature_view_projections
        ),
        description=service.description or "",
        tags=tags_of(service.tags),
        owner=service.owner or "",
        created_at=as_utc(service.created_timestamp),
        updated_at=as_utc(service.last_updated_timestamp),
    )


def record_from_proto(kind: str, stored: bytes) -> EntityRecord | FeatureViewRecord | FeatureServiceRecord:
    """The record of an object as Feast's SQL registry stores it: a serialized proto of `kind` ("entity",
    "view" or "service"). A view's features are all its fields here, join keys included (the registry
    leaves out the join keys of every entity)."""
    if kind == "entity":
        return entity_record(Entity.from_proto(EntityProto.FromString(stored)))
    if kind == "view":
        return feature_view_record(FeatureView.from_proto(FeatureViewProto.FromString(stored)), set())
    return feature_service_record(FeatureService.from_proto(FeatureServiceProto.FromString(stored)))
