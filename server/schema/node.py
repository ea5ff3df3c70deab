"""Relay's object identification: the Node interface the linkable types implement (server/global_ids.py
holds the id's format)."""

from __future__ import annotations

import strawberry

from server import global_ids


@strawberry.interface(
    description="An object a page can link to and fetch again by its global id, with node(id:) or "
    "nodes(ids:) (Relay's object identification, its id field named globalId: Relay's compiler takes it "
    'with nodeInterfaceIdField: "globalId"). The objects\' own ids and names keep their meaning beside it.'
)
class Node:
    @strawberry.field(
        description="Opaque, stable id of this object across the API: the same on every replica and after "
        "restarts. Pass it to node(id:)."
    )
    def global_id(self) -> strawberry.ID:
        kind = type(self).__name__
        return strawberry.ID(global_ids.encode(kind, *self.node_key()))

    def node_key(self) -> tuple[str, ...]:
        """The key the object is found by elsewhere in the API (server/global_ids.py: KINDS)."""
        raise NotImplementedError
