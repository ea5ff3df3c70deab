"""One `asgard serve --demo` for the whole test run, with an admin and a reader token, for the end-to-end tests
that only need a running demo server and a token (the typed client's, the GraphiQL explorer's in a browser).

The run's first process (xdist's controller, or pytest itself without workers) starts it in the background at
the start of the session (tests/conftest.py), so the workers do not wait for it, and stops it at the end; the
`demo_server` fixture waits until it answers. A run that did not start one (a file run on its own) starts its
own for the session, the same way. Tests that need a server of their own keep one: the no-token mode a
newcomer meets (tests/test_e2e_server.py), the fuzz run that checks a reader changed nothing (other workers
write to a shared server meanwhile), and servers started with other flags.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import ServerProcess, create_token, wait_until_up

DEMO_SERVER_ENV = "ASGARD_TEST_DEMO_SERVER"  # the file the starting process writes the server's address and tokens to
ROLES = ("admin", "reader")
READY_SECONDS = 180.0


@dataclass(frozen=True)
class DemoServer:
    url: str
    log_path: Path
    tokens: dict[str, str]  # role -> token, named e2e-<role>


def spawn(data: Path) -> tuple[ServerProcess, DemoServer]:
    """Tokens made, the server spawned (not yet answering)."""
    tokens = {role: create_token(data, f"e2e-{role}", role) for role in ROLES}
    process = ServerProcess(data, "--demo").spawn()
    return process, DemoServer(process.url, process.log_path, tokens)


class Background:
    """The run's shared server, spawned on a thread that lives until `stop` (the server dies with the thread that
    spawned it: tests/support/server.py's die_with_test_process); `info` is written once it is spawned, or
    failed."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.info = data / "demo-server.json"
        self.process: ServerProcess | None = None
        self._stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="demo-server", daemon=True)

    def start(self) -> None:
        """After the caller has set what it sets in os.environ: the thread copies the environment, and a copy
        made while another thread sets a variable fails ("dictionary changed size during iteration")."""
        self.thread.start()

    def _run(self) -> None:
        try:
            self.process, server = spawn(self.data)
            written = {"url": server.url, "log_path": str(server.log_path), "tokens": server.tokens}
        except Exception as error:  # the tests that use it fail with this; the others run
            written = {"error": f"the shared demo server did not start: {error!r}"}
        partial = self.info.with_suffix(".partial")
        partial.write_text(json.dumps(written))
        partial.replace(self.info)
        self._stopped.wait()
        if self.process is not None:
            self.process.stop()

    def stop(self) -> None:
        self._stopped.set()
        self.thread.join(60)


def attach(info: Path) -> DemoServer:
    """The shared server, once it answers."""
    deadline = time.monotonic() + READY_SECONDS
    while not info.exists():
        assert time.monotonic() < deadline, f"the shared demo server was not spawned within {READY_SECONDS:.0f} s"
        time.sleep(0.1)
    written = json.loads(info.read_text())
    assert "error" not in written, written["error"]
    server = DemoServer(written["url"], Path(written["log_path"]), written["tokens"])
    wait_until_up(f"{server.url}/healthz", None, server.log_path, READY_SECONDS)
    return server


def attach_spawned(process: ServerProcess, server: DemoServer) -> DemoServer:
    """A server this process spawned, once it answers."""
    wait_until_up(f"{server.url}/healthz", process.proc, server.log_path, READY_SECONDS)
    return server
