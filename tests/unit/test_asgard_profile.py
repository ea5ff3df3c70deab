"""server/jobs/job_site/_asgard_profile.py: the profile a job records, and drift measured against it."""

from __future__ import annotations

import numpy as np

from server.jobs.job_site._asgard_profile import BINS, QUANTILES, ks_statistic, profile, stability_index


def test_a_profile_counts_nulls_apart_and_keeps_bins_and_quantiles():
    found = profile([1.0, 2.0, float("nan"), 3.0, 4.0])
    assert found is not None and found["count"] == 5 and found["nulls"] == 1
    assert len(found["edges"]) == BINS + 1 and sum(found["counts"]) == 4 and len(found["quantiles"]) == QUANTILES
    assert found["quantiles"][0] == 1.0 and found["quantiles"][-1] == 4.0
    assert profile(["a", "b"]) is None
    assert profile([float("nan")]) == {"count": 1, "nulls": 1, "quantiles": [], "edges": [], "counts": []}


def test_the_same_data_has_not_drifted_and_a_shift_has():
    rng = np.random.default_rng(7)
    trained = profile(rng.normal(0, 1, 5000))
    assert trained is not None
    same = rng.normal(0, 1, 5000)
    assert stability_index(trained, same) < 0.05 and ks_statistic(trained, same) < 0.05
    moved = rng.normal(2, 1, 5000)
    assert stability_index(trained, moved) > 1 and ks_statistic(trained, moved) > 0.6
    outside = np.full(100, 50.0)  # beyond the training range: the outer bin takes it
    assert stability_index(trained, outside) > 1 and ks_statistic(trained, outside) == 1.0


def test_nothing_to_compare_is_no_figure():
    trained = profile([1.0, 2.0, 3.0])
    assert trained is not None
    assert stability_index(trained, []) is None and ks_statistic(trained, [float("nan")]) is None
    assert stability_index({"edges": [], "counts": []}, [1.0]) is None
