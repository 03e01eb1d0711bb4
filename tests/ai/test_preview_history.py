"""A reply preview (and agent assist, which uses it) reads the customer's last message in the
light of the conversation so far: the earlier turns are decided in order first. A confirmed
action is checked and reported, never run."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.models import AIRun
from tests.ai.actions.shop import Shop
from tests.ai.test_confirmation_still_allowed import status_of
from tests.factories import Tenant


async def preview(
    client: httpx.AsyncClient, tenant: Tenant, text: str, history: list[str], **who: str
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/ai/reply-preview",
        headers=tenant.headers,
        json={
            "text": text,
            "history": [{"role": "customer", "text": said} for said in history],
            **who,
        },
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_yes_after_the_bots_question_is_a_confirmation_that_runs_nothing(
    client: httpx.AsyncClient, tenant: Tenant, shop: Shop, database: Database
) -> None:
    history = ["Cancel order #W0000001 please", "I ordered it by mistake"]

    confirmed = await preview(client, tenant, "yes", history, email="noah.brown@example.com")

    assert confirmed["decision"] == "action", confirmed["reason"]
    assert confirmed["action"]["name"] == "cancel_order"
    assert confirmed["action"]["preview"] is True
    assert "#W0000001" in confirmed["reply"]
    assert "changes nothing" in confirmed["reply"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"
    async with database.transaction() as session:
        runs = (await session.scalars(select(AIRun))).all()
    assert [(run.kind, run.decision) for run in runs] == [("preview", "action")]  # the last turn


async def test_details_a_visitor_gave_earlier_verify_them_for_the_last_message(
    client: httpx.AsyncClient, tenant: Tenant, shop: Shop
) -> None:
    history = ["Where is my order #W0000001?", "My email is noah.brown@example.com"]

    asked = await preview(client, tenant, "Please cancel it, I ordered it by mistake", history)

    assert asked["decision"] == "clarify", asked["reason"]
    assert "(yes / no)" in asked["reply"]
    assert "#W0000001" in asked["reply"]
