"""The features a job's script retrieved through Feast, as its sitecustomize recorded them (one JSON line
per retrieval in the job's work dir), turned into the run tags Feast's own MLflow integration writes:
`feast.feature_refs`, `feast.feature_views`, `feast.feature_service`; and the profiles of the numeric
features of the frames it read (server/jobs/job_site/_asgard_profile.py), for drift. The file is the
job's, so it is read as untrusted: never through a link, at most MAX_BYTES, only names of the shape Feast
gives them and profiles of the profile's shape."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from server.safe_files import read_nofollow

FILE_NAME = ".asgard-lineage.jsonl"
MAX_BYTES = 8 << 20
PROFILE_ARTIFACT = "asgard/feature_profile.json"  # on the run: {"view:feature": profile}
MAX_REFS = 1000
MAX_TAG = 5000  # Feast's MLFLOW_TAG_MAX_LENGTH: what its integration writes, and what it reads back
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def _ref(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    view, sep, feature = value.partition(":")
    return value if sep and _NAME.match(view) and _NAME.match(feature) else None


def _entries(workdir: Path) -> list[dict[str, Any]]:
    raw = read_nofollow(workdir / FILE_NAME, MAX_BYTES)
    entries = []
    for line in (raw or b"").decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def recorded_profile(workdir: Path) -> dict[str, dict[str, Any]]:
    """Per feature reference, the profile of the largest frame the job read it in (empty: none)."""
    best: dict[str, dict[str, Any]] = {}
    for entry in _entries(workdir):
        features = entry.get("features")
        if entry.get("kind") != "profile" or not isinstance(features, dict):
            continue
        for ref, found in features.items():
            if _ref(ref) is not None and is_profile(found) and found["count"] > best.get(ref, {}).get("count", -1):
                best[ref] = found
    return dict(sorted(best.items())[:MAX_REFS])


def is_profile(found: object) -> bool:
    if not isinstance(found, dict) or set(found) != {"count", "nulls", "quantiles", "edges", "counts"}:
        return False
    numbers = (int, float)
    lists = [found["quantiles"], found["edges"], found["counts"]]
    return (
        all(isinstance(found[k], int) and found[k] >= 0 for k in ("count", "nulls"))
        and all(isinstance(v, list) and len(v) <= 1000 and all(type(x) in numbers for x in v) for v in lists)
        and len(found["edges"]) in (0, len(found["counts"]) + 1)
    )


def recorded_tags(workdir: Path) -> dict[str, str]:
    """The run tags for what the job retrieved; empty when it retrieved nothing (or left no readable file)."""
    refs: dict[str, None] = {}
    services: dict[str, None] = {}
    for entry in _entries(workdir):
        if entry.get("kind") == "profile":
            continue
        service = entry.get("feature_service")
        if isinstance(service, str) and _NAME.match(service):
            services[service] = None
        features = entry.get("features")
        for value in features if isinstance(features, list) else []:
            ref = _ref(value)
            if ref is not None and len(refs) < MAX_REFS:
                refs[ref] = None
    if not refs:
        return {}
    tags = {
        "feast.feature_refs": _joined(list(refs)),
        "feast.feature_views": _joined(sorted({r.split(":", 1)[0] for r in refs})),
        "feast.feature_count": str(len(refs)),
    }
    if len(services) == 1:
        tags["feast.feature_service"] = next(iter(services))
    return tags


def _joined(names: list[str]) -> str:
    """Comma-joined, cut at a whole name to fit a tag (Feast cuts mid-name and appends '...')."""
    out: list[str] = []
    length = 0
    for name in names:
        length += len(name) + (1 if out else 0)
        if length > MAX_TAG:
            break
        out.append(name)
    return ",".join(out)
