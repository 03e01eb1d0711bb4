"""A customer's "yes" runs the action the bot asked about only while the workspace still lets
the bot run it: an admin who switches the action off, or hands its intent to people, between
the question and the answer stops it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.models import Order
from tests.ai.actions.shop import Shop
from tests.factories import Tenant

CANCEL = "cancel order #W0000001 because I ordered by mistake"


async def status_of(database: Database, workspace_id: str, external_id: str) -> str:
    async with database.transaction() as session:
        order = (
            await session.scalars(
                select(Order).where(
                    Order.workspace_id == workspace_id, Order.external_id == external_id
                )
            )
        ).one()
        return str(order.status)


async def switch_off_the_action(client: httpx.AsyncClient, tenant: Tenant) -> None:
    changed = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"actions_enabled": ["order_status"]}
    )
    assert changed.status_code == 200, changed.text


async def hand_the_intent_to_people(client: httpx.AsyncClient, tenant: Tenant) -> None:
    listed = (await client.get("/api/v1/ai/intents", headers=tenant.headers)).json()
    cancellation = next(i for i in listed if i["name"] == "cancellation")
    changed = await client.patch(
        f"/api/v1/ai/intents/{cancellation['id']}",
        headers=tenant.headers,
        json={"handling": "handoff", "action": None},
    )
    assert changed.status_code == 200, changed.text


@pytest.mark.parametrize("change", [switch_off_the_action, hand_the_intent_to_people])
async def test_a_yes_after_the_action_was_switched_off_hands_off(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    shop: Shop,
    customer: Any,
    change: Callable[[httpx.AsyncClient, Tenant], Awaitable[None]],
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    before = await status_of(database, tenant.workspace_id, "#W0000001")
    asked = await noah.say(CANCEL)
    assert "?" in asked[-1]["text"]

    await change(client, tenant)
    await noah.say("yes")

    assert await status_of(database, tenant.workspace_id, "#W0000001") == before
    run = (await noah.runs())[0]  # newest first
    assert run["decision"] == "handoff"
    assert "no longer enabled" in run["reason"]
