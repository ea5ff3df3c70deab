"""MLflow's search grammar and paging helpers (server/services/mlflow_client.py)."""

from __future__ import annotations

from server.services.mlflow_client import IN_CHUNK, chunks, in_filter, page_token, quote


def test_mlflow_search_grammar():
    assert quote("it's") == "'it\\'s'" and quote("a\\b") == "'a\\\\b'"
    assert in_filter("run_id", ["a", "b'"]) == "run_id IN ('a', 'b\\'')"
    ids = [str(i) for i in range(IN_CHUNK * 2 + 1)]
    assert [len(c) for c in chunks(ids)] == [IN_CHUNK, IN_CHUNK, 1]
    assert page_token(b"abc") == "abc" and page_token("") is None and page_token(None) is None
