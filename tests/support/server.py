"""`asgard serve` as a real process on a free loopback port, for end-to-end tests."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.http_client import HTTP

PR_SET_PDEATHSIG = 1


def die_with_test_process() -> None:
    """In the child before exec: a test run that is killed takes its servers with it (Linux only)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def asgard_command() -> list[str]:
    exe = shutil.which("asgard", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "server.cli"]


def create_token(data_dir: Path, name: str, role: str) -> str:
    """`asgard token create` over a data dir (as an operator runs it before a start); the token it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASGARD_")}
    made = subprocess.run(
        [*asgard_command(), "token", "create", "--name", name, "--role", role, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return made.stdout.strip().splitlines()[-1]


def wait_until_up(health_url: str, proc: subprocess.Popen[bytes] | None, log_path: Path, timeout: float = 120) -> None:
    """Poll a health URL until it answers 200; fail with the end of the log if the process dies (where this
    process started it: `proc`) or the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if HTTP.get(health_url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        exited = proc is not None and proc.poll() is not None
        if exited or time.monotonic() > deadline:
            if proc is not None and proc.poll() is None:
                proc.kill()
            log = log_path.read_text()[-5000:] if log_path.exists() else "(no log)"
            raise AssertionError(f"{health_url} never answered:\n{log}")
        time.sleep(0.3)


class ServerProcess:
    """One server process; `start` waits until /healthz answers."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None, port: int | None = None):
        self.data_dir = data_dir
        self.args = args
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ASGARD_")} | (env or {})
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 120) -> ServerProcess:
        self.spawn()
        assert self.proc is not None
        wait_until_up(f"{self.url}/healthz", self.proc, self.log_path, timeout)
        return self

    def spawn(self) -> ServerProcess:
        """The process started, not waited for."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [*asgard_command(), "serve", "--port", str(self.port), "--data-dir", str(self.data_dir), *self.args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            preexec_fn=die_with_test_process,
        )
        log.close()
        return self

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = HTTP.post(f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def processes_in(workdir: Path) -> list[int]:
    """The host's pids of the processes running in a directory (a job's work dir): inside the sandbox a
    job's own pids are those of its PID namespace, so the test finds them from outside."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")) == workdir:
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
        except OSError:
            continue
    return found
