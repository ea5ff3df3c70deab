"""schemathesis (GraphQL mode) against a running server, as a reader: every operation, generated
inputs. No 5xx, no unmasked or internal error, and the reader changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.http_client import HTTP
from tests.support.server import ServerProcess, create_token

EXAMPLES = int(os.environ.get("ASGARD_FUZZ_EXAMPLES", "12"))


def _json_values() -> st.SearchStrategy:
    """Arbitrary JSON for the JSON scalar, leaning towards what it carries: entity columns and rows."""
    import schemathesis

    nodes = schemathesis.graphql.nodes
    leaf = st.one_of(
        st.integers(-(2**31), 2**31 - 1).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.text(max_size=30).map(nodes.String),
        st.sampled_from(["2026-01-03T00:00:00Z", "2026-01-03T00:00:00", "x"]).map(nodes.String),
        st.booleans().map(nodes.Boolean),
        st.just(nodes.Null),
    )
    keys = st.sampled_from(["customer_id", "order_id", "event_timestamp", "x", "a"])

    def nest(children: st.SearchStrategy) -> st.SearchStrategy:
        field = st.tuples(keys, children).map(
            lambda kv: graphql.ObjectFieldNode(name=graphql.NameNode(value=kv[0]), value=kv[1])
        )
        return st.one_of(
            st.lists(children, max_size=4).map(nodes.List),
            st.lists(field, max_size=3, unique_by=lambda f: f.name.value).map(nodes.Object),
        )

    return st.recursive(leaf, nest, max_leaves=8)


STATE = (
    "{ featureStore { featureViews entities featureServices } trainingJobs { totalCount } experiments { totalCount } }"
)
LEAKS = ("Traceback", 'File "', "sqlite", "/work/", "/tmp/", "site-packages", "SELECT ")


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    data = tmp_path_factory.mktemp("fuzz")
    tokens = {role: create_token(data, role, role) for role in ("reader", "admin")}
    server = ServerProcess(data, "--demo").start()
    yield server, tokens
    server.stop()


def _state(server: ServerProcess, token: str) -> dict:
    response = HTTP.post(
        f"{server.url}/graphql", json={"query": STATE}, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    return response.json()["data"]


@pytest.fixture(scope="module")
def operations(fuzzed) -> dict:
    """The live server's schema, loaded by schemathesis through introspection."""
    import schemathesis  # here, not at collection: every worker collects this file, one runs it

    schemathesis.graphql.scalar("JSON", _json_values())
    server, tokens = fuzzed
    schema = schemathesis.graphql.from_url(
        f"{server.url}/graphql", headers={"Authorization": f"Bearer {tokens['reader']}"}, timeout=60
    )
    found = {op.label: op for op in (result.ok() for result in schema.get_all_operations())}
    assert set(found) == set(LABELS), set(found) ^ set(LABELS)
    return found


# schemathesis's labels of the operations, "Query.field" and "Mutation.field", from the committed schema (which a
# test keeps equal to the server's): the `operations` fixture fails on a label the live schema lacks.
_SCHEMA = graphql.build_schema((Path(__file__).parents[1] / "schema.graphql").read_text())
LABELS = [
    f"{root.name}.{field}" for root in (_SCHEMA.query_type, _SCHEMA.mutation_type) if root for field in root.fields
]


@pytest.fixture(scope="module")
def before(fuzzed):
    server, tokens = fuzzed
    return _state(server, tokens["admin"])


@pytest.mark.parametrize("label", LABELS)
def test_generated_operations_as_a_reader(label, operations, fuzzed, before):
    server, tokens = fuzzed
    headers = {"Authorization": f"Bearer {tokens['reader']}"}

    @given(case=operations[label].as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        response = HTTP.post(f"{server.url}/graphql", json={"query": case.body}, headers=headers, timeout=60)
        assert response.status_code < 500, response.text[:2000]
        for error in response.json().get("errors") or []:
            code = (error.get("extensions") or {}).get("code")
            assert code != "INTERNAL_SERVER_ERROR", (case.body, error)
            assert not any(leak in error["message"] for leak in LEAKS), error

    check()


def test_the_reader_changed_nothing(fuzzed, before):
    server, tokens = fuzzed
    assert _state(server, tokens["admin"]) == before
