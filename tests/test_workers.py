"""`asgard serve --workers N`: processes sharing one port, one of them running the data dir's jobs."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import httpx
import psutil
import pytest

from tests.support.server import ServerProcess
from tests.support.server_jobs import follow, submit, wait_for

VIEW = '{ featureView(name: "order_features") { name } }'


def _workers(server: ServerProcess) -> set[int]:
    """The live worker processes (uvicorn's supervisor spawns them; multiprocessing's helpers are not workers)."""
    assert server.proc is not None
    found = set()
    for child in psutil.Process(server.proc.pid).children():
        try:
            command = " ".join(child.cmdline())
            if (
                child.status() != psutil.STATUS_ZOMBIE
                and "multiprocessing.spawn" in command
                and "resource_tracker" not in command
            ):
                found.add(child.pid)
        except psutil.Error:  # gone, or a zombie not yet reaped
            continue
    return found


def _wait(condition, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    return found


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    env = {"ASGARD_JOB_POLL_SECONDS": "0.3"}
    server = ServerProcess(tmp_path_factory.mktemp("workers"), "--demo", "--workers", "2", env=env).start()
    _wait(lambda: len(_workers(server)) == 2)
    yield server
    server.stop()


def test_two_workers_serve_one_port_and_one_runs_the_jobs(two_workers):
    server = two_workers
    assert server.post(VIEW)["featureView"]["name"] == "order_features"  # the demo, loaded once before them
    with httpx.Client(timeout=30) as http:  # new connections: the kernel hands them to either worker
        for _ in range(20):
            assert (
                http.post(f"{server.url}/graphql", json={"query": VIEW}, headers={"Connection": "close"}).status_code
                == 200
            )
    first = submit(server, "print('one')")
    updates: list = []
    query = "subscription($id: ID!) { trainingJob(id: $id) { status } }"
    asyncio.run(follow(server.url, query, {"id": first}, updates))  # on whichever worker took the socket
    assert updates[-1]["trainingJob"]["status"] == "SUCCEEDED"
    jobs = [wait_for(server, submit(server, f"print({i})"), {"SUCCEEDED", "FAILED"}) for i in range(3)]
    assert {job["status"] for job in jobs} == {"SUCCEEDED"} and {job["attempts"] for job in jobs} == {1}
    runners = {int(job["workerId"].split(":")[1]) for job in jobs}
    assert len(runners) == 1 and runners <= _workers(server)  # one worker runs them all


def test_when_the_worker_running_jobs_dies_another_takes_over(two_workers):
    server = two_workers
    leader = int(wait_for(server, submit(server, "print('before')"), {"SUCCEEDED"})["workerId"].split(":")[1])
    os.kill(leader, signal.SIGKILL)
    _wait(lambda: len(_workers(server)) == 2 and leader not in _workers(server))  # uvicorn starts a new one
    job = wait_for(server, submit(server, "print('after')"), {"SUCCEEDED", "FAILED"}, timeout=120)
    assert job["status"] == "SUCCEEDED"
    assert int(job["workerId"].split(":")[1]) in _workers(server) - {leader}


def test_workers_must_be_at_least_one(tmp_path):
    from server.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="at least 1"):
        load_settings(env={"ASGARD_WORKERS": "0"}, data_dir=tmp_path)
    with pytest.raises(ConfigError, match="at least 1"):
        load_settings(env={}, data_dir=tmp_path, workers=0)
