"""Training jobs: time from submitTrainingJob to RUNNING, and the API's latency on a simple query
while two CPU-bound jobs run (against the same query on an idle server, in the same run)."""

from __future__ import annotations

import statistics
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import ServerProcess

SUBMIT = """
mutation($i: SubmitTrainingJobInput!) { submitTrainingJob(input: $i) { job { id submittedAt } userErrors { message } } }
"""
JOB = "query($id: ID!) { trainingJob(id: $id) { status submittedAt logs { text time } } }"
SIMPLE = {"query": "{ featureViews(first: 10) { totalCount edges { node { name } } } }"}
BUSY = "import time\nend = time.time() + {seconds}\nwhile time.time() < end:\n    pass\n"


def _submit(server: ServerProcess, script: str) -> str:
    payload = server.post(SUBMIT, {"i": {"scriptName": "bench.py", "script": script, "experimentName": "bench-jobs"}})[
        "submitTrainingJob"
    ]
    assert not payload["userErrors"], payload
    return str(payload["job"]["id"])


def _to_running_ms(server: ServerProcess, job_id: str) -> float:
    """From submission to the runner's "running <script>" line, both stamped by the server."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = server.post(JOB, {"id": job_id})["trainingJob"]
        running = [line for line in job["logs"] if line["text"].startswith("running ")]
        if running:
            started = datetime.fromisoformat(running[0]["time"])
            return (started - datetime.fromisoformat(job["submittedAt"])).total_seconds() * 1000
        time.sleep(0.05)
    raise RuntimeError(f"job {job_id} never ran")


def _latency(url: str, n: int) -> list[float]:
    client = httpx.Client(timeout=30)
    for _ in range(max(n // 10, 5)):
        client.post(url, json=SIMPLE)
    out = []
    for _ in range(n):
        started = time.perf_counter()
        client.post(url, json=SIMPLE).raise_for_status()
        out.append((time.perf_counter() - started) * 1000)
    return sorted(out)


def _p(samples: list[float], q: float) -> float:
    return round(samples[min(len(samples) - 1, int(len(samples) * q))], 2)


def run(data_dir: Path, jobs: int, requests: int) -> dict[str, Any]:
    server = ServerProcess(data_dir, "--log-level", "WARNING", env={"ASGARD_JOB_CONCURRENCY": "2"}).start()
    try:
        to_running = [_to_running_ms(server, _submit(server, "print('hi')")) for _ in range(jobs)]
        url = f"{server.url}/graphql"
        idle = _latency(url, requests)
        busy_seconds = max(5, requests // 100)
        busy_jobs = [_submit(server, BUSY.format(seconds=busy_seconds)) for _ in range(2)]
        for job_id in busy_jobs:
            _to_running_ms(server, job_id)
        loaded = _latency(url, requests)
        return {
            "submit_to_running_ms": {
                "p50": round(statistics.median(to_running), 1),
                "max": round(max(to_running), 1),
                "jobs": jobs,
            },
            "simple_query_idle_ms": {"p50": _p(idle, 0.5), "p99": _p(idle, 0.99)},
            "simple_query_two_busy_jobs_ms": {"p50": _p(loaded, 0.5), "p99": _p(loaded, 0.99)},
        }
    finally:
        server.stop()
