"""Submitting training jobs and following them, over GraphQL (the helpers of the job tests)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.graphql import gql, unique

SUBMIT = """
mutation($input: SubmitTrainingJobInput!) {
  submitTrainingJob(input: $input) {
    job { id status scriptName scriptSha256 experimentName modelName requirements parameters timeoutSeconds }
    userErrors { field message code }
  }
}
"""


JOB = """
query($id: ID!) {
  trainingJob(id: $id) {
    id status attempts exitCode error warning submittedAt startedAt finishedAt runId
    run { id status experimentId }
    modelVersion { model version runId }
    logs(fromLine: 0, limit: 1000) { number text stream time }
  }
}
"""


def submit(client, text: str | None, **fields) -> dict:
    job_input = {"scriptName": "train.py", "script": text, "experimentName": unique("jobs_exp")} | fields
    return gql(client, SUBMIT, {"input": job_input}).data["submitTrainingJob"]


STATUS = "query($id: ID!) { trainingJob(id: $id) { status } }"


def wait_for(client, job_id: str, statuses: set[str], timeout: float = 180) -> dict:
    """The job (JOB's fields) once its status is one of `statuses`."""
    return wait_until(
        lambda: gql(client, STATUS, {"id": job_id}).data["trainingJob"]["status"],
        lambda: gql(client, JOB, {"id": job_id}).data["trainingJob"],
        statuses,
        timeout,
    )


def wait_until(status: Callable[[], str], job: Callable[[], dict], statuses: set[str], timeout: float) -> dict:
    """`job()` once `status()` is one of `statuses`. The polls ask for the status alone: the whole job (its run
    from MLflow, its model version, its logs) costs ~3x as much to answer, five times a second."""
    deadline = time.monotonic() + timeout
    while True:
        if status() in statuses:
            found = job()
            if found["status"] in statuses:  # else it moved on between the two reads: wait for the next match
                return found
        assert time.monotonic() < deadline, job()
        time.sleep(0.2)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie has exited; it only waits for its parent to reap it
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")
