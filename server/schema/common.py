"""Types every domain uses: tags, user errors, scalars and the generic Relay-style connection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Generic, NewType, Optional, TypeVar, Union

import strawberry

from server.schema.enums import ErrorCode
from server.services.errors import InputError as UserErrorRecord

T = TypeVar("T")
V = TypeVar("V")


if TYPE_CHECKING:
    Long = int
else:
    Long = strawberry.scalar(
        NewType("Long", int),
        serialize=int,
        parse_value=int,
        description="A 64-bit integer, sent as a JSON number (exact up to 2^53).",
    )


@strawberry.type(description="A key/value label attached to a registry object.")
class Tag:
    key: str = strawberry.field(description="The tag's key.")
    value: str = strawberry.field(description="The tag's value.")


@strawberry.input(description="A key/value label to attach to a registry object.")
class TagInput:
    key: str = strawberry.field(description="The tag's key: 1-128 letters, digits or _ . - /.")
    value: str = strawberry.field(description="The tag's value, at most 1024 characters.")


def tags(pairs: tuple[tuple[str, str], ...]) -> list[Tag]:
    return [Tag(key=k, value=v) for k, v in pairs]


def tag_pairs(inputs: list[TagInput] | None) -> tuple[tuple[str, str], ...]:
    return tuple((t.key, t.value) for t in inputs or ())


@strawberry.type(description="A problem with a mutation's input that the caller can fix.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path inside the mutation\'s input, list indexes as strings: ["features", "1", "dtype"].'
    )
    message: str = strawberry.field(description="What is wrong, for a person to read.")
    code: ErrorCode = strawberry.field(description="What is wrong, for a program to branch on.")


def user_errors(errors: list[UserErrorRecord]) -> list[UserError]:
    return [
        UserError(field=list(e.field) if e.field else None, message=e.message, code=ErrorCode(e.code.value))
        for e in errors
    ]


Lazy = Union[V, Callable[[], Awaitable[V]]]


async def _resolve(value: Lazy[V]) -> V:
    return await value() if callable(value) else value


@strawberry.type(
    description="Where a page of a connection starts and ends and whether more follow (Relay's PageInfo). Pages "
    "go forward: first and after."
)
class PageInfo:
    end_cursor: Optional[str] = strawberry.field(
        description="Cursor of the last edge; pass it as `after` to get the next page."
    )
    has_next: strawberry.Private[Lazy[bool]]
    start_cursor: Optional[str] = strawberry.field(
        default=None, description="Cursor of the first edge; null for an empty page."
    )
    has_previous_page: bool = strawberry.field(
        default=False,
        description="True when this page was asked for after a cursor (items come before it); false for a first "
        "page. Pages go forward only, so `last`/`before` are not offered.",
    )

    @strawberry.field(description="True when another page follows this one.")
    async def has_next_page(self) -> bool:
        return await _resolve(self.has_next)


@strawberry.type(description="One item of a connection, with the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items: edges, where the page ends, and how many exist in all.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Where this page ends.")
    total: strawberry.Private[Lazy[Optional[int]]]

    @strawberry.field(
        description="How many items match, across all pages; null where the backend cannot count cheaply."
    )
    async def total_count(self) -> Optional[int]:
        return await _resolve(self.total)


@strawberry.type(description="The result of a delete.")
class DeletePayload:
    name: str | None = strawberry.field(
        default=None, description="Name of the deleted object; null when nothing was deleted."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why nothing was deleted, if so.")


First = Annotated[Optional[int], strawberry.argument(description="Page size: default 20, at most 100.")]
After = Annotated[
    Optional[str],
    strawberry.argument(description="Return items after this cursor (a previous page's endCursor)."),
]
