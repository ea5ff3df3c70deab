"""The explorer's static files under /graphql/static/<digest>/: cached for a year, since a new file
set gets a new digest and so new URLs."""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/graphql/static"
IMMUTABLE = "public, max-age=31536000, immutable"


@functools.cache
def asset_digest() -> str:
    """A short hash of every static file's path and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in STATIC_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(STATIC_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def asset_base(root_path: str = "") -> str:
    """Where the page finds its files, below the app's root path (set by a reverse proxy)."""
    return f"{root_path}{STATIC_PREFIX}/{asset_digest()}"


class ImmutableStaticFiles(StaticFiles):
    """Starlette's static files with far-future caching and no content sniffing."""

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def static_routes() -> list[BaseRoute]:
    """The mount serving the explorer's files; GraphiQL's bundle is 1.5 MB before compression."""
    files = ImmutableStaticFiles(directory=STATIC_DIR)
    return [Mount(f"{STATIC_PREFIX}/{asset_digest()}", app=GZipMiddleware(files, minimum_size=1024, compresslevel=6))]
