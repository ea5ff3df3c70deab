"""Jobs across real server processes: websocket subscriptions, a killed server, two replicas."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest
import sqlalchemy

from tests.support.jobs import alive
from tests.support.server import ServerProcess, processes_in
from tests.support.server_jobs import JOB, follow, submit, wait_for

BLOCKER = """
import os, time
for _ in range(600):
    if os.path.exists("release"):  # in its work dir, where the test puts it
        break
    time.sleep(0.1)
"""

CHATTY = """
import time
for i in range(5):
    print(f"line {i}", flush=True)
    time.sleep(0.3)
"""


def test_subscriptions_follow_a_job_over_websockets(tmp_path):
    server = ServerProcess(tmp_path / "data", env={"ASGARD_JOB_CONCURRENCY": "1"}).start()
    try:
        blocker = submit(server, BLOCKER)
        release = tmp_path / "data" / "jobs" / blocker / "release"
        job_id = submit(server, CHATTY)
        states: list = []
        lines: list = []

        async def both_streams() -> None:
            status = follow(
                server.url, "subscription($id: ID!) { trainingJob(id: $id) { status } }", {"id": job_id}, states
            )
            logs = follow(
                server.url,
                "subscription($id: ID!) { trainingJobLogs(id: $id, fromLine: 0) { number text stream } }",
                {"id": job_id},
                lines,
            )
            both = asyncio.gather(status, logs)
            await asyncio.sleep(1.0)
            while not release.parent.exists():
                await asyncio.sleep(0.1)
            release.write_text("go")
            await asyncio.wait_for(both, 120)

        asyncio.run(both_streams())
        seen = [s["trainingJob"]["status"] for s in states]
        assert seen[0] == "QUEUED"
        assert seen[-1] == "SUCCEEDED"
        assert "RUNNING" in seen
        assert seen == sorted(set(seen), key=seen.index)  # each state once, in order
        numbers = [line["trainingJobLogs"]["number"] for line in lines]
        assert numbers == list(range(len(numbers)))
        stdout = [line["trainingJobLogs"]["text"] for line in lines if line["trainingJobLogs"]["stream"] == "STDOUT"]
        assert stdout == [f"line {i}" for i in range(5)]
    finally:
        server.stop()


LONG = """
import os, subprocess, time
if os.path.exists("attempted"):
    print("second attempt", flush=True)
    raise SystemExit(0)
open("attempted", "w").write("1")
child = subprocess.Popen(["sleep", "300"])
open("child.pid", "w").write(str(child.pid))
for i in range(600):
    print("tick", i, flush=True)
    time.sleep(0.2)
"""


def test_a_killed_server_leaves_no_job_running_forever(tmp_path):
    data = tmp_path / "data"
    env = {"ASGARD_JOB_CONCURRENCY": "2", "ASGARD_JOB_LEASE_SECONDS": "3"}
    first = ServerProcess(data, env=env).start()
    try:
        doomed = submit(first, LONG)
        retried = submit(first, LONG, retries=1)
        queued = submit(first, "print('ran after the restart')")
        for job_id in (doomed, retried):
            deadline = time.monotonic() + 60
            while not any(
                line["text"].startswith("tick") for line in first.post(JOB, {"id": job_id})["trainingJob"]["logs"]
            ):
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert first.post(JOB, {"id": queued})["trainingJob"]["status"] == "QUEUED"
        assert (data / "jobs" / doomed / "child.pid").exists()
        tree = processes_in(data / "jobs" / doomed)
        assert len(tree) >= 2  # the script and its sleep
    except BaseException:
        first.stop()
        raise
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()
    time.sleep(1.0)
    assert not [pid for pid in tree if alive(pid)]  # the sandbox dies with its server: no orphans

    second = ServerProcess(data, env=env, port=first.port).start()
    try:
        failed = wait_for(second, doomed, {"FAILED", "SUCCEEDED"})
        assert failed["status"] == "FAILED"
        assert "interrupted" in failed["error"]
        assert any(line["text"].startswith("tick") for line in failed["logs"])  # logs so far are kept
        again = wait_for(second, retried, {"SUCCEEDED", "FAILED"})
        assert again["status"] == "SUCCEEDED" and again["attempts"] == 2
        assert any(line["text"] == "second attempt" for line in again["logs"])
        after = wait_for(second, queued, {"SUCCEEDED", "FAILED"})
        assert after["status"] == "SUCCEEDED"
    finally:
        second.stop()


COUNTED = """
import os, time
with open("ran", "a") as f:  # in its work dir, under the data dir of the server that ran it
    f.write(os.environ["ASGARD_JOB_ID"] + "\\n")
time.sleep(1.0)
"""


def test_two_servers_on_postgresql_never_run_a_job_twice(tmp_path):
    url = os.environ.get("ASGARD_TEST_POSTGRES_URL")
    if not url:
        pytest.fail("ASGARD_TEST_POSTGRES_URL is not set: run the suite with `make test`, which starts PostgreSQL")
    engine = sqlalchemy.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text("drop table if exists training_job_logs, training_jobs, asgard_schema_version"))
    engine.dispose()
    env = {"ASGARD_JOB_DB_URL": url, "ASGARD_JOB_CONCURRENCY": "2", "ASGARD_JOB_POLL_SECONDS": "0.2"}
    servers = [ServerProcess(tmp_path / f"data{i}", env=env).start() for i in range(2)]
    try:
        ids = [submit(servers[i % 2], COUNTED) for i in range(10)]
        jobs = [wait_for(servers[0], job_id, {"SUCCEEDED", "FAILED"}) for job_id in ids]
        assert {j["status"] for j in jobs} == {"SUCCEEDED"}
        ran = [line for path in tmp_path.glob("data*/jobs/*/ran") for line in path.read_text().split()]
        assert sorted(ran) == sorted(ids)  # each job ran exactly once
        assert all(j["attempts"] == 1 for j in jobs)
        assert len({j["workerId"] for j in jobs}) == 2  # both replicas took work from the one queue
    finally:
        for server in servers:
            server.stop()
