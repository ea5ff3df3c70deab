"""MLflow tracking and model registry: one client per process, explicit ids only."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from server.config import Settings

_PAGE = 1000


@dataclass(frozen=True)
class TrackingCounts:
    registered_models: int
    active_experiments: int


class MlflowTracking:
    """The tracking store behind the API (embedded SQLite by default, or a remote server)."""

    def __init__(self, settings: Settings) -> None:
        self.tracking_uri = settings.mlflow_tracking_uri
        self.artifact_root = settings.mlflow_artifact_root
        self._lock = threading.Lock()
        self._client: Any = None

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                from mlflow.tracking import MlflowClient

                if self.tracking_uri.startswith("sqlite:"):
                    # Creating the store runs the migrations and makes the Default experiment
                    # with its artifacts under the data dir rather than ./mlruns.
                    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

                    SqlAlchemyStore(self.tracking_uri, self.artifact_root)
                self._client = MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)
            return self._client

    def ping(self) -> bool:
        self.client().search_experiments(max_results=1)
        return True

    def counts(self) -> TrackingCounts:
        client = self.client()
        return TrackingCounts(
            registered_models=_count(client.search_registered_models),
            active_experiments=_count(client.search_experiments),
        )


def _count(search: Any) -> int:
    total, token = 0, None
    while True:
        page = search(max_results=_PAGE, page_token=token)
        total += len(page)
        token = page.token
        if not token:
            return total
