"""The path a request's rules apply to: its path below the root path a proxy serves the app under.

uvicorn (`--root-path /prefix`) puts the prefix in front of every path in the ASGI scope, and Starlette
routes on what follows it, so every path rule (authentication, guards, metrics labels) must look at the
same part: `/prefix/graphql` is `/graphql`.
"""

from __future__ import annotations

from starlette.types import Scope


def route_path(scope: Scope) -> str:
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and (path == root or path.startswith(root + "/")):
        return path[len(root) :] or "/"
    return path
