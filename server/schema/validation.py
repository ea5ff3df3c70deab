"""Validation off the event loop, with its results kept by a digest of the query text.

graphql-core's rules are pure Python, and some cost more than linear time (comparing every pair of
same-named fields in a selection set, hence ASGARD_MAX_SELECTIONS): a new document is validated on the
documents thread, so the event loop keeps answering other requests (`/healthz` among them) meanwhile.
A document seen before takes its cached result at once.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from graphql import GraphQLError, validate
from strawberry.extensions import SchemaExtension

from server.lru import LRU, text_key


class ValidationResults:
    """Validation errors by document text, bounded as LRU (one per schema: its rules do not change), and
    the one thread that validates (the parser's, server/documents.py): however many new documents arrive
    at once, the event loop competes for the interpreter with one parse or validation at a time."""

    def __init__(self, size: int, thread: ThreadPoolExecutor) -> None:
        self.cache: LRU[bytes, tuple[GraphQLError, ...]] = LRU(size)
        self.executor = thread


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
                loop = asyncio.get_running_loop()
                run = functools.partial(_validate, ctx.schema._schema, document, ctx.validation_rules)
                errors = tuple(await loop.run_in_executor(self.results.executor, run))
                if key is not None:
                    self.results.cache.put(key, errors)
            ctx.pre_execution_errors = list(errors)
        yield


VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def _validate(schema: Any, document: Any, rules: Any) -> list[GraphQLError]:
    """graphql-core's errors, each with a code (GRAPHQL_VALIDATION_FAILED where a rule gave none)."""
    errors = validate(schema, document, rules)
    for error in errors:
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": VALIDATION_FAILED}
    return errors
