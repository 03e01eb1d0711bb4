"""A return asked for an order that has not shipped is offered as a cancellation: the money
back is what the customer wants, and a "yes" starts the cancellation."""

from __future__ import annotations

from typing import Any

from tests.ai.actions.shop import Shop


async def test_a_return_of_a_pending_order_offers_to_cancel_it(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    offered = await noah.say("I want to return order #W0000001, I don't need it")
    planned = await noah.say("yes")
    done = await noah.say("yes")

    assert "Shall I cancel it?" in offered[-1]["text"]
    assert "I will cancel order #W0000001" in planned[-1]["text"]
    assert "is cancelled" in done[-1]["text"]


async def test_a_no_to_the_offer_changes_nothing(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("I want to return order #W0000001")

    declined = await noah.say("no thanks")

    assert "haven't changed anything" in declined[-1]["text"]
    assert (await noah.runs())[0]["action"] is None


async def test_a_shipped_order_is_not_offered_a_cancellation(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    refused = await noah.say("I want to return order #W0000002")

    assert "once it has been delivered" in refused[-1]["text"]
