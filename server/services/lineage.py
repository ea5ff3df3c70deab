"""Lineage both ways: what each model version was trained on (server/services/lineage_rules.py), which
versions each feature view and feature service trained, and the graph around any object.

The reverse direction needs every version's answer: an index of all registered model versions (at most
MAX_VERSIONS, newest kept), built from one listing of versions, one batched read of their runs and, for a
version only its signature can place, its MLmodel (read once: versions are immutable). The index is kept
until MLflow changes through this process or the registry snapshot changes, and at most `ttl` seconds
(another replica's writes).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from server.services.errors import RequestCode, RequestError
from server.services.lineage_rules import TrainedOnRecord, needs_signature, trained_on
from server.services.mlflow_records import ModelVersionRecord, RunRecord
from server.services.mlflow_tracking import MlflowTracking
from server.services.registry_records import RegistrySnapshot

MAX_VERSIONS = 10_000
MAX_NODES = 500
MAX_DEPTH = 4
VersionKey = tuple[str, int]


class NodeKind(StrEnum):
    GOLD_TABLE = "GOLD_TABLE"
    ENTITY = "ENTITY"
    FEATURE_VIEW = "FEATURE_VIEW"
    FEATURE_SERVICE = "FEATURE_SERVICE"
    MODEL_VERSION = "MODEL_VERSION"


class EdgeKind(StrEnum):
    READS = "READS"  # a feature view reads a gold table
    KEYED_BY = "KEYED_BY"  # a feature view is keyed by an entity
    INCLUDES = "INCLUDES"  # a feature service includes a feature view
    TRAINED_ON = "TRAINED_ON"  # a model version was trained on a feature service or view


@dataclass(frozen=True)
class NodeRecord:
    kind: NodeKind
    name: str
    version: int | None = None

    @property
    def id(self) -> str:
        return f"{self.kind.value}:{self.name}" + (f"/{self.version}" if self.version is not None else "")


@dataclass(frozen=True)
class EdgeRecord:
    source: NodeRecord  # downstream: what depends on `target`
    target: NodeRecord
    kind: EdgeKind
    lineage: str | None = None  # for TRAINED_ON: the LineageSource that says so


@dataclass(frozen=True)
class GraphRecord:
    root: NodeRecord
    nodes: tuple[tuple[NodeRecord, int], ...]  # each with its distance from the root, the root first
    edges: tuple[EdgeRecord, ...]
    truncated: bool


@dataclass(frozen=True)
class LineageIndex:
    """Every indexed model version and what it was trained on."""

    versions: dict[VersionKey, tuple[ModelVersionRecord, TrainedOnRecord]]
    complete: bool  # False when there were more than MAX_VERSIONS

    def models_of_views(self, names: list[str]) -> dict[str, list[ModelVersionRecord]]:
        wanted = set(names)
        found: dict[str, list[ModelVersionRecord]] = {n: [] for n in names}
        for version, trained in self._ordered():
            for view in trained.views & wanted:
                found[view].append(version)
        return found

    def models_of_services(self, names: list[str]) -> dict[str, list[ModelVersionRecord]]:
        found: dict[str, list[ModelVersionRecord]] = {n: [] for n in names}
        for version, trained in self._ordered():
            if trained.feature_service in found:
                found[trained.feature_service].append(version)
        return found

    def _ordered(self) -> list[tuple[ModelVersionRecord, TrainedOnRecord]]:
        return [self.versions[k] for k in sorted(self.versions, key=lambda k: (k[0], -k[1]))]


class Lineage:
    def __init__(self, mlflow: MlflowTracking, ttl: float) -> None:
        self.mlflow = mlflow
        self.ttl = ttl
        self._lock = threading.Lock()
        self._index: tuple[tuple[int, int], float, LineageIndex] | None = None
        self._inputs: dict[VersionKey, tuple[str, ...]] = {}  # signature input names, per immutable version

    def of_versions(
        self, versions: list[ModelVersionRecord], snap: RegistrySnapshot
    ) -> dict[ModelVersionRecord, TrainedOnRecord]:
        runs = self.mlflow.runs_by_ids(sorted({v.run_id for v in versions if v.run_id}))
        out: dict[ModelVersionRecord, TrainedOnRecord] = {}
        for version in versions:
            run = runs.get(version.run_id) if version.run_id else None
            run_tags = run.tags if run is not None else ()
            inputs = self._signature_inputs(version) if needs_signature(version.tags, run_tags, snap) else None
            out[version] = trained_on(version.tags, run_tags, inputs, snap)
        return out

    def of_runs(self, runs: list[RunRecord], snap: RegistrySnapshot) -> dict[str, TrainedOnRecord]:
        """What runs were trained on: a declared service or the recorded features (a run has no signature)."""
        return {run.id: trained_on((), run.tags, None, snap) for run in runs}

    def _signature_inputs(self, version: ModelVersionRecord) -> tuple[str, ...]:
        key = (version.name, version.version)
        found = self._inputs.get(key)
        if found is None:
            signature = self.mlflow.signature(version)
            found = tuple(c.name for c in signature.inputs if c.name) if signature is not None else ()
            if len(self._inputs) >= MAX_VERSIONS:
                self._inputs.clear()
            self._inputs[key] = found
        return found

    def index(self, snap: RegistrySnapshot) -> LineageIndex:
        key = (self.mlflow.generation, id(snap))
        with self._lock:  # one build at a time; the others wait for it and share it
            cached = self._index
            if cached is not None and cached[0] == key and time.monotonic() - cached[1] < self.ttl:
                return cached[2]
            versions = self.mlflow.all_model_versions(MAX_VERSIONS + 1)
            complete = len(versions) <= MAX_VERSIONS
            kept = sorted(versions, key=lambda v: v.creation_time or 0, reverse=True)[:MAX_VERSIONS]
            trained = self.of_versions(kept, snap)
            index = LineageIndex({(v.name, v.version): (v, trained[v]) for v in kept}, complete)
            self._index = (key, time.monotonic(), index)
            return index

    def graph(self, root: NodeRecord, depth: int, snap: RegistrySnapshot, index: LineageIndex) -> GraphRecord:
        """The objects within `depth` edges of `root`, either way, and the edges between them."""
        if not 0 <= depth <= MAX_DEPTH:
            raise RequestError(f"depth must be between 0 and {MAX_DEPTH}", field="depth")
        if not _exists(root, snap, index):
            raise RequestError(f"{root.id} does not exist", code=RequestCode.NOT_FOUND, field="of")
        seen = {root: 0}
        edges: dict[tuple[NodeRecord, NodeRecord, EdgeKind], EdgeRecord] = {}
        queue = deque([root])
        truncated = False
        while queue:
            node = queue.popleft()
            if seen[node] == depth:
                continue
            for edge in _edges(node, snap, index):
                other = edge.target if edge.source == node else edge.source
                if other not in seen:
                    if len(seen) >= MAX_NODES:
                        truncated = True
                        continue
                    seen[other] = seen[node] + 1
                    queue.append(other)
                edges[(edge.source, edge.target, edge.kind)] = edge
        return GraphRecord(root, tuple(seen.items()), tuple(edges.values()), truncated)


def _exists(node: NodeRecord, snap: RegistrySnapshot, index: LineageIndex) -> bool:
    if node.kind is NodeKind.GOLD_TABLE:
        return any(v.source.table == node.name for v in snap.views.values())
    if node.kind is NodeKind.ENTITY:
        return node.name in snap.entities
    if node.kind is NodeKind.FEATURE_VIEW:
        return node.name in snap.views
    if node.kind is NodeKind.FEATURE_SERVICE:
        return node.name in snap.services
    return node.version is not None and (node.name, node.version) in index.versions


def _edges(node: NodeRecord, snap: RegistrySnapshot, index: LineageIndex) -> list[EdgeRecord]:
    """Every edge that touches `node`."""
    out: list[EdgeRecord] = []
    if node.kind is NodeKind.GOLD_TABLE:
        out += [
            EdgeRecord(_view_node(v.name), node, EdgeKind.READS)
            for v in snap.views.values()
            if v.source.table == node.name
        ]
    elif node.kind is NodeKind.ENTITY:
        out += [
            EdgeRecord(_view_node(v.name), node, EdgeKind.KEYED_BY)
            for v in snap.views.values()
            if node.name in v.entities
        ]
    elif node.kind is NodeKind.FEATURE_VIEW:
        view = snap.views.get(node.name)
        if view is not None:
            out.append(EdgeRecord(node, NodeRecord(NodeKind.GOLD_TABLE, view.source.table), EdgeKind.READS))
            out += [EdgeRecord(node, NodeRecord(NodeKind.ENTITY, e), EdgeKind.KEYED_BY) for e in view.entities]
        for service in snap.services.values():
            if any(p.view == node.name for p in service.projections):
                out.append(EdgeRecord(NodeRecord(NodeKind.FEATURE_SERVICE, service.name), node, EdgeKind.INCLUDES))
        for version, trained in index.versions.values():
            if node.name in trained.views and not _via_service(trained, snap):
                out.append(EdgeRecord(_version_node(version), node, EdgeKind.TRAINED_ON, _source(trained)))
    elif node.kind is NodeKind.FEATURE_SERVICE:
        found = snap.services.get(node.name)
        if found is not None:
            out += [EdgeRecord(node, _view_node(p.view), EdgeKind.INCLUDES) for p in found.projections]
        for version, trained in index.versions.values():
            if trained.feature_service == node.name and _via_service(trained, snap):
                out.append(EdgeRecord(_version_node(version), node, EdgeKind.TRAINED_ON, _source(trained)))
    else:
        entry = index.versions.get((node.name, node.version or 0))
        if entry is not None:
            trained = entry[1]
            if _via_service(trained, snap):
                assert trained.feature_service is not None
                target = NodeRecord(NodeKind.FEATURE_SERVICE, trained.feature_service)
                out.append(EdgeRecord(node, target, EdgeKind.TRAINED_ON, _source(trained)))
            else:
                out += [
                    EdgeRecord(node, _view_node(v), EdgeKind.TRAINED_ON, _source(trained))
                    for v in sorted(trained.views)
                    if v in snap.views
                ]
    return out


def _view_node(name: str) -> NodeRecord:
    return NodeRecord(NodeKind.FEATURE_VIEW, name)


def _via_service(trained: TrainedOnRecord, snap: RegistrySnapshot) -> bool:
    return trained.feature_service is not None and trained.feature_service in snap.services


def _source(trained: TrainedOnRecord) -> str | None:
    return trained.source.value if trained.source is not None else None


def _version_node(version: ModelVersionRecord) -> NodeRecord:
    return NodeRecord(NodeKind.MODEL_VERSION, version.name, version.version)
