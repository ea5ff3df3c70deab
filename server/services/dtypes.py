"""Feature dtypes and which Iceberg column types can carry them without loss."""

from __future__ import annotations

from enum import StrEnum


class FeatureDtype(StrEnum):
    """The value type of one feature (or entity join key)."""

    INT32 = "INT32"
    INT64 = "INT64"
    FLOAT32 = "FLOAT32"
    FLOAT64 = "FLOAT64"
    STRING = "STRING"
    BOOL = "BOOL"
    BYTES = "BYTES"
    UNIX_TIMESTAMP = "UNIX_TIMESTAMP"
    INT32_LIST = "INT32_LIST"
    INT64_LIST = "INT64_LIST"
    FLOAT32_LIST = "FLOAT32_LIST"
    FLOAT64_LIST = "FLOAT64_LIST"
    STRING_LIST = "STRING_LIST"
    BOOL_LIST = "BOOL_LIST"
    BYTES_LIST = "BYTES_LIST"
    UNIX_TIMESTAMP_LIST = "UNIX_TIMESTAMP_LIST"

    @property
    def is_list(self) -> bool:
        return self.value.endswith("_LIST")

    @property
    def element(self) -> FeatureDtype:
        return FeatureDtype(self.value.removesuffix("_LIST"))


# Iceberg primitive type names that a scalar dtype accepts: only widenings that lose nothing.
_SCALAR_SOURCES: dict[FeatureDtype, frozenset[str]] = {
    FeatureDtype.INT32: frozenset({"int"}),
    FeatureDtype.INT64: frozenset({"int", "long"}),
    FeatureDtype.FLOAT32: frozenset({"float"}),
    FeatureDtype.FLOAT64: frozenset({"float", "double"}),
    FeatureDtype.STRING: frozenset({"string"}),
    FeatureDtype.BOOL: frozenset({"boolean"}),
    FeatureDtype.BYTES: frozenset({"binary"}),
    FeatureDtype.UNIX_TIMESTAMP: frozenset({"timestamp", "timestamptz"}),
}

# The dtype an entity or inferred column gets from an Iceberg type.
_NATURAL: dict[str, FeatureDtype] = {
    "int": FeatureDtype.INT32,
    "long": FeatureDtype.INT64,
    "float": FeatureDtype.FLOAT32,
    "double": FeatureDtype.FLOAT64,
    "string": FeatureDtype.STRING,
    "boolean": FeatureDtype.BOOL,
    "binary": FeatureDtype.BYTES,
    "timestamp": FeatureDtype.UNIX_TIMESTAMP,
    "timestamptz": FeatureDtype.UNIX_TIMESTAMP,
}

TIMESTAMP_COLUMN_TYPES = frozenset({"timestamp", "timestamptz", "date"})


def _list_element(column_type: str) -> str | None:
    if column_type.startswith("list<") and column_type.endswith(">"):
        return column_type[5:-1]
    return None


def is_compatible(dtype: FeatureDtype, column_type: str) -> bool:
    """True when every value of an Iceberg column of `column_type` fits `dtype` exactly."""
    element = _list_element(column_type)
    if dtype.is_list:
        return element is not None and element in _SCALAR_SOURCES[dtype.element]
    return element is None and column_type in _SCALAR_SOURCES[dtype]


def natural_dtype(column_type: str) -> FeatureDtype | None:
    """The dtype that represents an Iceberg column type as it is, if there is one."""
    element = _list_element(column_type)
    if element is None:
        return _NATURAL.get(column_type)
    scalar = _NATURAL.get(element)
    return FeatureDtype(f"{scalar.value}_LIST") if scalar else None
