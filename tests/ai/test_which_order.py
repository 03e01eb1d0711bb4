"""Which order an action is about when the customer does not say: the only order it can apply
to ("cancel my order" with one pending order), else the question lists the orders it can apply
to, and when there is none the bot says so instead of asking for a number that cannot work.

Noah's orders (tests/ai/actions/shop.py): #W0000001 pending, #W0000002 processed, #W0000003
delivered, #W0000004 cancelled; every one holds a Water Bottle and an Office Chair."""

from __future__ import annotations

from typing import Any

from deskpilot.kit.db import Database
from deskpilot.orders import service as orders_service
from tests.ai.actions.shop import Shop
from tests.ai.test_confirmation_still_allowed import status_of
from tests.factories import Tenant


async def _set_status(database: Database, workspace_id: str, order_id: str, status: str) -> None:
    async with database.transaction() as session:
        found = await orders_service.find_order(session, workspace_id, order_id)
        assert found is not None
        found.status = status


async def test_the_only_pending_order_is_the_one_to_cancel(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    asked = await noah.say("I want to cancel my order")
    plan = await noah.say("ordered by mistake")
    done = await noah.say("yes")

    assert "cancel order #W0000001 (Water Bottle, Office Chair)?" in asked[-1]["text"]
    assert "#W0000001" in plan[-1]["text"]
    assert "cancelled" in done[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "cancelled"


async def test_the_item_named_and_the_status_the_action_needs_tell_the_order(
    shop: Shop, customer: Any
) -> None:
    """Every order holds a chair: the pending one is the chair to cancel, the delivered one the
    chair to return, even right after the pending one was discussed."""
    noah = customer("noah", "noah.brown@example.com")

    cancel = await noah.say("please cancel the chair")
    cancel_run = (await noah.runs())[0]
    ret = await noah.say("Actually I'd rather return the chair")

    assert cancel_run["action"]["slots"]["order_id"] == "#W0000001"
    assert "cancel order #W0000001" in cancel[-1]["text"]
    assert (await noah.runs())[0]["action"]["slots"]["order_id"] == "#W0000003"
    assert "Returning Office Chair from order #W0000003" in ret[-1]["text"]


async def test_several_orders_it_could_be_are_listed_in_the_question(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await _set_status(database, tenant.workspace_id, "#W0000002", "pending")
    noah = customer("noah", "noah.brown@example.com")

    asked = await noah.say("cancel my order please")
    chosen = await noah.say("#W0000002")

    text = asked[-1]["text"]
    assert "Which order is it about: #W0000002 (Water Bottle, Office Chair), #W0000001" in text
    assert "#W0000003" not in text  # delivered: cannot be cancelled, so not offered
    assert "cancel order #W0000002" in chosen[-1]["text"]


async def test_no_order_it_can_apply_to_is_said_with_the_orders_and_their_statuses(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await _set_status(database, tenant.workspace_id, "#W0000001", "processed")
    noah = customer("noah", "noah.brown@example.com")

    refused = await noah.say("I need to cancel my order")
    named = await noah.say("#W0000002")

    text = refused[-1]["text"]
    assert "None of your recent orders is still pending" in text
    assert "#W0000003: delivered (Water Bottle, Office Chair)" in text
    assert "Order #W0000002 is processed, so it can no longer be changed" in named[-1]["text"]


async def test_the_chinese_question_lists_the_orders_too(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await _set_status(database, tenant.workspace_id, "#W0000004", "delivered")
    noah = customer("noah", "noah.brown@example.com")

    asked = await noah.say("我要退货")

    expected = "请问是哪个订单：#W0000004 (Water Bottle, Office Chair), #W0000003"  # noqa: RUF001
    assert expected in asked[-1]["text"]


async def test_an_item_the_shop_sells_but_not_to_them_picks_no_order(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    """Anna's order holds the grinder; Noah has one pending order, which must not be taken for
    "my coffee grinder order" (a review saw it cancelled on the next "yes")."""
    async with database.transaction() as session:
        annas = await orders_service.find_order(session, tenant.workspace_id, "#W0000005")
        assert annas is not None
        annas.items = [{"name": "Coffee Grinder", "item_id": "900"}]
    noah = customer("noah", "noah.brown@example.com")

    asked = await noah.say("cancel my coffee grinder order, no longer needed")
    await noah.say("yes")

    text = asked[-1]["text"]
    assert text.startswith("I couldn't find that item in your recent orders.")
    assert "Which order is it about: #W0000001 (Water Bottle, Office Chair)?" in text
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


async def test_an_item_not_theirs_ignores_the_order_named_before(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    async with database.transaction() as session:
        annas = await orders_service.find_order(session, tenant.workspace_id, "#W0000005")
        assert annas is not None
        annas.items = [{"name": "Coffee Grinder", "item_id": "900"}]
    noah = customer("noah", "noah.brown@example.com")

    await noah.say("Where is #W0000002?")
    asked = await noah.say("cancel my coffee grinder order, no longer needed")

    assert "I couldn't find that item in your recent orders." in asked[-1]["text"]
    assert "Coffee Grinder" not in asked[-1]["text"]  # what others bought is not named back
    assert (await noah.runs())[0]["action"]["slots"].get("order_id") is None
