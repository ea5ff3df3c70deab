"""Operations by hash against a real `asgard serve --demo` in trusted-documents mode: one document of the
manifest (the client's FeatureViews query with its fragments) sent three ways, sequential, medians:

- by hash (`extensions.persistedQuery.sha256Hash`): no text to send, parse and validation pinned;
- as the same text every time: parse and validation taken from the server's caches (keyed by the text);
- as a text the server has not seen (a comment that changes each time): parsed and validated each time,
  which is what every request would pay without those caches.

The loopback caller is admin, so texts outside the manifest may still run for the last case."""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.server import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
OPERATION = "FeatureViews"


def _document() -> str:
    """The FeatureViews operation of clients/operations with the fragments it uses, as a client sends it."""
    from graphql import FragmentDefinitionNode, FragmentSpreadNode, OperationDefinitionNode, parse, print_ast, visit
    from graphql.language import Visitor

    texts = [(ROOT / "clients" / "operations" / f).read_text() for f in ("feature_views.graphql", "fragments.graphql")]
    definitions = [d for text in texts for d in parse(text).definitions]
    operation = next(
        d for d in definitions if isinstance(d, OperationDefinitionNode) and d.name and d.name.value == OPERATION
    )
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    used: dict[str, FragmentDefinitionNode] = {}

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            if node.name.value not in used:
                used[node.name.value] = fragments[node.name.value]
                visit(fragments[node.name.value], self)

    visit(operation, Spreads())
    return "\n\n".join(print_ast(d) for d in (operation, *used.values())) + "\n"


def _median_ms(client: httpx.Client, url: str, bodies: Any, n: int) -> float:
    samples = []
    for i in range(n):
        body = bodies(i)
        started = time.perf_counter()
        response = client.post(url, json=body)
        samples.append((time.perf_counter() - started) * 1000)
        answer = response.json()
        assert response.status_code == 200 and "errors" not in answer, answer
    return round(statistics.median(samples), 3)


def run(data_dir: Path, requests: int) -> dict[str, Any]:
    document = _document()
    digest = hashlib.sha256(document.encode()).hexdigest()
    data_dir.mkdir(parents=True, exist_ok=True)
    manifest = data_dir / "persisted-documents.json"
    manifest.write_text(json.dumps({digest: document}))
    server = ServerProcess(
        data_dir / "data", "--demo", "--log-level", "WARNING", env={"ASGARD_TRUSTED_DOCUMENTS": str(manifest)}
    ).start()
    try:
        url = f"{server.url}/graphql"
        client = httpx.Client(timeout=60)
        variables = {"first": 5}
        hashed = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}, "variables": variables}
        cases = {
            "by_hash": lambda i: hashed,
            "same_text": lambda i: {"query": document, "variables": variables},
            "new_text": lambda i: {"query": f"# request {i} {time.monotonic_ns()}\n{document}", "variables": variables},
        }
        for body in cases.values():  # warm: first parse, caches, connections
            _median_ms(client, url, body, 5)
        results = {name: _median_ms(client, url, body, requests) for name, body in cases.items()}
        return {
            "document_bytes": len(document.encode()),
            "median_ms": results,
            "saved_vs_new_text_ms": round(results["new_text"] - results["by_hash"], 3),
            "by_hash_vs_same_text": round(results["by_hash"] / results["same_text"], 2),
            "by_hash_vs_new_text": round(results["by_hash"] / results["new_text"], 2),
        }
    finally:
        server.stop()


def table(result: dict[str, Any]) -> str:
    m = result["median_ms"]
    return "\n".join(
        [
            f"| FeatureViews ({result['document_bytes']} bytes) | p50 ms |",
            "|---|---|",
            f"| by hash (trusted document) | {m['by_hash']} |",
            f"| same text (server caches) | {m['same_text']} |",
            f"| new text (parsed and validated) | {m['new_text']} |",
            f"\nby hash saves {result['saved_vs_new_text_ms']} ms a request against a new text "
            f"({result['by_hash_vs_new_text']}x); against a cached text {result['by_hash_vs_same_text']}x",
        ]
    )
