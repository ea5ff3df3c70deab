"""Training jobs on a real server process (tests/support/server.py), over HTTP and a websocket."""

from __future__ import annotations

import asyncio
import json
import time

import websockets

from tests.support.server import ServerProcess

SUBMIT = """
mutation($input: SubmitTrainingJobInput!) {
  submitTrainingJob(input: $input) { job { id status } userErrors { field code message } }
}
"""
JOB = "query($id: ID!) { trainingJob(id: $id) { id status attempts error workerId logs { number text stream } } }"


def submit(server: ServerProcess, script: str, **fields) -> str:
    job_input = {"scriptName": "job.py", "script": script, "experimentName": "process-tests"} | fields
    result = server.post(SUBMIT, {"input": job_input})["submitTrainingJob"]
    assert result["userErrors"] == [], result
    return result["job"]["id"]


STATUS = "query($id: ID!) { trainingJob(id: $id) { status } }"


def wait_for(server: ServerProcess, job_id: str, statuses: set[str], timeout: float = 120) -> dict:
    """The job (JOB's fields) once its status is one of `statuses`; the polls ask for the status alone."""
    deadline = time.monotonic() + timeout
    while True:
        if server.post(STATUS, {"id": job_id})["trainingJob"]["status"] in statuses:
            job = server.post(JOB, {"id": job_id})["trainingJob"]
            if job["status"] in statuses:  # else it moved on between the two reads: wait for the next match
                return job
        assert time.monotonic() < deadline, server.post(JOB, {"id": job_id})["trainingJob"]
        time.sleep(0.2)


async def follow(url: str, query: str, variables: dict, into: list) -> None:
    """A graphql-transport-ws client: collect every `next` payload until `complete`."""
    async with websockets.connect(url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}))
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if message["type"] == "next":
                assert "errors" not in message["payload"], message
                into.append(message["payload"]["data"])
            elif message["type"] == "complete":
                return
            elif message["type"] == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            else:
                raise AssertionError(message)
