"""Materializing views and the online-read oracle (the helpers of the serving tests)."""

from __future__ import annotations

import time

import pandas as pd

from tests.support.graphql import gql

MATERIALIZE = """
mutation($input: MaterializeInput!) {
  materialize(input: $input) {
    operation { id status featureViews start end incremental rowsWritten }
    userErrors { field message code }
  }
}
"""


OPERATION = "query($id: ID!) { materialization(id: $id) { id status rowsWritten error finishedAt } }"


START, END = "2025-12-31T00:00:00+00:00", "2026-01-08T00:00:00+00:00"


def materialize(client, views, **fields) -> dict:
    payload = gql(client, MATERIALIZE, {"input": {"featureViews": views} | fields}).data["materialize"]
    assert payload["userErrors"] == [], payload
    deadline = time.monotonic() + 120
    while True:
        op = gql(client, OPERATION, {"id": payload["operation"]["id"]}).data["materialization"]
        if op["status"] != "RUNNING":
            return op
        assert time.monotonic() < deadline
        time.sleep(0.2)


def latest_rows(services) -> pd.DataFrame:
    """The oracle: each customer's latest row of the gold table."""
    frame = services.gold.catalog().load_table(("gold", "customer_aggregates")).scan().to_pandas()
    return frame.sort_values("updated_at").groupby("customer_id").tail(1).set_index("customer_id")


def count_compiled(monkeypatch) -> list[bool]:
    """Whether each request the compiled path (server/online_fast_path.py) looked at was answered by it
    (True) or left to the generic pipeline; appended to as requests come in."""
    from server.online_fast_path import OnlineFastPath

    answered: list[bool] = []
    real = OnlineFastPath.run

    async def counted(self, plan, context, variables):
        result = await real(self, plan, context, variables)
        answered.append(result is not None)
        return result

    monkeypatch.setattr(OnlineFastPath, "run", counted)
    return answered
