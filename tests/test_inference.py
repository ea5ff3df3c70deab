"""server/services/inference.py: which online features a model's signature asks for, found once per
registry snapshot (a walk over every view, which at thousands of views costs milliseconds)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from server.services import inference
from server.services.feature_requests import FeatureRef
from server.services.inference import Predictor, PredictRequest
from server.services.mlflow_records import ModelVersionRecord


def _snap(*views: tuple[str, list[str]]):
    return SimpleNamespace(
        views={
            name: SimpleNamespace(
                name=name, online=True, entities=["customer"], features=[SimpleNamespace(name=f) for f in features]
            )
            for name, features in views
        },
        entities={"customer": SimpleNamespace(join_key="customer_id")},
        services={},
    )


def test_the_features_of_a_signature_are_found_once_per_snapshot(monkeypatch):
    walks: list[str] = []
    real = inference._find_online_feature

    def counted(snap, name, keys):
        walks.append(name)
        return real(snap, name, keys)

    monkeypatch.setattr(inference, "_find_online_feature", counted)
    predictor = Predictor(None, None, Path("/nonexistent"), None)  # type: ignore[arg-type]
    version = ModelVersionRecord("m", 1, "READY", "r", None, "", (), (), None, None)
    request = PredictRequest(model="m", entities={"customer_id": [1, 2]})
    inputs = ["customer_id", "orders", "spent"]
    first = _snap(("b", ["orders"]), ("a", ["orders", "spent"]))
    expected = [FeatureRef("a", "orders"), FeatureRef("a", "spent")]  # views in name order: the first that has it
    for _ in range(3):
        assert predictor._features_for(first, request, version, inputs) == expected
    assert walks == ["orders", "spent"]  # the join key is no feature to look for; once per input
    other_keys = PredictRequest(model="m", entities={"customer_id": [1], "store_id": [2]})
    assert predictor._features_for(first, other_keys, version, inputs) == expected
    assert len(walks) == 4  # other entity columns: other views may fit
    second = _snap(("a", ["orders"]), ("c", ["spent"]))  # the registry changed: found again, from it
    assert predictor._features_for(second, request, version, inputs) == [
        FeatureRef("a", "orders"),
        FeatureRef("c", "spent"),
    ]
    assert len(walks) == 6
    with pytest.raises(Exception, match="no online feature matches"):
        predictor._features_for(_snap(("a", ["x"])), request, version, inputs)
