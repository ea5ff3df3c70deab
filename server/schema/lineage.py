"""GraphQL types of lineage: feature references and the graph around an object."""

from __future__ import annotations

from typing import Optional

import strawberry

from server.schema.enums import LineageEdgeKind, LineageNodeKind, LineageSource
from server.services.lineage import EdgeRecord, GraphRecord, NodeRecord
from server.services.lineage_rules import TrainedOnRecord


@strawberry.type(description="A feature by its view: what a model version or a run was trained on.")
class FeatureReference:
    feature_view: str = strawberry.field(description="The feature view (it may have been deleted since).")
    name: str = strawberry.field(description="The feature's name in the view.")
    reference: str = strawberry.field(description='"view:feature", as onlineFeatures and Feast take it.')
    source: Optional[LineageSource] = strawberry.field(description="How Asgard knows it was trained on it.")


def feature_references(trained: TrainedOnRecord | None) -> list[FeatureReference]:
    if trained is None:
        return []
    source = LineageSource(trained.source.value) if trained.source is not None else None
    return [
        FeatureReference(feature_view=r.view, name=r.feature, reference=r.ref, source=source) for r in trained.features
    ]


@strawberry.input(description="The object to draw the lineage graph around.")
class LineageTarget:
    kind: LineageNodeKind = strawberry.field(description="What it is.")
    name: str = strawberry.field(description="Its name (a gold table's qualified name; a model version's model).")
    version: Optional[int] = strawberry.field(default=None, description="A model version's number.")


@strawberry.type(description="An object of the lineage graph.")
class LineageNode:
    id: strawberry.ID = strawberry.field(
        description='KIND:name, e.g. "FEATURE_VIEW:customer_features", "MODEL_VERSION:churn/3".'
    )
    kind: LineageNodeKind = strawberry.field(description="What it is.")
    name: str = strawberry.field(description="Its name (a model version's model).")
    version: Optional[int] = strawberry.field(description="A model version's number; null otherwise.")
    depth: int = strawberry.field(description="Edges between it and the graph's root (0: the root).")

    @classmethod
    def from_record(cls, node: NodeRecord, depth: int) -> LineageNode:
        return cls(
            id=strawberry.ID(node.id),
            kind=LineageNodeKind(node.kind.value),
            name=node.name,
            version=node.version,
            depth=depth,
        )


@strawberry.type(description="A dependency between two nodes: `from` uses `to`.")
class LineageEdge:
    from_: strawberry.ID = strawberry.field(name="from", description="The dependent node's id.")
    to: strawberry.ID = strawberry.field(description="The id of the node it uses.")
    kind: LineageEdgeKind = strawberry.field(description="What the dependency is.")
    source: Optional[LineageSource] = strawberry.field(
        description="For TRAINED_ON: how Asgard knows it; null for the others."
    )

    @classmethod
    def from_record(cls, edge: EdgeRecord) -> LineageEdge:
        return cls(
            from_=strawberry.ID(edge.source.id),
            to=strawberry.ID(edge.target.id),
            kind=LineageEdgeKind(edge.kind.value),
            source=LineageSource(edge.lineage) if edge.lineage else None,
        )


@strawberry.type(description="The objects around one, within a number of edges either way, for a frontend to draw.")
class LineageGraph:
    root: strawberry.ID = strawberry.field(description="The id of the object asked about.")
    nodes: list[LineageNode] = strawberry.field(description="Every node within the depth, the root first.")
    edges: list[LineageEdge] = strawberry.field(description="The edges between them.")
    truncated: bool = strawberry.field(description="Whether nodes were left out to keep the graph at 500 nodes.")

    @classmethod
    def from_record(cls, graph: GraphRecord) -> LineageGraph:
        return cls(
            root=strawberry.ID(graph.root.id),
            nodes=[LineageNode.from_record(n, depth) for n, depth in graph.nodes],
            edges=[LineageEdge.from_record(e) for e in graph.edges],
            truncated=graph.truncated,
        )
