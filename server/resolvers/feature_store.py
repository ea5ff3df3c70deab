"""Resolvers of the feature store fields: registry reads from the snapshot, writes through the service."""

from __future__ import annotations

from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from server.blocking import run_blocking
from server.context import Context
from server.loaders import registry_snapshot
from server.resolvers.payloads import mutate
from server.schema.common import After, Connection, DeletePayload, First, tag_pairs
from server.schema.enums import RegistrationChange
from server.schema.feature_store import (
    CreateFeatureServiceInput,
    Entity,
    FeatureService,
    FeatureServicePayload,
    FeatureStoreStatus,
    FeatureView,
    FeatureViewFilter,
    RegisterEntityInput,
    RegisterEntityPayload,
    RegisterFeatureViewInput,
    RegisterFeatureViewPayload,
)
from server.schema.pagination import keyset_page
from server.services.dtypes import FeatureDtype as DomainDtype
from server.services.registry_records import (
    Change,
    EntityRecord,
    EntitySpec,
    FeatureServiceRecord,
    FeatureServiceSpec,
    FeatureSpec,
    FeatureViewRecord,
    FeatureViewSpec,
    ProjectionSpec,
    RegistrySnapshot,
    SourceSpec,
)

T = TypeVar("T")

EntityName = Annotated[str, strawberry.argument(description="Name of the entity.")]
ViewName = Annotated[str, strawberry.argument(description="Name of the feature view.")]
ServiceName = Annotated[str, strawberry.argument(description="Name of the feature service.")]
ViewFilter = Annotated[FeatureViewFilter | None, strawberry.argument(description="Only views matching all conditions.")]
ViewInput = Annotated[RegisterFeatureViewInput, strawberry.argument(description="The feature view's definition.")]
EntityInput = Annotated[RegisterEntityInput, strawberry.argument(description="The entity's definition.")]
ServiceInput = Annotated[
    CreateFeatureServiceInput, strawberry.argument(description="The feature service's definition.")
]


# ---- queries ------------------------------------------------------------------------------------


async def feature_store(info: Info[Context, None]) -> FeatureStoreStatus:
    registry = info.context.services.registry
    status = await run_blocking(registry.status)
    return FeatureStoreStatus(
        registry_type=status.registry_type,
        registry_location=status.registry_location,
        offline_store_type=status.offline_store_type,
        online_store_type=status.online_store_type,
        project=info.context.settings.feast_project,
        feature_views=status.feature_views,
        entities=status.entities,
        feature_services=status.feature_services,
    )


async def entities(info: Info[Context, None]) -> list[Entity]:
    snap = await registry_snapshot(info.context.services)
    return [Entity.from_record(snap.entities[n]) for n in sorted(snap.entities)]


async def entity(info: Info[Context, None], name: EntityName) -> Entity | None:
    record = (await registry_snapshot(info.context.services)).entities.get(name)
    return Entity.from_record(record) if record else None


def _matches(view: FeatureViewRecord, f: FeatureViewFilter, snap: RegistrySnapshot) -> bool:
    if f.name_contains and f.name_contains.lower() not in view.name.lower():
        return False
    if f.entity:
        keys = {view_entity for view_entity in view.entities}
        keys |= {snap.entities[e].join_key for e in view.entities if e in snap.entities}
        if f.entity not in keys:
            return False
    return not (f.tag and (f.tag.key, f.tag.value) not in view.tags)


async def feature_views(
    info: Info[Context, None],
    filter: ViewFilter = None,
    first: First = None,
    after: After = None,
) -> Connection[FeatureView]:
    snap = await registry_snapshot(info.context.services)
    views = [snap.views[n] for n in sorted(snap.views)]
    if filter is not None:
        views = [v for v in views if _matches(v, filter, snap)]
    return keyset_page(views, lambda v: v.name, FeatureView.from_record, first, after, info.context.settings.limits)


async def feature_view(info: Info[Context, None], name: ViewName) -> FeatureView | None:
    record = (await registry_snapshot(info.context.services)).views.get(name)
    return FeatureView.from_record(record) if record else None


async def feature_services(info: Info[Context, None]) -> list[FeatureService]:
    snap = await registry_snapshot(info.context.services)
    return [FeatureService.from_record(snap.services[n]) for n in sorted(snap.services)]


async def feature_service(info: Info[Context, None], name: ServiceName) -> FeatureService | None:
    record = (await registry_snapshot(info.context.services)).services.get(name)
    return FeatureService.from_record(record) if record else None


# ---- mutations ----------------------------------------------------------------------------------


def _view_spec(i: RegisterFeatureViewInput) -> FeatureViewSpec:
    return FeatureViewSpec(
        name=i.name,
        entities=tuple(i.entities),
        features=tuple(FeatureSpec(f.name, DomainDtype[f.dtype.name], f.description) for f in i.features),
        source=SourceSpec(
            table=i.source.table,
            timestamp_field=i.source.timestamp_field,
            created_timestamp_field=i.source.created_timestamp_field,
            catalog=i.source.catalog,
        ),
        ttl_seconds=i.ttl_seconds,
        online=i.online,
        description=i.description,
        tags=tag_pairs(i.tags),
        owner=i.owner,
    )


async def register_feature_view(info: Info[Context, None], input: ViewInput) -> RegisterFeatureViewPayload:
    def shape(result: tuple[FeatureViewRecord, Change]) -> RegisterFeatureViewPayload:
        record, change = result
        return RegisterFeatureViewPayload(feature_view=FeatureView.from_record(record), change=_change(change))

    registry = info.context.services.registry
    spec = _view_spec(input)
    await info.context.services.serving.ready()  # Feast's store open: no worker thread waits for it
    return await mutate(
        RegisterFeatureViewPayload, shape, registry.register_feature_view, spec, info.context.caller_name
    )


async def register_entity(info: Info[Context, None], input: EntityInput) -> RegisterEntityPayload:
    spec = EntitySpec(
        name=input.name,
        join_key=input.join_key,
        value_type=DomainDtype[input.value_type.name] if input.value_type else None,
        description=input.description,
        tags=tag_pairs(input.tags),
        owner=input.owner,
    )

    def shape(result: tuple[EntityRecord, Change]) -> RegisterEntityPayload:
        record, change = result
        return RegisterEntityPayload(entity=Entity.from_record(record), change=_change(change))

    await info.context.services.serving.ready()  # Feast's store open: no worker thread waits for it
    return await mutate(RegisterEntityPayload, shape, info.context.services.registry.register_entity, spec)


async def create_feature_service(info: Info[Context, None], input: ServiceInput) -> FeatureServicePayload:
    spec = FeatureServiceSpec(
        name=input.name,
        projections=tuple(
            ProjectionSpec(view=p.name, features=tuple(p.features) if p.features is not None else None)
            for p in input.feature_views
        ),
        description=input.description,
        tags=tag_pairs(input.tags),
        owner=input.owner,
    )

    def shape(result: tuple[FeatureServiceRecord, Change]) -> FeatureServicePayload:
        record, change = result
        return FeatureServicePayload(feature_service=FeatureService.from_record(record), change=_change(change))

    registry = info.context.services.registry
    await info.context.services.serving.ready()  # Feast's store open: no worker thread waits for it
    return await mutate(FeatureServicePayload, shape, registry.create_feature_service, spec)


async def delete_feature_view(info: Info[Context, None], name: ViewName) -> DeletePayload:
    delete = info.context.services.registry.delete_feature_view
    await info.context.services.serving.ready()  # Feast's store open: no worker thread waits for it
    return await mutate(DeletePayload, _deleted, delete, name, info.context.caller_name)


async def delete_feature_service(info: Info[Context, None], name: ServiceName) -> DeletePayload:
    await info.context.services.serving.ready()  # Feast's store open: no worker thread waits for it
    return await mutate(DeletePayload, _deleted, info.context.services.registry.delete_feature_service, name)


def _deleted(record: FeatureViewRecord | FeatureServiceRecord) -> DeletePayload:
    return DeletePayload(name=record.name)


def _change(change: Change) -> RegistrationChange:
    return RegistrationChange(change.value)
