"""The servers a benchmark run starts and stops itself: Asgard and Feast's feature server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.server import ServerProcess, free_port, wait_until_up


def start_asgard(data_dir: Path) -> ServerProcess:
    return ServerProcess(
        data_dir, "--demo", "--log-level", "WARNING", env={"ASGARD_REGISTRY_CACHE_SECONDS": "30"}
    ).start()


class FeastServer:
    """`feast serve` on the same repo (same registry, same online store)."""

    def __init__(self, repo: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        feast = Path(sys.executable).with_name("feast")
        self.log = open(repo / f"feast-serve-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(feast), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
            cwd=repo,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ},
        )
        wait_until_up(f"{self.url}/health", self.proc, Path(self.log.name))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
