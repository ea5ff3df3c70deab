"""Resolver of the lineage graph: the registry snapshot and the lineage index, walked around one object."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from server.blocking import run_blocking
from server.context import Context
from server.loaders import registry_snapshot
from server.schema.lineage import LineageGraph, LineageTarget
from server.services.errors import RequestError
from server.services.lineage import NodeKind, NodeRecord


async def lineage(
    info: Info[Context, None],
    of: Annotated[LineageTarget, strawberry.argument(description="The object to draw the graph around.")],
    depth: Annotated[
        int, strawberry.argument(description="How many edges away, either way, nodes may be (0 to 4).")
    ] = 2,
) -> LineageGraph:
    kind = NodeKind[of.kind.name]
    if (kind is NodeKind.MODEL_VERSION) != (of.version is not None):
        raise RequestError("give a version for a MODEL_VERSION, and only for one", field="of.version")
    services = info.context.services
    snap = await registry_snapshot(services)
    index = await run_blocking(services.lineage.index, snap)
    graph = services.lineage.graph(NodeRecord(kind, of.name, of.version), depth, snap, index)
    return LineageGraph.from_record(graph)
