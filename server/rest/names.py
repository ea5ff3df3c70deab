"""Old REST names and values, and the GraphQL ones they stand for."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from server.services.dtypes import FeatureDtype

Path = tuple[str, ...]

# The old API called a list type "array_<element>"; ours is "<ELEMENT>_LIST".
_ARRAY_PREFIX = "array_"

# Old callers poll until "completed" or "failed": every way a job ends must be one of the two.
_JOB_STATUS = {
    "QUEUED": "queued",
    "PREPARING": "running",
    "RUNNING": "running",
    "SUCCEEDED": "completed",
    "FAILED": "failed",
    "TIMED_OUT": "failed",
    "CANCELLED": "failed",
}


def dtype_from_old(value: str) -> str | None:
    """The FeatureDtype name of an old dtype ("int64", "array_float64") or of ours in any case; None if unknown."""
    name = value.strip().lower()
    if name.startswith(_ARRAY_PREFIX):
        name = f"{name.removeprefix(_ARRAY_PREFIX)}_list"
    name = name.upper()
    return name if name in FeatureDtype.__members__ else None


def dtype_to_old(name: str | None) -> str | None:
    """The old name of a FeatureDtype: INT64 -> "int64", FLOAT64_LIST -> "array_float64"."""
    if name is None:
        return None
    lowered = name.lower()
    if lowered.endswith("_list"):
        return f"{_ARRAY_PREFIX}{lowered.removesuffix('_list')}"
    return lowered


def job_status_to_old(status: str) -> str:
    return _JOB_STATUS.get(status, status.lower())


def snake(name: str) -> str:
    """camelCase -> camel_case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def old_field(path: Sequence[str] | None, renames: Mapping[Path, str]) -> str | None:
    """A GraphQL input path as the old API's dotted field name: the longest renamed prefix is replaced
    and the rest is snake_cased, e.g. ("source", "table") -> "source.table_name"."""
    if not path:
        return None
    parts = tuple(path)
    for end in range(len(parts), 0, -1):
        if parts[:end] in renames:
            return ".".join([renames[parts[:end]], *(snake(p) for p in parts[end:])])
    return ".".join(snake(p) for p in parts)
