"""The orders domain's rules for the changes a customer may ask for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from deskpilot.kit.db import Database
from deskpilot.kit.errors import Conflict, InvalidInput, NotFound
from deskpilot.models import Order
from deskpilot.orders import service
from tests.factories import Tenant


async def _order(database: Database, tenant: Tenant, status: str, **fields: object) -> str:
    async with database.transaction() as session:
        order = Order(
            workspace_id=tenant.workspace_id,
            external_id=f"#W{status[:3]}0001",
            status=status,
            total=Decimal("20.00"),
            items=[{"name": "Lamp", "quantity": 1}, {"name": "Lamp", "quantity": 1}],
            **fields,
        )
        session.add(order)
    return order.id


async def test_find_order_takes_the_id_with_or_without_the_hash(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    order_id = await _order(database, tenant, "pending")
    async with database.transaction() as session:
        for reference in ("#Wpen0001", "Wpen0001", " #Wpen0001 "):
            found = await service.find_order(session, tenant.workspace_id, reference)
            assert found is not None
            assert found.id == order_id
        assert await service.find_order(session, other_tenant.workspace_id, "#Wpen0001") is None


async def test_cancel_keeps_the_reason_on_a_refund_even_without_payments(
    database: Database, tenant: Tenant
) -> None:
    order_id = await _order(database, tenant, "pending")
    async with database.transaction() as session:
        order = await service.cancel_order(
            session, tenant.workspace_id, order_id, "no longer needed"
        )
    assert order.status == "cancelled"
    assert order.payment_methods[0]["amount"] == 20.0
    assert order.payment_methods[0]["reason"] == "no longer needed"
    async with database.transaction() as session:
        with pytest.raises(Conflict):
            await service.cancel_order(session, tenant.workspace_id, order_id, "again")
        with pytest.raises(InvalidInput):
            await service.cancel_order(session, tenant.workspace_id, order_id, " ")


async def test_a_return_marks_one_line_per_mention_and_refuses_unknown_items(
    database: Database, tenant: Tenant
) -> None:
    order_id = await _order(database, tenant, "delivered")
    async with database.transaction() as session:
        with pytest.raises(InvalidInput) as raised:
            await service.request_return(session, tenant.workspace_id, order_id, ["Sofa"], "x")
        assert raised.value.fields[0].field == "item_ids"
    async with database.transaction() as session:
        order = await service.request_return(
            session, tenant.workspace_id, order_id, ["Lamp"], "original"
        )
    assert order.status == "return requested"
    assert [i.get("return_requested", False) for i in order.items] == [True, False]
    async with database.transaction() as session:
        with pytest.raises(Conflict):
            await service.request_return(session, tenant.workspace_id, order_id, ["Lamp"], "x")


async def test_a_new_address_needs_its_fields_and_a_pending_order(
    database: Database, tenant: Tenant
) -> None:
    pending = await _order(database, tenant, "pending")
    delivered = await _order(database, tenant, "delivered")
    address = {"address1": "1 Elm St", "city": "Austin", "zip": "73301", "state": " "}
    async with database.transaction() as session:
        order = await service.change_shipping_address(
            session, tenant.workspace_id, pending, address
        )
    assert order.shipping_address == {"address1": "1 Elm St", "city": "Austin", "zip": "73301"}
    async with database.transaction() as session:
        with pytest.raises(Conflict):
            await service.change_shipping_address(session, tenant.workspace_id, delivered, address)
        with pytest.raises(InvalidInput) as raised:
            await service.change_shipping_address(
                session, tenant.workspace_id, pending, {"address1": "x", "city": "y"}
            )
        assert raised.value.fields[0].field == "zip"
        with pytest.raises(InvalidInput):
            await service.change_shipping_address(
                session, tenant.workspace_id, pending, {**address, "planet": "Mars"}
            )
        with pytest.raises(NotFound):
            await service.cancel_order(session, tenant.workspace_id, "ord_missing", "x")


async def test_the_order_number_example_takes_the_shops_shape_and_no_ones_digits(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    async with database.transaction() as session:
        order = Order(workspace_id=tenant.workspace_id, external_id="СП-4512", status="pending")
        session.add(order)
    async with database.transaction() as session:
        assert await service.order_number_example(session, tenant.workspace_id) == "СП-1234"
        assert await service.order_number_example(session, other_tenant.workspace_id) == "#W1234567"
