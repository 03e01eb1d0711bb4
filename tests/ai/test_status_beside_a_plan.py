"""Where an item of another order is, asked beside a plan for one order: its order's status
first, then the plan ("Where's my desk lamp, and can I also cancel the office chair order?";
a review saw the status question dropped)."""

from __future__ import annotations

from typing import Any

from deskpilot.kit.db import Database
from tests.ai.actions.shop import Shop, set_items
from tests.factories import Tenant

DESK_LAMP = [{"name": "Desk Lamp", "item_id": "5550001", "price": 30.0}]


async def test_the_other_items_status_comes_before_the_plan(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000002", DESK_LAMP)
    noah = customer("noah", "noah.brown@example.com")

    answered = await noah.say("Where's my desk lamp, and can I also cancel order #W0000001?")
    planned = await noah.say("I ordered it by mistake")

    text = answered[-1]["text"]
    assert "#W0000002 is processed" in text, text
    assert "#W0000001" in text.split("\n\n")[-1], text
    assert "I will cancel order #W0000001" in planned[-1]["text"], planned[-1]["text"]


async def test_a_question_about_the_planned_orders_own_item_adds_nothing(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    await set_items(database, tenant.workspace_id, "#W0000002", DESK_LAMP)
    noah = customer("noah", "noah.brown@example.com")

    answered = await noah.say("cancel order #W0000001, where is the office chair now?")

    assert "#W0000002" not in answered[-1]["text"], answered[-1]["text"]
