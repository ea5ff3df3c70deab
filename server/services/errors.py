"""Error vocabulary shared by every service: typed codes and the field they concern."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn


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
    MODEL_FAILED = "MODEL_FAILED"


@dataclass(frozen=True)
class InputError:
    """A problem the caller can fix; `field` is the path inside the mutation's input."""

    message: str
    code: ErrorCode
    field: tuple[str, ...] | None = None


def input_error(code: ErrorCode, message: str, *path: str | int) -> InputError:
    return InputError(message=message, code=code, field=tuple(str(p) for p in path) or None)


def refuse(code: ErrorCode, message: str, *path: str | int) -> NoReturn:
    """Refuse the input for this one reason (when checking further would say nothing more)."""
    raise InputErrors([input_error(code, message, *path)])


class InputErrorList(list[InputError]):
    """Where a check collects what is wrong with an input: `errors.add(code, message, *path)`."""

    def add(self, code: ErrorCode, message: str, *path: str | int) -> None:
        self.append(input_error(code, message, *path))

    def refuse(self) -> None:
        """Raise them all, if there are any (nothing is written when there are)."""
        if self:
            raise InputErrors(self)


class InputErrors(Exception):
    """Raised by a service when input is refused; carries every problem found, not just the first."""

    def __init__(self, errors: Sequence[InputError], current: object | None = None) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)
        self.current = current  # the object as it is, when a refusal still has one to show


class RequestCode(StrEnum):
    """What a RequestError says went wrong (a GraphQL error's `extensions.code`)."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    BUSY = "BUSY"  # retryable: too much of a kind of work queued already (extensions.retryAfterSeconds)
    UNAVAILABLE = "UNAVAILABLE"  # retryable: a backend did not answer, and nothing was done


class RequestError(Exception):
    """A query-level problem the caller can fix (bad argument, missing object).

    The GraphQL layer turns it into an error with `extensions.code` and `extensions.field`.
    """

    def __init__(self, message: str, code: RequestCode = RequestCode.BAD_USER_INPUT, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.field = field

    @property
    def extensions(self) -> dict[str, object]:
        # graphql-core copies an original error's `extensions` onto the error it reports.
        ext: dict[str, object] = {"code": self.code.value}
        if self.field is not None:
            ext["field"] = self.field
        if self.code in (RequestCode.BUSY, RequestCode.UNAVAILABLE):
            ext["retryable"] = True
        return ext


def as_input_errors(error: RequestError, default_field: str) -> InputErrors:
    """A read's RequestError as a mutation's user error on the same field (for mutations that read)."""
    codes = {RequestCode.NOT_FOUND: ErrorCode.NOT_FOUND, RequestCode.LIMIT_EXCEEDED: ErrorCode.LIMIT_EXCEEDED}
    code = codes.get(error.code, ErrorCode.INVALID_VALUE)
    return InputErrors([input_error(code, str(error), *(error.field or default_field).split("."))])
