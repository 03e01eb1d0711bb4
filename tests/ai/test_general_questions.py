# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""A general question that the classifier reads as an order action ("When do orders ship?",
taken for order status) is answered from knowledge at the usual bar: it is about no order of
the customer's, so the bot need not ask who they are. Without such knowledge, and for a question
about their own order's status ("When does my order ship?", even with such knowledge), or one asked
while the bot waits for a detail, the action runs as before."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskpilot.ai.requests import about_own_order, asks_its_status, question_beside
from deskpilot.kit.deps import Resources
from tests.ai.actions.shop import Shop
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant
from tests.knowledge.helpers import publish

WHEN_ORDERS_SHIP = (
    "## When orders ship\n"
    "Orders placed before 2 pm ship the same business day. Orders placed later, or at the "
    "weekend, ship the next business day."
)
WHEN_ORDERS_SHIP_ZH = (
    "## 发货时间\n下午两点前下的订单当天发货。之后或周末下的订单在下一个工作日发货。"
)


async def order_status_run(customer: Any) -> dict[str, Any]:
    run: dict[str, Any] = (await customer.runs())[0]
    assert run["intent"] == "order_status"  # the classifier's reading this test is about
    return run


@pytest.mark.parametrize(
    ("question", "language", "body", "said"),
    [
        ("When do orders ship?", "en", WHEN_ORDERS_SHIP, "same business day"),
        ("你们的订单多久发货？", "zh", WHEN_ORDERS_SHIP_ZH, "当天发货"),
    ],
)
async def test_a_general_question_read_as_order_status_is_answered_from_knowledge(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    customer: Any,
    shop: Shop,
    question: str,
    language: str,
    body: str,
    said: str,
) -> None:
    article = await publish(client, tenant, title="Shipping times", body=body, language=language)
    await drain(worker_for(resources))
    visitor = customer(f"general-1-{language}")  # a chat profile with no orders
    replies = await visitor.say(question)
    assert said in replies[0]["text"]
    run = await order_status_run(visitor)
    assert run["decision"] == "answer"
    assert [s["article_id"] for s in run["sources"]] == [article["id"]]


async def asks_who_they_are(visitor: Any, text: str) -> None:
    replies = await visitor.say(text)
    assert "confirm who you are" in replies[0]["text"]
    assert (await order_status_run(visitor))["decision"] == "clarify"


async def test_without_knowledge_the_action_runs_as_before(customer: Any, shop: Shop) -> None:
    await asks_who_they_are(customer("general-2"), "When do orders ship?")


@pytest.fixture
async def shipping_times(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> dict[str, Any]:
    """The "Shipping times" article (en), published and indexed."""
    article = await publish(client, tenant, title="Shipping times", body=WHEN_ORDERS_SHIP)
    await drain(worker_for(resources))
    return article


@pytest.mark.usefixtures("shipping_times")
async def test_a_question_while_the_bot_waits_for_details_continues_the_flow(
    customer: Any, shop: Shop
) -> None:
    visitor = customer("general-4")
    asked = await visitor.say("Where is my order #W0000005?")
    assert "confirm who you are" in asked[0]["text"]
    verified = await visitor.say("Which details? I'm Anna Lee, zip 10083")
    assert "#W0000005" in verified[0]["text"]
    assert (await visitor.runs())[0]["decision"] in ("answer", "action")


async def test_a_question_about_their_own_order_still_asks_who_they_are(
    customer: Any, shop: Shop
) -> None:
    await asks_who_they_are(customer("general-3"), "When does my order ship?")


@pytest.mark.usefixtures("shipping_times")
async def test_a_status_question_about_their_own_order_skips_the_article(
    customer: Any, shop: Shop
) -> None:
    """Their order's status answers "when does my order ship?", not the shipping policy, even
    when an article answers the general question clearly."""
    await asks_who_they_are(customer("general-6"), "Hi, when does my order ship?")


@pytest.mark.usefixtures("shipping_times")
async def test_a_policy_question_about_their_own_order_is_answered_from_knowledge(
    customer: Any, shop: Shop
) -> None:
    """Only a question after the order's status ("when does it ship?") skips the article."""
    visitor = customer("general-5")
    replies = await visitor.say("When does my order ship if I order on Saturday?")
    assert "next business day" in replies[0]["text"]
    assert (await order_status_run(visitor))["decision"] == "answer"


@pytest.mark.parametrize(
    ("text", "own"),
    [
        ("Do you ship to Canada?", False),
        ("What is your return policy?", False),
        ("How long does it take to ship to Canada?", False),
        ("Is it possible to pay by invoice?", False),
        ("你们的订单多久发货？", False),
        ("Сколько стоит доставка в Казахстан?", False),
        ("Can I cancel my order?", True),
        ("Can I return it?", True),
        ("I ordered a lamp, can I return it?", True),
        ("我的订单多久能到？", True),
        ("这个订单可以退吗？", True),
        ("Можно ли вернуть мой заказ?", True),
        ("Можно ли вернуть его?", True),
        ("How long does #W0000001 take?", True),
        ("I placed an order, how do I cancel?", True),
        ("Can I cancel the order I placed this morning?", True),
        ("When does the order arrive?", True),
        ("Can I return these shoes?", True),
        ("我要取消订单，怎么操作", True),
        ("订单怎么取消？我刚下的", True),
        ("Как мне вернуть заказ?", True),
        ("Сколько ждать посылку? Заказала неделю назад", True),
        ("Можно ли изменить адрес доставки? Я ошиблась", True),
        ("Can I cancel an order I just placed?", True),
        ("Can I still cancel? I\u2019ve ordered the wrong size", True),
        ("能不能取消我昨天下的订单？", True),
        ("我已经付款了，多久能发货？", True),
        ("Можно ли отменить мою покупку?", True),
        ("Какой статус у нашего заказа?", True),
        ("Почему я заплатила дважды?", True),
    ],
)
def test_about_own_order(text: str, own: bool) -> None:
    assert about_own_order(text) is own


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("When does my order ship?", True),
        ("Hi, when does my order ship?", True),
        ("Do you know when my order ships?", True),
        ("When will it arrive?", True),
        ("我的订单什么时候到？", True),
        ("Здравствуйте, когда придёт мой заказ?", True),
        ("When do the shoes I ordered arrive?", True),
        ("I ordered shoes on Monday. When do they ship?", True),
        ("What is your shipping policy when my order is late?", False),
        ("Can I change the address when my order has shipped?", False),
        ("When does my order ship if I order on Saturday?", False),
        ("How long does shipping take for my order?", False),
        ("My order is late. Where can I read your refund policy?", False),
        ("I bought a lamp. Where do you ship from, generally?", False),
        ("我的订单多久发货？", False),
    ],
)
def test_asks_its_status(text: str, status: bool) -> None:
    assert asks_its_status(text) is status


def test_a_long_run_of_punctuation_is_read_in_one_pass() -> None:
    # 20,000 commas once took 9 s: each one started the clause pattern again
    assert asks_its_status("Where is my order?" + "." * 20000) is True
    assert asks_its_status("," * 20000) is False


@pytest.mark.parametrize(
    ("text", "question"),
    [
        (
            "Where is #W1? Also, do you charge VAT on shipping?",
            "Also, do you charge VAT on shipping?",
        ),
        ("Cancel #W1. How long does a refund take?", "How long does a refund take?"),
        ("订单#W3到哪了？你们支持哪些付款方式？", "你们支持哪些付款方式？"),
        (
            "Где мой заказ #W4? И есть ли гарантия на электронику?",
            "И есть ли гарантия на электронику?",
        ),
        ("Where is my order? When will it arrive?", None),  # about their order
        ("Where is #W1? Can I cancel it?", None),  # an action
        ("Do you ship to Canada?", None),  # one sentence: the message's own question
        ("Cancel #W1 please. Thanks!", None),
    ],
)
def test_a_general_question_beside_a_request_about_an_order(
    text: str, question: str | None
) -> None:
    assert question_beside(text) == question
