"""What a model version or a run was trained on, from what MLflow and the registry already hold (pure).

Sources, in this order (the first that names anything is the answer):
1. FEATURE_SERVICE: the feature service a training job declared (the version's `asgard.feature_service`
   tag, which the runner sets; or Feast's own `feast.feature_service` on the version or its run);
2. RECORDED: the features the job's script retrieved through Feast (`feast.feature_refs` on the run, as
   the job's recording hook, or Feast's MLflow integration, writes it);
3. SIGNATURE: the model's input columns matched by name with registered features (a name that exactly one
   view's feature has).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from server.services.feature_requests import FeatureRef
from server.services.mlflow_records import FEATURE_SERVICE_TAG
from server.services.registry_records import RegistrySnapshot, Tags

FEAST_SERVICE_TAG = "feast.feature_service"
FEAST_REFS_TAG = "feast.feature_refs"


class LineageSource(StrEnum):
    FEATURE_SERVICE = "FEATURE_SERVICE"
    RECORDED = "RECORDED"
    SIGNATURE = "SIGNATURE"


@dataclass(frozen=True)
class TrainedOnRecord:
    """The features something was trained on; `feature_service` when a service was declared (it may have
    been deleted since: then its features are the recorded ones, if any)."""

    features: tuple[FeatureRef, ...]
    source: LineageSource | None
    feature_service: str | None = None

    @property
    def views(self) -> frozenset[str]:
        return frozenset(ref.view for ref in self.features)


NOTHING = TrainedOnRecord((), None)


def declared_service(*tag_sets: Tags) -> str | None:
    for tags in tag_sets:
        found = dict(tags)
        for key in (FEATURE_SERVICE_TAG, FEAST_SERVICE_TAG):
            if found.get(key):
                return found[key]
    return None


def recorded_refs(run_tags: Tags) -> tuple[FeatureRef, ...]:
    """`feast.feature_refs`: comma-separated `view:feature`; an entry Feast cut short ('...') is left out."""
    raw = dict(run_tags).get(FEAST_REFS_TAG, "")
    refs: dict[FeatureRef, None] = {}
    for item in raw.split(","):
        view, sep, feature = item.strip().partition(":")
        if sep and view and feature and not feature.endswith("..."):
            refs[FeatureRef(view, feature)] = None
    return tuple(refs)


def service_refs(service: str, snap: RegistrySnapshot) -> tuple[FeatureRef, ...] | None:
    found = snap.services.get(service)
    if found is None:
        return None
    return tuple(FeatureRef(p.view, f) for p in found.projections for f in p.features)


def signature_refs(inputs: Iterable[str], snap: RegistrySnapshot) -> tuple[FeatureRef, ...]:
    """Input names that exactly one registered view has a feature of."""
    owners: dict[str, list[str]] = {}
    for view in snap.views.values():
        for feature in view.features:
            owners.setdefault(feature.name, []).append(view.name)
    refs = [FeatureRef(owners[name][0], name) for name in inputs if len(owners.get(name, ())) == 1]
    return tuple(dict.fromkeys(refs))


def trained_on(
    version_tags: Tags, run_tags: Tags, signature_inputs: Sequence[str] | None, snap: RegistrySnapshot
) -> TrainedOnRecord:
    service = declared_service(version_tags, run_tags)
    recorded = recorded_refs(run_tags)
    if service is not None:
        refs = service_refs(service, snap)
        if refs is not None:
            return TrainedOnRecord(refs, LineageSource.FEATURE_SERVICE, service)
        if recorded:
            return TrainedOnRecord(recorded, LineageSource.RECORDED, service)
    if recorded:
        return TrainedOnRecord(recorded, LineageSource.RECORDED, service)
    if signature_inputs:
        found = signature_refs(signature_inputs, snap)
        if found:
            return TrainedOnRecord(found, LineageSource.SIGNATURE, service)
    return TrainedOnRecord((), None, service)


def needs_signature(version_tags: Tags, run_tags: Tags, snap: RegistrySnapshot) -> bool:
    """Whether only the signature can say (so that it is read only then)."""
    service = declared_service(version_tags, run_tags)
    has_service = service is not None and service in snap.services
    return not has_service and not recorded_refs(run_tags)
