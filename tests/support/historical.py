"""A driver table with an independent point-in-time oracle (the helpers of the historical tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from tests.support.graphql import register_view

BASE = datetime(2026, 3, 1, tzinfo=UTC)


SCHEMA = pa.schema(
    [
        pa.field("driver_id", pa.int64(), nullable=False),
        pa.field("trips", pa.int64()),
        pa.field("rating", pa.float64()),
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)


def write_table(services, name: str, frame: pd.DataFrame, overwrite: bool = False) -> None:
    catalog = services.gold.catalog()
    table = pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False)
    if overwrite:
        catalog.load_table(("gold", name)).overwrite(table)
    else:
        catalog.create_table(("gold", name), schema=SCHEMA).append(table)


def register(client, view: str, table: str, ttl: int | None) -> None:
    result = register_view(
        client,
        {
            "name": view,
            "entities": ["driver_id"],
            "features": [{"name": "trips", "dtype": "INT64"}, {"name": "rating", "dtype": "FLOAT64"}],
            "source": {"table": f"gold.{table}", "timestampField": "ts"},
            "ttlSeconds": ttl,
        },
    )
    assert result["userErrors"] == [], result


def random_feature_rows(rng: np.random.Generator, drivers: int, rows: int) -> pd.DataFrame:
    # irregular, distinct times per driver (ties have no single right answer without a tie-breaker)
    offsets = rng.choice(30 * 86400 * 1000, size=rows, replace=False)
    return pd.DataFrame(
        {
            "driver_id": rng.integers(1, drivers + 1, rows),
            "trips": rng.integers(0, 500, rows),
            "rating": np.round(rng.uniform(1, 5, rows), 3),
            "ts": [BASE + timedelta(milliseconds=int(o)) for o in offsets],
        }
    )


def oracle(features: pd.DataFrame, entities: pd.DataFrame, ttl: int | None) -> pd.DataFrame:
    """For each entity row: the latest feature row at or before its time, within the TTL."""
    left = entities.assign(_order=range(len(entities))).sort_values("event_timestamp")
    right = features.rename(columns={"ts": "feature_ts"}).sort_values("feature_ts")
    merged = pd.merge_asof(
        left,
        right,
        left_on="event_timestamp",
        right_on="feature_ts",
        by="driver_id",
        direction="backward",
        tolerance=pd.Timedelta(seconds=ttl) if ttl else None,
    )
    return merged.sort_values("_order").reset_index(drop=True)
