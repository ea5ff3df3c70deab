"""Running a route's GraphQL twin for an HTTP request, and answering in the old API's JSON shapes.

Errors answer `{"detail": "...", "errors": [{"field", "code", "message"}]}` with the old field names;
every response says the route is deprecated in favour of /graphql.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response

from server.auth.middleware import principal_of
from server.config import Settings
from server.context import Context, services_of
from server.request_log import request_id as current_request_id
from server.rest.bodies import Body, Problem
from server.rest.names import Path, old_field
from server.rest.operations import Operation
from server.schema.build import Schema

log = logging.getLogger("asgard.errors")

DEPRECATION_HEADERS = {"Deprecation": "true", "Link": '</graphql>; rel="successor-version"'}
NO_RENAMES: Mapping[Path, str] = {}

# HTTP status by error code; any other code the caller can fix is a 400.
_STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "CONFLICT": 409,
    "IN_USE": 409,
    "TOO_LARGE": 413,
    "INTERNAL_SERVER_ERROR": 500,
    "BUSY": 503,
}
# "Variable '$input' has invalid value at .features[0].dtype: ..." (older graphql-core: "at 'input.features[0]...'")
_COERCION_PATH = re.compile(r"invalid value(?: .*?)? at '?\w*((?:\.\w+|\[\d+\])+)")


class Refusal(Exception):
    """The request is answered with an error status and the problems found."""

    def __init__(self, status: int, problems: Sequence[Problem], request_id: str | None = None) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.status = status
        self.problems = list(problems)
        self.request_id = request_id


def _status(codes: Sequence[str], default: int) -> int:
    """The most telling status of several problems: a server error, then auth, then the first."""
    statuses = [_STATUS.get(code, default) for code in codes]
    for first in (500, 401, 403):
        if first in statuses:
            return first
    return statuses[0] if statuses else default


def check(body: Body) -> None:
    """Refuse a body whose fields have the wrong JSON type or are missing, as FastAPI did (422)."""
    if body.problems:
        raise Refusal(422, body.problems)


def check_user_errors(errors: Sequence[Mapping[str, Any]], renames: Mapping[Path, str]) -> None:
    """Refuse with a mutation's userErrors, their fields named as the old API named them."""
    if not errors:
        return
    problems = [Problem(old_field(e["field"], renames), e["code"], e["message"]) for e in errors]
    raise Refusal(_status([p.code for p in problems], 400), problems)


def _coercion_field(message: str) -> list[str] | None:
    """Variable coercion errors name the input path only in their message."""
    found = _COERCION_PATH.search(message)
    if not found:
        return None
    return [key or index for key, index in re.findall(r"\.(\w+)|\[(\d+)\]", found.group(1))]


def _graphql_refusal(errors: Sequence[GraphQLError], renames: Mapping[Path, str]) -> Refusal:
    problems = []
    for error in errors:
        extensions = error.extensions or {}
        code = str(extensions.get("code") or "BAD_REQUEST")
        field = extensions.get("field")
        path = [str(field)] if field else _coercion_field(error.message)
        problems.append(Problem(old_field(path, renames), code, error.message))
    codes = [p.code for p in problems]
    rid = next((str(e.extensions["requestId"]) for e in errors if e.extensions and "requestId" in e.extensions), None)
    default = 422 if all(code == "BAD_REQUEST" for code in codes) else 400
    return Refusal(_status(codes, default), problems, rid)


@dataclass(frozen=True)
class Bridge:
    """Runs GraphQL operations as the caller of a REST request."""

    schema: Schema
    settings: Settings

    async def run(
        self,
        request: Request,
        operation: Operation,
        variables: dict[str, Any] | None = None,
        renames: Mapping[Path, str] = NO_RENAMES,
    ) -> dict[str, Any]:
        context = Context(
            services=services_of(request.scope),
            settings=self.settings,
            principal=principal_of(request.scope),
            request=request,
        )
        result = await self.schema.execute(
            operation.document, variable_values=variables, context_value=context, operation_name=operation.name
        )
        if result.errors:
            raise _graphql_refusal(result.errors, renames)
        assert result.data is not None  # no errors: the operation ran
        return result.data

    async def pages(self, request: Request, operation: Operation, root: str) -> list[dict[str, Any]]:
        """Every node of a connection, page after page (the old API listed everything at once)."""
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            variables = {"first": self.settings.limits.max_page_size, "after": after}
            connection = (await self.run(request, operation, variables))[root]
            nodes += [edge["node"] for edge in connection["edges"]]
            if not connection["pageInfo"]["hasNextPage"]:
                return nodes
            after = connection["pageInfo"]["endCursor"]


def reply(data: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type="application/json", headers=DEPRECATION_HEADERS)


def refused(refusal: Refusal) -> Response:
    body: dict[str, Any] = {
        "detail": str(refusal),
        "errors": [{"field": p.field, "code": p.code, "message": p.message} for p in refusal.problems],
    }
    if refusal.request_id is not None:
        body["request_id"] = refusal.request_id
    return reply(body, refusal.status)


def _internal_error() -> Refusal:
    rid = current_request_id()
    log.error("internal error in a REST route request_id=%s", rid, exc_info=True)
    message = f"internal error (request id {rid})"
    return Refusal(500, [Problem(None, "INTERNAL_SERVER_ERROR", message)], rid)


def _json(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise Refusal(422, [Problem(None, "BAD_REQUEST", f"the body is not JSON: {error}")]) from None


Handler = Callable[[Bridge, Request, Any], Awaitable[Response]]


def endpoint(bridge: Bridge, handler: Handler, reads_body: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint: the JSON body (if the route takes one), the handler, errors as responses."""

    async def serve(request: Request) -> Response:
        # Read outside the try: a body over the cap is the size limit's to refuse (413).
        raw = await request.body() if reads_body else b""
        try:
            return await handler(bridge, request, _json(raw) if reads_body else None)
        except Refusal as refusal:
            return refused(refusal)
        except Exception:  # the caller gets a request id; the details go to the log
            return refused(_internal_error())

    return serve
