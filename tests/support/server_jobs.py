"""Training jobs on a real server process (tests/support/server.py), over HTTP and a websocket."""

from __future__ import annotations

import asyncio
import json

import websockets

from tests.support.jobs import STATUS, wait_until
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


def wait_for(server: ServerProcess, job_id: str, statuses: set[str], timeout: float = 120) -> dict:
    """The job (JOB's fields) once its status is one of `statuses`."""
    return wait_until(
        lambda: server.post(STATUS, {"id": job_id})["trainingJob"]["status"],
        lambda: server.post(JOB, {"id": job_id})["trainingJob"],
        statuses,
        timeout,
    )


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
