"""cancel_order: pending orders only, an accepted reason, and the customer's confirmation."""

from __future__ import annotations

import asyncio

import pytest

from deskpilot.ai.actions.base import Decision, Refusal
from deskpilot.ai.actions.cancel_order import ACCEPTED_REASONS, CancelOrder
from deskpilot.kit.bus import InProcessBus
from deskpilot.kit.db import Database
from tests.ai.actions.helpers import check, order, run
from tests.ai.actions.shop import Shop
from tests.factories import Tenant

ACTION = CancelOrder()


async def test_a_pending_order_is_planned_then_cancelled_once_confirmed(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    outcome = await check(
        database, tenant, shop.noah, ACTION, order_id="#W0000001", reason="No longer needed"
    )
    assert outcome.decision is Decision.ALLOWED
    assert outcome.plan["order_id"] == "#W0000001"
    assert outcome.plan["reason"] == "no longer needed"
    assert outcome.plan["refunds"] == [
        {"payment_method_id": "credit_card_7815826", "amount": "536.65"}
    ]
    assert (await order(database, tenant, "#W0000001")).status == "pending"  # check changes nothing

    bus = InProcessBus()
    subscription = bus.subscribe(tenant.workspace_id)
    result = await run(
        database,
        tenant,
        shop.noah,
        ACTION,
        confirmed=True,
        bus=bus,
        order_id="#W0000001",
        reason="no longer needed",
    )
    assert result.ok
    [change] = result.changes
    assert (change.field, change.before, change.after) == ("status", "pending", "cancelled")
    saved = await order(database, tenant, "#W0000001")
    assert saved.status == "cancelled"
    refund = saved.payment_methods[-1]
    assert refund["transaction_type"] == "refund"
    assert refund["reason"] == "no longer needed"
    assert refund["payment_method_id"] == "credit_card_7815826"
    event = await asyncio.wait_for(subscription.queue.get(), 5)
    assert event.name == "order.updated"
    assert event.data["status"] == "cancelled"


async def test_nothing_changes_without_confirmation(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    result = await run(
        database,
        tenant,
        shop.noah,
        ACTION,
        confirmed=False,
        order_id="#W0000001",
        reason="ordered by mistake",
    )
    assert not result.ok
    assert result.outcome is not None
    assert result.outcome.reason is Refusal.NOT_CONFIRMED
    assert (await order(database, tenant, "#W0000001")).status == "pending"


@pytest.mark.parametrize(("order_id", "status"), [
    ("#W0000002", "processed"),
    ("#W0000003", "delivered"),
    ("#W0000004", "cancelled"),
])  # fmt: skip
async def test_only_pending_orders_can_be_cancelled(
    database: Database, tenant: Tenant, shop: Shop, order_id: str, status: str
) -> None:
    result = await run(
        database,
        tenant,
        shop.noah,
        ACTION,
        confirmed=True,
        order_id=order_id,
        reason="no longer needed",
    )
    assert not result.ok
    assert result.outcome is not None
    assert result.outcome.reason is Refusal.NOT_PENDING
    assert result.outcome.details == {"status": status}
    assert (await order(database, tenant, order_id)).status == status


async def test_other_reasons_are_refused_and_a_missing_one_is_asked_for(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    wrong = await run(
        database,
        tenant,
        shop.noah,
        ACTION,
        confirmed=True,
        order_id="#W0000001",
        reason="found it cheaper elsewhere",
    )
    assert wrong.outcome is not None
    assert wrong.outcome.reason is Refusal.REASON_NOT_ACCEPTED
    assert (await order(database, tenant, "#W0000001")).status == "pending"
    missing = await check(database, tenant, shop.noah, ACTION, order_id="#W0000001")
    assert missing.decision is Decision.MISSING
    assert missing.missing == ["reason"]
    assert missing.choices == {"reason": list(ACCEPTED_REASONS)}
    no_order = await check(database, tenant, shop.noah, ACTION, reason="no longer needed")
    assert no_order.missing == ["order_id"]


async def test_a_foreign_order_or_an_unverified_customer_changes_nothing(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    for customer_id, reason in ((shop.noah, Refusal.ORDER_NOT_FOUND), (None, Refusal.NOT_VERIFIED)):
        result = await run(
            database,
            tenant,
            customer_id,
            ACTION,
            confirmed=True,
            order_id="#W0000005",
            reason="no longer needed",
        )
        assert result.outcome is not None
        assert result.outcome.reason is reason
    assert (await order(database, tenant, "#W0000005")).status == "pending"
