"""The features a job's script retrieved through Feast, as its sitecustomize recorded them (one JSON line
per retrieval in the job's work dir), turned into the run tags Feast's own MLflow integration writes:
`feast.feature_refs`, `feast.feature_views`, `feast.feature_service`. The file is the job's, so it is read
as untrusted: never through a link, at most MAX_BYTES, and only names of the shape Feast gives them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from server.safe_files import read_nofollow

FILE_NAME = ".asgard-lineage.jsonl"
MAX_BYTES = 1 << 20
MAX_REFS = 1000
MAX_TAG = 5000  # Feast's MLFLOW_TAG_MAX_LENGTH: what its integration writes, and what it reads back
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")


def _ref(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    view, sep, feature = value.partition(":")
    return value if sep and _NAME.match(view) and _NAME.match(feature) else None


def recorded_tags(workdir: Path) -> dict[str, str]:
    """The run tags for what the job retrieved; empty when it retrieved nothing (or left no readable file)."""
    raw = read_nofollow(workdir / FILE_NAME, MAX_BYTES)
    if not raw:
        return {}
    refs: dict[str, None] = {}
    services: dict[str, None] = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
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
