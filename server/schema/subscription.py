"""The Subscription root (graphql-transport-ws over /graphql)."""

from __future__ import annotations

import strawberry

from server.resolvers import changes, jobs
from server.schema.permissions import READER


@strawberry.type(description="Follow long-running work as it happens.")
class Subscription:
    training_job = strawberry.subscription(
        permission_classes=READER,
        resolver=jobs.training_job_updates,
        description="The job now, then every state change until it ends.",
    )
    training_job_logs = strawberry.subscription(
        permission_classes=READER,
        resolver=jobs.training_job_logs,
        description="The job's log lines from fromLine on, as they are written, until the job ends.",
    )
    feature_view_changed = strawberry.subscription(
        permission_classes=READER,
        resolver=changes.feature_view_changed,
        description="Feature views registered, updated, deleted or materialized from now on: this replica's "
        "changes at once, other replicas' within ASGARD_CHANGE_POLL_SECONDS.",
    )
    model_version_changed = strawberry.subscription(
        permission_classes=READER,
        resolver=changes.model_version_changed,
        description="Model versions created, aliases moved, tags set (and more, see the kinds) from now on: "
        "changes made through this replica at once, others (other replicas, MLflow's own clients) within "
        "ASGARD_CHANGE_POLL_SECONDS.",
    )
