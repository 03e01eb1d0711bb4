"""The tickets API: create, list and filter, read, change, history, comments, links, and a
ticket from a conversation."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.auth import sign_in
from tests.channels.helpers import create_channel
from tests.factories import Tenant, create_api_key

TICKETS = "/api/v1/tickets"


async def conversation(
    client: httpx.AsyncClient, tenant: Tenant, text: str, sender: str = "c-1"
) -> str:
    """A customer's conversation on an API channel, started with ``text``."""
    channel = await create_channel(client, tenant, "api")
    response = await client.post(
        f"/api/v1/channels/{channel['id']}/inbound",
        headers=tenant.headers,
        json={"external_id": f"{sender}-1", "sender": {"external_id": sender}, "text": text},
    )
    assert response.status_code in (200, 201, 202), response.text
    conversation_id: str = response.json()["messages"][0]["conversation_id"]
    return conversation_id


async def create(client: httpx.AsyncClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    response = await client.post(TICKETS, headers=tenant.headers, json={"subject": "Hi"} | body)
    assert response.status_code == 201, response.text
    ticket: dict[str, Any] = response.json()
    return ticket


async def listed(client: httpx.AsyncClient, tenant: Tenant, **params: Any) -> list[str]:
    response = await client.get(TICKETS, headers=tenant.headers, params=params)
    assert response.status_code == 200, response.text
    return [t["subject"] for t in response.json()["items"]]


async def test_an_api_key_creates_a_ticket_linked_to_a_conversation(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    conversation_id = await conversation(client, tenant, "Where is my parcel?")
    ticket = await create(
        client, tenant, subject="Parcel", conversation_id=conversation_id, labels=["vip"]
    )
    assert ticket["source"] == "api"
    assert ticket["reference"] == "DP-000001"
    assert ticket["conversation_ids"] == [conversation_id]
    assert ticket["customer_id"] is not None  # taken from the conversation
    read = await client.get(f"{TICKETS}/{ticket['id']}", headers=tenant.headers)
    assert read.status_code == 200
    assert read.json()["conversation_ids"] == [conversation_id]
    history = (await client.get(f"{TICKETS}/{ticket['id']}/history", headers=tenant.headers)).json()
    assert [(h["kind"], h["actor_type"]) for h in history] == [("created", "api_key")]


async def test_a_signed_in_agent_creates_agent_tickets_and_finds_their_own(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    csrf = await sign_in(client, tenant.owner_email)
    response = await client.post(
        TICKETS,
        json={"subject": "Mine", "assignee_id": tenant.owner_id},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    assert response.json()["source"] == "agent"
    await create(client, tenant, subject="Nobody's")
    mine = await client.get(TICKETS, params={"assignee_id": "me"})
    assert [t["subject"] for t in mine.json()["items"]] == ["Mine"]
    history = (await client.get(f"{TICKETS}/{response.json()['id']}/history")).json()
    assert history[0]["actor_type"] == "user"
    assert history[0]["actor_id"] == tenant.owner_id


async def test_filters_narrow_the_list(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await create(client, tenant, subject="Broken screen", priority="urgent", labels=["hw"])
    pending = await create(client, tenant, subject="Refund please", type="complaint")
    await client.patch(
        f"{TICKETS}/{pending['id']}", headers=tenant.headers, json={"status": "pending_customer"}
    )
    held = await create(client, tenant, subject="Invoice", category="billing")
    await client.patch(
        f"{TICKETS}/{held['id']}", headers=tenant.headers, json={"status": "on_hold"}
    )
    assert await listed(client, tenant, priority="urgent") == ["Broken screen"]
    assert await listed(client, tenant, label="hw") == ["Broken screen"]
    assert await listed(client, tenant, type="complaint") == ["Refund please"]
    assert await listed(client, tenant, category="billing") == ["Invoice"]
    assert await listed(client, tenant, status=["pending_customer", "on_hold"]) == [
        "Invoice",
        "Refund please",
    ]
    assert await listed(client, tenant, q="SCREEN") == ["Broken screen"]
    assert await listed(client, tenant, q=pending["reference"].lower()) == ["Refund please"]
    assert await listed(client, tenant, source="feedback") == []
    unassigned = await client.get(TICKETS, headers=tenant.headers, params={"unassigned": True})
    assert all(t["assignee_id"] is None for t in unassigned.json()["items"])
    bad = await client.get(TICKETS, headers=tenant.headers, params={"status": "lost"})
    assert bad.status_code == 422


async def test_pages_follow_the_cursor_without_repeats(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for number in range(5):
        await create(client, tenant, subject=f"T{number}")
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get(TICKETS, headers=tenant.headers, params=params)).json()
        seen += [t["subject"] for t in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["T4", "T3", "T2", "T1", "T0"]
    wrong = await client.get(TICKETS, headers=tenant.headers, params={"cursor": "nonsense"})
    assert wrong.status_code == 422


async def test_changes_are_in_the_history_and_a_closed_ticket_is_final(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ticket = await create(client, tenant)
    url = f"{TICKETS}/{ticket['id']}"
    changed = await client.patch(url, headers=tenant.headers, json={"priority": "high"})
    assert changed.json()["priority"] == "high"
    bad = await client.patch(url, headers=tenant.headers, json={"assignee_id": "usr_nobody"})
    assert bad.status_code == 422
    assert (
        await client.patch(url, headers=tenant.headers, json={"subject": None})
    ).status_code == 422
    closed = await client.patch(url, headers=tenant.headers, json={"status": "closed"})
    assert closed.json()["closed_at"] is not None
    again = await client.patch(url, headers=tenant.headers, json={"status": "open"})
    assert again.status_code == 409
    history = (await client.get(f"{url}/history", headers=tenant.headers)).json()
    assert [h["changes"].get("priority") for h in history[1:2]] == [["normal", "high"]]
    assert [h["kind"] for h in history] == ["created", "updated", "updated"]
    missing = await client.get(f"{TICKETS}/tkt_missing", headers=tenant.headers)
    assert missing.status_code == 404


async def test_comments_are_public_or_private(client: httpx.AsyncClient, tenant: Tenant) -> None:
    ticket = await create(client, tenant)
    url = f"{TICKETS}/{ticket['id']}/comments"
    private = await client.post(url, headers=tenant.headers, json={"text": "internal"})
    assert private.status_code == 201
    assert private.json()["is_public"] is False
    public = await client.post(url, headers=tenant.headers, json={"text": "On it", "public": True})
    assert public.json()["is_public"] is True
    empty = await client.post(url, headers=tenant.headers, json={"text": ""})
    assert empty.status_code == 422
    history = (await client.get(f"{TICKETS}/{ticket['id']}/history", headers=tenant.headers)).json()
    assert [(h["kind"], h["note"]) for h in history[1:]] == [
        ("comment", "internal"),
        ("comment", "On it"),
    ]


async def test_a_viewer_reads_but_cannot_write(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    ticket = await create(client, tenant)
    key = await create_api_key(database, tenant.workspace_id, Role.VIEWER)
    viewer = {"Authorization": f"Bearer {key}"}
    assert (await client.get(TICKETS, headers=viewer)).status_code == 200
    assert (await client.get(f"{TICKETS}/{ticket['id']}", headers=viewer)).status_code == 200
    refused = await client.patch(
        f"{TICKETS}/{ticket['id']}", headers=viewer, json={"priority": "low"}
    )
    assert refused.status_code == 403
    assert (await client.post(TICKETS, headers=viewer, json={"subject": "x"})).status_code == 403


async def test_linking_a_conversation_is_recorded_once(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    ticket = await create(client, tenant)
    conversation_id = await conversation(client, tenant, "Another chat")
    url = f"{TICKETS}/{ticket['id']}/conversations"
    for _ in range(2):
        linked = await client.post(
            url, headers=tenant.headers, json={"conversation_id": conversation_id}
        )
        assert linked.status_code == 200, linked.text
        assert linked.json()["conversation_ids"] == [conversation_id]
    history = (await client.get(f"{TICKETS}/{ticket['id']}/history", headers=tenant.headers)).json()
    assert [h["kind"] for h in history] == ["created", "linked"]
    unknown = await client.post(url, headers=tenant.headers, json={"conversation_id": "cnv_x"})
    assert unknown.status_code == 404


async def test_an_agent_makes_a_ticket_from_a_conversation_once(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    conversation_id = await conversation(client, tenant, "My order arrived broken\nPlease help")
    url = f"/api/v1/conversations/{conversation_id}/ticket"
    made = await client.post(url, headers=tenant.headers, json={"priority": "high"})
    assert made.status_code == 201, made.text
    ticket = made.json()
    assert ticket["subject"] == "My order arrived broken"  # the customer's first message
    assert ticket["priority"] == "high"
    assert ticket["conversation_ids"] == [conversation_id]
    again = await client.post(url, headers=tenant.headers, json={})
    assert again.status_code == 409
    assert ticket["reference"] in again.text
    await client.patch(
        f"{TICKETS}/{ticket['id']}", headers=tenant.headers, json={"status": "solved"}
    )
    named = await client.post(url, headers=tenant.headers, json={"subject": "Second"})
    assert named.status_code == 201
    assert named.json()["subject"] == "Second"
    missing = await client.post(
        "/api/v1/conversations/cnv_missing/ticket", headers=tenant.headers, json={}
    )
    assert missing.status_code == 404
