"""A start of the feature registry from its records file (server/services/record_file.py): where the file holds
a record of everything the registry stores, reads are answered from it before Feast's store is open, with
every field as Feast's own conversion gives it; a registry changed since, or a damaged file, is converted by
Feast, at the start, as before the file existed."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from feast import FeatureStore

from server.config import load_settings
from server.services import feast_objects as fo
from server.services import feature_registry, record_file
from server.services.demo import load_demo_gold_layer
from server.services.dtypes import FeatureDtype
from server.services.feature_registry import RECORDS_FILE, FeatureRegistry
from server.services.gold_catalog import GoldCatalog
from server.services.registry_records import (
    FeatureServiceSpec,
    FeatureSpec,
    FeatureViewSpec,
    ProjectionSpec,
    RegistrySnapshot,
    SourceSpec,
)


def _view(name: str, online: bool) -> FeatureViewSpec:
    return FeatureViewSpec(
        name=name,
        entities=("customer_id",),
        features=(
            FeatureSpec("total_orders", FeatureDtype.INT64, "Orders so far"),
            FeatureSpec("total_spent", FeatureDtype.FLOAT64),
        ),
        source=SourceSpec("gold.customer_aggregates", "updated_at"),
        ttl_seconds=90000,
        online=online,
        description="for the records file",
        tags=(("team", "growth"),),
        owner="ml@example.com",
    )


def _everything(snap: RegistrySnapshot) -> bytes:
    """Every record with every field (times and materialized intervals, which equality leaves out)."""
    return orjson.dumps(
        {kind: {n: record_file.encode(r) for n, r in sorted(rows.items())} for kind, rows in vars(snap).items()}
    )


def _feasts_own(settings) -> bytes:
    """The registry as the Feast SDK lists it, made records of (the oracle)."""
    store = FeatureStore(repo_path=str(settings.feast_repo_path))
    entities = {e.name: fo.entity_record(e) for e in store.list_entities()}
    join_keys = {e.join_key for e in entities.values()}
    views = {v.name: fo.feature_view_record(v, join_keys) for v in store.list_feature_views()}
    services = {s.name: fo.feature_service_record(s) for s in store.list_feature_services()}
    return _everything(RegistrySnapshot(entities=entities, views=views, services=services))


def _current_file(settings, gold) -> None:
    """The records file of the registry as it is now: a start and a stop of the registry write it."""
    FeatureRegistry(settings, gold).close()


class HeldOpen:
    """Feast's store, opened in the background only once released (a start opens it on its own thread)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.released, self.threads = threading.Event(), []
        real = FeatureRegistry._open_feast

        def held(registry: FeatureRegistry) -> FeatureStore:
            self.threads.append(threading.current_thread().name)
            if threading.current_thread() is not threading.main_thread():
                assert self.released.wait(60)
            return real(registry)

        monkeypatch.setattr(FeatureRegistry, "_open_feast", held)


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, GoldCatalog]:
    """A registry with entities, views (one materialized) and a feature service, stopped (its file written)."""
    settings = load_settings(env={}, data_dir=tmp_path_factory.mktemp("records-file"), registry_cache_seconds=0.5)
    gold = GoldCatalog(settings)
    load_demo_gold_layer(gold)
    registry = FeatureRegistry(settings, gold)
    registry.register_feature_view(_view("rf_online", online=True))
    registry.register_feature_view(_view("rf_offline", online=False))
    registry.create_feature_service(
        FeatureServiceSpec("rf_service", (ProjectionSpec("rf_online", ("total_spent",)), ProjectionSpec("rf_offline")))
    )
    end = datetime(2026, 1, 2, tzinfo=UTC)
    registry.materialize(["rf_online"], end - timedelta(days=1), end)
    converted = registry.snapshot(max_age=0)
    assert converted.views["rf_online"].materialized and converted.entities
    assert _everything(converted) == _feasts_own(settings)
    registry.close()
    assert (registry.repo_path / RECORDS_FILE).exists()
    return settings, gold


def test_a_start_answers_from_the_file_before_feast_opens_with_every_field(stopped, monkeypatch):
    settings, gold = stopped
    converted = _feasts_own(settings)
    held = HeldOpen(monkeypatch)
    registry = FeatureRegistry(settings, gold)
    try:
        assert not registry.feast_open and held.threads == ["asgard-feast-open"]
        assert _everything(registry.snapshot()) == converted
        assert _everything(registry.snapshot(max_age=0)) == converted  # read again: the same records, no Feast
        assert not registry.feast_open
        held.released.set()
        assert registry.store.get_feature_view("rf_online").name == "rf_online"  # waits for the open
        record, _ = registry.register_feature_view(_view("rf_later", online=True))
        assert record.name == "rf_later" and registry.feast_open
    finally:
        held.released.set()
        registry.close()
        FeatureStore(repo_path=str(registry.repo_path)).delete_feature_view("rf_later")


def test_a_registry_changed_since_the_file_is_converted_by_feast_at_the_start(stopped, monkeypatch):
    settings, gold = stopped
    path = Path(settings.feast_repo_path) / RECORDS_FILE
    kept = path.read_bytes()
    other = FeatureStore(repo_path=str(settings.feast_repo_path))  # another writer, while the server is down
    view = other.get_feature_view("rf_offline")
    view.description = "changed while the server was down"
    other.apply([view])
    try:
        held = HeldOpen(monkeypatch)
        registry = FeatureRegistry(settings, gold)
        assert held.threads == ["MainThread"] and registry.feast_open  # opened at the start, not in the background
        assert registry.snapshot().views["rf_offline"].description == "changed while the server was down"
        registry.close()  # and the file now has the new record: the next start is answered from it again
        again = FeatureRegistry(settings, gold)
        assert held.threads == ["MainThread", "asgard-feast-open"] and not again.feast_open
        assert again.snapshot().views["rf_offline"].description == "changed while the server was down"
        held.released.set()
        again.close()
    finally:
        view.description = "for the records file"
        other.apply([view])
        path.write_bytes(kept)
        _current_file(settings, gold)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"fingerprint": "x", "records": {}}', None])
def test_a_damaged_or_missing_file_is_converted_by_feast_at_the_start(stopped, monkeypatch, caplog, damage):
    settings, gold = stopped
    converted = _feasts_own(settings)
    path = Path(settings.feast_repo_path) / RECORDS_FILE
    kept = path.read_bytes()
    try:
        if damage is None:
            path.unlink()
        else:
            path.write_bytes(damage)
        held = HeldOpen(monkeypatch)
        with caplog.at_level(logging.WARNING, logger="server.services.record_file"):
            registry = FeatureRegistry(settings, gold)
        assert held.threads == ["MainThread"] and registry.feast_open
        assert _everything(registry.snapshot()) == converted
        if damage in (b"", b"{not json"):
            assert "could not be read" in caplog.text
        registry.close()
        assert record_file.load(path, {"view": {}}) == {}  # written again, by this code
    finally:
        path.write_bytes(kept)


ONLINE = 'query($e: JSON!) { onlineFeatures(input: {features: ["rf_online:total_orders"], entities: $e}) { statuses } }'
VIEW = 'query { featureView(name: "rf_offline") { name } }'


def test_while_feast_opens_its_callers_wait_on_the_event_loop_and_registry_reads_answer(stopped, monkeypatch):
    """More callers that need Feast than the server has worker threads, while its store opens: they wait without
    holding a thread, so a registry read that needs one (its cache expired) still answers; then they all do."""
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    from server.app import create_app, create_services
    from tests.support.client import local_client

    settings, gold = stopped
    _current_file(settings, gold)
    held = HeldOpen(monkeypatch)
    services = create_services(replace(settings, registry_cache_seconds=0.2))
    assert not services.registry.feast_open
    callers = 48  # more than asyncio's default threads (32 at most)
    with local_client(create_app(services.settings, services)) as client, ThreadPoolExecutor(callers + 1) as pool:
        try:
            variables = {"e": {"customer_id": [1001]}}
            online = [pool.submit(client.post, "/graphql", json={"query": ONLINE, "variables": variables})]
            online += [pool.submit(client.post, "/graphql", json={"query": ONLINE, "variables": variables})
                       for _ in range(callers - 1)]  # fmt: skip
            time.sleep(1.0)  # they are all waiting now, and the registry's cache has expired
            assert [f.result().json() for f in online if f.done()] == []
            started = time.monotonic()
            answer = pool.submit(client.post, "/graphql", json={"query": VIEW}).result(timeout=20).json()
            assert answer == {"data": {"featureView": {"name": "rf_offline"}}}
            assert time.monotonic() - started < 10
            assert client.get("/healthz").status_code == 200
        finally:
            held.released.set()
        for done in online:
            assert done.result(timeout=60).json() == {
                "data": {"onlineFeatures": {"statuses": [["PRESENT", "OUTSIDE_MAX_AGE"]]}}
            }
    services.registry.close()


def test_a_background_open_that_fails_is_tried_again_until_it_opens(stopped, monkeypatch, caplog):
    settings, gold = stopped
    _current_file(settings, gold)
    monkeypatch.setattr(feature_registry, "OPEN_RETRY_SECONDS", (0.05,))
    real, failures = FeatureRegistry._open_feast, []

    def flaky(registry: FeatureRegistry) -> FeatureStore:
        if threading.current_thread() is not threading.main_thread() and len(failures) < 3:
            failures.append(1)
            raise ConnectionError("the registry's database is away")
        return real(registry)

    monkeypatch.setattr(FeatureRegistry, "_open_feast", flaky)
    with caplog.at_level(logging.ERROR, logger="server.services.feature_registry"):
        registry = FeatureRegistry(settings, gold)
        try:
            assert registry.store.get_feature_view("rf_online").name == "rf_online"  # waited through the failures
        finally:
            registry.close()
    assert len(failures) == 3 and caplog.text.count("could not be opened; trying again") == 3
