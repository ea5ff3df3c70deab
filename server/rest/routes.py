"""The deprecated REST routes, each over its GraphQL twin (see server/rest/operations.py)."""

from __future__ import annotations

from starlette.routing import Route

from server.config import Settings
from server.rest import feast, mlops
from server.rest.bridge import Bridge, endpoint
from server.schema.build import Schema


def rest_routes(schema: Schema, settings: Settings) -> list[Route]:
    """The old API's routes; /feast and /mlops are behind the same authentication as /graphql."""
    bridge = Bridge(schema, settings)
    return [
        Route("/feast/features", endpoint(bridge, feast.create_feature_view, reads_body=True), methods=["POST"]),
        Route("/feast/features", endpoint(bridge, feast.list_feature_views), methods=["GET"]),
        Route(
            "/feast/features/service",
            endpoint(bridge, feast.create_feature_service, reads_body=True),
            methods=["POST"],
        ),
        Route("/feast/status", endpoint(bridge, feast.feature_store_status), methods=["GET"]),
        Route("/mlops/status", endpoint(bridge, mlops.platform_status), methods=["GET"]),
        Route(
            "/mlops/training/upload",
            endpoint(bridge, mlops.upload_training_script, reads_body=True),
            methods=["POST"],
        ),
        Route("/mlops/training/jobs/{job_id}", endpoint(bridge, mlops.training_job), methods=["GET"]),
        Route("/mlops/inference", endpoint(bridge, mlops.inference, reads_body=True), methods=["POST"]),
    ]
