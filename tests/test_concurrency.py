"""Concurrent writers all land; readers never fail while writes happen."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.support.graphql import REGISTER_VIEW, customer_view_input, unique

READ = "{ featureViews(first: 100) { totalCount edges { node { name entities { name } } } } }"


def test_twenty_concurrent_registrations_all_land_while_reads_go_on(client):
    prefix = unique("concurrent")
    names = [f"{prefix}_{i:02d}" for i in range(20)]
    stop = threading.Event()
    read_failures: list[str] = []
    reads = 0

    def reader() -> None:
        nonlocal reads
        while not stop.is_set():
            response = client.post("/graphql", json={"query": READ})
            reads += 1
            if response.status_code != 200 or response.json().get("errors"):
                read_failures.append(response.text)

    def register(name: str) -> dict:
        response = client.post(
            "/graphql", json={"query": REGISTER_VIEW, "variables": {"input": customer_view_input(name)}}
        )
        assert response.status_code == 200, response.text
        return response.json()

    readers = [threading.Thread(target=reader) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(register, names))
    finally:
        stop.set()
        for t in readers:
            t.join()

    for result in results:
        assert "errors" not in result, result
        payload = result["data"]["registerFeatureView"]
        assert payload["userErrors"] == []
        assert payload["change"] == "CREATED"
    assert read_failures == []
    assert reads > 0
    query = "query($p: String) { featureViews(first: 100, filter: {nameContains: $p}) { totalCount } }"
    response = client.post("/graphql", json={"query": query, "variables": {"p": prefix}})
    assert response.json()["data"]["featureViews"]["totalCount"] == 20
