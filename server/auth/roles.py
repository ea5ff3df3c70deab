"""Roles, ordered: each includes the rights of those before it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a token may do: read; edit the registry and predict; also train; everything."""

    READER = "reader"
    EDITOR = "editor"
    TRAINER = "trainer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def includes(self, other: Role) -> bool:
        return self.rank >= other.rank


_RANKS = {role: i for i, role in enumerate(Role)}


@dataclass(frozen=True)
class Principal:
    """The caller of one request."""

    name: str
    role: Role
    authenticated: bool = True
    token_id: str | None = None

    @property
    def owner_key(self) -> str:
        """Who owns what this caller makes: the token itself, since a name can be reused after a revoke."""
        return f"token:{self.token_id}" if self.token_id else self.name


# With no tokens configured the server only listens on loopback, and whoever reaches it is trusted.
LOCAL_ADMIN = Principal(name="local", role=Role.ADMIN, authenticated=False)
