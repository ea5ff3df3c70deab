"""Database URLs as SQLAlchemy needs them: PostgreSQL through psycopg 3, the driver the server ships."""

from __future__ import annotations


def sqlalchemy_url(url: str) -> str:
    """`postgresql://` and `postgres://` (SQLAlchemy would reach for psycopg2, which is not installed)
    become `postgresql+psycopg://`; any other URL, an explicit driver included, is kept."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url
