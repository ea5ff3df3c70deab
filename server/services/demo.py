"""A small, deterministic demo gold layer, so a fresh server has something to show.

Loading is idempotent: a table already holding every demo snapshot is left alone; a table left
half-written by an interrupted load is dropped and written again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from server.services.dtypes import FeatureDtype
from server.services.gold_catalog import GoldCatalog
from server.services.registry_records import FeatureSpec, FeatureViewSpec, SourceSpec

log = logging.getLogger(__name__)

NAMESPACE = "gold"
CUSTOMERS = 3000
DAYS = 7
ORDER_BATCHES = 2
ORDERS_PER_BATCH = 5000
# Fixed so that the demo data (and tests that rely on it) is the same on every machine.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

CUSTOMER_SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.int64(), nullable=False),
        pa.field("total_orders", pa.int64()),
        pa.field("total_spent", pa.float64()),
        pa.field("avg_order_value", pa.float64()),
        pa.field("days_since_last_order", pa.int32()),
        pa.field("updated_at", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)

ORDER_SCHEMA = pa.schema(
    [
        pa.field("order_id", pa.int64(), nullable=False),
        pa.field("customer_id", pa.int64(), nullable=False),
        pa.field("order_amount", pa.float64()),
        pa.field("item_count", pa.int32()),
        pa.field("payment_method", pa.string()),
        pa.field("is_first_order", pa.bool_()),
        pa.field("event_timestamp", pa.timestamp("us", tz="UTC"), nullable=False),
    ]
)


def customer_batches() -> list[pa.Table]:
    """One table per day: every customer's running aggregates as of that day."""
    rng = np.random.default_rng(42)
    ids = np.arange(1001, 1001 + CUSTOMERS, dtype=np.int64)
    orders = rng.integers(0, 20, CUSTOMERS).astype(np.int64)
    spent = np.round(orders * rng.uniform(10, 120, CUSTOMERS), 2)
    since = rng.integers(0, 60, CUSTOMERS).astype(np.int32)
    batches = []
    for day in range(DAYS):
        new_orders = rng.poisson(0.4, CUSTOMERS).astype(np.int64)
        orders = orders + new_orders
        spent = np.round(spent + new_orders * rng.uniform(10, 120, CUSTOMERS), 2)
        since = np.where(new_orders > 0, 0, since + 1).astype(np.int32)
        avg = np.round(np.divide(spent, orders, out=np.zeros(CUSTOMERS), where=orders > 0), 2)
        stamp = EPOCH + timedelta(days=day, hours=6)
        updated = [stamp + timedelta(seconds=int(s)) for s in rng.integers(0, 3600, CUSTOMERS)]
        batches.append(
            pa.Table.from_arrays(
                [
                    pa.array(ids),
                    pa.array(orders),
                    pa.array(spent),
                    pa.array(avg),
                    pa.array(since),
                    pa.array(updated, type=pa.timestamp("us", tz="UTC")),
                ],
                schema=CUSTOMER_SCHEMA,
            )
        )
    return batches


def order_batches() -> list[pa.Table]:
    rng = np.random.default_rng(7)
    methods = np.array(["card", "paypal", "invoice", "voucher"])
    batches = []
    for batch in range(ORDER_BATCHES):
        n = ORDERS_PER_BATCH
        first_id = 500_000 + batch * n
        offsets = np.sort(rng.integers(0, DAYS * 86400, n))
        batches.append(
            pa.Table.from_arrays(
                [
                    pa.array(np.arange(first_id, first_id + n, dtype=np.int64)),
                    pa.array(rng.integers(1001, 1001 + CUSTOMERS, n).astype(np.int64)),
                    pa.array(np.round(rng.gamma(2.0, 30.0, n), 2)),
                    pa.array(rng.integers(1, 12, n).astype(np.int32)),
                    pa.array(methods[rng.integers(0, len(methods), n)]),
                    pa.array(rng.random(n) < 0.1),
                    pa.array(
                        [EPOCH + timedelta(seconds=int(s)) for s in offsets],
                        type=pa.timestamp("us", tz="UTC"),
                    ),
                ],
                schema=ORDER_SCHEMA,
            )
        )
    return batches


def _write(catalog: Any, name: str, schema: pa.Schema, batches: list[pa.Table]) -> bool:
    """Write `batches` as one snapshot each; False when the table was already complete."""
    from pyiceberg.exceptions import NoSuchTableError

    identifier = (NAMESPACE, name)
    try:
        table = catalog.load_table(identifier)
        if len(table.metadata.snapshots) == len(batches):
            return False
        log.warning("demo table %s.%s is incomplete; writing it again", NAMESPACE, name)
        catalog.drop_table(identifier)
    except NoSuchTableError:
        pass
    table = catalog.create_table(identifier, schema=schema)
    for batch in batches:
        table.append(batch)
    return True


def load_demo_gold_layer(gold: GoldCatalog) -> list[str]:
    """Create the demo tables that are missing; returns the names it wrote."""
    catalog = gold.catalog()
    catalog.create_namespace_if_not_exists(NAMESPACE)
    written = []
    if _write(catalog, "customer_aggregates", CUSTOMER_SCHEMA, customer_batches()):
        written.append(f"{NAMESPACE}.customer_aggregates")
    if _write(catalog, "order_features", ORDER_SCHEMA, order_batches()):
        written.append(f"{NAMESPACE}.order_features")
    return written


def demo_feature_view() -> FeatureViewSpec:
    """The demo's own feature view, so the explorer has a view to show from the start."""
    return FeatureViewSpec(
        name="order_features",
        entities=("order_id",),
        features=(
            FeatureSpec("order_amount", FeatureDtype.FLOAT64, "Order total in EUR"),
            FeatureSpec("item_count", FeatureDtype.INT32, "Number of items in the order"),
            FeatureSpec("payment_method", FeatureDtype.STRING, "card, paypal, invoice or voucher"),
            FeatureSpec("is_first_order", FeatureDtype.BOOL, "The customer's first order"),
        ),
        source=SourceSpec(table=f"{NAMESPACE}.order_features", timestamp_field="event_timestamp"),
        ttl_seconds=90 * 86400,
        online=False,
        description="Per-order features from the demo gold layer",
        tags=(("domain", "orders"), ("origin", "demo")),
        owner="demo@asgard.local",
    )
