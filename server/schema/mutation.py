"""The Mutation root: every mutation returns a payload with `userErrors`."""

from __future__ import annotations

import strawberry

from server.resolvers import exports as exporting
from server.resolvers import feature_store as features
from server.resolvers import jobs, mlflow, serving
from server.schema.permissions import EDITOR, READER, TRAINER


@strawberry.type(description="Change the platform: register features, manage experiments and models.")
class Mutation:
    register_feature_view = strawberry.field(
        permission_classes=EDITOR,
        resolver=features.register_feature_view,
        description="Register a feature view over a gold table, or update it; validated before any write.",
    )
    register_entity = strawberry.field(
        permission_classes=EDITOR,
        resolver=features.register_entity,
        description="Register an entity explicitly, or update it.",
    )
    delete_feature_view = strawberry.field(
        permission_classes=EDITOR,
        resolver=features.delete_feature_view,
        description="Delete a feature view that no feature service uses.",
    )
    create_feature_service = strawberry.field(
        permission_classes=EDITOR,
        resolver=features.create_feature_service,
        description="Group whole feature views, or chosen features of them, into a feature service.",
    )
    delete_feature_service = strawberry.field(
        permission_classes=EDITOR, resolver=features.delete_feature_service, description="Delete a feature service."
    )
    create_experiment = strawberry.field(
        permission_classes=EDITOR, resolver=mlflow.create_experiment, description="Create an MLflow experiment."
    )
    set_experiment_tag = strawberry.field(
        permission_classes=EDITOR, resolver=mlflow.set_experiment_tag, description="Set a tag on an experiment."
    )
    set_model_alias = strawberry.field(
        permission_classes=EDITOR,
        resolver=mlflow.set_model_alias,
        description="Point an alias of a registered model at a version (moving it if it exists).",
    )
    delete_model_alias = strawberry.field(
        permission_classes=EDITOR,
        resolver=mlflow.delete_model_alias,
        description="Remove an alias from a registered model.",
    )
    set_model_version_tag = strawberry.field(
        permission_classes=EDITOR, resolver=mlflow.set_model_version_tag, description="Set a tag on a model version."
    )
    update_registered_model = strawberry.field(
        permission_classes=EDITOR,
        resolver=mlflow.update_registered_model,
        description="Change a registered model's description.",
    )
    submit_training_job = strawberry.field(
        permission_classes=TRAINER,
        resolver=jobs.submit_training_job,
        description="Queue a training script; it runs as a tracked job with its own MLflow run.",
    )
    cancel_training_job = strawberry.field(
        permission_classes=TRAINER,
        resolver=jobs.cancel_training_job,
        description="Cancel a job: a queued one at once, a running one by stopping its whole process group.",
    )
    materialize = strawberry.field(
        permission_classes=EDITOR,
        resolver=serving.materialize,
        description="Load online feature views into the online store, as a tracked background operation.",
    )
    predict = strawberry.field(
        permission_classes=EDITOR,
        resolver=serving.predict,
        description="Predict with a registered model, fetching the entities' online features for it.",
    )
    push_features = strawberry.field(
        permission_classes=EDITOR,
        resolver=serving.push_features,
        description="Write feature rows now, checked against the view's schema first: to the online store "
        "(readable by onlineFeatures as soon as this returns), to the view's gold table as a new Iceberg "
        "snapshot, or both; all rows or none.",
    )
    export_historical_features = strawberry.field(
        permission_classes=READER,
        resolver=exporting.export_historical_features,
        description="historicalFeatures' result written to a Parquet file to download, for results too large "
        "for JSON: the same input, checks and row cap; the file expires after ASGARD_EXPORT_TTL_SECONDS.",
    )
