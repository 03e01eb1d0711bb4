# ruff: noqa: RUF001 - Russian and Chinese text, as customers write it
"""The AI's hand-off makes the ticket people work on (or adds to the open one), and the
customer is told its reference in their language. The real pipeline, end to end: the notice
is the reply, the summary and the ticket follow in the ``ai.handoff`` job."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deskpilot.kit.deps import Resources
from deskpilot.models import Priority, TicketType
from deskpilot.tickets.handoff import priority_for, subject_of, type_for
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant

TICKETS = "/api/v1/tickets"


class Customer:
    """One customer on the API channel; ``say`` returns the bot's new replies."""

    def __init__(
        self, client: httpx.AsyncClient, tenant: Tenant, resources: Resources, channel_id: str
    ) -> None:
        self.client, self.tenant, self.resources = client, tenant, resources
        self.channel_id = channel_id
        self.sent = 0
        self.conversation_id = ""

    async def say(self, text: str) -> list[str]:
        self.sent += 1
        response = await self.client.post(
            f"/api/v1/channels/{self.channel_id}/inbound",
            headers=self.tenant.headers,
            json={"external_id": f"m-{self.sent}", "sender": {"external_id": "v-1"}, "text": text},
        )
        assert response.status_code in (200, 201, 202), response.text
        stored = response.json()["messages"][0]
        self.conversation_id = stored["conversation_id"]
        await drain(worker_for(self.resources), within=60)
        listed = await self.client.get(
            f"/api/v1/conversations/{self.conversation_id}/messages",
            headers=self.tenant.headers,
            params={"limit": 200},
        )
        messages: list[dict[str, Any]] = listed.json()["items"]
        index = next(i for i, m in enumerate(messages) if m["id"] == stored["id"])
        return [m["text"] for m in messages[index + 1 :] if m["sender_type"] == "bot"]

    async def tickets(self) -> list[dict[str, Any]]:
        response = await self.client.get(TICKETS, headers=self.tenant.headers)
        items: list[dict[str, Any]] = response.json()["items"]
        return [t for t in items if self.conversation_id in t["conversation_ids"]]


@pytest.fixture
async def customer(client: httpx.AsyncClient, tenant: Tenant, resources: Resources) -> Customer:
    on = await client.patch(
        "/api/v1/ai/settings", headers=tenant.headers, json={"bot_enabled": True}
    )
    assert on.status_code == 200, on.text
    channel = await create_channel(client, tenant, "api")
    return Customer(client, tenant, resources, channel["id"])


async def test_a_hand_off_makes_a_ticket_and_tells_the_customer_its_reference(
    customer: Customer,
) -> None:
    replies = await customer.say("Я хочу поговорить с оператором")
    assert "сотрудник" in replies[0]
    assert "DP-000001" not in replies[0]  # the reply does not wait for the ticket
    assert "Мы получили ваше обращение DP-000001" in replies[1]
    [ticket] = await customer.tickets()
    assert ticket["reference"] == "DP-000001"
    assert ticket["source"] == "handoff"
    assert ticket["type"] == "question"
    assert ticket["category"] == "human_request"
    assert ticket["language"] == "ru"
    assert ticket["subject"] == "Я хочу поговорить с оператором"
    assert "Handed off by the AI" in ticket["description"]
    history = (
        await customer.client.get(
            f"{TICKETS}/{ticket['id']}/history", headers=customer.tenant.headers
        )
    ).json()
    assert [(h["kind"], h["actor_type"]) for h in history] == [("created", "bot")]


async def test_a_complaint_becomes_a_complaint_ticket(customer: Customer) -> None:
    replies = await customer.say("I want to file a formal complaint, your staff was rude to me")
    assert "We have received your request DP-000001" in replies[-1]
    [ticket] = await customer.tickets()
    assert ticket["type"] == "complaint"
    assert ticket["category"] == "complaint"
    assert ticket["language"] == "en"


async def test_a_hand_off_with_an_open_ticket_adds_to_it(customer: Customer) -> None:
    await customer.say("你好")
    made = await customer.client.post(
        f"/api/v1/conversations/{customer.conversation_id}/ticket",
        headers=customer.tenant.headers,
        json={"subject": "Made by an agent"},
    )
    assert made.status_code == 201, made.text
    replies = await customer.say("我要人工客服")
    assert replies, "the bot hands off"
    assert made.json()["reference"] in replies[-1]
    assert "工单编号" in replies[-1]
    [ticket] = await customer.tickets()
    assert ticket["id"] == made.json()["id"]
    history = (
        await customer.client.get(
            f"{TICKETS}/{ticket['id']}/history", headers=customer.tenant.headers
        )
    ).json()
    notes = [h for h in history if h["kind"] == "comment"]
    assert len(notes) == 1
    assert notes[0]["is_public"] is False
    assert notes[0]["actor_type"] == "bot"
    assert "Handed off again by the AI" in notes[0]["note"]


async def test_a_hand_off_after_a_solved_ticket_reopens_it(customer: Customer) -> None:
    await customer.say("I want to talk to a human")
    [ticket] = await customer.tickets()
    headers = customer.tenant.headers
    solved = await customer.client.patch(
        f"{TICKETS}/{ticket['id']}", headers=headers, json={"status": "solved"}
    )
    assert solved.status_code == 200, solved.text
    back = await customer.client.patch(
        f"/api/v1/conversations/{customer.conversation_id}",
        headers=headers,
        json={"handled_by": "bot"},
    )
    assert back.status_code == 200, back.text
    replies = await customer.say("Still broken, I need a person please")
    assert ticket["reference"] in replies[-1]
    [again] = await customer.tickets()
    assert again["id"] == ticket["id"]
    assert again["status"] == "open"


def test_type_priority_and_subject_of_a_hand_off() -> None:
    assert type_for("complaint") == TicketType.COMPLAINT
    assert type_for("feedback") == TicketType.FEEDBACK
    assert type_for("order_status") == TicketType.QUESTION
    assert type_for(None) == TicketType.QUESTION
    assert priority_for("urgent", 0.0) == Priority.URGENT
    assert priority_for("high", None) == Priority.HIGH
    assert priority_for("normal", -0.8) == Priority.HIGH
    assert priority_for("low", 0.5) == Priority.NORMAL
    assert subject_of("\n  First line  \nsecond") == "First line"
    long = subject_of("word " * 100)
    assert len(long) <= 120
    assert long.endswith("…")
