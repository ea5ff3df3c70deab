"""The generated typed client (clients/python/asgard_client) drives a real `asgard serve --demo` over TCP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest
from asgard_client import (
    AsgardClient,
    CreateFeatureServiceInput,
    ErrorCode,
    FeatureDtype,
    FeatureInput,
    FeatureViewChange,
    FeatureViewFilter,
    FeatureViewProjectionInput,
    JobStatus,
    LineageEdgeKind,
    LineageNodeKind,
    LineageSource,
    LineageTarget,
    LogStream,
    MaterializationStatus,
    MaterializeInput,
    OnlineFeaturesInput,
    PlatformStatus,
    PredictInput,
    PushFeaturesInput,
    PushTarget,
    RegisterFeatureViewInput,
    RegistrationChange,
    Role,
    SourceTableInput,
    SubmitTrainingJobInput,
    TagInput,
)
from asgard_client.exceptions import GraphQLClientGraphQLMultiError, GraphQLClientHttpError

from tests.support import TRAIN_ON_SERVICE
from tests.support.demo_server import DemoServer

TRAIN = TRAIN_ON_SERVICE.read_text()
START, END = datetime(2025, 12, 31, tzinfo=UTC), datetime(2026, 1, 8, tzinfo=UTC)
T = TypeVar("T")
ENDED = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.TIMED_OUT}


@pytest.fixture(scope="module")
def server(demo_server: DemoServer) -> tuple[DemoServer, str]:
    """The run's shared demo server (tests/support/demo_server.py), as its admin."""
    return demo_server, demo_server.tokens["admin"]


def connect(url: str, token: str | None) -> AsgardClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return AsgardClient(
        url=f"{url}/graphql",
        # httpx's default 5 s timeout is too short for a registration on a busy machine.
        http_client=httpx.AsyncClient(headers=headers, timeout=60),
        ws_url=url.replace("http://", "ws://", 1) + "/graphql",
        ws_connection_init_payload=headers,
    )


def customers_view(name: str, **changes: Any) -> RegisterFeatureViewInput:
    view = RegisterFeatureViewInput(
        name=name,
        entities=["customer_id"],
        features=[
            FeatureInput(name="total_orders", dtype=FeatureDtype.INT64, description="Orders so far"),
            FeatureInput(name="total_spent", dtype=FeatureDtype.FLOAT64),
        ],
        source=SourceTableInput(table="gold.customer_aggregates", timestamp_field="updated_at"),
        ttl_seconds=0,
        online=True,
        tags=[TagInput(key="team", value="growth")],
    )
    return view.model_copy(update=changes)


async def collect(items: AsyncIterator[T], timeout: float) -> list[T]:
    async with asyncio.timeout(timeout):
        return [item async for item in items]


@contextmanager
def server_log_on_http_error(process: DemoServer) -> Iterator[None]:
    """An HTTP error from the client says only its status: show what the server logged."""
    try:
        yield
    except GraphQLClientHttpError as error:
        raise AssertionError(f"HTTP {error.status_code}: {process.log_path.read_text()[-4000:]}") from error


def test_main_flows_through_the_typed_client(server):
    process, token = server
    with server_log_on_http_error(process):
        asyncio.run(main_flows(connect(process.url, token)))


async def main_flows(client: AsgardClient) -> None:
    async with client:
        await status_and_gold_layer(client)
        await register_view_and_service(client, "client_customers", "client_churn_features")
        online = await materialize_and_read_online(client, "client_customers", "client_churn_features")
        job_id = await train(client, "client_churn", "client_churn_features")
        await read_models(client, "client_churn", job_id)
        await predict(client, "client_churn", online)


async def status_and_gold_layer(client: AsgardClient) -> None:
    status = await client.platform_status()
    assert isinstance(status, PlatformStatus)
    platform = status.platform_status
    assert platform.feast_available and platform.mlflow_available and platform.catalog_available
    assert platform.timestamp.tzinfo is not None
    assert status.viewer.role is Role.ADMIN and status.viewer.name == "e2e-admin" and status.viewer.authenticated

    tables = await client.gold_tables(namespace="gold")
    assert "gold.customer_aggregates" in {table.name for table in tables}
    table = await client.gold_table("gold.customer_aggregates")
    assert table is not None and table.row_count == 21000 and isinstance(table.last_updated, datetime)
    columns = {column.name: column.type_ for column in table.columns}
    assert columns["customer_id"] == "long" and columns["updated_at"] == "timestamptz"
    assert await client.gold_table("gold.nope") is None


async def register_view_and_service(client: AsgardClient, view: str, service: str) -> None:
    registered = await client.register_feature_view(customers_view(view))
    assert registered.user_errors == [] and registered.change is RegistrationChange.CREATED
    assert registered.feature_view is not None
    assert [(f.name, f.dtype) for f in registered.feature_view.features] == [
        ("total_orders", FeatureDtype.INT64),
        ("total_spent", FeatureDtype.FLOAT64),
    ]
    again = await client.register_feature_view(customers_view(view))
    assert again.change is RegistrationChange.UNCHANGED
    history = await client.feature_view_history(view)
    assert history is not None and [(v.version, v.change) for v in history.history] == [(1, FeatureViewChange.CREATED)]
    assert history.history[0].definition["name"] == view

    page = await client.feature_views(filter_=FeatureViewFilter(name_contains="client_cust"), first=10)
    assert page.total_count == 1 and not page.page_info.has_next_page
    assert page.edges[0].node.entities[0].join_key == "customer_id"

    created = await client.create_feature_service(
        CreateFeatureServiceInput(name=service, feature_views=[FeatureViewProjectionInput(name=view)])
    )
    assert created.user_errors == [] and created.change is RegistrationChange.CREATED
    assert created.feature_service is not None
    assert created.feature_service.feature_views[0].feature_names == ["total_orders", "total_spent"]


async def materialize_and_read_online(client: AsgardClient, view: str, service: str) -> list[list[Any]]:
    started = await client.materialize(MaterializeInput(feature_views=[view], start=START, end=END))
    assert started.user_errors == [] and started.operation is not None
    assert started.operation.start == START and started.operation.end == END
    deadline = time.monotonic() + 120
    while (op := await client.materialization(started.operation.id)) and op.status is MaterializationStatus.RUNNING:
        assert time.monotonic() < deadline, op
        await asyncio.sleep(0.2)
    assert op is not None and op.status is MaterializationStatus.SUCCEEDED, op.error
    assert op.rows_written == 3000 and op.finished_at is not None
    fresh = await client.feature_view_freshness(view)
    assert fresh is not None and fresh.freshness is not None
    assert fresh.freshness.materialized_up_to == END and fresh.freshness.lag_seconds == 0
    assert fresh.freshness.last_materialized_at == op.finished_at
    assert all(f.stats is not None and f.stats.value_count for f in fresh.features)
    stale = {v.name for v in (await client.stale_feature_views()).stale_feature_views}
    assert (view in stale) is (fresh.freshness.stale is True)

    table = await client.online_features(
        OnlineFeaturesInput(feature_service=service, entities={"customer_id": [1001, 1002, 999_999]})
    )
    assert [(c.name, c.dtype) for c in table.columns] == [
        ("customer_id", FeatureDtype.INT64),
        ("total_orders", FeatureDtype.INT64),
        ("total_spent", FeatureDtype.FLOAT64),
    ]
    assert [row[0] for row in table.rows] == [1001, 1002, 999_999]
    assert table.statuses[2][1:] == ["NOT_FOUND", "NOT_FOUND"]
    row = {"customer_id": 999_998, "total_orders": 4}
    pushed = await client.push_features(
        PushFeaturesInput(feature_view=view, rows=[row | {"total_spent": 12.5}], to=PushTarget.ONLINE)
    )
    assert pushed.user_errors == [] and pushed.rows_written == 1 and pushed.stale_rows == 0
    refused = await client.push_features(PushFeaturesInput(feature_view=view, rows=[row]))
    assert [(e.code, e.field) for e in refused.user_errors] == [(ErrorCode.INVALID_VALUE, ["rows", "0", "total_spent"])]
    read = await client.online_features(
        OnlineFeaturesInput(feature_service=service, entities={"customer_id": [999_998]})
    )
    assert read.rows == [[999_998, 4, 12.5]]
    return table.rows


async def train(client: AsgardClient, model: str, service: str) -> str:
    submitted = await client.submit_training_job(
        SubmitTrainingJobInput(
            script_name="train.py",
            script=TRAIN,
            experiment_name="client_churn_exp",
            model_name=model,
            feature_service=service,
            parameters={"service": service, "customers": 400},
        )
    )
    assert submitted.user_errors == [] and submitted.job is not None
    assert submitted.job.status is JobStatus.QUEUED
    job_id = submitted.job.id

    # Follow it over a websocket: the job now, then every change until it ends.
    updates = await collect(client.follow_training_job(job_id, output=True), timeout=300)
    statuses = [update.status for update in updates]
    assert statuses[-1] is JobStatus.SUCCEEDED, updates[-1].error
    assert all(status not in ENDED for status in statuses[:-1])

    job = await client.training_job(job_id, output=True)
    assert job is not None and job.status is JobStatus.SUCCEEDED and job.exit_code == 0
    assert job.run_id and job.run is not None and job.run.id == job.run_id and job.run.status == "FINISHED"
    assert job.model_version is not None and (job.model_version.model, job.model_version.version) == (model, 1)
    assert job.started_at is not None and job.finished_at is not None and job.finished_at >= job.started_at
    assert (LogStream.STDOUT, "training on 400 rows") in {(line.stream, line.text) for line in job.logs}
    assert f"registered {model} version 1" in [line.text for line in job.logs if line.stream is LogStream.SYSTEM]

    # The log subscription replays from a line on, then completes because the job has ended.
    replayed = await collect(client.follow_training_job_logs(job_id, from_line=2), timeout=60)
    assert [(line.number, line.text) for line in replayed] == [(line.number, line.text) for line in job.logs[2:]]
    later = await client.training_job(job_id, from_line=len(job.logs), output=True)
    assert later is not None and later.logs == []
    return job_id


async def read_models(client: AsgardClient, model: str, job_id: str) -> None:
    job = await client.training_job(job_id)
    assert job is not None
    trained_on = await client.model_version_lineage(model, 1)
    assert trained_on is not None and trained_on.feature_service is not None
    assert trained_on.feature_service.name == "client_churn_features"
    assert [(f.reference, f.source) for f in trained_on.features] == [
        ("client_customers:total_orders", LineageSource.FEATURE_SERVICE),
        ("client_customers:total_spent", LineageSource.FEATURE_SERVICE),
    ]
    graph = await client.lineage(LineageTarget(kind=LineageNodeKind.FEATURE_VIEW, name="client_customers"), depth=2)
    assert (f"MODEL_VERSION:{model}/1", "FEATURE_SERVICE:client_churn_features", LineageEdgeKind.TRAINED_ON) in {
        (e.from_, e.to, e.kind) for e in graph.edges
    }
    models = await client.registered_models(filter_=f"name = '{model}'")
    assert models.total_count == 1
    latest = models.edges[0].node.latest_version
    assert latest is not None and latest.version == 1 and latest.run_id == job.run_id
    assert latest.signature is not None
    assert [column.name for column in latest.signature.inputs] == ["total_orders", "total_spent"]

    version = await client.model_version(model, version=1)
    assert version is not None and version.status == "READY" and isinstance(version.creation_time, datetime)
    assert version.run is not None and version.run.id == job.run_id
    assert {metric.key for metric in version.run.metrics} == {"accuracy"}
    assert await client.model_version(model, version=99) is None


async def predict(client: AsgardClient, model: str, online: list[list[Any]]) -> None:
    by_entity = await client.predict(PredictInput(model=model, entities={"customer_id": [1001, 1002, 999_999]}))
    assert by_entity.user_errors == [], by_entity.user_errors
    assert by_entity.model_version is not None and by_entity.model_version.version == 1
    assert by_entity.predictions[2] is None  # an unknown customer
    assert by_entity.missing_features == ["total_orders", "total_spent"]
    assert set(by_entity.predictions[:2]) <= {0, 1}

    # The same features given as rows (from the online read) predict the same.
    rows = [{"total_orders": row[1], "total_spent": row[2]} for row in online[:2]]
    by_rows = await client.predict(PredictInput(model=model, version=1, rows=rows))
    assert by_rows.user_errors == [] and by_rows.predictions == by_entity.predictions[:2]

    unknown = await client.predict(PredictInput(model="no_such_model", entities={"customer_id": [1001]}))
    assert [(e.code, e.field) for e in unknown.user_errors] == [(ErrorCode.NOT_FOUND, ["model"])]


def test_a_bad_registration_comes_back_as_typed_user_errors(server):
    process, token = server

    async def register() -> None:
        async with connect(process.url, token) as client:
            bad = customers_view(
                "client_bad",
                features=[
                    FeatureInput(name="total_spent", dtype=FeatureDtype.STRING),
                    FeatureInput(name="lifetime_value", dtype=FeatureDtype.FLOAT64),
                ],
            )
            result = await client.register_feature_view(bad)
            assert result.feature_view is None and result.change is None
            assert {(e.code, tuple(e.field or ())) for e in result.user_errors} == {
                (ErrorCode.TYPE_MISMATCH, ("features", "0", "dtype")),
                (ErrorCode.UNKNOWN_COLUMN, ("features", "1", "name")),
            }
            assert all(e.message for e in result.user_errors)
            assert (await client.feature_views(filter_=FeatureViewFilter(name_contains="client_bad"))).total_count == 0

    asyncio.run(register())


def test_refusals_reach_the_caller_as_typed_exceptions(server):
    process, token = server

    async def refused() -> None:
        async with connect(process.url, None) as anonymous:
            with pytest.raises(GraphQLClientHttpError) as http_error:
                await anonymous.platform_status()
            assert http_error.value.status_code == 401
        async with connect(process.url, token) as client:
            with pytest.raises(GraphQLClientGraphQLMultiError) as graphql_error:
                await client.feature_views(first=1000)
            error = graphql_error.value.errors[0]
            assert "at most" in error.message
            assert error.extensions == {"code": "BAD_USER_INPUT", "field": "first"}

    asyncio.run(refused())
