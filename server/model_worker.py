"""A registered model's own process: `python -m server.model_worker <model dir>`, inside the sandbox.

A model's code (a pyfunc's `predict`, what its pickle runs when loaded) never runs in the API process.
The worker loads one model version, says what its signature asks for, then answers predictions over its
stdin and stdout: each message is a 4-byte big-endian length and a JSON object. JSON both ways: the API
process never unpickles anything a model wrote.

    hello    -> {"ok": true, "inputs": [...] | null, "required": [...]}
    request  <- {"columns": [...], "values": [[...], ...]}   (column by column)
    answer   -> {"ok": true, "predictions": [...]}  or  {"ok": false, "kind": "input" | "internal", "error": "..."}
"""

from __future__ import annotations

import os
import struct
import sys
from typing import Any, BinaryIO

import orjson

HEADER = struct.Struct(">I")
MAX_MESSAGE = 1024**3


def read_message(stream: BinaryIO) -> Any:
    """The next message, or None at the end of the stream."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_MESSAGE:
        raise ValueError(f"a message of {size} bytes")
    data = stream.read(size)
    if len(data) < size:
        return None
    return orjson.loads(data)


def write_message(stream: BinaryIO, message: Any) -> None:
    data = orjson.dumps(message, option=orjson.OPT_SERIALIZE_NUMPY)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def numeric_targets(schema: Any) -> dict[str, Any]:
    """The numpy float type of each input the signature declares floating (Feast gives int64 where a
    model was fit on doubles; MLflow refuses to convert that by itself)."""
    targets: dict[str, Any] = {}
    if schema is None or not schema.has_input_names():
        return targets
    for spec in schema.inputs:
        try:
            target = spec.type.to_numpy()
        except Exception:
            continue
        if target.kind == "f":
            targets[spec.name] = target
    return targets


_INDEXES: dict[tuple[str, ...], Any] = {}


def frame_of(columns: list[str], values: list[list[Any]], targets: dict[str, Any]) -> tuple[Any, bool]:
    """The input frame, numbers widened to the signature's float types as it is built, and whether it is
    one array of the signature's own float type. When every column is such a number (the usual model over
    features), one 2-D array makes it: pandas builds that in ~20 us, a frame of separate columns in ~400 us."""
    import numpy as np
    import pandas as pd

    kinds = {targets.get(name) for name in columns}
    if len(kinds) == 1 and None not in kinds and all(type(v) in (int, float) for c in values for v in c):
        key = tuple(columns)
        index = _INDEXES.get(key)
        if index is None:
            index = _INDEXES[key] = pd.Index(columns)
        return pd.DataFrame(np.asarray(values, dtype=kinds.pop()).T, columns=index, copy=False), True
    data: dict[str, Any] = {}
    for name, column in zip(columns, values, strict=True):
        target = targets.get(name)
        if target is not None and all(type(v) in (int, float) for v in column):
            data[name] = np.asarray(column, dtype=target)
        else:
            data[name] = column
    return pd.DataFrame(data, columns=columns), False


def plain(value: Any) -> Any:
    """A prediction as JSON: numpy scalars and arrays as numbers and lists, NaN as null."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def rows_of(output: Any) -> list[Any]:
    if hasattr(output, "to_dict") and hasattr(output, "columns"):
        if len(output.columns) == 1:
            return list(output.iloc[:, 0])
        return list(output.to_dict(orient="records"))
    if hasattr(output, "tolist"):
        return list(output.tolist())
    return list(output)


def hello(model: Any) -> dict[str, Any]:
    schema = model.metadata.get_input_schema()
    named = schema is not None and schema.has_input_names()
    return {
        "ok": True,
        "inputs": schema.input_names() if named else None,
        "required": [s.name for s in schema.inputs if getattr(s, "required", True)] if named else [],
        "pid": os.getpid(),
    }


def predictor(model: Any) -> Any:
    """The model's `predict`, what MLflow's `PyFuncModel.predict` does for it without what is the same for
    every call (the tracing context, the inspection of the predict function's signature): the input schema
    enforced, then the flavor's own predict (the context only carries what MLflow's tracing records; this
    process has no tracing to record it to). A model whose signature comes from type hints or an input
    example, or that takes params, gets `PyFuncModel.predict` itself."""
    from mlflow.exceptions import MlflowException
    from mlflow.models.utils import _enforce_schema

    metadata = model.metadata
    schema, run = metadata.get_input_schema(), getattr(model, "_predict_fn", None)
    conforming = conforming_columns(schema)
    if (
        run is None
        or metadata.get_params_schema() is not None
        or metadata._is_signature_from_type_hint()
        or metadata._is_type_hint_from_example()
    ):
        return lambda frame, typed=False: model.predict(frame)
    flavor = model.loader_module

    def predict(frame: Any, typed: bool = False) -> Any:
        if schema is not None and not (typed and conforming == tuple(frame.columns)):
            try:
                frame = _enforce_schema(frame, schema, flavor)
            except Exception as error:  # PyFuncModel's words for it
                raise MlflowException.invalid_parameter_value(
                    f"Failed to enforce schema of data '{frame}' with schema '{schema}'. Error: {error}",
                    error_class="SCHEMA_ENFORCEMENT_FAILED",
                ) from error
        return run(frame)

    return predict


def conforming_columns(schema: Any) -> tuple[str, ...] | None:
    """The columns of a frame that MLflow's schema enforcement would give back unchanged when they are, in
    this order, of the signature's own float types: a signature of required, named float columns (the
    usual model over features). None: every frame is enforced. Enforcing costs ~0.1 ms a prediction."""
    if schema is None or not schema.has_input_names() or schema.is_tensor_spec():
        return None
    targets = numeric_targets(schema)
    if schema.optional_input_names() or set(targets) != set(schema.input_names()):
        return None
    return tuple(schema.input_names())


def answer(predict: Any, targets: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    from mlflow.exceptions import MlflowException

    frame, typed = frame_of(request["columns"], request["values"], targets)
    try:
        output = predict(frame, typed)
    except MlflowException as error:  # the input does not fit the model's schema
        return {"ok": False, "kind": "input", "error": error.message[:500]}
    return {"ok": True, "predictions": [plain(v) for v in rows_of(output)]}


def serve(model_dir: str, incoming: BinaryIO, outgoing: BinaryIO) -> int:
    from mlflow.pyfunc import load_model

    try:
        model = load_model(model_dir)
    except Exception as error:
        write_message(outgoing, {"ok": False, "kind": "internal", "error": f"{type(error).__name__}: {error}"[:500]})
        return 1
    write_message(outgoing, hello(model))
    targets = numeric_targets(model.metadata.get_input_schema())  # type: ignore[no-untyped-call]  # MLflow
    predict = predictor(model)
    while True:
        request = read_message(incoming)
        if request is None:  # the server closed the pipe, or is gone
            return 0
        try:
            reply = answer(predict, targets, request)
        except Exception as error:
            reply = {"ok": False, "kind": "internal", "error": f"{type(error).__name__}: {error}"[:500]}
        write_message(outgoing, reply)


def main() -> int:
    from server.sklearn_estimators import give_skops_the_known_estimators

    give_skops_the_known_estimators()  # before MLflow loads a scikit-learn model with skops: ~0.5 s less
    # The protocol owns stdout: whatever the model prints goes to stderr, which the server logs.
    outgoing = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return serve(sys.argv[1], sys.stdin.buffer, outgoing)


if __name__ == "__main__":
    raise SystemExit(main())
