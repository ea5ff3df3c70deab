"""server/services/lineage_rules.py: which source says what a model version was trained on."""

from __future__ import annotations

from server.services.dtypes import FeatureDtype
from server.services.feature_requests import FeatureRef
from server.services.lineage_rules import LineageSource, needs_signature, recorded_refs, trained_on
from server.services.registry_records import (
    FeatureRecord,
    FeatureServiceRecord,
    FeatureViewRecord,
    ProjectionRecord,
    RegistrySnapshot,
    SourceRecord,
)


def _view(name: str, *features: str) -> FeatureViewRecord:
    return FeatureViewRecord(
        name,
        ("customer",),
        tuple(FeatureRecord(f, FeatureDtype.FLOAT64) for f in features),
        SourceRecord("g.t", "at"),
        None,
        True,
    )


SNAP = RegistrySnapshot(
    entities={},
    views={"a": _view("a", "x", "shared"), "b": _view("b", "y", "shared")},
    services={"svc": FeatureServiceRecord("svc", (ProjectionRecord("a", ("x",)), ProjectionRecord("b", ("y",))))},
)


def test_a_declared_service_comes_first_on_the_version_or_its_run():
    for version_tags, run_tags in (
        ((("asgard.feature_service", "svc"),), ()),
        ((), (("feast.feature_service", "svc"),)),
    ):
        found = trained_on(version_tags, (*run_tags, ("feast.feature_refs", "a:shared")), ["y"], SNAP)
        assert found.source is LineageSource.FEATURE_SERVICE and found.feature_service == "svc"
        assert found.features == (FeatureRef("a", "x"), FeatureRef("b", "y"))


def test_a_deleted_service_falls_back_to_what_was_recorded_then_to_nothing_declared():
    recorded = trained_on((("asgard.feature_service", "gone"),), (("feast.feature_refs", "a:x"),), None, SNAP)
    assert recorded.source is LineageSource.RECORDED and recorded.feature_service == "gone"
    assert recorded.features == (FeatureRef("a", "x"),)
    guessed = trained_on((("asgard.feature_service", "gone"),), (), ["x", "shared"], SNAP)
    assert guessed.source is LineageSource.SIGNATURE and guessed.features == (FeatureRef("a", "x"),)


def test_the_signature_is_read_only_when_nothing_else_can_say():
    assert needs_signature((), (), SNAP)
    assert not needs_signature((("asgard.feature_service", "svc"),), (), SNAP)
    assert not needs_signature((), (("feast.feature_refs", "a:x"),), SNAP)
    assert needs_signature((("asgard.feature_service", "gone"),), (), SNAP)


def test_recorded_refs_skip_what_feast_cut_short_and_repeats():
    tags = (("feast.feature_refs", "a:x, b:y,a:x,junk,:z,a:trunc..."),)
    assert recorded_refs(tags) == (FeatureRef("a", "x"), FeatureRef("b", "y"))


def test_nothing_known_is_no_source():
    found = trained_on((), (), ["unknown", "shared"], SNAP)
    assert found.features == () and found.source is None
