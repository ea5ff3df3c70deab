"""Resolvers of training jobs: queries, submit and cancel, and the two subscriptions."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from server.auth.roles import Principal
from server.blocking import run_blocking
from server.context import Context
from server.jobs.records import JobRecord
from server.jobs.records import JobStatus as DomainJobStatus
from server.jobs.submission import Submission
from server.loaders import registry_snapshot
from server.resolvers.payloads import mutate
from server.schema.common import After, Connection, Edge, First, PageInfo
from server.schema.enums import JobStatus
from server.schema.jobs import (
    LogLine,
    SubmitTrainingJobInput,
    SubmitTrainingJobPayload,
    TrainingJob,
    TrainingJobFilter,
    TrainingJobPayload,
)
from server.schema.pagination import decode_cursor, encode_cursor, page_size
from server.schema.permissions import may_see_job_output
from server.services.errors import RequestCode, RequestError

JobId = Annotated[strawberry.ID, strawberry.argument(description="Id of the training job.")]
LOG_BATCH = 500


def _position(cursor: str) -> tuple[int, str]:
    seq, _, job_id = decode_cursor(cursor).partition(":")
    if not seq.isdigit() or not job_id:
        raise RequestError("after is not a cursor this server gave out", field="after")
    return int(seq), job_id


async def training_jobs(
    info: Info[Context, None],
    filter: Annotated[TrainingJobFilter | None, strawberry.argument(description="Only jobs matching it.")] = None,
    status: Annotated[
        list[JobStatus] | None, strawberry.argument(description="Only jobs in any of these states.")
    ] = None,
    first: First = None,
    after: After = None,
) -> Connection[TrainingJob]:
    """Newest first."""
    store = info.context.services.jobs
    size = page_size(first, info.context.settings.limits)
    asked = list(status or []) + list((filter.status if filter else None) or [])
    statuses = [DomainJobStatus[s.name] for s in asked]
    experiment = filter.experiment_name if filter else None
    model = filter.model_name if filter else None
    before = _position(after) if after is not None else None
    rows = await run_blocking(store.search, statuses or None, experiment, model, size + 1, before)
    edges = [
        Edge(cursor=encode_cursor(f"{seq}:{job_id}"), node=TrainingJob.from_record(job))
        for (seq, job_id), job in rows[:size]
    ]

    async def total() -> int:
        return await run_blocking(store.count, statuses or None, experiment, model)

    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next=len(rows) > size,
            end_cursor=edges[-1].cursor if edges else after,
            start_cursor=edges[0].cursor if edges else None,
            has_previous_page=after is not None,
        ),
        total=total,
    )


async def training_job(info: Info[Context, None], id: JobId) -> TrainingJob | None:
    found = await run_blocking(info.context.services.jobs.get, str(id))
    return TrainingJob.from_record(found) if found else None


async def submit_training_job(
    info: Info[Context, None],
    input: Annotated[SubmitTrainingJobInput, strawberry.argument(description="The script and how to run it.")],
) -> SubmitTrainingJobPayload:
    submission = Submission(
        script_name=input.script_name,
        script=input.script,
        script_base64=input.script_base64,
        experiment_name=input.experiment_name,
        model_name=input.model_name,
        requirements=tuple(input.requirements or ()),
        parameters=input.parameters,
        timeout_seconds=input.timeout_seconds,
        feature_service=input.feature_service,
        retries=input.retries,
    )
    known = set((await registry_snapshot(info.context.services)).services) if input.feature_service else set()
    training = info.context.services.training
    return await mutate(SubmitTrainingJobPayload, _submitted, training.submit, submission, _caller(info), known)


async def cancel_training_job(info: Info[Context, None], id: JobId) -> TrainingJobPayload:
    training = info.context.services.training
    return await mutate(TrainingJobPayload, _cancelled, training.cancel, str(id), _caller(info))


def _caller(info: Info[Context, None]) -> Principal:
    principal = info.context.principal
    assert principal is not None  # the trainer role was checked before any resolver runs
    return principal


def _submitted(job: JobRecord) -> SubmitTrainingJobPayload:
    return SubmitTrainingJobPayload(job=TrainingJob.from_record(job))


def _cancelled(job: JobRecord) -> TrainingJobPayload:
    return TrainingJobPayload(job=TrainingJob.from_record(job))


# ---- subscriptions ------------------------------------------------------------------------------


async def _require(info: Info[Context, None], job_id: str) -> JobRecord:
    job = await run_blocking(info.context.services.jobs.get, job_id)
    if job is None:
        raise RequestError(f"training job {job_id} does not exist", code=RequestCode.NOT_FOUND, field="id")
    return job


async def _next_event(queue: asyncio.Queue[JobRecord | None], timeout: float) -> JobRecord | None:
    with contextlib.suppress(TimeoutError):
        return await asyncio.wait_for(queue.get(), timeout)
    return None


async def training_job_updates(info: Info[Context, None], id: JobId) -> AsyncGenerator[TrainingJob, None]:
    """Every state change of a job, from its current state until it ends."""
    services = info.context.services
    poll = info.context.settings.jobs.poll_seconds
    with services.job_events.subscribe(str(id)) as queue:
        job = await _require(info, str(id))
        yield TrainingJob.from_record(job)
        last = job.status
        while not last.finished:
            event = await _next_event(queue, poll)
            current = event or await run_blocking(services.jobs.get, str(id))
            if current is not None and current.status is not last:
                last = current.status
                info.context.renew_loaders()  # its run and model version are read as they are now
                yield TrainingJob.from_record(current)


async def training_job_logs(
    info: Info[Context, None],
    id: JobId,
    from_line: Annotated[int, strawberry.argument(description="First line number to send.")] = 0,
) -> AsyncGenerator[LogLine, None]:
    """Log lines as they are written, from `fromLine` on, until the job has ended and all are sent."""
    services = info.context.services
    poll = info.context.settings.jobs.poll_seconds
    if from_line < 0:
        raise RequestError("fromLine must not be negative", field="fromLine")
    with services.job_events.subscribe(str(id)) as queue:
        owner = (await _require(info, str(id))).owner
        if not may_see_job_output(info.context.principal, owner):
            raise RequestError("a job's logs are for its submitter, trainers and admins", code=RequestCode.FORBIDDEN)
        position = from_line
        while True:
            job = await run_blocking(services.jobs.get, str(id))
            lines = await run_blocking(services.jobs.logs, str(id), position, LOG_BATCH)
            for line in lines:
                yield LogLine.from_record(line)
            position += len(lines)
            if len(lines) == LOG_BATCH:
                continue
            if job is None or job.status.finished:
                return
            await _next_event(queue, poll)
