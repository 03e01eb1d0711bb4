"""Messages in a conversation move its ticket: an agent's first public reply is the first
response; the customer writing again reopens a solved ticket or ends the wait for them."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.kit.bus import BusEvent
from deskpilot.kit.deps import Resources
from deskpilot.tickets.tasks import MESSAGE_POSTED_JOB, moves_tickets
from tests.auth import sign_in
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant

TICKETS = "/api/v1/tickets"


class Chat:
    """A customer on an API channel, and the ticket an agent made for their conversation."""

    def __init__(self, client: httpx.AsyncClient, tenant: Tenant, resources: Resources) -> None:
        self.client, self.tenant, self.resources = client, tenant, resources
        self.sent = 0
        self.conversation_id = ""
        self.ticket_id = ""

    async def start(self, text: str) -> dict[str, Any]:
        channel = await create_channel(self.client, self.tenant, "api")
        self.channel_id = channel["id"]
        await self.customer_says(text)
        made = await self.client.post(
            f"/api/v1/conversations/{self.conversation_id}/ticket",
            headers=self.tenant.headers,
            json={},
        )
        assert made.status_code == 201, made.text
        self.ticket_id = made.json()["id"]
        return await self.ticket()

    async def customer_says(self, text: str) -> None:
        self.sent += 1
        response = await self.client.post(
            f"/api/v1/channels/{self.channel_id}/inbound",
            headers=self.tenant.headers,
            json={"external_id": f"m-{self.sent}", "sender": {"external_id": "c-1"}, "text": text},
        )
        assert response.status_code in (200, 201, 202), response.text
        self.conversation_id = response.json()["messages"][0]["conversation_id"]
        await drain(worker_for(self.resources))

    async def agent_says(
        self, text: str, *, private: bool = False, headers: dict[str, str] | None = None
    ) -> None:
        response = await self.client.post(
            f"/api/v1/conversations/{self.conversation_id}/messages",
            headers=self.tenant.headers if headers is None else headers,
            json={"text": text, "private": private},
        )
        assert response.status_code == 201, response.text
        await drain(worker_for(self.resources))

    async def set_status(self, status: str) -> None:
        response = await self.client.patch(
            f"{TICKETS}/{self.ticket_id}", headers=self.tenant.headers, json={"status": status}
        )
        assert response.status_code == 200, response.text

    async def ticket(self) -> dict[str, Any]:
        response = await self.client.get(f"{TICKETS}/{self.ticket_id}", headers=self.tenant.headers)
        body: dict[str, Any] = response.json()
        return body

    async def history(self) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"{TICKETS}/{self.ticket_id}/history", headers=self.tenant.headers
        )
        history: list[dict[str, Any]] = response.json()
        return history


async def test_an_agents_first_public_reply_is_the_first_response_once(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    chat = Chat(client, tenant, resources)
    assert (await chat.start("Where is my order?"))["first_response_at"] is None
    await chat.agent_says("a note for colleagues", private=True)
    assert (await chat.ticket())["first_response_at"] is None
    csrf = await sign_in(client, tenant.owner_email)
    await chat.agent_says("Let me check", headers={"X-CSRF-Token": csrf})
    first = (await chat.ticket())["first_response_at"]
    assert first is not None
    await chat.agent_says("Found it")
    assert (await chat.ticket())["first_response_at"] == first
    stamped = [h for h in await chat.history() if "first_response_at" in h["changes"]]
    assert len(stamped) == 1
    assert (stamped[0]["actor_type"], stamped[0]["actor_id"]) == ("user", tenant.owner_id)


async def test_the_customer_writing_ends_the_wait_for_them(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    chat = Chat(client, tenant, resources)
    await chat.start("My parcel is late")
    await chat.set_status("pending_customer")
    await chat.customer_says("Here is my tracking number")
    assert (await chat.ticket())["status"] == "open"
    last = (await chat.history())[-1]
    assert last["actor_type"] == "customer"
    assert last["changes"]["status"] == ["pending_customer", "open"]


async def test_an_open_ticket_is_left_alone_by_customer_messages(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    chat = Chat(client, tenant, resources)
    await chat.start("Hello")
    await chat.set_status("on_hold")
    before = len(await chat.history())
    await chat.customer_says("Any news?")
    assert (await chat.ticket())["status"] == "on_hold"
    assert len(await chat.history()) == before


async def test_a_solved_ticket_reopens_and_a_closed_one_does_not(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    chat = Chat(client, tenant, resources)
    await chat.start("The app crashes")
    await chat.set_status("solved")
    await chat.customer_says("It crashes again")
    reopened = await chat.ticket()
    assert reopened["status"] == "open"
    assert reopened["solved_at"] is None
    await chat.set_status("closed")
    await chat.customer_says("Still broken")
    assert (await chat.ticket())["status"] == "closed"
    listed = await client.get(
        TICKETS, headers=tenant.headers, params={"customer_id": reopened["customer_id"]}
    )
    assert len(listed.json()["items"]) == 1  # no ticket appears by itself


def test_only_customer_messages_and_public_agent_replies_queue_the_job() -> None:
    def event(**data: Any) -> BusEvent:
        return BusEvent(name="message.created", workspace_id="wsp_1", data={"id": "m"} | data)

    assert MESSAGE_POSTED_JOB == "ticket.message_posted"
    assert moves_tickets(event(direction="inbound", sender_type="customer", is_private=False))
    assert moves_tickets(event(direction="outbound", sender_type="agent", is_private=False))
    assert not moves_tickets(event(direction="outbound", sender_type="agent", is_private=True))
    assert not moves_tickets(event(direction="outbound", sender_type="bot", is_private=False))
    assert not moves_tickets(
        BusEvent(name="message.updated", workspace_id="w", data={"direction": "inbound"})
    )
