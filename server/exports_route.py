"""GET /exports/<id>.parquet: an export's file, for the principal who made it (or an admin); from the
local disk, or streamed from the S3 prefix the replicas share.

Authentication is the middleware's (/exports is protected like /graphql). Anyone else, a malformed
id, an unknown one and an expired one all get the same 404: whether an export exists is not theirs to know.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Route

from server.auth.middleware import principal_of
from server.auth.roles import Principal, Role
from server.blocking import run_blocking
from server.context import services_of

if TYPE_CHECKING:
    from server.services.exports import ExportRecord

PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"
CHUNK_BYTES = 1024 * 1024


def _not_found() -> Response:
    body = orjson.dumps({"errors": [{"message": "no such export", "extensions": {"code": "NOT_FOUND"}}]})
    return Response(body, status_code=404, media_type="application/json", headers={"Cache-Control": "no-store"})


async def _chunks(stream: Any) -> AsyncIterator[bytes]:
    """An S3 object's bytes, read off the event loop a chunk at a time."""
    try:
        while chunk := await run_blocking(stream.read, CHUNK_BYTES):
            yield bytes(chunk)
    finally:
        stream.close()  # cheap, and an await here would not run once the response is cancelled


def may_read(principal: Principal | None, record: ExportRecord) -> bool:
    return principal is not None and (principal.role is Role.ADMIN or principal.owner_key == record.owner)


def export_routes() -> list[Route]:
    """The download route (the export store is the services', from the request's state)."""

    async def download(request: Request) -> Response:
        exports = services_of(request.scope).exports
        record = await run_blocking(exports.get, request.path_params["export_id"])
        if record is None or not may_read(principal_of(request.scope), record):
            return _not_found()
        headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        local = exports.local_path(record)
        if local is not None:
            return FileResponse(local, media_type=PARQUET_MEDIA_TYPE, filename=record.filename, headers=headers)
        stream = await run_blocking(exports.open, record)
        headers["Content-Disposition"] = f'attachment; filename="{record.filename}"'
        headers["Content-Length"] = str(record.size_bytes)
        return StreamingResponse(_chunks(stream), media_type=PARQUET_MEDIA_TYPE, headers=headers)

    return [Route("/exports/{export_id}.parquet", download, methods=["GET"])]
