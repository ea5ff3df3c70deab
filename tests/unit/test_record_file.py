"""The registry's records kept between starts (server/services/record_file.py): every field comes back as it
was, and a file that is not exactly of this code and of every stored proto is not used."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from server.services import record_file
from server.services.dtypes import FeatureDtype
from server.services.registry_records import (
    EntityRecord,
    FeatureRecord,
    FeatureServiceRecord,
    FeatureViewRecord,
    ProjectionRecord,
    SourceRecord,
)

T0 = datetime(2026, 12, 7, 12, 30, 5, 123456, tzinfo=UTC)

ENTITY = EntityRecord("customer", "customer_id", FeatureDtype.INT64, "who buys", (("team", "growth"),), "a@b", T0, T0)
BARE_ENTITY = EntityRecord("thing", "thing_id", None)
VIEW = FeatureViewRecord(
    name="customer_features",
    entities=("customer", "thing"),
    features=(
        FeatureRecord("total_spent", FeatureDtype.FLOAT64, "EUR"),
        FeatureRecord("tags", FeatureDtype.STRING_LIST),
        FeatureRecord("odd", None),
    ),
    source=SourceRecord("gold.customers", "event_timestamp", "created", "other_catalog"),
    ttl_seconds=90000,
    online=True,
    description="a view",
    tags=(("a", "1"), ("b", "")),
    owner="o@x",
    created_at=T0,
    updated_at=T0 + timedelta(microseconds=1),
    materialized=((T0 - timedelta(days=1), T0), (T0, T0 + timedelta(hours=1))),
)
BARE_VIEW = FeatureViewRecord("v", (), (), SourceRecord("gold.t", ""), None, False)
SERVICE = FeatureServiceRecord(
    "churn",
    (ProjectionRecord("customer_features", ("total_spent", "tags")), ProjectionRecord("v", ())),
    "d",
    (),
    "",
    T0,
)


def _everything(record: object) -> bytes:
    """A record with every field, the ones equality leaves out (times, intervals) included."""
    return orjson.dumps(record_file.encode(record))


@pytest.mark.parametrize("record", [ENTITY, BARE_ENTITY, VIEW, BARE_VIEW, SERVICE])
def test_every_field_comes_back_as_it_was(record):
    back = record_file.decode(type(record), orjson.loads(_everything(record)))
    assert back == record and _everything(back) == _everything(record)
    assert type(back.created_at) is type(record.created_at)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("owner"),  # a field missing
        lambda d: d.update(extra=1),  # a field this code does not have
        lambda d: d.update(online="yes"),  # of another type
        lambda d: d.update(ttl_seconds=True),  # a bool is not an int here
        lambda d: d["features"][0].update(dtype="COMPLEX128"),  # no such dtype
        lambda d: d.update(created_at="yesterday"),
        lambda d: d.update(entities="customer"),  # a string is not a tuple
        lambda d: d["materialized"][0].append(d["materialized"][0][0]),  # a pair of three
    ],
)
def test_what_does_not_fit_the_record_is_refused(change):
    data = orjson.loads(_everything(VIEW))
    change(data)
    with pytest.raises((TypeError, ValueError)):
        record_file.decode(FeatureViewRecord, data)


def _stored() -> dict[str, dict[str, bytes]]:
    return {"entity": {"customer": b"e1", "thing": b"e2"}, "view": {"customer_features": b"v1"}, "service": {}}


def _saved(tmp_path):
    path = tmp_path / "records.json"
    record_file.save(
        path,
        {
            ("entity", "customer"): (b"e1", ENTITY),
            ("entity", "thing"): (b"e2", BARE_ENTITY),
            ("view", "customer_features"): (b"v1", VIEW),
            ("service", "gone"): (b"s1", SERVICE),  # in the file, no longer stored: not asked for
        },
    )
    return path


def test_a_file_with_a_record_of_every_stored_proto_gives_them(tmp_path):
    path = _saved(tmp_path)
    loaded = record_file.load(path, _stored())
    assert loaded == {
        ("entity", "customer"): (b"e1", ENTITY),
        ("entity", "thing"): (b"e2", BARE_ENTITY),
        ("view", "customer_features"): (b"v1", VIEW),
    }
    assert _everything(loaded[("view", "customer_features")][1]) == _everything(VIEW)
    assert not [p for p in os.listdir(tmp_path) if p != "records.json"]  # no partial file left


@pytest.mark.parametrize(
    "stored",
    [
        {**_stored(), "view": {"customer_features": b"v1 changed since"}},  # another proto than the record's
        {**_stored(), "service": {"new": b"s2"}},  # a proto the file has no record of
    ],
)
def test_a_file_without_the_record_of_a_stored_proto_is_not_used(tmp_path, stored):
    assert record_file.load(_saved(tmp_path), stored) is None


def test_a_file_of_other_code_or_garbage_is_not_used(tmp_path, monkeypatch):
    path = _saved(tmp_path)
    data = orjson.loads(path.read_bytes())
    monkeypatch.setattr(record_file, "FINGERPRINT", "another version of the conversion")
    assert record_file.load(path, _stored()) is None
    monkeypatch.undo()
    data["records"]["view"]["customer_features"][1]["online"] = "maybe"
    path.write_bytes(orjson.dumps(data))
    assert record_file.load(path, _stored()) is None
    for garbage in (b"", b"{", b"[]", b'{"fingerprint": 1}', b"\xff\xfe"):
        path.write_bytes(garbage)
        assert record_file.load(path, _stored()) is None
    assert record_file.load(tmp_path / "none.json", _stored()) is None


def test_the_fingerprint_covers_the_conversions_code_and_feasts_version(monkeypatch, tmp_path):
    assert record_file.FINGERPRINT is not None and record_file._fingerprint() == record_file.FINGERPRINT
    monkeypatch.setattr(record_file.metadata, "version", lambda name: "0.0.0")
    assert record_file._fingerprint() != record_file.FINGERPRINT
    monkeypatch.undo()
    server = record_file.Path(record_file.__file__).parent.parent
    copy = tmp_path / "server"
    for name in record_file.CONVERSION_MODULES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes((server / name).read_bytes())
    monkeypatch.setattr(record_file, "__file__", str(copy / "services" / "record_file.py"))
    assert record_file._fingerprint() == record_file.FINGERPRINT
    for name in record_file.CONVERSION_MODULES:
        original = (copy / name).read_bytes()
        (copy / name).write_bytes(original + b"\n# changed\n")
        assert record_file._fingerprint() != record_file.FINGERPRINT, name
        (copy / name).unlink()
        assert record_file._fingerprint() is None, name  # a module that cannot be read: no file at all
        (copy / name).write_bytes(original)


def test_without_a_fingerprint_no_file_is_read_or_written(tmp_path, monkeypatch):
    path = _saved(tmp_path)
    monkeypatch.setattr(record_file, "FINGERPRINT", None)
    assert record_file.load(path, _stored()) is None
    record_file.save(tmp_path / "other.json", {("entity", "customer"): (b"e1", ENTITY)})
    assert not (tmp_path / "other.json").exists()


def test_the_saver_writes_once_its_records_are_quiet_and_what_is_pending_at_close(tmp_path):
    path = tmp_path / "records.json"
    records = {("entity", "customer"): (b"e1", ENTITY)}
    saver = record_file.QuietSaver(path, lambda: dict(records), quiet=0.3)
    saver.changed()
    time.sleep(0.1)
    saver.changed()  # still changing: not written yet
    assert not path.exists()
    deadline = time.monotonic() + 10
    while not path.exists():
        assert time.monotonic() < deadline, "never written"
        time.sleep(0.05)
    assert record_file.load(path, {"entity": {"customer": b"e1"}}) is not None
    records[("view", "customer_features")] = (b"v1", VIEW)
    saver.changed()
    saver.close()  # at once, not after the quiet time
    assert record_file.load(path, {"view": {"customer_features": b"v1"}}) is not None
    assert saver._thread is not None and not saver._thread.is_alive()
    saver.changed()  # after close: nothing more
    assert saver._thread is not None and not saver._thread.is_alive()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records.json"]  # no partial file left
