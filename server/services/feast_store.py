"""Feast's FeatureStore as the server opens it: a registry cache of the server's project alone, refreshed only
when the server says so.

Feast's SQL registry caches every project of its database, and each refresh reads them all again (eleven queries
a project): where teams share one registry database, this server paid for every other project's objects on each
refresh. In "thread" mode Feast also reads it all once more right after the first read, and again on a timer for
as long as the process lives. The server needs neither: it refreshes Feast's cache itself, when the registry
changed, before Feast resolves anything from it (FeatureRegistry.feast_current).

feature_store.yaml is not changed by any of this: a Feast user who opens the repo gets Feast's own behaviour.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from feast import FeatureStore


def open_feature_store(repo_path: Path) -> FeatureStore:
    """Feast's store of the repo; its registry is read on first use (`store.registry`)."""
    store: FeatureStore = _server_store_class()(repo_path=str(repo_path))
    return store


@functools.cache
def _server_store_class() -> type[FeatureStore]:
    """Made on first use: the classes derive from Feast's, which a start may not have imported yet."""
    from feast import FeatureStore
    from feast.infra.registry.base_registry import BaseRegistry
    from feast.infra.registry.sql import SqlRegistry
    from feast.project import Project

    class ProjectRegistry(SqlRegistry):
        """Feast's SQL registry, with the server's project the only one it lists (and so caches)."""

        def __init__(self, registry_config: Any, project: str, repo_path: Path | None) -> None:
            self.own_project = project  # before Feast's constructor, which reads the registry
            super().__init__(registry_config, project, repo_path)

        def _list_projects(self, tags: dict[str, str] | None) -> list[Project]:
            return [found for found in super()._list_projects(tags) if found.name == self.own_project]

        def _start_thread_async_refresh(self, cache_ttl_seconds: Any) -> None:
            """Neither the second read at the start nor the timer: the server refreshes the cache itself."""

        def _exit_handler(self) -> None:
            """No timer to cancel at the process's exit."""

    class ServerFeatureStore(FeatureStore):
        def _create_registry(self) -> BaseRegistry:
            if self.config.registry.registry_type == "sql":
                return ProjectRegistry(self.config.registry, self.config.project, None)
            return super()._create_registry()

    return ServerFeatureStore
