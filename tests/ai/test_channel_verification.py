"""A sender the channel vouches for (a Telegram or WhatsApp chat, an API sender) whose profile
is not the shop account that owns the orders: they verify with email and order number, or
name and zip, and the bot then acts for the customer those details identify, and no other. A
sender whose profile owns orders is that customer for the whole conversation."""

from __future__ import annotations

from typing import Any

from tests.ai.actions.shop import Shop


async def test_a_chat_with_no_orders_verifies_with_email_and_order_number(
    customer: Any, shop: Shop
) -> None:
    chat = customer("tg-chat-42")  # a chat id only, as messaging apps' senders arrive
    asked = await chat.say("Where is my order #W0000003?")
    assert "confirm who you are" in asked[0]["text"]
    assert "delivered" not in asked[0]["text"]
    shown = await chat.say("My email is noah.brown@example.com and the order is #W0000003")
    assert "#W0000003 is delivered" in shown[0]["text"]
    runs = await chat.runs()
    assert [r["decision"] for r in reversed(runs)] == ["clarify", "action"]
    assert runs[0]["action"]["name"] == "order_status"
    # from now on the bot acts for Noah, and only for Noah
    other = await chat.say("Where is order #W0000005?")
    assert all("pending" not in r["text"] for r in other)


async def test_a_chat_with_no_orders_verifies_with_name_and_zip(customer: Any, shop: Shop) -> None:
    chat = customer("wa-5511")
    await chat.say("Where is my order #W0000002?")
    shown = await chat.say("My name is Noah Brown and my zip is 80279")
    assert "#W0000002 is processed" in shown[0]["text"]
    assert "357962501027" in shown[0]["text"]


async def test_a_customer_with_orders_asking_about_another_accounts_order(
    customer: Any, shop: Shop
) -> None:
    anna = customer("anna-chat", "anna@example.com")
    # Noah's order, asked about from Anna's verified profile: not hers, nothing shown
    refused = await anna.say("Where is order #W0000002?")
    assert "couldn't find that order" in refused[0]["text"]
    assert "processed" not in refused[0]["text"]
    # nor with another customer's whole proof: the conversation is Anna's (one customer per
    # conversation; a spouse knows the other's email and order numbers)
    still = await anna.say("My email is noah.brown@example.com and the order is #W0000002")
    assert all("processed" not in r["text"] for r in still)
