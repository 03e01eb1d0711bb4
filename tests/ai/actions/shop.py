"""A tiny shop in a real database: customers with identities, and orders in every status;
``set_items`` gives an order other lines for a test."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from deskpilot.kit.db import Database
from deskpilot.models import Customer, CustomerIdentity, IdentityKind, Order
from deskpilot.orders.service import find_order


@dataclass(frozen=True, slots=True)
class Shop:
    noah: str  # customer ids
    anna: str
    noah_other: str  # another "Noah Brown", at another zip


def _items() -> list[dict[str, Any]]:
    return [
        {
            "name": "Water Bottle",
            "item_id": "6469567736",
            "price": 47.84,
            "options": {"capacity": "1000ml", "color": "blue"},
            "quantity": 1,
        },
        {
            "name": "Office Chair",
            "item_id": "8426249116",
            "price": 488.81,
            "options": {"color": "black"},
            "quantity": 1,
        },
    ]


def _customer(workspace_id: str, name: str, email: str, postcode: str, **extra: Any) -> Customer:
    return Customer(workspace_id=workspace_id, name=name, email=email, postcode=postcode, **extra)


async def create_shop(database: Database, workspace_id: str, prefix: str = "W") -> Shop:
    """Noah has orders #W0000001 (pending) .. #W0000004 (cancelled); Anna has #W0000005."""
    async with database.transaction() as session:
        noah = _customer(
            workspace_id,
            "Noah Brown",
            "noah.brown@example.com",
            "80279",
            attributes={
                "payment_methods": [
                    {"source": "paypal", "id": "paypal_5727330"},
                    {"source": "gift_card", "id": "gift_card_4374071", "balance": 51.0},
                ]
            },
        )
        anna = _customer(workspace_id, "Anna Lee", "anna@example.com", "10083")
        noah_other = _customer(workspace_id, "Noah Brown", "nb2@example.com", "94110")
        session.add_all([noah, anna, noah_other])
        await session.flush()
        for customer in (noah, anna, noah_other):
            assert customer.email is not None
            session.add(
                CustomerIdentity(
                    workspace_id=workspace_id,
                    customer_id=customer.id,
                    kind=IdentityKind.EMAIL,
                    value=customer.email,
                )
            )
        orders = [
            (noah, "pending", [{"tracking_id": []}]),
            (noah, "processed", [{"tracking_id": ["357962501027"], "item_ids": ["6469567736"]}]),
            (noah, "delivered", [{"tracking_id": ["1Z999"], "carrier": "UPS"}]),
            (noah, "cancelled", []),
            (anna, "pending", []),
        ]
        for number, (owner, status, fulfillments) in enumerate(orders, start=1):
            session.add(
                Order(
                    workspace_id=workspace_id,
                    external_id=f"#{prefix}{number:07d}",
                    customer_id=owner.id,
                    status=status,
                    total=Decimal("536.65"),
                    items=_items(),
                    shipping_address={
                        "address1": "986 Sunset Drive",
                        "city": "Denver",
                        "zip": "80279",
                    },
                    payment_methods=[
                        {
                            "transaction_type": "payment",
                            "amount": 536.65,
                            "payment_method_id": "credit_card_7815826",
                        }
                    ],
                    fulfillments=fulfillments,
                )
            )
    return Shop(noah.id, anna.id, noah_other.id)


Items = list[dict[str, Any]]


async def set_items(database: Database, workspace_id: str, order_id: str, items: Items) -> None:
    async with database.transaction() as session:
        found = await find_order(session, workspace_id, order_id)
        assert found is not None
        found.items = [{"price": 10.0, "quantity": 1, **item} for item in items]
