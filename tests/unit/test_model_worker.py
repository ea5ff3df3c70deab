"""server/model_worker.py, in this process: the input frame and when MLflow's schema enforcement may be
skipped (only where it would give the frame back unchanged)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from mlflow.models import infer_signature
from mlflow.models.utils import _enforce_schema
from mlflow.types import ColSpec, Schema

from server.model_worker import answer, conforming_columns, frame_of, numeric_targets, predictor


def _schema(*specs: tuple[str, str, bool]) -> Schema:
    return Schema([ColSpec(kind, name, required=required) for name, kind, required in specs])


def test_only_required_named_float_columns_conform():
    assert conforming_columns(_schema(("a", "double", True), ("b", "float", True))) == ("a", "b")
    assert conforming_columns(_schema(("a", "double", True), ("n", "long", True))) is None
    assert conforming_columns(_schema(("a", "double", True), ("b", "double", False))) is None
    assert conforming_columns(Schema([ColSpec("double")])) is None  # no names
    assert conforming_columns(None) is None


def test_a_frame_of_numbers_is_one_array_of_the_signatures_float_type():
    schema = _schema(("a", "double", True), ("b", "double", True))
    frame, typed = frame_of(["a", "b"], [[1, 2], [0.5, 3]], numeric_targets(schema))
    assert typed and list(frame.dtypes) == [np.float64, np.float64]
    assert frame.to_dict("list") == {"a": [1.0, 2.0], "b": [0.5, 3.0]}
    # what the skip relies on: MLflow's enforcement gives such a frame back unchanged
    pd.testing.assert_frame_equal(_enforce_schema(frame, schema), frame)
    assert not frame_of(["a", "b"], [[1, None], [0.5, 3]], numeric_targets(schema))[1]
    assert not frame_of(["a", "c"], [[1], ["x"]], numeric_targets(schema))[1]


class _Model:
    """What predictor() reads of a PyFuncModel: metadata, the flavor's predict function, its module."""

    loader_module = "mlflow.sklearn"

    def __init__(self, signature) -> None:
        from mlflow.models import Model

        self.metadata = Model(signature=signature)
        self.seen: list[pd.DataFrame] = []

    def _predict_fn(self, frame):
        self.seen.append(frame)
        return list(frame.sum(axis=1))

    def predict(self, frame):
        raise AssertionError("PyFuncModel.predict is not needed for this signature")


@pytest.fixture
def model():
    example = pd.DataFrame({"a": [1.0], "b": [2.0]})
    return _Model(infer_signature(example, [3.0]))


def test_a_conforming_frame_reaches_the_model_as_it_is(model, monkeypatch):
    import mlflow.models.utils

    enforced = []
    monkeypatch.setattr(mlflow.models.utils, "_enforce_schema", lambda *a: enforced.append(a) or a[0])
    predict = predictor(model)
    targets = numeric_targets(model.metadata.get_input_schema())
    assert answer(predict, targets, {"columns": ["a", "b"], "values": [[1], [2.5]]}) == {
        "ok": True,
        "predictions": [3.5],
    }
    assert list(model.seen[-1].columns) == ["a", "b"] and not enforced
    answer(predict, targets, {"columns": ["b", "a"], "values": [[2.5], [1]]})
    assert len(enforced) == 1  # not in the signature's order: enforced


def test_anything_else_is_still_enforced(model):
    predict = predictor(model)
    targets = numeric_targets(model.metadata.get_input_schema())
    # columns in another order: enforcement puts them in the signature's (the model sees a, b)
    assert answer(predict, targets, {"columns": ["b", "a"], "values": [[2.5], [1]]})["predictions"] == [3.5]
    assert list(model.seen[-1].columns) == ["a", "b"]
    # a column missing, or a string where a double is declared: refused as the input's fault
    for request in ({"columns": ["a"], "values": [[1.0]]}, {"columns": ["a", "b"], "values": [[1.0], ["x"]]}):
        refused = answer(predict, targets, request)
        assert refused["ok"] is False and refused["kind"] == "input", refused
