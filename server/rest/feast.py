"""The old /feast routes: feature views, feature services and the store's status."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.rest.bodies import Body
from server.rest.bridge import Bridge, check, check_user_errors, reply
from server.rest.names import Path, dtype_from_old, dtype_to_old
from server.rest.operations import (
    CREATE_FEATURE_SERVICE,
    FEATURE_STORE,
    FEATURE_VIEW_NAMES,
    FEATURE_VIEWS,
    REGISTER_FEATURE_VIEW,
)

# The old API's defaults for what its callers could leave out.
OLD_CATALOG = "iceberg"
OLD_SCHEMA = "gold"
OLD_TIMESTAMP_FIELD = "event_timestamp"
OLD_TTL_SECONDS = 86400
OLD_DTYPES = "int32, int64, float32, float64, string, bytes, bool, unix_timestamp, array_<type>"

VIEW_RENAMES: dict[Path, str] = {
    ("source", "table"): "source.table_name",
    ("source", "createdTimestampField"): "source.created_timestamp_column",
}


def _feature(feature: Body) -> dict[str, Any]:
    declared = feature.text("dtype", required=True)
    dtype = dtype_from_old(declared) if declared is not None else None
    if declared is not None and dtype is None:
        feature.refuse("dtype", f"unknown dtype {declared!r}; use one of {OLD_DTYPES}")
    # Per-feature tags of the old API have no counterpart: they are accepted and not kept.
    return {"name": feature.text("name", required=True), "dtype": dtype, "description": feature.text("description")}


def _source(source: Body, catalog_name: str) -> dict[str, Any]:
    table = source.text("table_name", required=True)
    catalog = source.text("catalog")
    return {
        "table": f"{source.text('schema') or OLD_SCHEMA}.{table}",
        "timestampField": source.text("timestamp_field") or OLD_TIMESTAMP_FIELD,
        "createdTimestampField": source.text("created_timestamp_column"),
        # Old callers name the gold catalog "iceberg" whatever it is called here; any other name is
        # the registration's to refuse.
        "catalog": catalog_name if catalog == OLD_CATALOG else catalog,
    }


def _tags(labels: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in labels.items()]


def view_input(body: Body, catalog_name: str) -> tuple[dict[str, Any], dict[Path, str]]:
    """RegisterFeatureViewInput from an old FeatureViewRequest, and how its fields were named."""
    features = body.children("features", required=True) or []
    source = body.child("source", required=True)
    tags = body.labels("tags")
    view = {
        "name": body.text("name", required=True),
        "entities": body.texts("entities", required=True),
        "features": [_feature(f) for f in features],
        "source": _source(source, catalog_name) if source else None,
        "ttlSeconds": body.integer("ttl_seconds") if body.has("ttl_seconds") else OLD_TTL_SECONDS,
        "online": body.flag("online", False),
        "description": body.text("description"),
        "tags": _tags(tags),
    }
    check(body)
    return view, VIEW_RENAMES | {("tags", str(i)): f"tags.{key}" for i, key in enumerate(tags)}


def _projections(body: Body) -> tuple[list[dict[str, Any]], dict[Path, str]]:
    """Whole views from `feature_views`, chosen features from `features` ("view:feature")."""
    projections: list[dict[str, Any]] = []
    renames: dict[Path, str] = {}
    for i, name in enumerate(body.texts("feature_views") or []):
        projections.append({"name": name})
        renames[("featureViews", str(i))] = renames[("featureViews", str(i), "name")] = f"feature_views.{i}"
    chosen: dict[str, list[tuple[int, str]]] = {}
    for j, ref in enumerate(body.texts("features") or []):
        view, sep, feature = ref.partition(":")
        if not (sep and view and feature):
            body.refuse(f"features.{j}", f'{ref!r} is not a feature reference "view:feature"')
            continue
        chosen.setdefault(view, []).append((j, feature))
    for view, refs in chosen.items():
        k = str(len(projections))
        projections.append({"name": view, "features": [feature for _, feature in refs]})
        renames[("featureViews", k)] = renames[("featureViews", k, "name")] = f"features.{refs[0][0]}"
        for n, (j, _) in enumerate(refs):
            renames[("featureViews", k, "features", str(n))] = f"features.{j}"
    return projections, renames


def service_input(body: Body) -> tuple[dict[str, Any], dict[Path, str]]:
    """CreateFeatureServiceInput from an old FeatureServiceRequest (plus "view:feature" references)."""
    name = body.text("name", required=True)
    known = len(body.problems)
    projections, renames = _projections(body)
    if not projections and len(body.problems) == known:
        body.refuse("feature_views", 'name at least one feature view (or features as "view:feature")')
    tags = body.labels("tags")
    service = {"name": name, "featureViews": projections, "description": body.text("description"), "tags": _tags(tags)}
    check(body)
    return service, renames | {("tags", str(i)): f"tags.{key}" for i, key in enumerate(tags)}


async def create_feature_view(bridge: Bridge, request: Request, payload: Any) -> Response:
    view, renames = view_input(Body.of(payload), bridge.settings.catalog_name)
    data = await bridge.run(request, REGISTER_FEATURE_VIEW, {"input": view}, renames)
    result = data["registerFeatureView"]
    check_user_errors(result["userErrors"], renames)
    registered = result["featureView"]
    source = registered["source"]
    return reply(
        {
            "name": registered["name"],
            "status": "registered",
            "change": result["change"].lower(),
            "entities": [e["name"] for e in registered["entities"]],
            "features": len(registered["features"]),
            "source_table": ".".join(filter(None, (source["catalog"], source["table"]))),
            "online_enabled": registered["online"],
            "created_at": registered["createdAt"],
        },
        201,
    )


def _listed(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": view["name"],
        "entities": [e["name"] for e in view["entities"]],
        "features": [
            {"name": f["name"], "dtype": dtype_to_old(f["dtype"]), "description": f["description"]}
            for f in view["features"]
        ],
        "online_enabled": view["online"],
        "ttl_seconds": view["ttlSeconds"] or 0,  # 0: no expiry
        "created_at": view["createdAt"],
    }


async def list_feature_views(bridge: Bridge, request: Request, _: Any) -> Response:
    views = await bridge.pages(request, FEATURE_VIEWS, "featureViews")
    return reply([_listed(v) for v in views])


async def create_feature_service(bridge: Bridge, request: Request, payload: Any) -> Response:
    service, renames = service_input(Body.of(payload))
    data = await bridge.run(request, CREATE_FEATURE_SERVICE, {"input": service}, renames)
    result = data["createFeatureService"]
    check_user_errors(result["userErrors"], renames)
    created = result["featureService"]
    return reply(
        {
            "name": created["name"],
            "status": "created",
            "change": result["change"].lower(),
            "feature_views": [p["name"] for p in created["featureViews"]],
            "features": [f"{p['name']}:{f}" for p in created["featureViews"] for f in p["featureNames"]],
            "created_at": created["createdAt"],
        },
        201,
    )


async def feature_store_status(bridge: Bridge, request: Request, _: Any) -> Response:
    data = await bridge.run(request, FEATURE_STORE)
    names = [v["name"] for v in await bridge.pages(request, FEATURE_VIEW_NAMES, "featureViews")]
    store = data["featureStore"]
    return reply(
        {
            "registry_type": store["registryType"],
            "online_store_type": store["onlineStoreType"],
            "offline_store_type": store["offlineStoreType"],
            "num_feature_views": store["featureViews"],
            "num_entities": store["entities"],
            "num_feature_services": store["featureServices"],
            "feature_views": names,
            "entities": [e["name"] for e in data["entities"]],
        }
    )
