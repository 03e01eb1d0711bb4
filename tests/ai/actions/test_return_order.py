"""return_order: delivered orders only, items of that order, refund to an allowed method."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.ai.actions.base import Decision, Refusal
from deskpilot.ai.actions.return_order import ReturnOrder, final_sale
from deskpilot.kit.db import Database
from deskpilot.models import Order
from deskpilot.orders import service as orders
from tests.ai.actions.helpers import check, order, run
from tests.ai.actions.shop import Shop, set_items
from tests.factories import Tenant

ACTION = ReturnOrder()
DELIVERED = "#W0000003"


async def test_a_delivered_item_is_returned_to_the_original_method_once_confirmed(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    slots: dict[str, Any] = {
        "order_id": DELIVERED,
        "item_ids": ["6469567736"],
        "payment_method_id": "original",
    }
    outcome = await check(database, tenant, shop.noah, ACTION, **slots)
    assert outcome.decision is Decision.ALLOWED
    assert outcome.plan["item_ids"] == ["6469567736"]
    assert outcome.plan["refund_to"] == "credit_card_7815826"  # "original" is the order's method
    unconfirmed = await run(database, tenant, shop.noah, ACTION, confirmed=False, **slots)
    assert unconfirmed.outcome is not None
    assert unconfirmed.outcome.reason is Refusal.NOT_CONFIRMED
    assert (await order(database, tenant, DELIVERED)).status == "delivered"

    result = await run(database, tenant, shop.noah, ACTION, confirmed=True, **slots)
    assert result.ok
    saved = await order(database, tenant, DELIVERED)
    assert saved.status == "return requested"
    bottle, chair = saved.items
    assert bottle["return_requested"] is True
    assert bottle["refund_to"] == "credit_card_7815826"
    assert "return_requested" not in chair


async def test_items_can_be_named_and_refunded_to_an_existing_gift_card(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    outcome = await check(
        database,
        tenant,
        shop.noah,
        ACTION,
        order_id=DELIVERED,
        item_ids=["office chair"],
        payment_method_id="gift_card_4374071",
    )
    assert outcome.is_allowed
    assert outcome.plan["item_ids"] == ["8426249116"]
    assert outcome.plan["refund_to"] == "gift_card_4374071"


async def test_an_item_not_in_the_order_is_refused(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    outcome = await check(
        database,
        tenant,
        shop.noah,
        ACTION,
        order_id=DELIVERED,
        item_ids=["6469567736", "1111111111"],
        payment_method_id="original",
    )
    assert outcome.reason is Refusal.ITEM_NOT_IN_ORDER
    assert outcome.details == {"items": ["1111111111"]}


async def test_a_refund_to_a_method_the_customer_does_not_have_is_refused(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    slots: dict[str, Any] = {"order_id": DELIVERED, "item_ids": ["all"]}
    outcome = await check(
        database, tenant, shop.noah, ACTION, **slots, payment_method_id="gift_card_0000001"
    )
    assert outcome.reason is Refusal.REFUND_METHOD_NOT_ALLOWED
    # PayPal is on the profile but did not pay this order, and is not a gift card
    outcome = await check(
        database, tenant, shop.noah, ACTION, **slots, payment_method_id="paypal_5727330"
    )
    assert outcome.reason is Refusal.REFUND_METHOD_NOT_ALLOWED
    missing = await check(database, tenant, shop.noah, ACTION, **slots)
    assert missing.missing == ["payment_method_id"]
    assert missing.choices == {"payment_method_id": ["credit_card_7815826", "gift_card_4374071"]}


async def test_missing_items_are_asked_for_with_the_orders_lines(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    outcome = await check(database, tenant, shop.noah, ACTION, order_id=DELIVERED)
    assert outcome.missing == ["item_ids"]
    assert outcome.choices == {"item_ids": ["6469567736", "8426249116"]}


async def test_only_delivered_orders_can_be_returned(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    for order_id, status in (("#W0000001", "pending"), ("#W0000004", "cancelled")):
        result = await run(
            database,
            tenant,
            shop.noah,
            ACTION,
            confirmed=True,
            order_id=order_id,
            item_ids=["all"],
            payment_method_id="original",
        )
        assert result.outcome is not None
        assert result.outcome.reason is Refusal.NOT_DELIVERED
        assert (await order(database, tenant, order_id)).status == status


async def test_another_customer_cannot_return_noahs_order(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    outcome = await check(
        database,
        tenant,
        shop.anna,
        ACTION,
        order_id=DELIVERED,
        item_ids=["all"],
        payment_method_id="original",
    )
    assert outcome.reason is Refusal.ORDER_NOT_FOUND


async def test_a_gift_card_named_by_kind_is_the_customers_only_gift_card(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    slots: dict[str, Any] = {"order_id": DELIVERED, "item_ids": ["Water Bottle"]}
    mine = await check(database, tenant, shop.noah, ACTION, **slots, payment_method_id="gift_card")
    assert mine.plan["refund_to"] == "gift_card_4374071"
    async with database.transaction() as session:  # Anna has no gift card
        anna_order = await orders.find_order(session, tenant.workspace_id, "#W0000005")
        assert anna_order is not None
        anna_order.status = "delivered"
    theirs = await check(
        database,
        tenant,
        shop.anna,
        ACTION,
        order_id="#W0000005",
        item_ids=["all"],
        payment_method_id="gift card",
    )
    assert theirs.reason is Refusal.REFUND_METHOD_NOT_ALLOWED
    assert theirs.details == {"allowed": ["credit_card_7815826"]}


async def delivered_yoga_mat(
    database: Database, tenant: Tenant, customer_id: str, external_id: str, **fields: Any
) -> None:
    """A delivered order of one line for ``customer_id``."""
    async with database.transaction() as session:
        session.add(
            Order(
                workspace_id=tenant.workspace_id,
                external_id=external_id,
                customer_id=customer_id,
                status="delivered",
                items=[{"name": "Yoga Mat", "item_id": "555"}],
                **fields,
            )
        )


async def test_one_line_and_one_refund_choice_need_no_question(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    """Anna has no gift card, so the order's card is her only refund choice; her order has one
    line. Both go into the plan she confirms instead of being asked for."""
    paid = {"transaction_type": "payment", "amount": 45, "payment_method_id": "card_1"}
    await delivered_yoga_mat(database, tenant, shop.anna, "#W0000009", payment_methods=[paid])

    outcome = await check(database, tenant, shop.anna, ACTION, order_id="#W0000009")

    assert outcome.is_allowed
    assert outcome.plan["item_ids"] == ["555"]
    assert outcome.plan["refund_to"] == "card_1"
    asked = await check(database, tenant, shop.noah, ACTION, order_id=DELIVERED)  # two of each
    assert asked.missing == ["item_ids"]


async def test_a_single_gift_card_is_no_choice_taken_for_the_customer(
    database: Database, tenant: Tenant, shop: Shop
) -> None:
    """The order's own method is unrecorded and Noah has one gift card: "original" is still
    possible, so the bot asks."""
    await delivered_yoga_mat(database, tenant, shop.noah, "#W0000010")

    outcome = await check(database, tenant, shop.noah, ACTION, order_id="#W0000010")

    assert outcome.missing == ["payment_method_id"]


@pytest.mark.parametrize(
    ("item", "marked"),
    [
        ({"name": "Silk Cami", "options": {"color": "Black", "note": "Final Sale"}}, True),
        ({"name": "真丝吊带", "options": {"颜色": "黑色", "备注": "清仓不退换"}}, True),
        ({"name": "Шёлковый топ (без возврата)"}, True),
        ({"name": "Bikini Bottom", "final_sale": True}, True),
        ({"name": "Linen Shirt", "options": {"color": "White"}}, False),
        ({"name": "Sale Finale Poster"}, False),
    ],
)
def test_a_line_the_shop_marks_final_sale_is_read(item: dict[str, Any], marked: bool) -> None:
    assert final_sale(item) is marked


async def test_a_final_sale_line_is_not_returned(
    database: Database, tenant: Tenant, shop: Shop, customer: Any
) -> None:
    """A tester's plan read "Silk Cami (Black, S, Final Sale)" back to the customer, and the
    yes opened the return."""
    cami = {"name": "Silk Cami", "item_id": "1", "options": {"size": "S", "note": "Final Sale"}}
    await set_items(
        database, tenant.workspace_id, DELIVERED, [cami, {"name": "Belt", "item_id": "2"}]
    )
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say(f"I want to return the silk cami from {DELIVERED}")
    await noah.say("yes")

    assert "marked final sale" in replies[-1]["text"], replies[-1]["text"]
    assert (await order(database, tenant, DELIVERED)).status == "delivered"
    belt = await noah.say(f"ok then return the belt from {DELIVERED}, to the original method")
    assert "Belt" in belt[-1]["text"], belt[-1]["text"]
    assert "(yes / no)" in belt[-1]["text"], belt[-1]["text"]
