"""What a request sees: the process's services, its caller and its DataLoaders."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from server.auth.roles import Principal
from server.config import Settings
from server.loaders import Loaders

if TYPE_CHECKING:  # services import Feast and MLflow: keep them out of schema-only imports
    from server.auth.tokens import TokenStore
    from server.jobs.events import JobEvents
    from server.jobs.materializations import Materializations
    from server.jobs.runner import JobRunner
    from server.jobs.store import JobStore
    from server.jobs.training import Training
    from server.services.change_feed import ChangeFeed
    from server.services.drift import Drift
    from server.services.exports import ExportStore
    from server.services.feature_push import FeaturePush
    from server.services.feature_registry import FeatureRegistry
    from server.services.feature_serving import FeatureServing
    from server.services.gold_catalog import GoldCatalog
    from server.services.inference import Predictor
    from server.services.lineage import Lineage
    from server.services.mlflow_tracking import MlflowTracking
    from server.services.mlflow_writes import MlflowWrites

T = TypeVar("T")

# A websocket operation's DataLoaders: set in the task that runs it (its context is copied at its creation)
_operation_loaders: ContextVar[Loaders | None] = ContextVar("asgard_operation_loaders", default=None)


@dataclass
class Services:
    """Created once per process; shared by every request."""

    settings: Settings
    gold: GoldCatalog
    registry: FeatureRegistry
    mlflow: MlflowTracking
    mlflow_writes: MlflowWrites
    jobs: JobStore
    job_events: JobEvents
    runner: JobRunner
    training: Training
    serving: FeatureServing
    materializations: Materializations
    predictor: Predictor
    tokens: TokenStore
    exports: ExportStore
    push: FeaturePush
    lineage: Lineage
    changes: ChangeFeed
    drift: Drift


SERVICES = "services"  # where the lifespan puts them in the app's state, which every request's scope carries


def services_of(scope: Any) -> Services:
    """The process's services, as the app's lifespan handed them to this request or websocket."""
    services: Services = scope["state"][SERVICES]
    return services


@dataclass
class Context:
    services: Services
    settings: Settings  # the app's: it may set other limits than the process's services were made with
    principal: Principal | None = None
    connection_params: dict[str, Any] | None = None  # a websocket's connection_init payload
    credential: str | None = None  # a websocket's Authorization value, checked again while it is open
    rows_in_flight: int = 0  # entity rows of the operations running on this request or websocket
    request: Request | WebSocket | None = None
    response: Response | None = None
    request_loaders: Loaders = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.request_loaders = Loaders(self.services)

    @property
    def loaders(self) -> Loaders:
        """The DataLoaders of what is running: an HTTP request's own; over a websocket, whose context lives as
        long as the socket, the running operation's, renewed for each of its events (renew_loaders)."""
        found = _operation_loaders.get()
        return found if found is not None else self.request_loaders

    @contextlib.contextmanager
    def operation_loaders(self) -> Iterator[None]:
        """Fresh DataLoaders for the tasks started inside (each copies the context it starts in)."""
        token = _operation_loaders.set(Loaders(self.services))
        try:
            yield
        finally:
            _operation_loaders.reset(token)

    def renew_loaders(self) -> None:
        """Fresh DataLoaders (empty caches, full per-request budgets) for what runs next in this task: a
        websocket operation, or the next event of a subscription, which must not see an earlier event's
        records."""
        _operation_loaders.set(Loaders(self.services))

    @property
    def caller_name(self) -> str:
        """Who makes this request, as histories and snapshots record it: the token's name, or "local"."""
        return self.principal.name if self.principal is not None else "local"
