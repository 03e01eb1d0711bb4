"""Turns that change course in an action flow: a new question in the middle of one, and a
visitor who, after one wrong guess at their details, writes again without new ones."""

from __future__ import annotations

from typing import Any

import httpx

from tests.ai.actions.shop import Shop
from tests.ai.test_llm import SHIPPING
from tests.factories import Tenant
from tests.knowledge.helpers import publish


async def test_a_status_question_in_the_middle_of_a_cancellation_is_answered(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("I want to cancel an order")

    answered = await noah.say("Actually, never mind that. Where is my order #W0000002?")

    newest = (await noah.runs())[0]
    assert newest["action"]["name"] == "order_status", newest["reason"]
    assert "processed" in answered[-1]["text"]


async def test_one_wrong_guess_counts_once(
    client: httpx.AsyncClient, tenant: Tenant, shop: Shop, customer: Any
) -> None:
    await publish(client, tenant, title="How long does shipping take?", body=SHIPPING)
    visitor = customer("visitor")
    await visitor.say("Where is my order?")
    await visitor.say("Noah Brown, 80270")  # a wrong zip: one failed guess
    await visitor.say("How long does standard delivery take?")  # answered: the bot helped

    again = await visitor.say("Where is my order?")  # no new details: no new guess
    right = await visitor.say("Noah Brown, 80279")

    runs = list(reversed(await visitor.runs()))
    assert [r["decision"] for r in runs] == ["clarify", "clarify", "answer", "clarify", "action"]
    assert "details match no account" not in runs[3]["reason"]
    assert "#W0000001" in right[-1]["text"], again
