"""Validation off the event loop, with its results kept by a digest of the query text.

graphql-core's rules cost more than linear time on some documents within the size limits (comparing
every pair of same-named fields: ~0.2 s for 1,900 of them): a new document is validated in a worker
thread, so the event loop keeps answering other requests (`/healthz` among them) meanwhile. A document
seen before takes its cached result at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from graphql import GraphQLError, validate
from strawberry.extensions import SchemaExtension

from server.lru import LRU, text_key


class ValidationResults:
    """Validation errors by document text, bounded as LRU (one per schema: its rules do not change)."""

    def __init__(self, size: int) -> None:
        self.cache: LRU[bytes, tuple[GraphQLError, ...]] = LRU(size)


class ThreadedValidation(SchemaExtension):
    def __init__(self, results: ValidationResults) -> None:
        super().__init__()
        self.results = results

    async def on_validate(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is not None and ctx.validation_rules:
            key = text_key(ctx.query) if ctx.query else None
            errors = self.results.cache.get(key) if key is not None else None
            if errors is None:
                errors = tuple(await asyncio.to_thread(_validate, ctx.schema._schema, document, ctx.validation_rules))
                if key is not None:
                    self.results.cache.put(key, errors)
            ctx.pre_execution_errors = list(errors)
        yield


def _validate(schema: Any, document: Any, rules: Any) -> list[GraphQLError]:
    return validate(schema, document, rules)
