"""server/jobs/lineage_file.py: what a job's script retrieved, read from the job's own (untrusted) file."""

from __future__ import annotations

import json
import os

from server.jobs.lineage_file import FILE_NAME, MAX_TAG, recorded_tags


def _write(workdir, *entries):
    (workdir / FILE_NAME).write_text("".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in entries))


def test_retrievals_become_feasts_run_tags(tmp_path):
    _write(
        tmp_path,
        {"kind": "historical", "feature_service": "churn_svc", "features": ["cust:total_orders", "cust:total_spent"]},
        "not json",
        {"kind": "online", "feature_service": None, "features": ["cust:total_orders", "orders:amount", 3, "bad ref"]},
        ["not", "an", "object"],
    )
    assert recorded_tags(tmp_path) == {
        "feast.feature_refs": "cust:total_orders,cust:total_spent,orders:amount",
        "feast.feature_views": "cust,orders",
        "feast.feature_count": "3",
        "feast.feature_service": "churn_svc",
    }


def test_two_services_name_none_and_nothing_retrieved_tags_nothing(tmp_path):
    _write(tmp_path, {"feature_service": "a", "features": ["v:x"]}, {"feature_service": "b", "features": ["v:y"]})
    assert "feast.feature_service" not in recorded_tags(tmp_path)
    _write(tmp_path, {"feature_service": "a", "features": []})
    assert recorded_tags(tmp_path) == {}
    (tmp_path / FILE_NAME).unlink()
    assert recorded_tags(tmp_path) == {}


def test_a_long_list_is_cut_at_a_whole_reference(tmp_path):
    refs = [f"view_{i:04d}:feature_{i:04d}" for i in range(400)]
    _write(tmp_path, {"features": refs})
    tag = recorded_tags(tmp_path)["feast.feature_refs"]
    assert len(tag) <= MAX_TAG and set(tag.split(",")) <= set(refs) and tag.split(",") == refs[: tag.count(",") + 1]


def test_a_link_or_a_fifo_the_job_left_is_not_read(tmp_path):
    secret = tmp_path / "secret.jsonl"
    secret.write_text(json.dumps({"features": ["leaked:value"]}) + "\n")
    job = tmp_path / "job"
    job.mkdir()
    (job / FILE_NAME).symlink_to(secret)
    assert recorded_tags(job) == {}
    (job / FILE_NAME).unlink()
    os.mkfifo(job / FILE_NAME)  # opened without waiting for a writer, then refused
    assert recorded_tags(job) == {}


def test_the_largest_frames_profile_is_kept_and_malformed_ones_are_not(tmp_path):
    from server.jobs.lineage_file import recorded_profile

    good = {"count": 10, "nulls": 0, "quantiles": [0.0, 1.0], "edges": [0.0, 0.5, 1.0], "counts": [5, 5]}
    _write(
        tmp_path,
        {"kind": "profile", "features": {"v:x": good | {"count": 3}, "v:y": {"count": "many"}}},
        {"kind": "profile", "features": {"v:x": good, "bad ref": good, "v:z": good | {"edges": [0.0]}}},
        {"kind": "profile", "features": {"v:x": good | {"count": 5}}},
    )
    assert recorded_profile(tmp_path) == {"v:x": good}
