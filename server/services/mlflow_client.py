"""The one `MlflowClient` of the process: made on first use, every call counted and typed.

The fluent `mlflow.*` API keeps global state and is not thread-safe, so Asgard talks to MLflow through
one client with explicit ids. Calls go through `call(client.method, ...)`: the method stays typed (MLflow
ships type hints) and the count by method name lets tests hold nested GraphQL lookups to a bounded
number of MLflow calls.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from server.services.errors import RequestError
from server.services.mlflow_template import copy_template, keep_template, sqlite_path

if TYPE_CHECKING:
    from pathlib import Path

    from mlflow.store.entities.paged_list import PagedList
    from mlflow.store.tracking.abstract_store import AbstractStore
    from mlflow.tracking import MlflowClient

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
PAGE = 1000
IN_CHUNK = 100


def error_code(error: Exception) -> str:
    return str(getattr(error, "error_code", ""))


def is_missing(error: Exception) -> bool:
    return error_code(error) == "RESOURCE_DOES_NOT_EXIST"


def page_token(token: str | bytes | None) -> str | None:
    """MLflow hands out page tokens as str or bytes, depending on the store."""
    if not token:
        return None
    return token.decode() if isinstance(token, bytes) else token


def quote(value: str) -> str:
    """A string literal of MLflow's search grammar."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def in_filter(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(quote(v) for v in values)})"


def chunks(values: list[str]) -> Iterable[list[str]]:
    """Slices small enough for one `IN (...)` filter."""
    for i in range(0, len(values), IN_CHUNK):
        yield values[i : i + IN_CHUNK]


class TrackingClient:
    """MlflowClient for one tracking URI (embedded SQLite or a remote server), with call counts."""

    def __init__(self, tracking_uri: str, artifact_root: str, template_dir: Path | None = None) -> None:
        self.tracking_uri = tracking_uri
        self.artifact_root = artifact_root
        self.template_dir = template_dir  # where a new embedded database's template is kept (the cache dir)
        self._lock = threading.Lock()
        self._client: MlflowClient | None = None
        self.calls: Counter[str] = Counter()

    def client(self) -> MlflowClient:
        with self._lock:
            if self._client is None:
                from mlflow.tracking import MlflowClient

                if self.tracking_uri.startswith("sqlite:"):
                    self._open_embedded()
                self._client = MlflowClient(tracking_uri=self.tracking_uri, registry_uri=self.tracking_uri)
            return self._client

    def _open_embedded(self) -> None:
        """Creating the store makes the database (from the template where there is one: mlflow_template.py, or
        by MLflow's migrations) and the Default experiment, with its artifacts under the data dir rather than
        ./mlruns."""
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

        database = sqlite_path(self.tracking_uri)
        made = database is not None and not database.exists() and not copy_template(self.template_dir, database)
        SqlAlchemyStore(self.tracking_uri, self.artifact_root)  # type: ignore[no-untyped-call]  # MLflow
        if made and database is not None:
            keep_template(self.template_dir, database)

    def store(self) -> AbstractStore:
        """MLflow's tracking store behind the client (SQLAlchemy, or REST to a tracking server)."""
        store: AbstractStore = self.client()._tracking_client.store
        return store

    def count(self, name: str) -> None:
        self.calls[name] += 1

    def call(self, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """One counted MLflow call: `call(client.get_run, run_id)`."""
        self.calls[method.__name__] += 1
        return method(*args, **kwargs)

    def lookup(self, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
        """A lookup that answers None for an object MLflow does not have (an id or name MLflow finds
        malformed names no object either)."""
        from mlflow.exceptions import MlflowException

        try:
            return self.call(method, *args, **kwargs)
        except MlflowException as error:
            if is_missing(error) or error_code(error) == "INVALID_PARAMETER_VALUE":
                return None
            raise

    def search(self, field: str, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """A search whose filter or order_by came from the caller: MLflow's refusal is theirs, about `field`."""
        from mlflow.exceptions import MlflowException

        try:
            return self.call(method, *args, **kwargs)
        except MlflowException as error:
            if error_code(error) in {"INVALID_PARAMETER_VALUE", "BAD_REQUEST"}:
                raise RequestError(error.message, field=field) from error
            raise

    def every(self, method: Callable[..., PagedList[T]], **kwargs: Any) -> list[T]:
        """Every page of a search, followed to the end."""
        items: list[T] = []
        token = None
        while True:
            page = self.call(method, page_token=token, **kwargs)
            items += page
            token = page_token(page.token)
            if not token:
                return items
