"""Hand-offs the engine decides by itself: the bot failed twice in a row (details that verify
nobody, orders it cannot find), and strongly negative sentiment. The real pipeline on the API
channel: the notice is the reply, the summary and the ticket follow in the ``ai.handoff`` job."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.models import Conversation, HandledBy, Message
from tests.ai.actions.shop import Shop
from tests.ai.test_llm import SHIPPING
from tests.ai.test_pipeline import Customer
from tests.factories import Tenant
from tests.knowledge.helpers import publish

HANDOFF_NOTICE = "I'm passing you to a member of our team"


async def decisions(customer: Customer) -> list[str]:
    return [run["decision"] for run in reversed(await customer.runs())]


async def handed_to_people(database: Database, customer: Customer) -> list[str]:
    """The conversation is with people; returns the private notes left for the agent."""
    async with database.transaction() as session:
        conversation = await session.get(Conversation, customer.conversation_id)
        assert conversation is not None
        assert conversation.handled_by == HandledBy.HUMAN
        notes = await session.scalars(
            select(Message.text).where(
                Message.conversation_id == customer.conversation_id, Message.is_private.is_(True)
            )
        )
        return list(notes)


async def tickets_of(client: httpx.AsyncClient, tenant: Tenant, customer: Customer) -> list[Any]:
    response = await client.get("/api/v1/tickets", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return [
        t for t in response.json()["items"] if customer.conversation_id in t["conversation_ids"]
    ]


async def test_details_that_match_no_account_twice_hand_off_with_summary_and_ticket(
    client: httpx.AsyncClient, tenant: Tenant, customer: Any, shop: Shop, database: Database
) -> None:
    visitor = customer("fail-1")
    asked = await visitor.say("Where is my order #W0000003?")
    assert "confirm who you are" in asked[0]["text"]  # a question, not a failure
    first = await visitor.say("wrong@example.com")
    assert "couldn't match" in first[0]["text"]
    second = await visitor.say("other@example.com")
    assert second[0]["text"].startswith(HANDOFF_NOTICE)
    assert "couldn't match" not in second[0]["text"]
    assert await decisions(visitor) == ["clarify", "clarify", "handoff"]
    handoff = (await visitor.runs())[0]
    assert handoff["reason"].startswith("details matched no account 2 times")
    notes = await handed_to_people(database, visitor)
    assert len(notes) == 1
    assert "details matched no account 2 times" in notes[0]
    assert len(await tickets_of(client, tenant, visitor)) == 1
    assert await visitor.say("third@example.com") == []  # people have it now


async def test_two_orders_not_found_in_a_row_hand_off(
    customer: Any, shop: Shop, database: Database
) -> None:
    noah = customer("fail-2", "noah.brown@example.com")
    first = await noah.say("Where is order #W0000009?")
    assert "couldn't find that order" in first[0]["text"]
    second = await noah.say("Where is order #W0000008?")
    assert second[0]["text"].startswith(HANDOFF_NOTICE)
    assert await decisions(noah) == ["answer", "handoff"]
    await handed_to_people(database, noah)


async def test_a_turn_that_helps_starts_the_count_again(customer: Any, shop: Shop) -> None:
    noah = customer("fail-3", "noah.brown@example.com")
    await noah.say("Where is order #W0000009?")  # not found: one failure
    shown = await noah.say("Where is my order #W0000002?")  # helped: the count starts again
    assert "processed" in shown[0]["text"]
    again = await noah.say("Where is order #W0000008?")  # one failure, not two
    assert "couldn't find that order" in again[0]["text"]
    await noah.say("Where is order #W0000007?")  # the second in a row
    assert await decisions(noah) == ["answer", "action", "answer", "handoff"]


async def test_the_workspace_sets_how_many_failures_hand_off(
    client: httpx.AsyncClient, tenant: Tenant, customer: Any, shop: Shop
) -> None:
    patched = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"max_bot_failures": 3}
    )
    assert patched.status_code == 200, patched.text
    noah = customer("fail-4", "noah.brown@example.com")
    for number in ("#W0000009", "#W0000008", "#W0000007"):
        await noah.say(f"Where is order {number}?")
    assert await decisions(noah) == ["answer", "answer", "handoff"]


async def test_strongly_negative_sentiment_hands_off_with_a_ticket(
    client: httpx.AsyncClient, tenant: Tenant, customer: Any, shop: Shop, database: Database
) -> None:
    noah = customer("angry-1", "noah.brown@example.com")
    replies = await noah.say(
        "This is absolutely terrible. Worst service ever, I am furious and disgusted!"
    )
    assert replies[0]["text"].startswith(HANDOFF_NOTICE)
    (run,) = await noah.runs()
    assert run["decision"] == "handoff"
    assert run["reason"].startswith("strongly negative sentiment")
    assert run["sentiment"] <= -0.6
    notes = await handed_to_people(database, noah)
    assert "strongly negative sentiment" in notes[0]
    assert len(await tickets_of(client, tenant, noah)) == 1


async def test_guesses_at_someone_s_details_hand_off_whatever_helped_in_between(
    client: httpx.AsyncClient, tenant: Tenant, customer: Any, shop: Shop, database: Database
) -> None:
    """Each wrong email is a guess at another customer's account: a helpful turn between two
    guesses (here a question answered from knowledge) does not start that count again."""
    await publish(client, tenant, title="How long does shipping take?", body=SHIPPING)
    visitor = customer("guess-1")
    first = await visitor.say("Cancel order #W0000002, my email is noah1@example.com")
    assert "couldn't match" in first[0]["text"]
    helped = await visitor.say("How long does standard delivery take?")
    assert "three to five business days" in helped[0]["text"]
    second = await visitor.say("Cancel order #W0000002, my email is noah2@example.com")
    assert second[0]["text"].startswith(HANDOFF_NOTICE)
    assert (await visitor.runs())[0]["reason"].startswith("details matched no account 2 times")
    await handed_to_people(database, visitor)


async def test_a_verified_customer_naming_another_account_is_told_whose_orders_count(
    customer: Any, shop: Shop
) -> None:
    anna = customer("guess-3", "anna@example.com")
    refused = await anna.say("Cancel order #W0000002, my email is noah1@example.com")
    assert "account you have verified" in refused[0]["text"]


async def test_after_too_many_wrong_details_even_the_right_ones_verify_nobody(
    customer: Any, shop: Shop, database: Database
) -> None:
    """Once details have matched no account ``max_bot_failures`` times, the bot stops checking
    details at all in that conversation: a person checks who the customer is."""
    from deskpilot.models import AIConversationState

    visitor = customer("guess-2")
    await visitor.say("Where is my order #W0000002? My email is noah1@example.com")
    await visitor.say("noah2@example.com")  # the second wrong guess: handed off
    async with database.transaction() as session:  # the team gives the conversation back
        conversation = await session.get(Conversation, visitor.conversation_id)
        assert conversation is not None
        conversation.handled_by = HandledBy.BOT
        state = await session.scalar(
            select(AIConversationState).where(
                AIConversationState.conversation_id == visitor.conversation_id
            )
        )
        assert state is not None
        assert state.verification_failures == 2
    right = await visitor.say("Where is my order #W0000002? My email is noah.brown@example.com")
    assert right[0]["text"].startswith(HANDOFF_NOTICE)
    assert "processed" not in right[0]["text"]
    assert (await visitor.runs())[0]["reason"].startswith("details matched no account 2 times")


async def test_asking_again_for_who_the_customer_is_counts_as_a_failure(
    customer: Any, shop: Shop
) -> None:
    """A customer who never gives details is not asked for them for ever."""
    visitor = customer("ask-1")
    for _ in range(3):
        await visitor.say("Where is my order?")
    assert await decisions(visitor) == ["clarify", "clarify", "handoff"]
    assert (await visitor.runs())[0]["reason"].startswith("the bot failed 2 times in a row")


async def test_a_body_in_danger_hears_to_get_medical_help_first(customer: Any) -> None:
    """A tester's "用了晚霜之后脸肿了 呼吸有点不顺" (face swollen, trouble breathing) got a bare
    hand-off."""
    visitor = customer("visitor")

    replies = await visitor.say("用了晚霜之后脸肿了 呼吸有点不顺")
    english = await customer("other").say("my face is swelling after the serum, can't breathe well")

    assert any(r["text"].startswith("如果您呼吸困难") for r in replies), replies
    assert any("emergency number" in r["text"] for r in english), english
