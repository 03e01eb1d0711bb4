"""The demo shop's CRM data: customers and orders, imported like any business's export.

When ``../shared/datasets/tau2_retail/db.json`` is there (next to the repository, or next to the
current directory), its users and orders are imported; elsewhere a comparable shop is generated
(200 customers, 400 orders, from a fixed seed). Both go through the import service, keyed by
external ids, and each is skipped once it has succeeded, so loading the demo again changes
nothing. The data set is read where it lies and never copied into the repository.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.imports import service as imports
from deskpilot.imports.readers import Row
from deskpilot.imports.records import ImportKind

DATASET = Path("shared") / "datasets" / "tau2_retail" / "db.json"
_REPOSITORY = Path(__file__).resolve().parents[3]


@dataclass(frozen=True, slots=True)
class CrmLoad:
    source: str  # "tau2_retail" or "synthetic"
    customers: int  # rows imported now (0 when already loaded)
    orders: int


def find_dataset() -> Path | None:
    """``../shared/datasets/tau2_retail/db.json`` from the current directory or the repository."""
    for base in (Path.cwd(), _REPOSITORY):
        candidate = base.parent / DATASET
        if candidate.is_file():
            return candidate
    return None


async def load_crm(
    session: AsyncSession, workspace_id: str, dataset: Path | None = None
) -> CrmLoad:
    """Import the demo's customers and orders once; ``dataset`` defaults to ``find_dataset()``."""
    path = dataset if dataset is not None else find_dataset()
    if path is not None:
        data = json.loads(path.read_text(encoding="utf-8"))  # 3 MB: small enough to read whole
        source = "tau2_retail"
        customers, orders = _tau2_customers(data), _tau2_orders(data)
    else:
        source = "synthetic"
        shop = _SyntheticShop(seed=4)
        customers, orders = shop.customers(), shop.orders()
    counts = []
    for kind, rows in ((ImportKind.CUSTOMERS, customers), (ImportKind.ORDERS, orders)):
        name = f"demo:{source}:{kind.value}"
        if await imports.has_succeeded(session, workspace_id, name):
            counts.append(0)
            continue
        job = await imports.import_rows(session, workspace_id, kind, rows, {}, filename=name)
        if job.status != imports.SUCCEEDED:
            raise RuntimeError(f"the demo {kind.value} did not import: {job.errors[:3]}")
        counts.append(job.rows_ok)
    return CrmLoad(source, counts[0], counts[1])


_COUNTRIES = {"USA": "US", "United States": "US"}


def _tau2_customers(data: dict[str, Any]) -> Iterator[Row]:
    for number, user in enumerate(data.get("users", {}).values(), start=1):
        address = user.get("address") or {}
        yield (
            number,
            {
                "external_id": user["user_id"],
                "first_name": (user.get("name") or {}).get("first_name"),
                "last_name": (user.get("name") or {}).get("last_name"),
                "email": user.get("email"),
                "address": ", ".join(
                    p for p in (address.get("address1"), address.get("address2")) if p
                ),
                "city": address.get("city"),
                "postcode": address.get("zip"),
                "country": _COUNTRIES.get(address.get("country", ""), address.get("country")),
                "state": address.get("state"),  # the rest become custom attributes
                "payment_methods": list((user.get("payment_methods") or {}).values()),
            },
        )


def _tau2_orders(data: dict[str, Any]) -> Iterator[Row]:
    for number, order in enumerate(data.get("orders", {}).values(), start=1):
        items = [{**item, "quantity": 1} for item in order.get("items", [])]
        yield (
            number,
            {
                "external_id": order["order_id"],
                "customer_external_id": order["user_id"],
                "status": order.get("status"),
                "items": items,
                "shipping_address": order.get("address"),
                "payment_methods": order.get("payment_history", []),
                "fulfillments": order.get("fulfillments", []),
            },
        )


_FIRST = ["Ava", "Liam", "Mia", "Noah", "Emma", "Yusuf", "Olga", "Wei", "Lena", "Mateo", "Sofia"]
_LAST = ["Smith", "Garcia", "Chen", "Ivanova", "Müller", "Kim", "Rossi", "Silva", "Novak", "Li"]
_CITIES = [
    ("Denver", "US", "80202"),
    ("Austin", "US", "73301"),
    ("Berlin", "DE", "10115"),
    ("Shanghai", "CN", "200000"),
    ("Moscow", "RU", "101000"),
    ("London", "GB", "EC1A 1BB"),
]
_PRODUCTS = [
    ("T-Shirt", 24.90),
    ("Water Bottle", 18.50),
    ("Office Chair", 289.00),
    ("Running Shoes", 119.95),
    ("Desk Lamp", 45.00),
    ("Backpack", 79.90),
    ("Headphones", 149.00),
    ("Coffee Maker", 99.00),
]
_STATUSES = ["pending", "processed", "delivered", "delivered", "delivered", "cancelled"]


class _SyntheticShop:
    """A deterministic small shop: the same customers and orders on every run."""

    def __init__(self, seed: int, customers: int = 200, orders: int = 400) -> None:
        self.seed, self.customer_count, self.order_count = seed, customers, orders

    def customers(self) -> Iterator[Row]:
        rng = random.Random(self.seed)
        for number in range(1, self.customer_count + 1):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            city, country, postcode = rng.choice(_CITIES)
            yield (
                number,
                {
                    "external_id": f"user_{number:04d}",
                    "name": f"{first} {last}",
                    "email": f"{first}.{last}{number}@example.com".lower(),
                    "city": city,
                    "country": country,
                    "postcode": postcode,
                    "address": f"{rng.randint(1, 999)} Market Street",
                    "tags": ["vip"] if number % 17 == 0 else [],
                },
            )

    def orders(self) -> Iterator[Row]:
        rng = random.Random(self.seed + 1)
        start = datetime(2025, 1, 1, tzinfo=UTC)
        for number in range(1, self.order_count + 1):
            lines = rng.sample(_PRODUCTS, rng.randint(1, 3))
            status = rng.choice(_STATUSES)
            order_id = f"#S{number:05d}"
            yield (
                number,
                {
                    "external_id": order_id,
                    "customer_external_id": f"user_{rng.randint(1, self.customer_count):04d}",
                    "status": status,
                    "items": [{"name": n, "price": p, "quantity": 1} for n, p in lines],
                    "placed_at": (start + timedelta(hours=rng.randint(0, 24 * 300))).isoformat(),
                    "fulfillments": (
                        [{"tracking_id": [f"1Z{number:010d}"], "carrier": "UPS"}]
                        if status == "delivered"
                        else []
                    ),
                },
            )
