"""`deskpilot import` in a subprocess on a fresh SQLite data dir, and the demo's CRM loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskpilot.demo import crm
from deskpilot.kit.db import Database
from deskpilot.models import Customer, Order
from tests.factories import Tenant
from tests.test_cli import Deskpilot


def test_cli_imports_customers_and_orders(tmp_path: Path) -> None:
    cli = Deskpilot(tmp_path / "data")
    created = cli("workspace", "create", "shop", "--name", "Shop")
    assert created.returncode == 0, created.stderr
    customers = tmp_path / "crm.csv"
    customers.write_text("CRM ID,Full Name,Email\nC-1,Ann Lee,Ann.Lee@gmail.com\n")
    run = cli(
        "import", "customers", str(customers),
        "--map", 'external_id=CRM ID,name="Full Name"', "--map", "email=Email",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "1 customers rows imported" in run.stderr
    orders = tmp_path / "orders.data"
    orders.write_text(
        json.dumps({"n": "W1", "who": "annlee@gmail.com", "total": 9}) + "\n"
        + json.dumps({"n": "W2", "who": "nobody@example.com"}) + "\n"
    )  # fmt: skip
    run = cli(
        "import", "orders", str(orders), "--format", "ndjson", "--workspace", "shop",
        "--map", "external_id=n,customer_email=who",
    )  # fmt: skip
    assert run.returncode == 1
    assert "row 2: customer_email: no customer has this identifier" in run.stderr
    assert cli.query("SELECT count(*) FROM orders") == [(0,)]
    assert cli.query("SELECT status, rows_failed FROM imports WHERE kind = 'orders'") == [
        ("failed", 1)
    ]
    assert cli.query("SELECT name, email FROM customers") == [("Ann Lee", "Ann.Lee@gmail.com")]


async def _counts(database: Database, workspace_id: str) -> tuple[int, int, int]:
    async with database.transaction() as session:
        customers = await session.scalar(
            select(func.count()).select_from(Customer).where(Customer.workspace_id == workspace_id)
        )
        orders = await session.scalar(
            select(func.count()).select_from(Order).where(Order.workspace_id == workspace_id)
        )
        linked = await session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.workspace_id == workspace_id, Order.customer_id.is_not(None))
        )
    return int(customers or 0), int(orders or 0), int(linked or 0)


async def test_demo_loads_a_tau2_style_file_once(
    database: Database, tenant: Tenant, tmp_path: Path
) -> None:
    dataset = tmp_path / "db.json"
    dataset.write_text(
        json.dumps(
            {
                "products": {},
                "users": {
                    "ann_1": {
                        "user_id": "ann_1",
                        "name": {"first_name": "Ann", "last_name": "Lee"},
                        "address": {"address1": "1 Main St", "city": "Denver", "country": "USA",
                                    "state": "CO", "zip": "80202"},
                        "email": "ann.lee1@example.com",
                        "payment_methods": {"paypal_1": {"source": "paypal", "id": "paypal_1"}},
                        "orders": ["#W1"],
                    }
                },
                "orders": {
                    "#W1": {
                        "order_id": "#W1",
                        "user_id": "ann_1",
                        "address": {"address1": "1 Main St", "city": "Denver"},
                        "items": [{"name": "Mug", "item_id": "1", "price": 4.5},
                                  {"name": "Lamp", "item_id": "2", "price": 40}],
                        "status": "delivered",
                        "fulfillments": [{"tracking_id": ["123"], "item_ids": ["1", "2"]}],
                        "payment_history": [{"transaction_type": "payment", "amount": 44.5,
                                             "payment_method_id": "paypal_1"}],
                    }
                },
            }
        )
    )  # fmt: skip
    for expected in ((1, 1), (0, 0)):
        async with database.transaction() as session:
            load = await crm.load_crm(session, tenant.workspace_id, dataset)
        assert (load.source, load.customers, load.orders) == ("tau2_retail", *expected)
    assert await _counts(database, tenant.workspace_id) == (1, 1, 1)
    async with database.transaction() as session:
        ann = (await session.scalars(select(Customer))).one()
        order = (await session.scalars(select(Order))).one()
    assert (ann.name, ann.country, ann.postcode) == ("Ann Lee", "US", "80202")
    assert ann.attributes["state"] == "CO"
    assert str(order.total) == "44.50"
    assert order.customer_id == ann.id


async def test_demo_without_the_data_set_generates_a_shop(
    database: Database, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crm, "find_dataset", lambda: None)
    for _ in range(2):
        async with database.transaction() as session:
            load = await crm.load_crm(session, tenant.workspace_id)
        assert load.source == "synthetic"
    assert await _counts(database, tenant.workspace_id) == (200, 400, 400)
