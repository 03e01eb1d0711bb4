"""While a bot turn waits on the workspace's LLM, the rest of the product keeps answering.

On SQLite every transaction holds the database's one writer from its first statement, so a
turn that called its model inside its transaction froze every other request (another
workspace's API, the help center, an agent's console) for as long as the model took. The
turn now does its writes after the model has answered: each chat request below is held open
by FakeLLM while another workspace's request has to complete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.llm_intent import INTENT_PROMPT
from deskpilot.ai.llm_slots import SLOTS_PROMPT
from deskpilot.ai.replies.generate import SYSTEM_PROMPT
from deskpilot.kit.db import Database
from deskpilot.models import AIConversationState, Message, Order
from tests.ai.actions.shop import Shop
from tests.ai.test_llm import NO_INTENT, SHIPPING, use_fake_llm
from tests.ai.test_pipeline import Customer
from tests.channels.helpers import create_channel
from tests.factories import Tenant
from tests.knowledge.helpers import publish
from tests.support.fakellm import FakeLLM, Reply


async def state_of(session: AsyncSession, conversation_id: str) -> AIConversationState:
    query = select(AIConversationState).where(
        AIConversationState.conversation_id == conversation_id
    )
    return (await session.scalars(query)).one()


@pytest.fixture
async def fake() -> AsyncIterator[FakeLLM]:
    async with FakeLLM.running() as running:
        running.chat_gate = asyncio.Event()
        yield running


@pytest.fixture
async def channel(client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM) -> dict[str, Any]:
    await use_fake_llm(client, tenant, fake)
    return await create_channel(client, tenant, "api")


async def say_while_others_are_served(
    customer: Customer,
    text: str,
    fake: FakeLLM,
    other: Tenant,
    client: httpx.AsyncClient,
    meanwhile: Callable[[], Awaitable[None]] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """``customer.say(text)``; each chat request it makes is held until another workspace's
    article list and the help center have answered (and ``meanwhile`` has run). Returns the
    replies and the system prompts of the requests held."""
    saying = asyncio.create_task(customer.say(text))
    held: list[str] = []
    while True:
        fake.chat_arrived.clear()
        arrived = asyncio.create_task(fake.chat_arrived.wait())
        await asyncio.wait({saying, arrived}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
        if saying.done():
            arrived.cancel()
            return saying.result(), held
        body = fake.chat_requests[-1].body
        held.append(body["messages"][0]["content"])
        listed = await asyncio.wait_for(
            client.get("/api/v1/kb/articles", headers=other.headers), 10
        )
        page = await asyncio.wait_for(client.get(f"/help/{other.slug}"), 10)
        assert (listed.status_code, page.status_code) == (200, 200)
        if meanwhile is not None:
            await meanwhile()
        assert not saying.done()
        gate = fake.chat_gate
        assert gate is not None
        fake.chat_gate = asyncio.Event()
        gate.set()


async def test_an_answer_written_by_the_model(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    fake: FakeLLM,
    customer: Any,
    database: Database,
) -> None:
    await publish(client, tenant, title="How long does shipping take?", body=SHIPPING)
    answer = Reply.text("Standard delivery takes three to five business days [1].")
    fake.script(NO_INTENT, answer)  # the classifier is unsure of this one: the model is asked
    visitor = customer("lock-1")

    replies, held = await say_while_others_are_served(
        visitor, "How long does standard delivery take?", fake, other_tenant, client
    )

    assert held == [INTENT_PROMPT, SYSTEM_PROMPT]
    assert replies[0]["text"].startswith("Standard delivery takes three to five business days")
    async with database.transaction() as session:
        inbound = (
            await session.scalars(
                select(Message).where(Message.conversation_id == visitor.conversation_id)
            )
        ).first()
        assert inbound is not None
        assert inbound.annotations  # annotated all the same
        state = await state_of(session, visitor.conversation_id)
        assert state.failures == 0


async def test_slots_read_by_the_model_then_the_customers_yes(
    client: httpx.AsyncClient,
    other_tenant: Tenant,
    fake: FakeLLM,
    customer: Any,
    shop: Shop,
    database: Database,
) -> None:
    fake.script(
        Reply.tool_calls(("cancel_order", {"order_id": "#W0000001", "reason": "no longer needed"}))
    )
    noah = customer("lock-2", "noah.brown@example.com")

    first, held = await say_while_others_are_served(
        noah, "Cancel order #W0000001 please, my sister bought me one", fake, other_tenant, client
    )
    second = await noah.say("yes")

    assert SLOTS_PROMPT in held
    assert "(yes / no)" in first[0]["text"]
    assert "cancelled" in second[0]["text"]  # the pending action was saved with the turn
    async with database.transaction() as session:
        order = (await session.scalars(select(Order).where(Order.external_id == "#W0000001"))).one()
        assert order.status == "cancelled"


async def test_what_another_turn_saved_meanwhile_is_kept(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    fake: FakeLLM,
    customer: Any,
    database: Database,
) -> None:
    """A turn writes back only what it changed: the state another turn saved while this one
    waited on the model stays (here, the order that turn was about)."""
    await publish(client, tenant, title="How long does shipping take?", body=SHIPPING)
    visitor = customer("lock-3")
    await visitor.say("Hello")
    fake.script(NO_INTENT, Reply.text("Standard delivery takes three to five business days [1]."))

    async def another_turn_saves() -> None:
        async with database.transaction() as session:
            state = await state_of(session, visitor.conversation_id)
            state.focus_order_id = "ord_from_the_other_turn"

    await say_while_others_are_served(
        visitor,
        "How long does standard delivery take?",
        fake,
        other_tenant,
        client,
        meanwhile=another_turn_saves,
    )

    async with database.transaction() as session:
        state = await state_of(session, visitor.conversation_id)
        assert state.focus_order_id == "ord_from_the_other_turn"
