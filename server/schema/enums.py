"""The schema's enums: GraphQL twins of the domain's, each value described.

The domain enums (server/services, server/jobs, server/auth) stay plain Python: the schema never
decorates them. Each twin here has the same names and values (tests/test_schema_enums.py holds them
equal); the domain's are `StrEnum`s, so a resolver returns a domain value as it is (it equals its twin's
value) and turns an argument into the domain's with `Domain[twin.name]`.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Value type of a feature or entity key; `_LIST` types hold arrays of it.")
class FeatureDtype(Enum):
    INT32 = strawberry.enum_value("INT32", description="32-bit signed integer (Iceberg int).")
    INT64 = strawberry.enum_value(
        "INT64", description="64-bit signed integer (Iceberg int or long), sent as a JSON number."
    )
    FLOAT32 = strawberry.enum_value("FLOAT32", description="32-bit float (Iceberg float).")
    FLOAT64 = strawberry.enum_value("FLOAT64", description="64-bit float (Iceberg float or double).")
    STRING = strawberry.enum_value("STRING", description="UTF-8 text (Iceberg string).")
    BOOL = strawberry.enum_value("BOOL", description="true or false (Iceberg boolean).")
    BYTES = strawberry.enum_value("BYTES", description="Bytes (Iceberg binary), sent base64-encoded.")
    UNIX_TIMESTAMP = strawberry.enum_value(
        "UNIX_TIMESTAMP", description="A point in time (Iceberg timestamp or timestamptz), sent as ISO-8601."
    )
    INT32_LIST = strawberry.enum_value("INT32_LIST", description="An array of: 32-bit signed integer (Iceberg int).")
    INT64_LIST = strawberry.enum_value(
        "INT64_LIST", description="An array of: 64-bit signed integer (Iceberg int or long), sent as a JSON number."
    )
    FLOAT32_LIST = strawberry.enum_value("FLOAT32_LIST", description="An array of: 32-bit float (Iceberg float).")
    FLOAT64_LIST = strawberry.enum_value(
        "FLOAT64_LIST", description="An array of: 64-bit float (Iceberg float or double)."
    )
    STRING_LIST = strawberry.enum_value("STRING_LIST", description="An array of: uTF-8 text (Iceberg string).")
    BOOL_LIST = strawberry.enum_value("BOOL_LIST", description="An array of: true or false (Iceberg boolean).")
    BYTES_LIST = strawberry.enum_value(
        "BYTES_LIST", description="An array of: bytes (Iceberg binary), sent base64-encoded."
    )
    UNIX_TIMESTAMP_LIST = strawberry.enum_value(
        "UNIX_TIMESTAMP_LIST",
        description="An array of: a point in time (Iceberg timestamp or timestamptz), sent as ISO-8601.",
    )


def feature_dtype(value: str | None) -> FeatureDtype | None:
    """The twin of a domain dtype (or its value): one lookup, where `FeatureDtype(value)` costs a microsecond,
    paid for every feature of every view on a page."""
    return _FEATURE_DTYPES[value] if value else None


_FEATURE_DTYPES: dict[str, FeatureDtype] = {d.name: d for d in FeatureDtype}  # names and values are the same


@strawberry.enum(description="What went wrong, in a form a client can branch on.")
class ErrorCode(Enum):
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="The object named does not exist.")
    ALREADY_EXISTS = strawberry.enum_value("ALREADY_EXISTS", description="An object of that name exists already.")
    IN_USE = strawberry.enum_value(
        "IN_USE", description="Other objects depend on it (a view a feature service uses): change or delete them first."
    )
    CONFLICT = strawberry.enum_value(
        "CONFLICT", description="The object's current state does not allow it (a job that already ended)."
    )
    INVALID_NAME = strawberry.enum_value(
        "INVALID_NAME", description="The name breaks the naming rules given in the message."
    )
    INVALID_VALUE = strawberry.enum_value(
        "INVALID_VALUE", description="The value is not allowed here; the message says why."
    )
    UNKNOWN_TABLE = strawberry.enum_value("UNKNOWN_TABLE", description="The gold catalog has no such table.")
    UNKNOWN_COLUMN = strawberry.enum_value("UNKNOWN_COLUMN", description="The table has no such column.")
    TYPE_MISMATCH = strawberry.enum_value(
        "TYPE_MISMATCH", description="The column's type cannot hold the declared dtype without losing values."
    )
    DUPLICATE = strawberry.enum_value("DUPLICATE", description="The same name is given twice.")
    INVALID_SCRIPT = strawberry.enum_value(
        "INVALID_SCRIPT", description="The training script is missing, not UTF-8, or does not compile."
    )
    INVALID_REQUIREMENT = strawberry.enum_value(
        "INVALID_REQUIREMENT",
        description="Not a requirement on the package index (PEP 508, no paths, URLs or options).",
    )
    TOO_LARGE = strawberry.enum_value("TOO_LARGE", description="Over a size cap (the script's, a file's).")
    LIMIT_EXCEEDED = strawberry.enum_value("LIMIT_EXCEEDED", description="Over a configured limit (ASGARD_* settings).")
    FORBIDDEN = strawberry.enum_value("FORBIDDEN", description="The caller's role, or ownership, does not allow it.")
    MODEL_FAILED = strawberry.enum_value(
        "MODEL_FAILED",
        description="The model's own code failed to load or raised while predicting, hung past "
        "ASGARD_MODEL_TIMEOUT, or its worker process died (a crash, or over ASGARD_MODEL_MEMORY_MB); the message "
        "says which. Nothing was predicted; a worker that hung or died is replaced by the next prediction.",
    )


@strawberry.enum(description="Where a training job is in its life.")
class JobStatus(Enum):
    QUEUED = strawberry.enum_value("QUEUED", description="Waiting for a worker.")
    PREPARING = strawberry.enum_value("PREPARING", description="A worker holds it and installs its requirements.")
    RUNNING = strawberry.enum_value("RUNNING", description="The script runs.")
    SUCCEEDED = strawberry.enum_value(
        "SUCCEEDED", description="The script exited with 0 (and its model was registered, when one is named)."
    )
    FAILED = strawberry.enum_value(
        "FAILED", description="The script exited otherwise, its install failed, or its server stopped."
    )
    CANCELLED = strawberry.enum_value("CANCELLED", description="Stopped on request.")
    TIMED_OUT = strawberry.enum_value("TIMED_OUT", description="Stopped after its timeout.")


@strawberry.enum(description="Where a log line came from: the script's stdout or stderr, or the server.")
class LogStream(Enum):
    STDOUT = strawberry.enum_value("STDOUT", description="The script's standard output.")
    STDERR = strawberry.enum_value("STDERR", description="The script's standard error.")
    SYSTEM = strawberry.enum_value(
        "SYSTEM", description="The server's own notes on the job (claims, installs, how it ended)."
    )


@strawberry.enum(description="Where a materialization is.")
class MaterializationStatus(Enum):
    RUNNING = strawberry.enum_value("RUNNING", description="Loading rows into the online store.")
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="Every view was loaded.")
    FAILED = strawberry.enum_value("FAILED", description="It stopped on an error (see `error`).")


@strawberry.enum(description="The file format of an export.")
class ExportFormat(Enum):
    PARQUET = strawberry.enum_value("PARQUET", description="Apache Parquet, snappy-compressed.")


@strawberry.enum(description="What a token may do; each role includes those before it.")
class Role(Enum):
    READER = strawberry.enum_value("reader", description="Queries and subscriptions.")
    EDITOR = strawberry.enum_value(
        "editor", description="Also the feature registry, materialize, predict, experiments and model aliases and tags."
    )
    TRAINER = strawberry.enum_value(
        "trainer", description="Also submit training jobs (and cancel one's own), and read jobs' scripts and output."
    )
    ADMIN = strawberry.enum_value("admin", description="Everything.")


@strawberry.enum(description="What a registration did to the registry.")
class RegistrationChange(Enum):
    CREATED = strawberry.enum_value("CREATED", description="The object did not exist and was created.")
    UPDATED = strawberry.enum_value(
        "UPDATED", description="The object existed with another definition, which was replaced."
    )
    UNCHANGED = strawberry.enum_value(
        "UNCHANGED", description="The object existed with the same definition: nothing was written."
    )


@strawberry.enum(description="Where pushed feature rows are written.")
class PushTarget(Enum):
    ONLINE = strawberry.enum_value(
        "ONLINE", description="The online store only: onlineFeatures and predict read the rows at once."
    )
    OFFLINE = strawberry.enum_value(
        "OFFLINE",
        description="The view's gold table only, appended as one new Iceberg snapshot (historical reads, "
        "training and later materializations see them).",
    )
    ONLINE_AND_OFFLINE = strawberry.enum_value(
        "ONLINE_AND_OFFLINE", description="Both; if the online write fails, the appended snapshot is undone."
    )


@strawberry.enum(description="What a version of a feature view records.")
class FeatureViewChange(Enum):
    CREATED = strawberry.enum_value("CREATED", description="The view was registered (for the first time, or again).")
    UPDATED = strawberry.enum_value("UPDATED", description="A registration changed its definition.")
    DELETED = strawberry.enum_value("DELETED", description="The view was deleted.")


@strawberry.enum(description="How Asgard knows what a model version or run was trained on.")
class LineageSource(Enum):
    FEATURE_SERVICE = strawberry.enum_value(
        "FEATURE_SERVICE",
        description="The feature service its training job declared (or Feast's feast.feature_service tag).",
    )
    RECORDED = strawberry.enum_value(
        "RECORDED",
        description="The features the training script retrieved through Feast, recorded on its run "
        "(feast.feature_refs).",
    )
    SIGNATURE = strawberry.enum_value(
        "SIGNATURE",
        description="The model's input columns matched by name with registered features (each name one "
        "view's feature only): a guess, used when nothing was declared or recorded.",
    )


@strawberry.enum(description="What a node of the lineage graph is.")
class LineageNodeKind(Enum):
    GOLD_TABLE = strawberry.enum_value("GOLD_TABLE", description="An Iceberg table of the gold layer (name: ns.table).")
    ENTITY = strawberry.enum_value("ENTITY", description="An entity.")
    FEATURE_VIEW = strawberry.enum_value("FEATURE_VIEW", description="A feature view.")
    FEATURE_SERVICE = strawberry.enum_value("FEATURE_SERVICE", description="A feature service.")
    MODEL_VERSION = strawberry.enum_value(
        "MODEL_VERSION", description="A version of a registered model (name: the model; version: its number)."
    )


@strawberry.enum(description="What an edge of the lineage graph says; it runs from the dependent to what it uses.")
class LineageEdgeKind(Enum):
    READS = strawberry.enum_value("READS", description="A feature view reads a gold table.")
    KEYED_BY = strawberry.enum_value("KEYED_BY", description="A feature view is keyed by an entity.")
    INCLUDES = strawberry.enum_value("INCLUDES", description="A feature service includes a feature view.")
    TRAINED_ON = strawberry.enum_value(
        "TRAINED_ON", description="A model version was trained on a feature service, or on a feature view's features."
    )


@strawberry.enum(description="What happened to a feature view.")
class FeatureViewEventKind(Enum):
    REGISTERED = strawberry.enum_value("REGISTERED", description="It was registered (for the first time, or again).")
    UPDATED = strawberry.enum_value("UPDATED", description="A registration changed its definition.")
    DELETED = strawberry.enum_value("DELETED", description="It was deleted.")
    MATERIALIZED = strawberry.enum_value("MATERIALIZED", description="A range of it was loaded into the online store.")


@strawberry.enum(description="What happened to a model version.")
class ModelVersionEventKind(Enum):
    CREATED = strawberry.enum_value("CREATED", description="The version was registered.")
    ALIAS_MOVED = strawberry.enum_value("ALIAS_MOVED", description="An alias now points at it (`alias`).")
    ALIAS_REMOVED = strawberry.enum_value(
        "ALIAS_REMOVED", description="An alias no longer points at it (`alias`): moved elsewhere or deleted."
    )
    TAG_SET = strawberry.enum_value("TAG_SET", description="A tag was set or changed (`tagKey`).")
    TAG_DELETED = strawberry.enum_value("TAG_DELETED", description="A tag was removed (`tagKey`).")
    UPDATED = strawberry.enum_value("UPDATED", description="Its description or status changed.")
    DELETED = strawberry.enum_value("DELETED", description="The version was deleted.")
