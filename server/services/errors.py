"""Error vocabulary shared by every service: typed codes and the field they concern."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ErrorCode(StrEnum):
    """What went wrong, in a form a client can branch on. Codes are added, never removed."""

    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    IN_USE = "IN_USE"
    CONFLICT = "CONFLICT"
    INVALID_NAME = "INVALID_NAME"
    INVALID_VALUE = "INVALID_VALUE"
    UNKNOWN_TABLE = "UNKNOWN_TABLE"
    UNKNOWN_COLUMN = "UNKNOWN_COLUMN"
    TYPE_MISMATCH = "TYPE_MISMATCH"
    DUPLICATE = "DUPLICATE"
    INVALID_SCRIPT = "INVALID_SCRIPT"
    INVALID_REQUIREMENT = "INVALID_REQUIREMENT"
    TOO_LARGE = "TOO_LARGE"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    FORBIDDEN = "FORBIDDEN"


@dataclass(frozen=True)
class UserError:
    """A problem the caller can fix; `field` is the path inside the mutation's input."""

    message: str
    code: ErrorCode
    field: tuple[str, ...] | None = None


def user_error(code: ErrorCode, message: str, *path: str | int) -> UserError:
    return UserError(message=message, code=code, field=tuple(str(p) for p in path) or None)


class UserErrors(Exception):
    """Raised by a service when input is refused; carries every problem found, not just the first."""

    def __init__(self, errors: Sequence[UserError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)


class RequestError(Exception):
    """A query-level problem the caller can fix (bad argument, missing object).

    The GraphQL layer turns it into an error with `extensions.code` and `extensions.field`.
    """

    def __init__(self, message: str, code: str = "BAD_USER_INPUT", field: str | None = None):
        super().__init__(message)
        self.code = code
        self.field = field

    @property
    def extensions(self) -> dict[str, str]:
        # graphql-core copies an original error's `extensions` onto the error it reports.
        ext = {"code": self.code}
        if self.field is not None:
            ext["field"] = self.field
        return ext
