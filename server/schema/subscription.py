"""The Subscription root (graphql-transport-ws over /graphql)."""

from __future__ import annotations

import strawberry

from server.resolvers import jobs
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
