"""Profiles of numeric features, and how far current data has drifted from one (numpy only).

The same module runs inside training jobs (their sitecustomize profiles what a retrieval returned) and in
the server (ModelVersion.featureDrift compares a profile with the gold table's data): so a profile is
always read with the code that made it.

A profile: {"count": rows, "nulls": nulls and NaNs, "quantiles": 101 values (0%, 1%, ..., 100%),
"edges": BINS + 1 equal-width bin edges over the values' range, "counts": BINS counts}.
"""

from __future__ import annotations

from typing import Any

import numpy as np

BINS = 10
QUANTILES = 101
EPSILON = 1e-4  # an empty bin's share, so that the stability index stays finite


def profile(values: Any) -> dict[str, Any] | None:
    """The profile of a column's values (anything numpy reads as floats); None when it is not numeric."""
    try:
        floats = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        return None
    finite = floats[np.isfinite(floats)]
    out: dict[str, Any] = {"count": int(floats.size), "nulls": int(floats.size - finite.size)}
    if finite.size == 0:
        return out | {"quantiles": [], "edges": [], "counts": []}
    counts, edges = np.histogram(finite, bins=BINS)
    quantiles = np.quantile(finite, np.linspace(0, 1, QUANTILES))
    return out | {"quantiles": quantiles.tolist(), "edges": edges.tolist(), "counts": counts.tolist()}


def stability_index(trained: dict[str, Any], current: Any) -> float | None:
    """Population stability index of `current` against the profile's bins (the outer bins open-ended)."""
    edges, counts = trained.get("edges") or [], trained.get("counts") or []
    finite = _finite(current)
    if len(edges) < 2 or not sum(counts) or finite.size == 0:
        return None
    inner = np.asarray(edges[1:-1], dtype="float64")
    expected = np.asarray(counts, dtype="float64") / float(sum(counts))
    actual = np.bincount(np.searchsorted(inner, finite, side="right"), minlength=len(counts)) / float(finite.size)
    expected, actual = np.maximum(expected, EPSILON), np.maximum(actual, EPSILON)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def ks_statistic(trained: dict[str, Any], current: Any) -> float | None:
    """Kolmogorov-Smirnov distance between the training distribution (its quantiles) and `current`: the
    largest gap between the two cumulative distributions at the training quantiles."""
    quantiles = np.asarray(trained.get("quantiles") or [], dtype="float64")
    finite = np.sort(_finite(current))
    if quantiles.size < 2 or finite.size == 0:
        return None
    levels = np.linspace(0, 1, quantiles.size)
    below = np.searchsorted(finite, quantiles, side="right") / float(finite.size)
    return float(np.max(np.abs(below - levels)))


def _finite(values: Any) -> Any:
    floats = np.asarray(values, dtype="float64")
    return floats[np.isfinite(floats)]
