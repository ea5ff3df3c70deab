"""Online store URLs as Feast's configuration: `sqlite:///path`, `redis[s]://...`, or `disabled`. Pure, so
that the settings can refuse a URL Feast could not take before anything starts."""

from __future__ import annotations

from typing import Any


def online_store_config(url: str) -> dict[str, Any] | None:
    """`sqlite:///path`, `redis[s]://[[user]:password@]host[:port][/db]`, or `disabled`."""
    if url in {"", "disabled", "none"}:
        return None
    if url.startswith("sqlite:///"):
        return {"type": "sqlite", "path": url.removeprefix("sqlite:///")}
    if url.startswith(("redis://", "rediss://")):
        return {"type": "redis", "connection_string": redis_connection_string(url)}
    raise ValueError(f"unsupported online store URL {url!r} (use sqlite:///..., redis://... or disabled)")


def redis_connection_string(url: str) -> str:
    """A Redis URL as Feast's connection string: `host:port,db=N,ssl=true,username=...,password=...`
    (`rediss://` is TLS; the database, credentials and TLS of the URL were dropped before)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    try:
        port = parts.port or 6379
    except ValueError:
        raise ValueError(f"{url!r}: the port is not a number") from None
    host = parts.hostname or ""
    if not host or ":" in host:
        raise ValueError(f"{url!r}: name the Redis host by name or IPv4 address (Feast cannot take IPv6 here)")
    options = [f"{host}:{port}"]
    db = parts.path.strip("/")
    if db:
        if not db.isdigit():
            raise ValueError(f"{url!r}: the path is the database number, e.g. /0")
        options.append(f"db={int(db)}")
    if parts.scheme == "rediss":
        options.append("ssl=true")
    for name, value in (("username", parts.username), ("password", parts.password)):
        if value:
            value = unquote(value)
            if "," in value or value != value.strip():
                raise ValueError(f"{url!r}: a {name} with commas or edge spaces cannot be passed to Feast")
            options.append(f"{name}={value}")
    return ",".join(options)
