"""The servers a benchmark run starts and stops itself: Asgard, Feast's feature server, Redis."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.support.server import ServerProcess, free_port, wait_until_up


def start_asgard(data_dir: Path, env: dict[str, str] | None = None) -> ServerProcess:
    return ServerProcess(
        data_dir, "--demo", "--log-level", "WARNING", env={"ASGARD_REGISTRY_CACHE_SECONDS": "30", **(env or {})}
    ).start()


class RedisServer:
    """A throwaway redis-server on loopback (Debian's package), for the Redis online store runs."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server is not installed (Debian package redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen([binary, *args, "--dir", str(workdir)], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        terminate(self.proc)


def terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if the server has not gone within 20 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


class FeastServer:
    """`feast serve` on the same repo (same registry, same online store), with `workers` gunicorn workers, at
    its fastest: without its access log (Asgard runs with --log-level WARNING here, which has none) and without
    recycling its workers (by default each restarts after 1,000 requests, resetting its connections and
    stalling requests for about a second)."""

    def __init__(self, repo: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        feast = Path(sys.executable).with_name("feast")
        self.log = open(repo / f"feast-serve-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(feast),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--no-access-log",
                "--max-requests",
                "0",
            ],
            cwd=repo,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ},
        )
        wait_until_up(f"{self.url}/health", self.proc, Path(self.log.name))

    def stop(self) -> None:
        terminate(self.proc)
        self.log.close()


FEAST_REGISTRY_VENV = Path(__file__).resolve().parent.parent / ".venv-feast-registry"


def feast_registry_command() -> Path:
    """The `feast` that can run the REST registry server: Feast 0.67 passes FastAPI keywords that FastAPI 0.145
    stopped accepting, so it lives in a bench-only venv with FastAPI 0.144 (`make bench` builds it)."""
    # absolute: the server runs with the repo as its working directory
    return Path(os.environ.get("ASGARD_BENCH_FEAST_REGISTRY") or FEAST_REGISTRY_VENV / "bin" / "feast").absolute()


class FeastRegistryServer:
    """`feast serve_registry --rest-api --no-grpc` on the same repo (same SQL registry), REST only."""

    def __init__(self, repo: Path, feast: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = repo / f"feast-registry-{self.port}.log"
        args = ["serve_registry", "--rest-api", "--no-grpc", "--rest-port", str(self.port), "--host", "127.0.0.1"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen([str(feast), *args], cwd=repo, stdout=log, stderr=subprocess.STDOUT)
        wait_until_up(f"{self.url}/api/v1/projects", self.proc, self.log_path)

    def stop(self) -> None:
        terminate(self.proc)
