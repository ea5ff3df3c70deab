"""Operations sent by hash: trusted documents (a manifest of the only operations that run) and automatic
persisted queries (a document registered on first use), both by `extensions.persistedQuery.sha256Hash` as
Apollo's clients send it, or by `documentId: "sha256:<hash>"` as the GraphQL-over-HTTP persisted documents
proposal spells it, over POST and GET.

- `ASGARD_TRUSTED_DOCUMENTS=<manifest>`: a request names a document of the manifest by the SHA-256 of its
  text; an unknown hash is PERSISTED_QUERY_NOT_FOUND. A document sent as text runs only when it is one of
  the manifest's (its hash is looked up) or the caller is an admin (GraphiQL stays an operator's tool);
  anyone else's is FORBIDDEN. The manifest is what GraphQL Code Generator (`persistedDocuments`), Relay
  (`persistConfig`) or Apollo's `generate-persisted-query-manifest` write: an object of id -> document, or
  Apollo's `{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}`. Documents are
  found by the SHA-256 of their text whatever id the tool gave them (Relay's md5, Code Generator's sha1).
- `ASGARD_PERSISTED_QUERIES=auto`: automatic persisted queries. An unknown hash is PERSISTED_QUERY_NOT_FOUND
  (message `PersistedQueryNotFound`, which Apollo's link answers by sending the text with the hash once);
  a text sent with its hash is registered, in a bounded LRU per process.

A known document is parsed and validated once, at its first use: the server's parser and validation keep
its results by its text (server/documents.py, server/schema/validation.py) and pin them for manifest
documents, so a trusted operation never pays for either again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLError

from server.config import ConfigError
from server.documents import utf8_length_over
from server.lru import LRU

MAX_MANIFEST_BYTES = 32 * 1024 * 1024
APOLLO_FORMAT = "apollo-persisted-query-manifest"
_SHA256 = re.compile(r"[0-9a-f]{64}")
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


class ManifestError(ConfigError):
    """A manifest the server will not start with (the message says why)."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """The manifest's documents by the SHA-256 of their text."""
    try:
        size = path.stat().st_size
        if size > MAX_MANIFEST_BYTES:
            raise ManifestError(f"{path}: {size} bytes is more than the {MAX_MANIFEST_BYTES} a manifest may take")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ManifestError(f"cannot read the trusted documents manifest {path}: {error.strerror}") from None
    except ValueError as error:
        raise ManifestError(f"{path} is not a JSON manifest: {error}") from None
    if isinstance(raw, dict) and raw.get("format") == APOLLO_FORMAT:
        operations = raw.get("operations")
        if not isinstance(operations, list):
            raise ManifestError(f"{path}: an Apollo manifest needs a list of operations")
        pairs = [(op.get("id"), op.get("body")) if isinstance(op, dict) else (None, None) for op in operations]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        raise ManifestError(f"{path}: a manifest is an object of id -> document, or Apollo's operations format")
    documents: dict[str, str] = {}
    for given_id, body in pairs:
        if not isinstance(given_id, str) or not isinstance(body, str) or not body.strip():
            raise ManifestError(f"{path}: every entry needs a string id and a document ({given_id!r})")
        digest = sha256_hex(body)
        if _SHA256.fullmatch(given_id.lower()) and given_id.lower() != digest:
            raise ManifestError(f"{path}: entry {given_id} is not the SHA-256 of its document (a damaged manifest?)")
        documents[digest] = body
    if not documents:
        raise ManifestError(f"{path}: the manifest has no documents")
    return documents


@dataclass
class _Request:
    """What of a request this module reads and sets (Strawberry's GraphQLRequestData has these fields)."""

    query: str | None
    extensions: dict[str, Any] | None


class PersistedDocuments:
    """The trusted manifest (None: no such mode) and the automatic cache (None: off)."""

    def __init__(
        self, trusted: dict[str, str] | None, automatic: bool, cache_size: int = 1000, max_bytes: int = 64 * 1024
    ) -> None:
        self.trusted = trusted
        self.automatic: LRU[str, str] | None = LRU(cache_size) if automatic else None
        self.max_bytes = max_bytes  # a text over the query cap is refused by the parser: never kept here

    @property
    def enabled(self) -> bool:
        return self.trusted is not None or self.automatic is not None

    def admits_text(self, query: str, admin: bool) -> bool:
        """Whether a document sent as text may run: always, but in trusted mode (then: admins, or a manifest
        document)."""
        return self.trusted is None or admin or sha256_hex(query) in self.trusted

    def resolve(self, request: Any, admin: bool) -> GraphQLError | None:
        """Give `request.query` the document its hash names, or say why the request may not run (None: it
        may). `request` has `query` and `extensions` (GraphQLRequestData, or a websocket's payload as _Request)."""
        if not self.enabled:
            return None
        persisted = (request.extensions or {}).get("persistedQuery")
        query: str | None = request.query
        if persisted is not None and query == "":  # graphql-ws clients must send a string: "" for none
            query = request.query = None
        if persisted is None:
            if query is not None and not self.admits_text(query, admin):
                return _forbidden()
            return None
        digest, problem = _hash_of(persisted)
        if problem is not None:
            return problem
        if query is not None:
            if sha256_hex(query) != digest:
                return GraphQLError(
                    "provided sha256Hash does not match the query", extensions={"code": "BAD_USER_INPUT"}
                )
            if not self.admits_text(query, admin):
                return _forbidden()
            registrable = self.trusted is None or digest in self.trusted
            if self.automatic is not None and registrable and not utf8_length_over(query, self.max_bytes):
                self.automatic.put(digest, query)
            return None
        found = self.trusted.get(digest) if self.trusted is not None else None
        if found is None and self.automatic is not None:
            found = self.automatic.get(digest)
        if found is None:
            return GraphQLError("PersistedQueryNotFound", extensions={"code": NOT_FOUND})
        request.query = found
        return None


def document_id_extensions(document_id: object, extensions: dict[str, Any] | None) -> dict[str, Any]:
    """The request's extensions with a `documentId` (the GraphQL-over-HTTP persisted documents proposal:
    "sha256:<hex>", or the bare hash) spelled as `extensions.persistedQuery`, which the rest of this module
    reads; a documentId that names no SHA-256 is turned into one that is refused as BAD_USER_INPUT."""
    text = document_id if isinstance(document_id, str) else ""
    digest = text.removeprefix("sha256:")
    return {**(extensions or {}), "persistedQuery": {"version": 1, "sha256Hash": digest}}


def websocket_request(payload: Any) -> _Request:
    if not isinstance(payload, dict):  # "payload": null: nothing to resolve (Strawberry answers the rest)
        return _Request(None, None)
    query = payload.get("query")
    extensions = payload.get("extensions")
    extensions = extensions if isinstance(extensions, dict) else None
    if "documentId" in payload and not query:
        extensions = document_id_extensions(payload["documentId"], extensions)
    return _Request(query if isinstance(query, str) else None, extensions)


def _hash_of(persisted: Any) -> tuple[str, GraphQLError | None]:
    bad = GraphQLError(
        "extensions.persistedQuery needs version 1 and a sha256Hash of 64 hex digits",
        extensions={"code": "BAD_USER_INPUT", "field": "extensions.persistedQuery"},
    )
    if not isinstance(persisted, dict) or persisted.get("version", 1) != 1:
        return "", bad
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest.lower()):
        return "", bad
    return digest.lower(), None


def _forbidden() -> GraphQLError:
    return GraphQLError(
        "this server runs trusted documents only: send extensions.persistedQuery.sha256Hash of a document of "
        "its manifest (admins may send any document)",
        extensions={"code": "FORBIDDEN"},
    )
