"""The verified customer's own name, zip and address never reach the LLM, even though no
pattern can find a name: the turn's redactor knows them from the Customer 360 profile
(FakeLLM over real HTTP records every request)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Customer as CustomerRow
from tests.ai.actions.shop import Shop, create_shop
from tests.ai.test_llm import NO_INTENT, SHIPPING, use_fake_llm
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant
from tests.knowledge.helpers import publish
from tests.support.fakellm import FakeLLM, Reply

NOAH = ("Noah", "Brown", "80279", "12 Main St")


@pytest.fixture
async def fake() -> AsyncIterator[FakeLLM]:
    async with FakeLLM.running() as running:
        yield running


@pytest.fixture
async def channel(client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM) -> dict[str, Any]:
    await use_fake_llm(client, tenant, fake)
    return await create_channel(client, tenant, "api")


@pytest.fixture
async def shop(database: Database, tenant: Tenant) -> Shop:
    shop = await create_shop(database, tenant.workspace_id)
    async with database.transaction() as session:
        noah = await session.get(CustomerRow, shop.noah)
        assert noah is not None
        noah.address = "12 Main St"
    return shop


@pytest.fixture
async def shipping(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    return await publish(
        client, tenant, title="How long does shipping take?", body=SHIPPING, language="en"
    )


def sent_text(fake: FakeLLM) -> str:
    assert fake.chat_requests, "the model was never asked"
    return "\n".join(text for request in fake.chat_requests for text in request.texts)


def assert_nothing_of_noah(sent: str) -> None:
    lowered = sent.lower()
    for value in NOAH:
        assert value.lower() not in lowered, (value, sent)


async def test_name_and_zip_of_the_verified_customer_stay_in_the_process(
    client: httpx.AsyncClient,
    tenant: Tenant,
    channel: dict[str, Any],
    fake: FakeLLM,
    shop: Shop,
    customer: Any,
) -> None:
    # the API channel vouches for the sender, whose email is Noah's profile
    noah = customer("noah-known-1", "noah.brown@example.com")
    fake.script(NO_INTENT, NO_INTENT, Reply.text("{}"))
    await noah.say("I'm Noah Brown, zip 80279, where is my order?")
    sent = sent_text(fake)
    assert_nothing_of_noah(sent)
    assert "[NAME_1]" in sent
    assert "[ZIP_1]" in sent


@pytest.mark.parametrize(
    "question",
    [
        "Hi, this is brown noah. How long does standard delivery take?",
        "NOAH BROWN here: how long does standard delivery take to 12 Main St?",
        "Brown, Noah (80279) - how long does standard delivery take?",
    ],
)
async def test_a_knowledge_question_naming_the_customer_is_redacted_and_restored(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake: FakeLLM,
    shop: Shop,
    shipping: dict[str, Any],
    question: str,
    customer: Any,
) -> None:
    fake.script(
        NO_INTENT,
        Reply.text("[NAME_1]: standard delivery takes three to five business days [1]."),
    )
    noah = customer("noah-known-2", "noah.brown@example.com")
    replies = await noah.say(question)
    assert_nothing_of_noah(sent_text(fake))
    said_name = question.split(".")[0].split(":")[0].split("(")[0]
    written = next(w for w in ("brown noah", "NOAH BROWN", "Brown, Noah") if w in said_name)
    assert replies[0]["text"].startswith(
        f"{written}: standard delivery takes three to five business days."
    )


async def test_a_customer_verified_by_details_is_hidden_from_then_on(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake: FakeLLM,
    shop: Shop,
    shipping: dict[str, Any],
    customer: Any,
) -> None:
    chat = customer("tg-known-3")  # no profile of Noah's
    # nothing scripted: the model fails and the built-in engine verifies and answers
    asked = await chat.say("Where is my order #W0000003?")
    assert "confirm who you are" in asked[0]["text"]
    shown = await chat.say("My email is noah.brown@example.com and the order is #W0000003")
    assert "#W0000003 is delivered" in shown[0]["text"]
    fake.chat_requests.clear()
    fake.script(NO_INTENT, Reply.text("Three to five business days [1]."))
    await chat.say("Thanks! Noah Brown, 80279. How long does standard delivery take?")
    assert_nothing_of_noah(sent_text(fake))


async def test_reply_preview_hides_the_named_customer(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    fake: FakeLLM,
    shop: Shop,
    shipping: dict[str, Any],
    customer: Any,
) -> None:
    await drain(worker_for(resources))  # index the article
    await use_fake_llm(client, tenant, fake)
    fake.script(NO_INTENT, Reply.text("Standard delivery takes three to five business days [1]."))
    response = await client.post(
        "/api/v1/ai/reply-preview",
        headers=tenant.headers,
        json={
            "text": "I am Noah Brown from 12 main st, 80279: how long does standard delivery take?",
            "customer_id": shop.noah,
        },
    )
    assert response.status_code == 200, response.text
    assert_nothing_of_noah(sent_text(fake))


@pytest.mark.parametrize(
    "details",
    [
        "I'm Noah Brown, zip 80279",
        "My name is Noah Brown and I live at 12 Main St, Springfield, IL 80279",
    ],
)
async def test_a_visitor_verifying_by_name_and_zip_is_hidden_from_that_message_on(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake: FakeLLM,
    shop: Shop,
    shipping: dict[str, Any],
    details: str,
    customer: Any,
) -> None:
    # no profile is known before the details are checked: the details read from the
    # conversation itself are hidden, from the message that gives them on
    chat = customer("tg-known-5")
    asked = await chat.say("Where is my order #W0000003?")
    assert "confirm who you are" in asked[0]["text"]
    fake.chat_requests.clear()
    fake.script(NO_INTENT, NO_INTENT, Reply.text("{}"), NO_INTENT, Reply.text("Soon [1]."))
    await chat.say(details)
    await chat.say("And how long does standard delivery take?")
    assert_nothing_of_noah(sent_text(fake))
