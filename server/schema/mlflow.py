"""GraphQL types of MLflow: experiments, runs, logged models, registered models and versions."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Optional

import strawberry
from strawberry.types import Info

from server.context import Context
from server.schema.common import After, Connection, First, Long, Tag, TagInput, UserError, tags
from server.schema.enums import ModelVersionEventKind
from server.schema.lineage import FeatureReference, feature_references
from server.schema.node import Node
from server.schema.pagination import page_size
from server.services.change_events import ModelEvent
from server.services.drift import DEFAULT_THRESHOLD, DEFAULT_WINDOW, FeatureDriftRecord, check_drift_arguments
from server.services.mlflow_records import (
    ArtifactRecord,
    ExperimentRecord,
    LoggedModelRecord,
    MetricRecord,
    ModelVersionRecord,
    RegisteredModelRecord,
    RunRecord,
    SignatureColumnRecord,
)

if TYPE_CHECKING:  # a lazy reference: the feature store's types refer to these ones
    from server.schema.feature_store import FeatureService


@strawberry.enum(description="Which objects a search covers by lifecycle stage.")
class LifecycleView(Enum):
    ACTIVE_ONLY = strawberry.enum_value("ACTIVE_ONLY", description="Only objects not deleted (the default).")
    DELETED_ONLY = strawberry.enum_value("DELETED_ONLY", description="Only deleted objects (kept until purged).")
    ALL = strawberry.enum_value("ALL", description="Both.")


def ms(value: int | None) -> Optional[datetime]:
    """MLflow's epoch milliseconds as a UTC DateTime."""
    return datetime.fromtimestamp(value / 1000, tz=UTC) if value is not None else None


def finite(value: float) -> Optional[float]:
    return value if math.isfinite(value) else None


Filter = Annotated[
    Optional[str],
    strawberry.argument(description="MLflow search filter, e.g. \"metrics.rmse < 1 and params.alpha = '0.5'\"."),
]
OrderBy = Annotated[
    Optional[list[str]],
    strawberry.argument(description='MLflow order clauses, e.g. ["metrics.rmse ASC", "start_time DESC"].'),
]
View = Annotated[LifecycleView, strawberry.argument(description="Active objects (default), deleted ones, or all.")]


@strawberry.type(description="A run's parameter.")
class Param:
    key: str = strawberry.field(description="Parameter name.")
    value: str = strawberry.field(description="Parameter value, as MLflow stores it (a string).")


@strawberry.type(description="One value of a metric.")
class Metric:
    key: str = strawberry.field(description="Metric name.")
    value: Optional[float] = strawberry.field(description="The value; null for NaN or infinity.")
    step: Long = strawberry.field(description="Training step the value was logged at (64-bit).")
    timestamp: Optional[datetime] = strawberry.field(description="When the value was logged.")

    @classmethod
    def from_record(cls, m: MetricRecord) -> Metric:
        return cls(key=m.key, value=finite(m.value), step=m.step, timestamp=ms(m.timestamp))


@strawberry.type(description="A dataset a run used.")
class RunDataset:
    name: str = strawberry.field(description="Dataset name.")
    digest: str = strawberry.field(description="Digest identifying the dataset's content.")
    source_type: str = strawberry.field(description="Kind of source, e.g. local, http, delta.")
    context: Optional[str] = strawberry.field(description="How the run used it: training, evaluation...")


@strawberry.type(description="A file or directory among a run's artifacts.")
class Artifact:
    path: str = strawberry.field(description="Path relative to the run's artifact root.")
    is_dir: bool = strawberry.field(description="True for a directory.")
    size: Optional[Long] = strawberry.field(description="Size in bytes; null for directories.")

    @classmethod
    def from_record(cls, a: ArtifactRecord) -> Artifact:
        return cls(path=a.path, is_dir=a.is_dir, size=a.size)


@strawberry.type(description="A model a run logged (MLflow 3 logged model).")
class LoggedModel:
    id: strawberry.ID = strawberry.field(description="MLflow's model id (m-...).")
    name: str = strawberry.field(description="Name the model was logged under.")
    status: str = strawberry.field(description="READY, PENDING or FAILED.")
    model_type: Optional[str] = strawberry.field(description="Model type, when the logger set one.")
    created_at: Optional[datetime] = strawberry.field(description="When it was logged.")
    tags: list[Tag] = strawberry.field(description="Tags of the logged model.")

    @classmethod
    def from_record(cls, m: LoggedModelRecord) -> LoggedModel:
        return cls(
            id=strawberry.ID(m.id),
            name=m.name,
            status=m.status,
            model_type=m.model_type,
            created_at=ms(m.creation_time),
            tags=tags(m.tags),
        )


@strawberry.type(description="An MLflow run: one execution of training code, with what it logged.")
class Run(Node):
    id: strawberry.ID = strawberry.field(description="Run id.")
    name: str = strawberry.field(description="Run name.")
    status: str = strawberry.field(description="RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.")
    lifecycle_stage: str = strawberry.field(description="active or deleted.")
    user_id: str = strawberry.field(description="Who started the run.")
    start_time: Optional[datetime] = strawberry.field(description="When the run started.")
    end_time: Optional[datetime] = strawberry.field(description="When the run ended; null while running.")
    experiment_id: strawberry.ID = strawberry.field(description="Id of the run's experiment.")
    params: list[Param] = strawberry.field(description="Parameters, by name.")
    metrics: list[Metric] = strawberry.field(description="Latest value of each metric, by name.")
    tags: list[Tag] = strawberry.field(description="Tags, including MLflow's own mlflow.* tags.")
    datasets: list[RunDataset] = strawberry.field(description="Datasets the run logged as inputs.")
    record: strawberry.Private[RunRecord]

    def node_key(self) -> tuple[str, ...]:
        return (str(self.id),)

    @classmethod
    def from_record(cls, r: RunRecord) -> Run:
        return cls(
            id=strawberry.ID(r.id),
            name=r.name,
            status=r.status,
            lifecycle_stage=r.lifecycle_stage,
            user_id=r.user_id,
            start_time=ms(r.start_time),
            end_time=ms(r.end_time),
            experiment_id=strawberry.ID(r.experiment_id),
            params=[Param(key=k, value=v) for k, v in r.params],
            metrics=[Metric.from_record(m) for m in r.metrics],
            tags=tags(r.tags),
            datasets=[
                RunDataset(name=d.name, digest=d.digest, source_type=d.source_type, context=d.context)
                for d in r.datasets
            ],
            record=r,
        )

    @strawberry.field(
        description="The features the run trained on: the feature service its job declared, else the features "
        "its script retrieved through Feast (feast.feature_refs, recorded by Asgard's jobs or Feast's MLflow "
        "integration)."
    )
    async def features(self, info: Info[Context, None]) -> list[FeatureReference]:
        return feature_references(await info.context.loaders.run_features.load(self.record))

    @strawberry.field(description="The experiment the run belongs to.")
    async def experiment(self, info: Info[Context, None]) -> Optional[Experiment]:
        found = await info.context.loaders.experiments.load(self.record.experiment_id)
        return Experiment.from_record(found) if found else None

    @strawberry.field(description="Every logged value of one metric, by step.")
    async def metric_history(
        self,
        info: Info[Context, None],
        key: Annotated[str, strawberry.argument(description="Metric name.")],
    ) -> list[Metric]:
        history = await info.context.loaders.metric_histories.load((self.record.id, key))
        return [Metric.from_record(m) for m in history or []]

    @strawberry.field(description="Artifacts directly under `path` (the artifact root by default).")
    async def artifacts(
        self,
        info: Info[Context, None],
        path: Annotated[
            Optional[str],
            strawberry.argument(description="Directory relative to the run's artifact root; no '..'."),
        ] = None,
    ) -> list[Artifact]:
        files = await info.context.loaders.artifacts.load((self.record.id, path))
        return [Artifact.from_record(f) for f in files or []]

    @strawberry.field(description="Models the run logged.")
    async def logged_models(self, info: Info[Context, None]) -> list[LoggedModel]:
        models = await info.context.loaders.run_models.load(self.record)
        return [LoggedModel.from_record(m) for m in models or []]

    @strawberry.field(description="Registered model versions created from this run.")
    async def model_versions(self, info: Info[Context, None]) -> list[ModelVersion]:
        versions = await info.context.loaders.run_versions.load(self.record.id)
        return [ModelVersion.from_record(v) for v in versions or []]


@strawberry.type(description="An MLflow experiment: a named group of runs.")
class Experiment(Node):
    id: strawberry.ID = strawberry.field(description="Experiment id.")
    name: str = strawberry.field(description="Unique experiment name.")
    lifecycle_stage: str = strawberry.field(description="active or deleted.")
    artifact_location: str = strawberry.field(description="Root URI of the experiment's artifacts.")
    tags: list[Tag] = strawberry.field(description="Tags of the experiment.")
    creation_time: Optional[datetime] = strawberry.field(description="When it was created.")
    last_update_time: Optional[datetime] = strawberry.field(description="When it last changed.")

    def node_key(self) -> tuple[str, ...]:
        return (str(self.id),)

    @classmethod
    def from_record(cls, e: ExperimentRecord) -> Experiment:
        return cls(
            id=strawberry.ID(e.id),
            name=e.name,
            lifecycle_stage=e.lifecycle_stage,
            artifact_location=e.artifact_location,
            tags=tags(e.tags),
            creation_time=ms(e.creation_time),
            last_update_time=ms(e.last_update_time),
        )

    @strawberry.field(description="Runs of this experiment, newest first unless ordered otherwise.")
    async def runs(
        self,
        info: Info[Context, None],
        filter: Filter = None,
        order_by: OrderBy = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Run]:
        from server.resolvers.mlflow import runs_page  # the resolvers import these types: not at module level

        return await runs_page(info, [str(self.id)], filter, order_by, LifecycleView.ACTIVE_ONLY, first, after)


@strawberry.type(description="An input or output column of a model signature.")
class SignatureColumn:
    name: Optional[str] = strawberry.field(description="Column name; null for unnamed tensors.")
    type: str = strawberry.field(description="MLflow type: long, double, string, tensor<float32>...")
    required: bool = strawberry.field(description="Whether the model needs the column.")

    @classmethod
    def from_record(cls, c: SignatureColumnRecord) -> SignatureColumn:
        return cls(name=c.name, type=c.type, required=c.required)


@strawberry.type(description="What a model takes and returns.")
class ModelSignature:
    inputs: list[SignatureColumn] = strawberry.field(description="Input columns, in the model's order.")
    outputs: list[SignatureColumn] = strawberry.field(description="Output columns.")


@strawberry.type(description="One version of a registered model.")
class ModelVersion(Node):
    model: str = strawberry.field(description="Name of the registered model.")
    version: int = strawberry.field(description="Version number, from 1.")
    status: str = strawberry.field(description="READY, PENDING_REGISTRATION or FAILED_REGISTRATION.")
    description: str = strawberry.field(description="Description of this version.")
    aliases: list[str] = strawberry.field(description="Aliases pointing at this version.")
    tags: list[Tag] = strawberry.field(description="Tags of this version.")
    run_id: Optional[strawberry.ID] = strawberry.field(description="Id of the run that produced it.")
    model_id: Optional[str] = strawberry.field(description="Id of the logged model it registers.")
    creation_time: Optional[datetime] = strawberry.field(description="When it was registered.")
    last_updated_time: Optional[datetime] = strawberry.field(description="When it last changed.")
    record: strawberry.Private[ModelVersionRecord]

    def node_key(self) -> tuple[str, ...]:
        return (self.model, str(self.version))

    @classmethod
    def from_record(cls, v: ModelVersionRecord) -> ModelVersion:
        return cls(
            model=v.name,
            version=v.version,
            status=v.status,
            description=v.description,
            aliases=list(v.aliases),
            tags=tags(v.tags),
            run_id=strawberry.ID(v.run_id) if v.run_id else None,
            model_id=v.model_id,
            creation_time=ms(v.creation_time),
            last_updated_time=ms(v.last_updated_time),
            record=v,
        )

    @strawberry.field(description="The run that produced this version.")
    async def run(self, info: Info[Context, None]) -> Optional[Run]:
        if not self.record.run_id:
            return None
        found = await info.context.loaders.runs.load(self.record.run_id)
        return Run.from_record(found) if found else None

    @strawberry.field(
        description="The features this version was trained on: the feature service its training job declared, "
        "else the features the training script retrieved through Feast, else the model's inputs matched by "
        "name with registered features (each reference says which)."
    )
    async def features(self, info: Info[Context, None]) -> list[FeatureReference]:
        return feature_references(await info.context.loaders.trained_on.load(self.record))

    @strawberry.field(
        description="The feature service its training job declared (what predict fetches when given entities "
        "alone); null when none was, or it has been deleted since."
    )
    async def feature_service(
        self, info: Info[Context, None]
    ) -> Optional[Annotated[FeatureService, strawberry.lazy("server.schema.feature_store")]]:
        from server.schema.feature_store import FeatureService as Service

        trained = await info.context.loaders.trained_on.load(self.record)
        if trained is None or trained.feature_service is None:
            return None
        found = await info.context.loaders.feature_services.load(trained.feature_service)
        return Service.from_record(found) if found is not None else None

    @strawberry.field(
        description="How far the gold tables' newest data has drifted from what this version was trained on: "
        "the profile its training job recorded of each numeric feature it read (an artifact of its run) "
        "against at most 100,000 rows per table from the last `window` seconds of event time (up to the "
        "table's newest). Empty when no profile was recorded (a version not trained by an Asgard job)."
    )
    async def feature_drift(
        self,
        info: Info[Context, None],
        window: Annotated[
            int, strawberry.argument(description="Seconds of the newest data to compare (default 7 days).")
        ] = DEFAULT_WINDOW,
        psi_threshold: Annotated[
            float, strawberry.argument(description="The stability index from which a feature has drifted.")
        ] = DEFAULT_THRESHOLD,
    ) -> list[FeatureDrift]:
        check_drift_arguments(window, psi_threshold)
        found = await info.context.loaders.feature_drift.load((self.record, window, psi_threshold))
        return [FeatureDrift.from_record(d) for d in found or []]

    @strawberry.field(description="Input and output columns from the model's MLmodel file.")
    async def signature(self, info: Info[Context, None]) -> Optional[ModelSignature]:
        found = await info.context.loaders.signatures.load(self.record)
        if found is None:
            return None
        return ModelSignature(
            inputs=[SignatureColumn.from_record(c) for c in found.inputs],
            outputs=[SignatureColumn.from_record(c) for c in found.outputs],
        )


@strawberry.type(description="An alias and the version it points at.")
class ModelAlias:
    alias: str = strawberry.field(description="The alias, e.g. champion.")
    version: int = strawberry.field(description="The version it points at.")


@strawberry.type(description="A registered model: a name with numbered versions and aliases.")
class RegisteredModel(Node):
    name: str = strawberry.field(description="Unique model name.")
    description: str = strawberry.field(description="Description of the model.")
    tags: list[Tag] = strawberry.field(description="Tags of the model.")
    aliases: list[ModelAlias] = strawberry.field(description="Aliases and the versions they point at.")
    creation_time: Optional[datetime] = strawberry.field(description="When it was registered.")
    last_updated_time: Optional[datetime] = strawberry.field(description="When it last changed.")

    def node_key(self) -> tuple[str, ...]:
        return (self.name,)

    @classmethod
    def from_record(cls, m: RegisteredModelRecord) -> RegisteredModel:
        return cls(
            name=m.name,
            description=m.description,
            tags=tags(m.tags),
            aliases=[ModelAlias(alias=a, version=v) for a, v in m.aliases],
            creation_time=ms(m.creation_time),
            last_updated_time=ms(m.last_updated_time),
        )

    @strawberry.field(description="Versions, newest first.")
    async def versions(
        self, info: Info[Context, None], first: First = None, after: After = None
    ) -> Connection[ModelVersion]:
        from server.resolvers.mlflow import model_versions_page  # the resolvers import these types

        return await model_versions_page(info, self.name, first, after)

    @strawberry.field(description="The highest version number; null when there is none.")
    async def latest_version(self, info: Info[Context, None]) -> Optional[ModelVersion]:
        found = await info.context.loaders.latest_versions.load(self.name)
        return ModelVersion.from_record(found) if found else None


@strawberry.type(description="Result of an experiment mutation.")
class ExperimentPayload:
    experiment: Optional[Experiment] = strawberry.field(default=None, description="The experiment; null on errors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; nothing changed."
    )


@strawberry.type(description="Result of a model version mutation.")
class ModelVersionPayload:
    model_version: Optional[ModelVersion] = strawberry.field(default=None, description="The version; null on errors.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; nothing changed."
    )


@strawberry.type(description="Result of a registered model mutation.")
class RegisteredModelPayload:
    registered_model: Optional[RegisteredModel] = strawberry.field(
        default=None, description="The model; null on errors."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Problems with the input; nothing changed."
    )


# ---- inputs -------------------------------------------------------------------------------------


@strawberry.input(description="An experiment to create.")
class CreateExperimentInput:
    name: str = strawberry.field(description="Unique experiment name.")
    tags: Optional[list[TagInput]] = strawberry.field(default=None, description="Tags to set.")


@strawberry.input(description="A tag to set on an experiment.")
class SetExperimentTagInput:
    experiment_id: strawberry.ID = strawberry.field(description="Id of the experiment.")
    key: str = strawberry.field(description="Tag key.")
    value: str = strawberry.field(description="Tag value.")


@strawberry.input(description="Point an alias of a registered model at a version.")
class SetModelAliasInput:
    model: str = strawberry.field(description="Name of the registered model.")
    alias: str = strawberry.field(description="Alias: letters, digits, _ or -; not 'latest', not v<number>.")
    version: int = strawberry.field(description="Version the alias should point at.")


@strawberry.input(description="An alias to remove from a registered model.")
class DeleteModelAliasInput:
    model: str = strawberry.field(description="Name of the registered model.")
    alias: str = strawberry.field(description="The alias to remove.")


@strawberry.input(description="A tag to set on a model version.")
class SetModelVersionTagInput:
    model: str = strawberry.field(description="Name of the registered model.")
    version: int = strawberry.field(description="Version number.")
    key: str = strawberry.field(description="Tag key.")
    value: str = strawberry.field(description="Tag value.")


@strawberry.input(description="New attributes of a registered model.")
class UpdateRegisteredModelInput:
    name: str = strawberry.field(description="Name of the registered model.")
    description: str = strawberry.field(description="The new description.")


@strawberry.type(description="How far one feature's current data is from its training data.")
class FeatureDrift:
    feature: str = strawberry.field(description='The feature, "view:feature".')
    psi: Optional[float] = strawberry.field(
        description="Population stability index over the training histogram's bins (0: the same; 0.1-0.2 a "
        "moderate shift; 0.2 and up significant); null without current values."
    )
    ks: Optional[float] = strawberry.field(
        description="Kolmogorov-Smirnov distance (0 to 1) between the training and current distributions, "
        "at the training quantiles; null without current values."
    )
    drifted: Optional[bool] = strawberry.field(description="Whether psi reached psiThreshold; null when unknown.")
    training_count: int = strawberry.field(description="Rows it was trained on.")
    current_count: int = strawberry.field(description="Current rows compared (at most 100,000).")

    @classmethod
    def from_record(cls, d: FeatureDriftRecord) -> FeatureDrift:
        return cls(
            feature=d.feature,
            psi=d.psi,
            ks=d.ks,
            drifted=d.drifted,
            training_count=d.training_count,
            current_count=d.current_count,
        )


@strawberry.type(description="A change to a model version, as modelVersionChanged tells it.")
class ModelVersionEvent:
    kind: ModelVersionEventKind = strawberry.field(description="What happened.")
    model: str = strawberry.field(description="The registered model's name.")
    version: int = strawberry.field(description="The version's number.")
    alias: Optional[str] = strawberry.field(description="For ALIAS_MOVED and ALIAS_REMOVED: the alias.")
    tag_key: Optional[str] = strawberry.field(description="For TAG_SET and TAG_DELETED: the tag's key.")
    at: datetime = strawberry.field(description="When the change was seen (within a poll of when it was made).")
    model_version: Optional[ModelVersion] = strawberry.field(
        description="The version after the change; null once deleted."
    )

    @classmethod
    def from_record(cls, e: ModelEvent) -> ModelVersionEvent:
        return cls(
            kind=ModelVersionEventKind(e.kind.value),
            model=e.model,
            version=e.version,
            alias=e.alias,
            tag_key=e.tag,
            at=e.at,
            model_version=ModelVersion.from_record(e.record) if e.record is not None else None,
        )


def versions_page(
    info: Info[Context, None], versions: list[ModelVersionRecord], first: int | None
) -> list[ModelVersion]:
    """The first `first` of a lineage list of versions (by model name, newest first), as GraphQL types."""
    return [ModelVersion.from_record(v) for v in versions[: page_size(first, info.context.settings.limits)]]
