"""A minimal Redis client for the inline online read: one pipeline of HMGETs over one socket, RESP2.

The inline read (server/services/online_store.py) runs on the event loop against a Redis on this host,
where the round trip is about 0.1 ms; redis-py's pipeline costs about as much again in Python (its
connection pool, command packing, a parser that handles every reply type, retries). This client does
only what that read needs: it connects once (AUTH and SELECT when the connection string asks), writes
the pipeline's commands in one send and parses the replies (arrays of bulk strings, or nil) from one
buffer. Anything else, an error reply included, is `WireFailed`, after which the socket is closed (its
state is unknown) and opened again on the next read; the caller then reads through Feast's own client.
An idle connection is checked before it is used (a peek that does not wait): one Redis closed, or with
bytes nobody asked for, is replaced at once.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Sequence

RECV_BYTES = 65536
MAX_REPLY_BYTES = 64 * 1024**2  # of one read's replies: a bulk length beyond it is not waited for


class WireFailed(Exception):
    """The read did not complete: a timeout, a closed connection, or a reply this client does not take."""


def _quiet(sock: socket.socket) -> bool:
    """Whether an idle connection is as it was left: open, with nothing unread (Redis closes idle clients
    after its `timeout`, and a restart closes them all; a late stray reply would be read as the next)."""
    try:  # readable: closed (an end of file to read), or bytes nobody asked for
        return not select.select([sock], [], [], 0)[0]
    except (OSError, ValueError):
        return False


def _bulk(value: bytes | str) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return b"$%d\r\n%b\r\n" % (len(data), data)


def encode(*parts: bytes | str) -> bytes:
    return b"*%d\r\n" % len(parts) + b"".join(_bulk(p) for p in parts)


class RedisWire:
    def __init__(
        self,
        host: str,
        port: int,
        timeout: float,
        db: int = 0,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.address = (host, port)
        self.timeout = timeout  # each socket operation
        self.total_timeout = 4 * timeout  # the whole read: a Redis that trickles its reply does not hold it
        self._deadline = 0.0
        self.db = db
        self.username = username
        self.password = password
        self._sock: socket.socket | None = None
        self._buffer = bytearray()
        self._at = 0

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        hello = b""
        expected = 0
        if self.username:  # as redis-py does: a user without a password is AUTH user ""
            hello += encode("AUTH", self.username, self.password or "")
            expected += 1
        elif self.password:
            hello += encode("AUTH", self.password)
            expected += 1
        if self.db:
            hello += encode("SELECT", str(self.db))
            expected += 1
        self._sock, self._buffer, self._at = sock, bytearray(), 0
        if hello:
            sock.sendall(hello)
            for _ in range(expected):
                if self._line() != b"+OK":
                    raise WireFailed("the Redis handshake was refused")
        return sock

    def hmget_many(self, commands: Sequence[tuple[bytes, Sequence[bytes | str]]]) -> list[list[bytes | None]]:
        """HMGET for each (key, fields), in one round trip: each reply's values in the fields' order."""
        self._deadline = time.monotonic() + self.total_timeout
        try:
            if self._sock is not None and not _quiet(self._sock):  # closed by Redis, or out of step
                self.close()
            sock = self._sock or self._connect()
            sock.sendall(b"".join(encode("HMGET", key, *fields) for key, fields in commands))
            replies = [self._array() for _ in commands]
        except WireFailed:
            self.close()
            raise
        except (OSError, ValueError) as error:  # socket.timeout is an OSError
            self.close()
            raise WireFailed(f"{type(error).__name__}: {error}") from None
        if self._at == len(self._buffer):
            self._buffer.clear()
            self._at = 0
        else:  # more than was asked for: the connection is out of step
            self.close()
            raise WireFailed("unexpected bytes after the replies")
        return replies

    def _fill(self) -> None:
        assert self._sock is not None
        if time.monotonic() > self._deadline:
            raise WireFailed(f"no whole reply within {self.total_timeout * 1000:.0f} ms")
        chunk = self._sock.recv(RECV_BYTES)
        if not chunk:
            raise WireFailed("the connection was closed")
        self._buffer += chunk
        if len(self._buffer) > MAX_REPLY_BYTES:
            raise WireFailed(f"a reply over {MAX_REPLY_BYTES // 1024**2} MiB")

    def _line(self) -> bytes:
        while (end := self._buffer.find(b"\r\n", self._at)) < 0:
            self._fill()
        line = bytes(self._buffer[self._at : end])
        self._at = end + 2
        return line

    def _array(self) -> list[bytes | None]:
        head = self._line()
        if head[:1] != b"*":
            raise WireFailed(f"unexpected reply {head[:80]!r}")
        return [self._value() for _ in range(int(head[1:]))]

    def _value(self) -> bytes | None:
        head = self._line()
        if head[:1] != b"$":
            raise WireFailed(f"unexpected reply {head[:80]!r}")
        size = int(head[1:])
        if size < 0:
            return None
        if size > MAX_REPLY_BYTES:
            raise WireFailed(f"a value over {MAX_REPLY_BYTES // 1024**2} MiB")
        while len(self._buffer) - self._at < size + 2:
            self._fill()
        value = bytes(self._buffer[self._at : self._at + size])
        self._at += size + 2
        return value

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
        self._buffer = bytearray()
        self._at = 0
