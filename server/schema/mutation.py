"""The Mutation root: every mutation returns a payload with `userErrors`."""

from __future__ import annotations

import strawberry

from server.resolvers import feature_store as features


@strawberry.type(description="Change the platform: register features.")
class Mutation:
    register_feature_view = strawberry.field(
        resolver=features.register_feature_view,
        description="Register a feature view over a gold table, or update it; validated before any write.",
    )
    register_entity = strawberry.field(
        resolver=features.register_entity,
        description="Register an entity explicitly, or update it.",
    )
    delete_feature_view = strawberry.field(
        resolver=features.delete_feature_view,
        description="Delete a feature view that no feature service uses.",
    )
    create_feature_service = strawberry.field(
        resolver=features.create_feature_service,
        description="Group whole feature views, or chosen features of them, into a feature service.",
    )
    delete_feature_service = strawberry.field(
        resolver=features.delete_feature_service, description="Delete a feature service."
    )
