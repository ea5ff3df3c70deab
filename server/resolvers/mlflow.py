"""Resolvers of the MLflow fields: searches map onto MLflow page tokens, writes onto the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info

from server.blocking import run_blocking
from server.context import Context
from server.resolvers.payloads import mutate, refusal
from server.schema.common import After, Connection, DeletePayload, First, tag_pairs
from server.schema.mlflow import (
    CreateExperimentInput,
    DeleteModelAliasInput,
    Experiment,
    ExperimentPayload,
    Filter,
    LifecycleView,
    ModelVersion,
    ModelVersionPayload,
    OrderBy,
    RegisteredModel,
    RegisteredModelPayload,
    Run,
    SetExperimentTagInput,
    SetModelAliasInput,
    SetModelVersionTagInput,
    UpdateRegisteredModelInput,
    View,
)
from server.schema.pagination import token_page
from server.services.errors import ErrorCode, RequestError, input_error
from server.services.mlflow_records import ExperimentRecord, ModelVersionRecord, Page, RegisteredModelRecord, RunRecord

T = TypeVar("T")


# ---- queries ------------------------------------------------------------------------------------


async def experiments(
    info: Info[Context, None],
    filter: Filter = None,
    order_by: OrderBy = None,
    view: View = LifecycleView.ACTIVE_ONLY,
    first: First = None,
    after: After = None,
) -> Connection[Experiment]:
    mlflow = info.context.services.mlflow

    def fetch(max_results: int, token: str | None) -> Page[ExperimentRecord]:
        return mlflow.search_experiments(filter, order_by, view.name, max_results, token)

    async def total() -> int:
        return await run_blocking(_count, fetch)

    return await token_page(fetch, Experiment.from_record, first, after, info.context.settings.limits, total=total)


def _count(fetch: Callable[[int, str | None], Page[T]]) -> int:
    count, token = 0, None
    while True:
        page = fetch(1000, token)
        count += len(page.items)
        token = page.next_token
        if not token:
            return count


async def experiment(
    info: Info[Context, None],
    id: Annotated[strawberry.ID | None, strawberry.argument(description="Experiment id.")] = None,
    name: Annotated[str | None, strawberry.argument(description="Experiment name.")] = None,
) -> Experiment | None:
    if (id is None) == (name is None):
        raise RequestError("give exactly one of id and name", field="id" if id is not None else "name")
    mlflow = info.context.services.mlflow
    found = await (
        run_blocking(mlflow.experiment, str(id)) if id is not None else run_blocking(mlflow.experiment_by_name, name)
    )
    return Experiment.from_record(found) if found else None


async def runs(
    info: Info[Context, None],
    experiment_ids: Annotated[
        list[strawberry.ID] | None,
        strawberry.argument(description="Experiments to search; all active ones when null."),
    ] = None,
    filter: Filter = None,
    order_by: OrderBy = None,
    view: View = LifecycleView.ACTIVE_ONLY,
    first: First = None,
    after: After = None,
) -> Connection[Run]:
    ids = [str(i) for i in experiment_ids] if experiment_ids is not None else None
    return await runs_page(info, ids, filter, order_by, view, first, after)


async def run(
    info: Info[Context, None], id: Annotated[strawberry.ID, strawberry.argument(description="Run id.")]
) -> Run | None:
    found = await run_blocking(info.context.services.mlflow.run, str(id))
    return Run.from_record(found) if found else None


async def registered_models(
    info: Info[Context, None],
    filter: Annotated[
        str | None, strawberry.argument(description="MLflow filter, e.g. \"name LIKE 'churn%'\".")
    ] = None,
    order_by: OrderBy = None,
    first: First = None,
    after: After = None,
) -> Connection[RegisteredModel]:
    mlflow = info.context.services.mlflow

    def fetch(max_results: int, token: str | None) -> Page[RegisteredModelRecord]:
        return mlflow.search_registered_models(filter, order_by, max_results, token)

    async def total() -> int:
        return await run_blocking(_count, fetch)

    return await token_page(fetch, RegisteredModel.from_record, first, after, info.context.settings.limits, total=total)


ModelName = Annotated[str, strawberry.argument(description="Name of the registered model.")]


async def registered_model(info: Info[Context, None], name: ModelName) -> RegisteredModel | None:
    found = await run_blocking(info.context.services.mlflow.registered_model, name)
    return RegisteredModel.from_record(found) if found else None


async def model_version(
    info: Info[Context, None],
    model: ModelName,
    version: Annotated[int | None, strawberry.argument(description="Version number.")] = None,
    alias: Annotated[str | None, strawberry.argument(description="Alias, e.g. champion.")] = None,
) -> ModelVersion | None:
    if (version is None) == (alias is None):
        raise RequestError("give exactly one of version and alias", field="version")
    mlflow = info.context.services.mlflow
    if version is not None:
        found = await run_blocking(mlflow.model_version, model, version)
    else:
        found = await run_blocking(mlflow.model_version_by_alias, model, alias)
    return ModelVersion.from_record(found) if found else None


# ---- mutations ----------------------------------------------------------------------------------


async def create_experiment(
    info: Info[Context, None],
    input: Annotated[CreateExperimentInput, strawberry.argument(description="The experiment to create.")],
) -> ExperimentPayload:
    writes = info.context.services.mlflow_writes
    return await mutate(ExperimentPayload, _experiment, writes.create_experiment, input.name, tag_pairs(input.tags))


async def set_experiment_tag(
    info: Info[Context, None],
    input: Annotated[SetExperimentTagInput, strawberry.argument(description="The tag to set.")],
) -> ExperimentPayload:
    writes = info.context.services.mlflow_writes
    id_, key, value = str(input.experiment_id), input.key, input.value
    return await mutate(ExperimentPayload, _experiment, writes.set_experiment_tag, id_, key, value)


async def set_model_alias(
    info: Info[Context, None],
    input: Annotated[SetModelAliasInput, strawberry.argument(description="The alias and its version.")],
) -> ModelVersionPayload:
    writes = info.context.services.mlflow_writes
    return await mutate(
        ModelVersionPayload, _model_version, writes.set_model_alias, input.model, input.alias, input.version
    )


async def delete_model_alias(
    info: Info[Context, None],
    input: Annotated[
        DeleteModelAliasInput | None, strawberry.argument(description="The alias to remove (preferred form).")
    ] = None,
    model: Annotated[
        str | None, strawberry.argument(description="Name of the model, when `input` is not used.")
    ] = None,
    alias: Annotated[str | None, strawberry.argument(description="The alias, when `input` is not used.")] = None,
) -> DeletePayload:
    if input is not None:
        model, alias = input.model, input.alias
    if model is None or alias is None:
        missing = input_error(ErrorCode.INVALID_VALUE, "give input { model alias } (or model and alias)", "model")
        return refusal(DeletePayload, [missing])
    writes = info.context.services.mlflow_writes
    return await mutate(DeletePayload, lambda name: DeletePayload(name=name), writes.delete_model_alias, model, alias)


async def set_model_version_tag(
    info: Info[Context, None],
    input: Annotated[SetModelVersionTagInput, strawberry.argument(description="The tag to set.")],
) -> ModelVersionPayload:
    writes = info.context.services.mlflow_writes
    args = (input.model, input.version, input.key, input.value)
    return await mutate(ModelVersionPayload, _model_version, writes.set_model_version_tag, *args)


async def update_registered_model(
    info: Info[Context, None],
    input: Annotated[UpdateRegisteredModelInput, strawberry.argument(description="The new attributes.")],
) -> RegisteredModelPayload:
    writes = info.context.services.mlflow_writes
    return await mutate(
        RegisteredModelPayload,
        lambda m: RegisteredModelPayload(registered_model=RegisteredModel.from_record(m)),
        writes.update_registered_model,
        input.name,
        input.description,
    )


def _experiment(e: ExperimentRecord) -> ExperimentPayload:
    return ExperimentPayload(experiment=Experiment.from_record(e))


def _model_version(v: ModelVersionRecord) -> ModelVersionPayload:
    return ModelVersionPayload(model_version=ModelVersion.from_record(v))


async def runs_page(
    info: Info[Context, None],
    experiment_ids: list[str] | None,
    filter: str | None,
    order_by: list[str] | None,
    view: LifecycleView,
    first: int | None,
    after: str | None,
) -> Connection[Run]:
    mlflow = info.context.services.mlflow

    def fetch(max_results: int, token: str | None) -> Page[RunRecord]:
        return mlflow.search_runs(experiment_ids, filter, order_by, view.name, max_results, token)

    return await token_page(fetch, Run.from_record, first, after, info.context.settings.limits)


async def model_versions_page(
    info: Info[Context, None], name: str, first: int | None, after: str | None
) -> Connection[ModelVersion]:
    mlflow = info.context.services.mlflow

    def fetch(max_results: int, token: str | None) -> Page[ModelVersionRecord]:
        return mlflow.model_versions(name, max_results, token)

    return await token_page(fetch, ModelVersion.from_record, first, after, info.context.settings.limits)
