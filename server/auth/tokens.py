"""API tokens, stored as salted SHA-256 hashes (never in clear), with name, role, last use.

A token is `asg_<id>_<secret>`: the id finds the row, the secret (256 random bits) is checked
against the hash in constant time. Tokens are random, not passwords, so a fast hash is safe and
keeps authentication off the latency budget; verified tokens are also cached briefly.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, select, update

from server.auth.roles import Principal, Role
from server.lru import LRU
from server.timeutil import as_utc, utcnow

metadata = MetaData()
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("salt", String(32), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

TOKEN_PATTERN = re.compile(r"^asg_([a-z0-9]{12})_([A-Za-z0-9_\-]{43})$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@\-]{1,100}$")
CACHE_SECONDS = 5.0  # default: how long a verified (or refused) token is believed
CACHE_SIZE = 10_000
TOUCH_SECONDS = 60.0


class TokenError(Exception):
    """A token command that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class TokenRecord:
    name: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


class TokenStore:
    def __init__(self, engine: Engine, cache_seconds: float = CACHE_SECONDS) -> None:
        self.engine = engine
        self.cache_seconds = cache_seconds  # a revoke from another process takes effect within it
        metadata.create_all(engine)
        self._lock = threading.Lock()
        self._cache: LRU[bytes, tuple[float, Principal | None]] = LRU(CACHE_SIZE)
        self._touched: dict[str, float] = {}
        self._any: tuple[float, bool] | None = None

    def create(self, name: str, role: Role) -> str:
        if not NAME_PATTERN.match(name):
            raise TokenError("a token name is 1-100 letters, digits or _ . @ -")
        with self.engine.begin() as conn:
            if conn.execute(select(api_tokens.c.id).where(api_tokens.c.name == name)).first():
                raise TokenError(f"a token named {name!r} exists or existed (names are not reused): choose another")
            token_id = secrets.token_hex(6)
            secret = secrets.token_urlsafe(32)
            salt = secrets.token_hex(16)
            conn.execute(
                api_tokens.insert().values(
                    id=token_id,
                    name=name,
                    role=role.value,
                    salt=salt,
                    hash=_digest(salt, secret),
                    created_at=utcnow(),
                )
            )
        self._forget()
        return f"asg_{token_id}_{secret}"

    def list(self) -> list[TokenRecord]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_tokens).order_by(api_tokens.c.created_at)).all()
        return [
            TokenRecord(
                name=r.name,
                role=Role(r.role),
                created_at=as_utc(r.created_at) or utcnow(),
                last_used_at=as_utc(r.last_used_at),
                revoked_at=as_utc(r.revoked_at),
            )
            for r in rows
        ]

    def revoke(self, name: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(api_tokens)
                .where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        if done.rowcount == 0:
            raise TokenError(f"no active token named {name!r}")
        self._forget()

    def _forget(self) -> None:
        self._cache.clear()
        with self._lock:
            self._any = None

    def any_active(self) -> bool:
        """Whether any token exists: then every request must bring one (cached a few seconds)."""
        now = time.monotonic()
        cached = self._any
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        with self.engine.connect() as conn:
            found = conn.execute(select(api_tokens.c.id).where(api_tokens.c.revoked_at.is_(None)).limit(1)).first()
        self._any = (now, found is not None)
        return found is not None

    def verify(self, token: str) -> Principal | None:
        now = time.monotonic()
        key = hashlib.sha256(token.encode()).digest()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.cache_seconds:
            return hit[1]
        principal = self._lookup(token)
        self._cache.put(key, (now, principal))
        return principal

    def _lookup(self, token: str) -> Principal | None:
        match = TOKEN_PATTERN.match(token)
        if match is None:
            return None
        token_id, secret = match.groups()
        with self.engine.connect() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()
        if row is None or row.revoked_at is not None:
            return None
        if not hmac.compare_digest(row.hash, _digest(row.salt, secret)):
            return None
        self._touch(token_id)
        return Principal(name=row.name, role=Role(row.role), token_id=token_id)

    def _touch(self, token_id: str) -> None:
        """Record the last use, at most once a minute per token."""
        now = time.monotonic()
        if now - self._touched.get(token_id, -TOUCH_SECONDS) < TOUCH_SECONDS:
            return
        self._touched[token_id] = now
        with self.engine.begin() as conn:
            conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=utcnow()))
