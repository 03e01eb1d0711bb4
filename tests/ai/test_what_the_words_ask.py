"""What a message asks when its words could mislead: "return" in "return home after" asks no
return, a new address beside "just cancel" asks no address change, and a return of one line of
an order that has not shipped is no whole cancellation (a review found each)."""

from __future__ import annotations

from typing import Any

from tests.ai.actions.shop import Shop


async def test_return_home_in_an_address_change_is_no_return(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    answered = await noah.say(
        "I return home after the 20th, can you change the shipping address of my pending "
        "order to 9 Elm St, Boston, MA 02116"
    )

    text = answered[-1]["text"]
    assert "Shall I cancel it?" not in text, text
    assert "return" not in text.casefold(), text


async def test_an_address_beside_just_cancel_keeps_the_cancellation(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say("cancel order #W0000001")

    planned = await noah.say(
        "I ordered it by mistake, I meant to ship it to 88 Pine St, Portland, OR 97209 but "
        "whatever, just cancel"
    )

    assert "I will cancel order #W0000001" in planned[-1]["text"], planned[-1]["text"]


async def test_a_return_of_one_line_of_an_unshipped_order_offers_no_cancellation(
    shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    answered = await noah.say(
        "I want to return the office chair from order #W0000001, keep the water bottle"
    )

    assert "Shall I cancel it?" not in answered[-1]["text"], answered[-1]["text"]
