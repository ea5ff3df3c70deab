"""Which Iceberg column types each dtype accepts (pure logic)."""

from __future__ import annotations

import pytest

from server.services.dtypes import FeatureDtype as D
from server.services.dtypes import is_compatible, natural_dtype

ACCEPTS = {
    D.INT32: {"int"},
    D.INT64: {"int", "long"},
    D.FLOAT32: {"float"},
    D.FLOAT64: {"float", "double"},
    D.STRING: {"string"},
    D.BOOL: {"boolean"},
    D.BYTES: {"binary"},
    D.UNIX_TIMESTAMP: {"timestamp", "timestamptz"},
}
COLUMN_TYPES = [
    "int", "long", "float", "double", "string", "boolean", "binary", "timestamp", "timestamptz",
    "date", "decimal(10, 2)", "uuid", "fixed[3]", "time",
]  # fmt: skip


@pytest.mark.parametrize("dtype", list(ACCEPTS))
def test_scalar_compatibility_is_exactly_the_lossless_set(dtype):
    assert {c for c in COLUMN_TYPES if is_compatible(dtype, c)} == ACCEPTS[dtype]


@pytest.mark.parametrize("dtype", list(ACCEPTS))
def test_list_dtypes_take_lists_of_their_element(dtype):
    list_dtype = D(f"{dtype.value}_LIST")
    assert {c for c in COLUMN_TYPES if is_compatible(list_dtype, f"list<{c}>")} == ACCEPTS[dtype]
    assert not any(is_compatible(list_dtype, c) for c in COLUMN_TYPES)
    assert not any(is_compatible(dtype, f"list<{c}>") for c in COLUMN_TYPES)


def test_natural_dtype():
    assert natural_dtype("long") is D.INT64
    assert natural_dtype("timestamptz") is D.UNIX_TIMESTAMP
    assert natural_dtype("list<double>") is D.FLOAT64_LIST
    assert natural_dtype("decimal(10, 2)") is None
    assert natural_dtype("list<uuid>") is None
