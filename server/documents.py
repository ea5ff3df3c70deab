"""Parsing GraphQL documents: one parser for the whole server, bounded before it starts.

Every document is measured before it is parsed (ASGARD_MAX_QUERY_BYTES: the text itself, comments and
whitespace included) and parsed with the token limit (ASGARD_MAX_TOKENS), so no text makes parsing
slow, wherever the parse happens: the limits extension, the subscription check of plain HTTP, the
compiled online path. Parsed documents are kept in an LRU cache keyed by a digest of the text.

graphql-core's lexer is pure Python: 64 KiB of comment or 2,000 tokens take 20-40 ms. A new text is
parsed (and then validated) on one worker thread, `documents.thread`, never on the event loop; the loop
takes cached documents only, and competes for the interpreter with one parse or validation at a time.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError, parse

from server.config import Limits
from server.lru import LRU, text_key

LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"  # the text is not GraphQL (Apollo's code for it)


def too_large(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": LIMIT_EXCEEDED})


def utf8_length_over(text: str, limit: int) -> bool:
    """Whether `text` takes more than `limit` bytes as UTF-8, without encoding a text far over it."""
    if len(text) > limit:
        return True
    if len(text) * 4 <= limit:
        return False
    return len(text.encode("utf-8", "surrogatepass")) > limit


class Documents:
    """The server's parser: byte cap, token limit, a cache of what parsed, and its thread."""

    def __init__(self, limits: Limits) -> None:
        self.max_bytes = limits.max_query_bytes
        self.max_tokens = limits.max_tokens
        self._parsed: LRU[bytes, DocumentNode] = LRU(limits.document_cache_size)
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="asgard-documents")

    def pin(self, keys: frozenset[bytes]) -> None:
        """Texts (by text_key) whose parsed documents are never evicted once parsed: the trusted documents."""
        self._parsed.pin(keys)

    def cached(self, query: str) -> DocumentNode | None:
        return self._parsed.get(text_key(query))

    async def parse_off_loop(self, query: str) -> DocumentNode:
        """`parse`, on the documents thread unless the text was parsed before (or is over the byte cap)."""
        document = self.cached(query)
        if document is not None:
            return document
        if utf8_length_over(query, self.max_bytes):
            return self.parse(query)  # refused before any work
        return await asyncio.get_running_loop().run_in_executor(self.thread, self.parse, query)

    async def try_parse_off_loop(self, query: str | None) -> DocumentNode | None:
        if not query:
            return None
        try:
            return await self.parse_off_loop(query)
        except GraphQLError:
            return None

    def parse(self, query: str) -> DocumentNode:
        """The document, or a GraphQLError: LIMIT_EXCEEDED for a text over a limit, else the syntax error."""
        key = text_key(query)
        document = self._parsed.get(key)
        if document is not None:
            return document
        if utf8_length_over(query, self.max_bytes):
            raise too_large(f"the query text is longer than {self.max_bytes} bytes (ASGARD_MAX_QUERY_BYTES)")
        try:
            document = parse(query, no_location=False, max_tokens=self.max_tokens)
        except GraphQLSyntaxError as error:
            if "tokens" in error.message and "Document contains more than" in error.message:
                raise too_large(f"the query has more than {self.max_tokens} tokens") from None
            error.extensions = {**(error.extensions or {}), "code": PARSE_FAILED}
            raise
        self._parsed.put(key, document)
        return document
