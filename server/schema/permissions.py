"""Field permissions by role; a caller below the role gets a FORBIDDEN error for that field."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from server.auth.roles import Role


def requires(role: Role) -> type[BasePermission]:
    class RoleRequired(BasePermission):
        message = f"this needs the {role.value} role"
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            principal = getattr(info.context, "principal", None)
            return principal is not None and principal.role.includes(role)

    RoleRequired.__name__ = f"Requires{role.name.title()}"
    return RoleRequired


READER = [requires(Role.READER)]
EDITOR = [requires(Role.EDITOR)]
TRAINER = [requires(Role.TRAINER)]
