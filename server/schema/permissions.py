"""Field permissions by role; a caller below the role gets a FORBIDDEN error for that field."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from server.auth.roles import Principal, Role


def requires(role: Role) -> type[BasePermission]:
    class RoleRequired(BasePermission):
        message = f"this needs the {role.value} role"
        error_extensions = {"code": "FORBIDDEN"}

        def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
            principal = getattr(info.context, "principal", None)
            return principal is not None and principal.role.includes(role)

    RoleRequired.__name__ = f"Requires{role.name.title()}"
    return RoleRequired


def may_see_job_output(principal: Principal | None, owner: str | None) -> bool:
    """A job's logs, error text and requirements can hold what its script printed: for the job's
    submitter, trainers and admins."""
    if principal is None:
        return False
    return principal.role.includes(Role.TRAINER) or (owner is not None and owner == principal.owner_key)


class JobOutput(BasePermission):
    """On fields of a TrainingJob (its `record` holds the submitter's owner key)."""

    message = "a job's logs, error and requirements are for its submitter, trainers and admins"
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        record = getattr(source, "record", None)
        return may_see_job_output(getattr(info.context, "principal", None), getattr(record, "owner", None))


READER = [requires(Role.READER)]
EDITOR = [requires(Role.EDITOR)]
TRAINER = [requires(Role.TRAINER)]
JOB_OUTPUT: list[type[BasePermission]] = [JobOutput]
