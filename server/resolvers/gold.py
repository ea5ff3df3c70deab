"""Resolvers of the gold layer fields."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from server.blocking import run_blocking
from server.context import Context
from server.schema.gold import GoldTable

Namespace = Annotated[str | None, strawberry.argument(description='Only tables of this namespace, e.g. "gold".')]
TableName = Annotated[str, strawberry.argument(description='Qualified table name, e.g. "gold.customer_aggregates".')]


async def gold_tables(info: Info[Context, None], namespace: Namespace = None) -> list[GoldTable]:
    tables = await run_blocking(info.context.services.gold.list_tables, namespace)
    return [GoldTable.from_record(t) for t in tables]


async def gold_table(info: Info[Context, None], name: TableName) -> GoldTable | None:
    table = await run_blocking(info.context.services.gold.describe, name)
    return GoldTable.from_record(table) if table else None
