"""server/services/redis_wire.py against a scripted server on loopback: replies split anywhere, nil
values, the handshake, and every way a read can fail (each closes the socket)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import pytest

from server.services.redis_wire import RedisWire, WireFailed, _quiet, encode


class Scripted:
    """Accepts connections; for each, reads what arrives and answers with what `answer` returns."""

    def __init__(self, answer: Callable[[bytes], list[bytes]]) -> None:
        self.answer = answer
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received: list[bytes] = []
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                try:
                    while data := conn.recv(65536):
                        self.received.append(data)
                        for piece in self.answer(data):
                            conn.sendall(piece)
                except ConnectionError:  # a client that closes with bytes unread resets the connection
                    continue

    def close(self) -> None:
        self.server.close()


def test_commands_are_resp_arrays_of_bulk_strings():
    assert encode("HMGET", b"k\x00y", "f") == b"*3\r\n$5\r\nHMGET\r\n$3\r\nk\x00y\r\n$1\r\nf\r\n"


def test_replies_split_byte_by_byte_and_nil_values():
    first, second = b"*3\r\n$2\r\nab\r\n$-1\r\n$0\r\n\r\n", b"*1\r\n$4\r\n\r\n\r\n\r\n"

    def answer(data: bytes) -> list[bytes]:
        reply = first + second if data.count(b"HMGET") == 2 else first
        return [reply[i : i + 1] for i in range(len(reply))]

    server = Scripted(answer)
    try:
        wire = RedisWire("127.0.0.1", server.port, timeout=2.0)
        got = wire.hmget_many([(b"key1", [b"f1", "f2", "f3"]), (b"key2", ["_ts:v"])])
        assert got == [[b"ab", None, b""], [b"\r\n\r\n"]]  # a value may hold CR LF: its length says where it ends
        assert b"".join(server.received) == encode("HMGET", b"key1", b"f1", "f2", "f3") + encode(
            "HMGET", b"key2", "_ts:v"
        )
        assert wire.hmget_many([(b"k", ["f"])]) == [[b"ab", None, b""]]  # the same connection, read again
        assert server.connections == 1
    finally:
        server.close()


def test_the_handshake_authenticates_and_selects_the_database():
    def answer(data: bytes) -> list[bytes]:
        if data.startswith(b"*3\r\n$4\r\nAUTH"):
            return [b"+OK\r\n+OK\r\n"]
        return [b"*1\r\n$1\r\nx\r\n"]

    server = Scripted(answer)
    try:
        wire = RedisWire("127.0.0.1", server.port, timeout=2.0, db=3, username="u", password="p")
        assert wire.hmget_many([(b"k", ["f"])]) == [[b"x"]]
        assert server.received[0] == encode("AUTH", "u", "p") + encode("SELECT", "3")
    finally:
        server.close()


@pytest.mark.parametrize(
    "reply",
    [
        b"-NOAUTH Authentication required.\r\n",  # an error reply
        b"*1\r\n$1\r\nx\r\n*1\r\n",  # more than was asked for: out of step
        b"+OK\r\n",  # not an array
        b"*1\r\n:5\r\n",  # not a bulk string
    ],
)
def test_a_reply_it_does_not_take_fails_the_read_and_closes_the_socket(reply):
    server = Scripted(lambda data: [reply])
    try:
        wire = RedisWire("127.0.0.1", server.port, timeout=2.0)
        with pytest.raises(WireFailed):
            wire.hmget_many([(b"k", ["f"])])
        assert wire._sock is None
    finally:
        server.close()


def test_a_silent_or_closed_server_fails_within_the_timeout():
    silent = socket.create_server(("127.0.0.1", 0))  # accepts (the backlog), never answers
    try:
        wire = RedisWire("127.0.0.1", silent.getsockname()[1], timeout=0.05)
        with pytest.raises(WireFailed, match="timed out"):
            wire.hmget_many([(b"k", ["f"])])
    finally:
        silent.close()
    closing = Scripted(lambda data: [])
    closing.answer = lambda data: (_ for _ in ()).throw(ConnectionResetError())  # the handler dies: it closes
    try:
        wire = RedisWire("127.0.0.1", closing.port, timeout=2.0)
        with pytest.raises(WireFailed):
            wire.hmget_many([(b"k", ["f"])])
    finally:
        closing.close()


def test_a_reply_that_trickles_or_claims_too_much_is_not_waited_for():
    import time

    def trickle(data: bytes):  # type: ignore[no-untyped-def]
        yield b"*1\r\n$100\r\n"
        for _ in range(100):  # each byte in time for the socket's timeout, the whole reply too late
            time.sleep(0.005)
            yield b"x"
        yield b"\r\n"

    server = Scripted(trickle)  # type: ignore[arg-type]
    try:
        wire = RedisWire("127.0.0.1", server.port, timeout=0.05)
        started = time.monotonic()
        with pytest.raises(WireFailed, match="no whole reply within 200 ms"):
            wire.hmget_many([(b"k", ["f"])])
        assert time.monotonic() - started < 0.4
    finally:
        server.close()
    huge = Scripted(lambda data: [b"*1\r\n$1000000000\r\n"])  # a value of 1 GB announced
    try:
        with pytest.raises(WireFailed, match="over 64 MiB"):
            RedisWire("127.0.0.1", huge.port, timeout=2.0).hmget_many([(b"k", ["f"])])
    finally:
        huge.close()


def test_a_user_without_a_password_still_authenticates():
    """As redis-py does (AUTH user ""): never the default user in its place."""
    server = Scripted(lambda data: [b"+OK\r\n"] if data.startswith(b"*3\r\n$4\r\nAUTH") else [b"*1\r\n$1\r\nx\r\n"])
    try:
        assert RedisWire("127.0.0.1", server.port, timeout=2.0, username="bob").hmget_many([(b"k", ["f"])]) == [[b"x"]]
        assert server.received[0] == encode("AUTH", "bob", "")
    finally:
        server.close()


def test_an_idle_connection_closed_or_out_of_step_is_replaced_before_the_read():
    import time

    replies = iter([[b"*1\r\n$5\r\nfirst\r\n", b"*1\r\n$5\r\nstray\r\n"], [b"*1\r\n$6\r\nsecond\r\n"]])

    def answer(data: bytes) -> list[bytes]:
        return next(replies, [b"*1\r\n$5\r\nthird\r\n"])

    server = Scripted(answer)
    try:
        wire = RedisWire("127.0.0.1", server.port, timeout=2.0)
        # the stray reply may come in the same segment (out of step at once) or just after (found by the peek)
        try:
            first = wire.hmget_many([(b"k", ["f"])])
            assert first == [[b"first"]]
        except WireFailed:
            pass
        time.sleep(0.05)
        assert wire.hmget_many([(b"k", ["f"])]) in ([[b"second"]], [[b"third"]])  # never "stray"
        assert server.connections == 2
    finally:
        server.close()
    closing = Scripted(lambda data: [b"*1\r\n$1\r\nx\r\n"])
    try:
        wire = RedisWire("127.0.0.1", closing.port, timeout=2.0)
        assert wire.hmget_many([(b"k", ["f"])]) == [[b"x"]]
        assert wire._sock is not None
        closing.server.close()  # no new connections from here: the old one is closed by its handler below
        wire._sock.shutdown(socket.SHUT_WR)  # the server's side sees the end and closes its end
        time.sleep(0.05)
        assert not _quiet(wire._sock)
    finally:
        closing.close()
