"""Entity rows: a cap per field and one budget per HTTP request, refused before any backend work."""

from __future__ import annotations

import time

import pytest
from graphql import parse

from server.config import Limits, load_settings
from server.schema.build import build_schema
from tests.support.graphql import app_with_limits, customer_view_input, register_view, unique

ONLINE_QUERY = """
query($input: OnlineFeaturesInput!) { onlineFeatures(input: $input) { rows } }
"""


@pytest.fixture(scope="module")
def view(client):
    name = unique("budget_view")
    assert register_view(client, customer_view_input(name))["userErrors"] == []
    return name


@pytest.fixture
def backend_calls(services, monkeypatch):
    """Every call that reaches the feature store, counted."""
    calls: list[str] = []
    serving = services.serving
    for method in ("online", "historical", "historical_table"):
        original = getattr(serving, method)

        def counted(*args, _original=original, _name=method, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(serving, method, counted)
    return calls


def _codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


def test_online_reads_are_capped_at_10000_rows(client, view, backend_calls):
    features = [f"{view}:total_orders"]
    over = {"features": features, "entities": {"customer_id": list(range(1, 10_002))}}
    started = time.perf_counter()
    body = client.post("/graphql", json={"query": ONLINE_QUERY, "variables": {"input": over}}).json()
    assert time.perf_counter() - started < 1.0
    assert _codes(body) == ["LIMIT_EXCEEDED"] and body["data"] is None
    assert "ASGARD_MAX_ONLINE_ROWS" in body["errors"][0]["message"]
    as_rows = {"features": features, "entities": [{"customer_id": i} for i in range(1, 10_002)]}
    body = client.post("/graphql", json={"query": ONLINE_QUERY, "variables": {"input": as_rows}}).json()
    assert _codes(body) == ["LIMIT_EXCEEDED"]
    assert backend_calls == []
    at_cap = {"features": features, "entities": {"customer_id": list(range(1, 10_001))}}
    body = client.post("/graphql", json={"query": ONLINE_QUERY, "variables": {"input": at_cap}}).json()
    assert "errors" not in body and len(body["data"]["onlineFeatures"]["rows"]) == 10_000


def _historical_batch(view: str, aliases: int, operations: int, rows: int) -> list[dict]:
    fields = " ".join(f"h{i}: historicalFeatures(input: $input) {{ rows }}" for i in range(aliases))
    entities = {"customer_id": list(range(1, rows + 1)), "event_timestamp": ["2026-01-05T00:00:00Z"] * rows}
    variables = {"input": {"features": [f"{view}:total_orders"], "entities": entities}}
    query = f"query($input: HistoricalFeaturesInput!) {{ {fields} }}"
    return [{"query": query, "variables": variables}] * operations


def test_aliases_times_batched_operations_share_one_budget(client, view, backend_calls):
    """15 aliases x 10 operations x 10,000 rows: 1.5 million rows asked of a 100,000-row budget."""
    batch = _historical_batch(view, aliases=15, operations=10, rows=10_000)
    started = time.perf_counter()
    response = client.post("/graphql", json=batch)
    assert time.perf_counter() - started < 1.0
    answers = response.json()
    assert len(answers) == 10 and all(_codes(a) == ["LIMIT_EXCEEDED"] for a in answers)
    assert "ASGARD_MAX_REQUEST_ROWS" in answers[0]["errors"][0]["message"]
    one = client.post("/graphql", json=batch[0]).json()  # a single operation of 150,000 rows
    assert _codes(one) == ["LIMIT_EXCEEDED"]
    assert backend_calls == []


def test_a_budget_just_met_runs_and_one_row_more_does_not(settings, services, view, backend_calls):
    with app_with_limits(settings, services, max_request_rows=40, max_historical_rows=20) as small:
        ok = small.post("/graphql", json=_historical_batch(view, aliases=2, operations=2, rows=10)).json()
        assert all("errors" not in a for a in ok), ok
        assert backend_calls.count("historical") == 4
        over = small.post("/graphql", json=_historical_batch(view, aliases=3, operations=2, rows=7)).json()
        assert all(_codes(a) == ["LIMIT_EXCEEDED"] for a in over)
        assert backend_calls.count("historical") == 4
        field_cap = small.post("/graphql", json=_historical_batch(view, aliases=1, operations=1, rows=21)).json()
        assert _codes(field_cap[0]) == ["LIMIT_EXCEEDED"]
        assert "ASGARD_MAX_HISTORICAL_ROWS" in field_cap[0]["errors"][0]["message"]
        mixed = [
            _historical_batch(view, aliases=1, operations=1, rows=20)[0],
            {
                "query": ONLINE_QUERY,
                "variables": {"input": {"features": [f"{view}:total_orders"], "entities": {"customer_id": [1] * 21}}},
            },
        ]
        assert all(_codes(a) == ["LIMIT_EXCEEDED"] for a in small.post("/graphql", json=mixed).json())
        assert backend_calls.count("historical") == 4


def test_predict_and_exports_count_their_rows(settings, services, backend_calls):
    with app_with_limits(settings, services, max_online_rows=5, max_historical_rows=5) as small:
        predict = (
            'mutation { predict(input: {model: "m", entities: {customer_id: [1, 2, 3, 4, 5, 6]}}) { predictions } }'
        )
        assert _codes(small.post("/graphql", json={"query": predict}).json()) == ["LIMIT_EXCEEDED"]
        rows = "[" + ", ".join(["{a: 1}"] * 6) + "]"
        predict_rows = f'mutation {{ predict(input: {{model: "m", rows: {rows}}}) {{ predictions }} }}'
        assert _codes(small.post("/graphql", json={"query": predict_rows}).json()) == ["LIMIT_EXCEEDED"]
        export = (
            'mutation { exportHistoricalFeatures(input: {features: ["x:y"], '
            'entities: {customer_id: [1, 2, 3, 4, 5, 6], event_timestamp: ["2026-01-01T00:00:00Z"]}}) { export { id } } }'
        )
        assert _codes(small.post("/graphql", json={"query": export}).json()) == ["LIMIT_EXCEEDED"]
    assert backend_calls == []


def test_rows_are_counted_from_the_document_and_its_variables():
    from server.schema.row_budget import HISTORICAL, ONLINE, RowField, refusal, row_count, row_fields

    schema = build_schema()._schema
    document = parse(
        """
        query($e: JSON!, $f: [String!]) {
          a: onlineFeatures(input: {features: $f, entities: $e}) { rows }
          ...More
        }
        fragment More on Query { b: historicalFeatures(input: {entities: {id: [1, 2, 3], event_timestamp: ["t"]}}) { rows } }
        """
    )
    fields = row_fields(schema, document, None, {"e": [{"id": 1}, {"id": 2}]})
    defaults = parse("query($e: JSON = [{id: 1}, {id: 2}, {id: 3}]) { onlineFeatures(input: {entities: $e}) { rows } }")
    assert row_fields(schema, defaults, None, None) == [RowField("onlineFeatures", ONLINE, 3)]
    assert row_fields(schema, defaults, None, {"e": [{"id": 1}]}) == [RowField("onlineFeatures", ONLINE, 1)]
    assert sorted(fields, key=lambda f: f.name) == [RowField("a", ONLINE, 2), RowField("b", HISTORICAL, 3)]
    assert row_count({"id": [1, 2], "x": 5}) == 2 and row_count("nonsense") == 0 and row_count([]) == 0
    limits = Limits(max_online_rows=2, max_historical_rows=3, max_request_rows=5)
    assert refusal(fields, limits) is None
    assert refusal(fields, limits, spent_before=1) is not None
    assert refusal([RowField("a", ONLINE, 3)], limits) is not None


def test_the_request_budget_defaults_to_the_historical_cap():
    assert load_settings(env={}).limits.max_request_rows == 100_000
    assert load_settings(env={"ASGARD_MAX_HISTORICAL_ROWS": "500"}).limits.max_request_rows == 500
    assert load_settings(env={"ASGARD_MAX_REQUEST_ROWS": "7"}).limits.max_request_rows == 7
    assert load_settings(env={}).limits.max_online_rows == 10_000


def test_a_compiled_online_query_keeps_the_cap(client, view, backend_calls):
    """The compiled path (server/online_fast_path.py) takes a document that ran clean once: not past a cap."""
    query = ONLINE_QUERY.replace("query(", "query CappedOnline(")
    small = {"features": [f"{view}:total_orders"], "entities": {"customer_id": [1001]}}
    for _ in range(2):
        body = client.post("/graphql", json={"query": query, "variables": {"input": small}}).json()
        assert "errors" not in body
    calls = len(backend_calls)
    over = small | {"entities": {"customer_id": list(range(10_001))}}
    body = client.post("/graphql", json={"query": query, "variables": {"input": over}}).json()
    assert _codes(body) == ["LIMIT_EXCEEDED"]
    assert len(backend_calls) == calls


def test_default_variable_values_count_too(settings, services, view, backend_calls):
    """Rows given as a variable's default in the document run like any others: they are counted."""
    stamps = ", ".join(['"2026-01-05T00:00:00Z"'] * 7)
    entities = f"{{customer_id: [1, 2, 3, 4, 5, 6, 7], event_timestamp: [{stamps}]}}"
    query = (
        f'query($i: HistoricalFeaturesInput! = {{features: ["{view}:total_orders"], entities: {entities}}}) '
        "{ a: historicalFeatures(input: $i) { rows } b: historicalFeatures(input: $i) { rows } }"
    )
    whole = f'query($e: JSON! = {entities}) {{ historicalFeatures(input: {{features: ["{view}:total_orders"], entities: $e}}) {{ rows }} }}'
    with app_with_limits(settings, services, max_request_rows=12, max_historical_rows=20, max_online_rows=5) as small:
        assert _codes(small.post("/graphql", json={"query": query}).json()) == ["LIMIT_EXCEEDED"]
        online = f'query($e: JSON! = {{customer_id: [1, 2, 3, 4, 5, 6]}}) {{ onlineFeatures(input: {{features: ["{view}:total_orders"], entities: $e}}) {{ rows }} }}'
        assert _codes(small.post("/graphql", json={"query": online}).json()) == ["LIMIT_EXCEEDED"]
        assert "errors" not in small.post("/graphql", json={"query": whole}).json()
    assert backend_calls.count("online") == 0 and backend_calls.count("historical") == 1


def test_operations_running_at_once_share_their_connections_budget(settings, services, view):
    """A websocket's operations in flight draw on one budget (as an HTTP batch does)."""
    import asyncio

    from server.context import Context

    schema = build_schema(Limits(max_request_rows=12, max_historical_rows=20))
    stamps = ", ".join(['"2026-01-05T00:00:00Z"'] * 10)
    entities = f"{{customer_id: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], event_timestamp: [{stamps}]}}"
    query = f'{{ historicalFeatures(input: {{features: ["{view}:total_orders"], entities: {entities}}}) {{ rows }} }}'
    from server.auth.roles import LOCAL_ADMIN

    busy = Context(services=services, settings=settings, principal=LOCAL_ADMIN, rows_in_flight=5)
    refused = asyncio.run(schema.execute(query, context_value=busy))
    assert [e.extensions["code"] for e in refused.errors or []] == ["LIMIT_EXCEEDED"]
    idle = Context(services=services, settings=settings, principal=LOCAL_ADMIN)
    assert asyncio.run(schema.execute(query, context_value=idle)).errors is None
    assert idle.rows_in_flight == 0  # given back when the operation ended
