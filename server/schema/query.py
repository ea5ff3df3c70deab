"""The Query root: each field names the resolver that serves it."""

from __future__ import annotations

import strawberry

from server.resolvers import feature_store as features
from server.resolvers import gold as gold_layer
from server.resolvers import jobs, mlflow, serving
from server.resolvers import lineage as lineage_graph
from server.resolvers import nodes as global_nodes
from server.resolvers import platform as platform_status
from server.schema.permissions import READER
from server.schema.viewer import viewer as viewer_resolver


@strawberry.type(description="Read the platform: status, gold layer, feature registry, experiments and models.")
class Query:
    platform_status = strawberry.field(
        permission_classes=READER,
        resolver=platform_status.platform_status,
        description="Whether Feast, MLflow and the gold catalog answer, with counts and version.",
    )
    feature_store = strawberry.field(
        permission_classes=READER,
        resolver=features.feature_store,
        description="Which registry, offline and online store Feast uses, and what they hold.",
    )
    gold_tables = strawberry.field(
        permission_classes=READER,
        resolver=gold_layer.gold_tables,
        description="Tables of the Iceberg gold layer, optionally of one namespace.",
    )
    gold_table = strawberry.field(
        permission_classes=READER,
        resolver=gold_layer.gold_table,
        description='One gold table by qualified name ("gold.customer_aggregates"); null if absent.',
    )
    entities = strawberry.field(
        permission_classes=READER, resolver=features.entities, description="All registered entities, by name."
    )
    entity = strawberry.field(
        permission_classes=READER, resolver=features.entity, description="One entity by name; null if absent."
    )
    feature_views = strawberry.field(
        permission_classes=READER,
        resolver=features.feature_views,
        description="Feature views by name, filtered and paged (first: default 20, at most 100).",
    )
    feature_view = strawberry.field(
        permission_classes=READER,
        resolver=features.feature_view,
        description="One feature view by name; null if absent.",
    )
    lineage = strawberry.field(
        permission_classes=READER,
        resolver=lineage_graph.lineage,
        description="The graph around a gold table, entity, feature view, feature service or model version: "
        "the objects within `depth` edges either way (at most 500) and the typed edges between them.",
    )
    feature_services = strawberry.field(
        permission_classes=READER, resolver=features.feature_services, description="All feature services, by name."
    )
    feature_service = strawberry.field(
        permission_classes=READER,
        resolver=features.feature_service,
        description="One feature service by name; null if absent.",
    )
    experiments = strawberry.field(
        permission_classes=READER,
        resolver=mlflow.experiments,
        description="MLflow experiments, filtered and ordered with MLflow's syntax, paged.",
    )
    experiment = strawberry.field(
        permission_classes=READER,
        resolver=mlflow.experiment,
        description="One experiment by id or by name; null if absent.",
    )
    runs = strawberry.field(
        permission_classes=READER,
        resolver=mlflow.runs,
        description="MLflow runs of some or all experiments, filtered, ordered, paged.",
    )
    run = strawberry.field(permission_classes=READER, resolver=mlflow.run, description="One run by id; null if absent.")
    registered_models = strawberry.field(
        permission_classes=READER,
        resolver=mlflow.registered_models,
        description="Registered models, filtered and paged.",
    )
    registered_model = strawberry.field(
        permission_classes=READER,
        resolver=mlflow.registered_model,
        description="One registered model by name; null if absent.",
    )
    model_version = strawberry.field(
        permission_classes=READER,
        resolver=mlflow.model_version,
        description="One version of a registered model, by number or alias; null if absent.",
    )
    training_jobs = strawberry.field(
        permission_classes=READER,
        resolver=jobs.training_jobs,
        description="Training jobs, newest first, filtered by state, experiment or model, paged.",
    )
    training_job = strawberry.field(
        permission_classes=READER, resolver=jobs.training_job, description="One training job; null if absent."
    )
    online_features = strawberry.field(
        permission_classes=READER,
        resolver=serving.online_features,
        description="Latest feature values from the online store, with per-value status and event time.",
    )
    historical_features = strawberry.field(
        permission_classes=READER,
        resolver=serving.historical_features,
        description="Point-in-time correct feature values from the gold layer, for entities at given times.",
    )
    materialization = strawberry.field(
        permission_classes=READER,
        resolver=serving.materialization,
        description="One materialization by id; null if absent.",
    )
    node = strawberry.field(
        permission_classes=READER,
        resolver=global_nodes.node,
        description="Any object a page links to, by its globalId (Relay's node field); null if it no longer "
        "exists. A malformed id, or one of an unknown kind, is BAD_USER_INPUT.",
    )
    nodes = strawberry.field(
        permission_classes=READER,
        resolver=global_nodes.nodes,
        description="Objects by their globalIds, in the order given (null where one no longer exists); at most "
        "100 ids, every one checked before any is fetched.",
    )
    viewer = strawberry.field(
        resolver=viewer_resolver, description="Who is calling: the token's name and role.", permission_classes=READER
    )
