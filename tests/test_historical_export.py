"""exportHistoricalFeatures: the same table as historicalFeatures, as a Parquet file only its maker may download."""

from __future__ import annotations

import io
import os
import re
import time
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from server.app import create_app, create_services
from server.auth.roles import Role
from server.auth.tokens import TokenError
from server.config import load_settings
from server.services.demo import load_demo_gold_layer
from server.services.errors import InputErrors
from server.services.exports import STRAY_SECONDS, ExportStore
from server.services.feature_values import ColumnRecord
from tests.support.client import local_client
from tests.support.graphql import app_with_limits, customer_view_input, gql, register_view, unique
from tests.support.historical import BASE, oracle, random_feature_rows, register, write_table

EXPORT = """
mutation($input: HistoricalFeaturesInput!) {
  exportHistoricalFeatures(input: $input) {
    export { id format url rowCount bytes columns { name dtype } createdAt expiresAt }
    userErrors { field message code }
  }
}
"""
HISTORICAL_COLUMNS = (
    "query($input: HistoricalFeaturesInput!) { historicalFeatures(input: $input) { columns { name dtype } rows } }"
)


def _export(client: TestClient, request: dict, headers: dict | None = None) -> dict:
    response = client.post("/graphql", json={"query": EXPORT, "variables": {"input": request}}, headers=headers or {})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["exportHistoricalFeatures"]


def _download(client: TestClient, url: str, token: str | None = None):
    return client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})


def _files(directory) -> set[str]:
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


@pytest.fixture(scope="module")
def drivers(client, services):
    """A driver view over random rows, and 250 entity rows at random times (as in test_historical)."""
    return _drivers(client, services)


@pytest.fixture(scope="module")
def engine_drivers(gold_backend):
    """The same on every gold layer and offline engine (embedded, lakehouse with DuckDB, with Trino)."""
    client, services = gold_backend
    return client, *_drivers(client, services)


def _drivers(client, services):
    rng = np.random.default_rng(7)
    table, view = unique("export_drivers"), unique("export_drivers_view")
    features = random_feature_rows(rng, drivers=12, rows=400)
    write_table(services, table, features)
    register(client, view, table, 3 * 86400)
    entities = pd.DataFrame(
        {
            "driver_id": rng.integers(1, 15, 250),
            "event_timestamp": [BASE + timedelta(seconds=int(s)) for s in rng.integers(-86400, 32 * 86400, 250)],
        }
    )
    return view, features, entities


def _entities(frame: pd.DataFrame) -> dict:
    return {
        "driver_id": [int(d) for d in frame["driver_id"]],
        "event_timestamp": [t.isoformat() for t in frame["event_timestamp"]],
    }


def test_the_export_holds_what_historical_features_returns(engine_drivers):
    client, view, features, entities = engine_drivers
    request = {
        "features": [f"{view}:rating", f"{view}:trips"],
        "entities": _entities(entities),
        "fullFeatureNames": True,
        "limit": 200,
    }
    as_json = gql(client, HISTORICAL_COLUMNS, {"input": request}).data["historicalFeatures"]
    payload = _export(client, request)
    assert payload["userErrors"] == []
    export = payload["export"]
    assert re.fullmatch(r"[0-9a-f]{32}", export["id"])
    assert export["url"] == f"/exports/{export['id']}.parquet"
    assert export["format"] == "PARQUET"
    assert export["rowCount"] == 200
    assert export["columns"] == as_json["columns"]
    names = ["driver_id", "event_timestamp", f"{view}__rating", f"{view}__trips"]
    assert [c["name"] for c in export["columns"]] == names
    created, expires = datetime.fromisoformat(export["createdAt"]), datetime.fromisoformat(export["expiresAt"])
    assert expires - created == timedelta(seconds=3600)

    response = _download(client, export["url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert int(response.headers["content-length"]) == len(response.content) == export["bytes"]
    assert response.headers["content-disposition"] == f'attachment; filename="{export["id"]}.parquet"'
    assert response.headers["cache-control"] == "no-store"

    table = pq.read_table(io.BytesIO(response.content))
    assert table.column_names == names
    assert table.schema.types == [pa.int64(), pa.timestamp("us", tz="UTC"), pa.float64(), pa.int64()]
    assert table.schema.metadata is None or b"pandas" not in table.schema.metadata  # no stale index from Feast
    rows = [list(r.values()) for r in table.to_pylist()]
    assert len(rows) == len(as_json["rows"]) == 200
    for mine, theirs in zip(rows, as_json["rows"], strict=True):
        assert mine[0] == theirs[0]
        assert mine[1] == datetime.fromisoformat(theirs[1])
        assert mine[2:] == theirs[2:]

    expected = oracle(features, entities, 3 * 86400).head(200)
    frame = table.to_pandas()
    assert list(frame["driver_id"]) == list(expected["driver_id"])
    assert list(frame["event_timestamp"]) == list(expected["event_timestamp"])
    for ours, theirs in ((f"{view}__rating", "rating"), (f"{view}__trips", "trips")):
        assert np.allclose(frame[ours].astype(float), expected[theirs].astype(float), rtol=0, atol=0, equal_nan=True)


def test_a_feature_service_and_entity_rows_export_too(client, drivers):
    view, _, entities = drivers
    service = unique("export_service")
    created = gql(
        client,
        "mutation($i: CreateFeatureServiceInput!) { createFeatureService(input: $i) { userErrors { code } } }",
        {"i": {"name": service, "featureViews": [{"name": view, "features": ["trips"]}]}},
    ).data["createFeatureService"]
    assert created["userErrors"] == []
    rows = [{"driver_id": int(d), "event_timestamp": t.isoformat()} for d, t in entities.head(20).values]
    request = {"featureService": service, "entities": rows}
    as_json = gql(client, HISTORICAL_COLUMNS, {"input": request}).data["historicalFeatures"]
    export = _export(client, request)["export"]
    table = pq.read_table(io.BytesIO(_download(client, export["url"]).content))
    assert table.column_names == ["driver_id", "event_timestamp", "trips"]
    assert [r["trips"] for r in table.to_pylist()] == [r[2] for r in as_json["rows"]]


def test_bad_input_is_a_user_error_and_writes_no_file(client, settings, services, drivers):
    view = drivers[0]
    base = {"features": [f"{view}:trips"], "entities": {"driver_id": [1], "event_timestamp": ["2026-03-05T00:00:00Z"]}}
    cases = [
        ({"entities": {"driver_id": [1], "event_timestamp": ["2026-03-05T00:00:00"]}}, ["entities", "event_timestamp"]),
        ({"entities": {"driver_id": [1], "event_timestamp": ["yesterday"]}}, ["entities", "event_timestamp"]),
        ({"entities": {"driver_id": [1]}}, ["entities", "event_timestamp"]),
        ({"entities": {"event_timestamp": ["2026-03-05T00:00:00Z"]}}, ["entities", "driver_id"]),
        ({"entities": {"driver_id": ["1"], "event_timestamp": ["2026-03-05T00:00:00Z"]}}, ["entities", "driver_id"]),
        ({"entities": []}, ["entities"]),
        ({"entities": {"driver_id": [2**64], "event_timestamp": ["2026-03-05T00:00:00Z"]}}, ["entities", "driver_id"]),
        ({"limit": 100_001}, ["limit"]),
        ({"limit": 0}, ["limit"]),
        ({"features": [f"{view}:nope"]}, ["features", "0"]),
        ({"features": ["no_such_view:trips"]}, ["features", "0"]),
        ({"features": None}, ["features"]),
    ]
    directory = settings.data_dir / "exports"
    before = _files(directory)
    for changes, field in cases:
        payload = _export(client, base | changes)
        assert payload["export"] is None, changes
        [error] = payload["userErrors"]
        assert error["field"] == field, (changes, error)
        assert error["code"] == (
            "NOT_FOUND" if "nope" in str(changes) or "no_such" in str(changes) else "INVALID_VALUE"
        )
        assert error["message"]
    customer_view = unique("export_capped")
    register_view(client, customer_view_input(customer_view))
    with app_with_limits(settings, services, max_historical_rows=5) as small:
        request = {
            "features": [f"{customer_view}:total_orders"],
            "entities": {"customer_id": list(range(6)), "event_timestamp": ["2026-01-02T00:00:00Z"] * 6},
        }
        capped = small.post("/graphql", json={"query": EXPORT, "variables": {"input": request}}).json()
    assert capped["data"] is None
    assert capped["errors"][0]["extensions"] == {"code": "LIMIT_EXCEEDED", "field": "entities"}
    assert "at most 5" in capped["errors"][0]["message"]
    assert _files(directory) == before


def test_an_expired_export_is_gone(client, settings, services, drivers, monkeypatch):
    view = drivers[0]
    request = {
        "features": [f"{view}:trips"],
        "entities": {"driver_id": [1], "event_timestamp": ["2026-03-05T00:00:00Z"]},
    }
    directory = settings.data_dir / "exports"
    # The store's clock, not the machine's: a slow machine must not expire an export before it is checked.
    now = [services.exports.clock()]
    monkeypatch.setattr(services.exports, "clock", lambda: now[0])
    with local_client(create_app(replace(settings, export_ttl_seconds=60), services)) as short:
        first, second = _export(short, request)["export"], _export(short, request)["export"]
        assert {f"{first['id']}.parquet", f"{first['id']}.json"} <= _files(directory)
        now[0] += timedelta(seconds=59)
        assert _download(short, first["url"]).status_code == 200
        now[0] += timedelta(seconds=1)
        # asked for: 404, and deleted on the spot
        gone = _download(short, first["url"])
        assert gone.status_code == 404
        assert gone.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert not any(name.startswith(first["id"]) for name in _files(directory))
        # not asked for: deleted when the next export is made
        assert any(name.startswith(second["id"]) for name in _files(directory))
        third = _export(client, request)["export"]
        assert not any(name.startswith(second["id"]) for name in _files(directory))
    assert _download(client, third["url"]).status_code == 200


def test_unknown_and_traversal_looking_ids_are_404(client, settings):
    (settings.data_dir / "secret.parquet").write_bytes(b"not for you")
    for url in (
        f"/exports/{'0' * 32}.parquet",
        f"/exports/{'A' * 32}.parquet",
        "/exports/..%2Fsecret.parquet",
        "/exports/%2E%2E%2Fsecret.parquet",
        "/exports/....parquet",
        "/exports/..%5Csecret.parquet",
        "/exports/secret.parquet",
        "/exports/.parquet",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"not for you" not in response.content


def test_startup_deletes_expired_exports_and_crash_leftovers(tmp_path):
    store = ExportStore(tmp_path, max_bytes=10**9)
    table = pa.table({"k": [1, 2, 3]})
    columns = [ColumnRecord("k", None)]
    kept = store.save("ann", table, columns, ttl_seconds=3600)
    expired = store.save("ann", table, columns, ttl_seconds=1)
    leftover = tmp_path / ".0123456789abcdef0123456789abcdef.parquet.tmp"
    orphan = tmp_path / f"{'f' * 32}.parquet"
    for path in (leftover, orphan):
        path.write_bytes(b"partial")
        os.utime(path, (time.time() - STRAY_SECONDS - 1,) * 2)
    fresh = tmp_path / f".{'e' * 32}.parquet.tmp"  # a write in progress elsewhere
    fresh.write_bytes(b"partial")
    time.sleep(1.1)
    ExportStore(tmp_path, max_bytes=10**9).sweep()  # what create_services does at startup
    assert _files(tmp_path) == {f"{kept.id}.parquet", f"{kept.id}.json", fresh.name}
    assert expired.id not in str(_files(tmp_path))


def test_a_sweep_leaves_files_that_are_not_exports_alone(tmp_path):
    """A location shared with other files (a mistake, or a bucket's prefix) keeps them, however old."""
    for name in ("jobs.db", "notes.json", "abc.parquet", f"{'0' * 31}.json"):
        (tmp_path / name).write_bytes(b"keep me")
        os.utime(tmp_path / name, (time.time() - STRAY_SECONDS - 3600,) * 2)
    stray = tmp_path / f"{'a' * 32}.parquet"  # an export's data without its metadata: a crash's leftover
    stray.write_bytes(b"partial")
    os.utime(stray, (time.time() - STRAY_SECONDS - 1,) * 2)
    ExportStore(tmp_path, max_bytes=10**9).sweep()
    assert _files(tmp_path) == {"jobs.db", "notes.json", "abc.parquet", f"{'0' * 31}.json"}


@pytest.mark.parametrize("where", ["local", "s3"])
def test_above_the_byte_cap_the_oldest_exports_go_first(tmp_path, where):
    if where == "s3":  # the prefix replicas share (ASGARD_EXPORT_LOCATION=s3://...)
        from tests.support.lakehouse import require

        env = require("ASGARD_TEST_WAREHOUSE", "ASGARD_TEST_S3_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_REGION")
        root, endpoint = f"{env['ASGARD_TEST_WAREHOUSE']}exports-test/{tmp_path.name}", env["ASGARD_TEST_S3_ENDPOINT"]
    else:
        root, endpoint = str(tmp_path), ""

    def store_at(name: str, max_bytes: int) -> ExportStore:
        return ExportStore(f"{root}/{name}", max_bytes=max_bytes, s3_endpoint=endpoint)

    def names(store: ExportStore) -> set[str]:
        from pyarrow import fs

        return {f.base_name for f in store.fs.get_file_info(fs.FileSelector(store.root, allow_not_found=True))}

    table = pa.table({"k": np.arange(1000)})
    size = store_at("probe", 10**9).save("x", table, [], 60).size_bytes
    store = store_at("capped", int(size * 2.5))
    made = [store.save("ann", table, [], 60) for _ in range(3)]
    assert [store.get(e.id) is not None for e in made] == [False, True, True]
    assert names(store) == {f"{e.id}.{kind}" for e in made[1:] for kind in ("parquet", "json")}
    assert pq.read_table(pa.BufferReader(store.open(made[2]).read())).equals(table)
    tiny = store_at("tiny", size - 1)
    with pytest.raises(InputErrors) as refused:
        tiny.save("ann", table, [], 60)
    assert refused.value.errors[0].code.value == "LIMIT_EXCEEDED"
    assert names(tiny) == set()


# ---- with tokens: only the export's maker, or an admin, may download it ------------------------


@pytest.fixture(scope="module")
def secured(tmp_path_factory):
    settings = load_settings(env={}, data_dir=tmp_path_factory.mktemp("secured-exports"), registry_cache_seconds=0.5)
    services = create_services(settings)
    load_demo_gold_layer(services.gold)
    tokens = {
        name: services.tokens.create(name, role)
        for name, role in (("ann", Role.READER), ("bob", Role.READER), ("tia", Role.TRAINER), ("root", Role.ADMIN))
    }
    with local_client(create_app(settings, services)) as client:
        view = unique("secured_export")
        headers = {"Authorization": f"Bearer {tokens['root']}"}
        response = client.post(
            "/graphql",
            json={
                "query": "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { userErrors { code } } }",
                "variables": {"i": customer_view_input(view)},
            },
            headers=headers,
        )
        assert response.json()["data"]["registerFeatureView"]["userErrors"] == []
        yield client, tokens, view, services


def test_only_the_maker_or_an_admin_may_download(secured):
    client, tokens, view, _ = secured
    request = {
        "features": [f"{view}:total_orders", f"{view}:total_spent"],
        "entities": {"customer_id": [1, 2, 3], "event_timestamp": ["2026-01-02T00:00:00Z"] * 3},
    }
    unauthenticated = client.post("/graphql", json={"query": EXPORT, "variables": {"input": request}})
    assert unauthenticated.status_code == 401
    export = _export(client, request, {"Authorization": f"Bearer {tokens['ann']}"})["export"]
    assert export["rowCount"] == 3
    no_token = _download(client, export["url"])
    assert no_token.status_code == 401
    assert no_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert _download(client, export["url"], "asg_000000000000_" + "x" * 43).status_code == 401
    for other in ("bob", "tia"):
        refused = _download(client, export["url"], tokens[other])
        assert refused.status_code == 404, other
        # the same answer as for an id that never existed: nothing tells them it exists
        assert refused.content == _download(client, f"/exports/{'0' * 32}.parquet", tokens[other]).content
    for allowed in ("ann", "root"):
        response = _download(client, export["url"], tokens[allowed])
        assert response.status_code == 200, allowed
        assert pq.read_table(io.BytesIO(response.content)).num_rows == 3
    head = client.head(export["url"], headers={"Authorization": f"Bearer {tokens['ann']}"})
    assert head.status_code == 200 and int(head.headers["content-length"]) == export["bytes"]


def test_exports_belong_to_the_token_not_its_name(secured):
    client, tokens, view, services = secured
    request = {
        "features": [f"{view}:total_orders"],
        "entities": {"customer_id": [1], "event_timestamp": ["2026-01-02T00:00:00Z"]},
    }
    old = services.tokens.create("carl", Role.READER)
    export = _export(client, request, {"Authorization": f"Bearer {old}"})["export"]
    assert _download(client, export["url"], old).status_code == 200
    services.tokens.revoke("carl")
    assert _download(client, export["url"], old).status_code == 401
    with pytest.raises(TokenError, match="are not reused"):
        services.tokens.create("carl", Role.READER)  # so no later token can pass for the maker
    assert _download(client, export["url"], tokens["root"]).status_code == 200
