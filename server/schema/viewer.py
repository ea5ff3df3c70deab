"""Who the caller is, as the server sees them."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from server.context import Context
from server.schema.enums import Role


@strawberry.type(description="The caller of this request.")
class Viewer:
    name: str = strawberry.field(description="Name of the caller's token ('local' when no tokens exist).")
    role: Role = strawberry.field(description="The caller's role: READER, EDITOR, TRAINER or ADMIN.")
    authenticated: bool = strawberry.field(description="Whether the caller presented a token.")


def viewer(info: Info[Context, None]) -> Viewer:
    p = info.context.principal
    assert p is not None  # requests without a caller are refused before they reach a resolver
    return Viewer(name=p.name, role=Role[p.role.name], authenticated=p.authenticated)
