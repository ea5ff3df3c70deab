"""What a request sees: the process's services and this request's DataLoaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from server.auth.roles import Principal
from server.config import Settings
from server.services.errors import UserError, UserErrors

if TYPE_CHECKING:  # services import Feast and MLflow: keep them out of schema-only imports
    from server.auth.tokens import TokenStore
    from server.jobs.events import JobEvents
    from server.jobs.materializations import Materializations
    from server.jobs.runner import JobRunner
    from server.jobs.store import JobStore
    from server.services.exports import ExportStore
    from server.services.feature_registry import FeatureRegistry
    from server.services.feature_serving import FeatureServing
    from server.services.gold_catalog import GoldCatalog
    from server.services.inference import Predictor
    from server.services.mlflow_tracking import MlflowTracking

T = TypeVar("T")


@dataclass
class Services:
    """Created once per process; shared by every request."""

    settings: Settings
    gold: GoldCatalog
    registry: FeatureRegistry
    mlflow: MlflowTracking
    jobs: JobStore
    job_events: JobEvents
    runner: JobRunner
    serving: FeatureServing
    materializations: Materializations
    predictor: Predictor
    tokens: TokenStore
    exports: ExportStore


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
    loaders: dict[str, Any] = field(default_factory=dict)

    def loader(self, name: str, make: Callable[[Context], T]) -> T:
        """The request's DataLoader called `name`, created on first use."""
        if name not in self.loaders:
            self.loaders[name] = make(self)
        return self.loaders[name]


async def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a blocking SDK call (Feast, MLflow, pyiceberg) off the event loop."""
    return await asyncio.to_thread(fn, *args)


async def run_write(fn: Callable[..., T], *args: Any) -> tuple[T | None, list[UserError]]:
    """Run a blocking write off the loop; input the service refused comes back as user errors."""
    try:
        return await asyncio.to_thread(fn, *args), []
    except UserErrors as refused:
        return None, refused.errors
