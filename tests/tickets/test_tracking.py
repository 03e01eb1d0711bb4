"""Customer-visible tracking: signed tokens, the public JSON view, the customer's actions, and
the tracking link sent when a ticket is created."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from deskpilot.channels import service as channel_service
from deskpilot.channels.schemas import ChannelCreate
from deskpilot.config import Settings
from deskpilot.conversations.intake import InboundMessage, receive
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.crypto import SecretBox
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Worker
from deskpilot.models import Message, Ticket, TicketStatus, Workspace
from deskpilot.tickets import service
from deskpilot.tickets.schemas import Actor, TicketUpdate, reference
from deskpilot.tickets.service import TicketView
from deskpilot.tickets.tracking import access, texts
from deskpilot.tickets.tracking.tokens import (
    signing_key,
    ticket_token,
    ticket_token_valid,
    tracking_url,
)
from tests.channels.helpers import drain
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket

AGENT = Actor("user")


def worker(resources: Resources, settings: Settings) -> Worker:
    """A worker given what ``deskpilot serve`` gives it: the resources and the settings."""
    return Worker(
        resources.database,
        resources={Resources: resources, Settings: settings},
        backoff_seconds=0.01,
        max_attempts=2,
        poll_seconds=0.01,
    )


async def conversation_ticket(
    resources: Resources, tenant: Tenant, language: str | None = None, handle: str = "ann"
) -> TicketView:
    """A ticket made from a customer's conversation on an API channel."""
    async with resources.database.transaction() as session:
        channel = await channel_service.create_channel(
            session,
            resources.secret_box,
            tenant.workspace_id,
            ChannelCreate(type="api", name=handle),
        )
        result = await receive(
            session,
            resources.bus,
            resources.files,
            channel,
            InboundMessage(
                sender=SenderHandle(handle, name="Ann"),
                text="Where is my parcel?",
                external_id=f"{handle}-1",
            ),
        )
    fields: dict[str, Any] = {"conversation_id": result.conversation.id}
    if language is not None:
        fields["language"] = language
    return await new_ticket(resources.database, resources.bus, tenant.workspace_id, **fields)


def track_path(tenant: Tenant, ticket: Ticket) -> str:
    return f"/api/public/track/{tenant.slug}/{reference(ticket.number)}"


async def set_status(
    resources: Resources, tenant: Tenant, ticket: Ticket, status: TicketStatus
) -> None:
    async with resources.database.transaction() as session:
        await service.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            ticket.id,
            TicketUpdate(status=status),
            Actor("user", tenant.owner_id),
        )


async def test_a_token_is_valid_for_its_own_ticket_only(
    resources: Resources, settings: Settings, tenant: Tenant
) -> None:
    key = signing_key(resources.secret_box)
    first = (await new_ticket(resources.database, resources.bus, tenant.workspace_id)).ticket
    second = (await new_ticket(resources.database, resources.bus, tenant.workspace_id)).ticket
    assert ticket_token_valid(key, first, ticket_token(key, first))
    assert not ticket_token_valid(key, first, ticket_token(key, second))
    assert not ticket_token_valid(key, first, None)
    assert not ticket_token_valid(
        signing_key(SecretBox("x")),
        first,
        ticket_token(key, first),
    )
    url = tracking_url("https://help.example.com/", "acme", first, key)
    assert url == (
        f"https://help.example.com/track/acme/{reference(first.number)}"
        f"?token={ticket_token(key, first)}"
    )


async def test_every_wrong_way_in_gets_the_same_404(
    client: httpx.AsyncClient,
    settings: Settings,
    resources: Resources,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    key = signing_key(resources.secret_box)
    ticket = (await new_ticket(resources.database, resources.bus, tenant.workspace_id)).ticket
    other = (await new_ticket(resources.database, resources.bus, tenant.workspace_id)).ticket
    foreign = (
        await new_ticket(resources.database, resources.bus, other_tenant.workspace_id)
    ).ticket
    good = await client.get(track_path(tenant, ticket), params={"token": ticket_token(key, ticket)})
    assert good.status_code == 200, good.text
    assert good.json()["reference"] == reference(ticket.number)
    wrong = [
        await client.get(track_path(tenant, ticket)),
        await client.get(track_path(tenant, ticket), params={"token": "x" * 32}),
        await client.get(track_path(tenant, ticket), params={"token": ticket_token(key, other)}),
        # the other workspace's ticket with the same number, with its own token
        await client.get(track_path(tenant, foreign), params={"token": ticket_token(key, foreign)}),
        await client.get(f"/api/public/track/{tenant.slug}/DP-999999", params={"token": "x"}),
        await client.get("/api/public/track/nobody/DP-000001", params={"token": "x"}),
        await client.get(f"/api/public/track/{tenant.slug}/nonsense", params={"token": "x"}),
    ]
    assert {r.status_code for r in wrong} == {404}
    assert len({r.content for r in wrong}) == 1
    posted = await client.post(
        track_path(tenant, ticket) + "/comments", params={"token": "x"}, json={"text": "hi"}
    )
    assert (posted.status_code, posted.content) == (404, wrong[0].content)


async def test_the_public_history_hides_private_notes_and_names(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    view = await conversation_ticket(resources, tenant)
    ticket = view.ticket
    agent = Actor("user", tenant.owner_id)
    async with resources.database.transaction() as session:
        await service.add_comment(
            session,
            resources.bus,
            tenant.workspace_id,
            ticket.id,
            "internal: customer is difficult",
            agent,
            public=False,
        )
        await service.add_comment(
            session,
            resources.bus,
            tenant.workspace_id,
            ticket.id,
            "We are looking into it.",
            agent,
            public=True,
        )
    await set_status(resources, tenant, ticket, TicketStatus.PENDING_CUSTOMER)
    response = await client.get(
        track_path(tenant, ticket),
        params={"token": ticket_token(signing_key(resources.secret_box), ticket)},
    )
    body = response.json()
    assert "internal" not in response.text
    assert tenant.owner_id not in response.text
    assert [(u["kind"], u["by"], u["who"]) for u in body["updates"]] == [
        ("created", "team", "Support team"),
        ("comment", "team", "Support team"),
        ("status", "team", "Support team"),
    ]
    assert body["updates"][1]["text"] == "We are looking into it."
    assert body["status_text"] == "Waiting for your reply"
    assert body["can_add_information"]
    assert not body["can_reopen"]


async def test_the_customer_adds_information_and_reopens_but_not_a_closed_ticket(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket = (await conversation_ticket(resources, tenant)).ticket
    params = {"token": ticket_token(signing_key(resources.secret_box), ticket)}
    await set_status(resources, tenant, ticket, TicketStatus.PENDING_CUSTOMER)
    added = await client.post(
        track_path(tenant, ticket) + "/comments", params=params, json={"text": "Order 42"}
    )
    assert added.status_code == 200, added.text
    assert added.json()["status"] == "open"
    assert added.json()["updates"][-2:] == [
        {**added.json()["updates"][-2], "kind": "comment", "by": "you", "text": "Order 42"},
        {**added.json()["updates"][-1], "kind": "status", "by": "you"},
    ]
    async with resources.database.transaction() as session:
        changes = await service.history(session, tenant.workspace_id, ticket.id)
    comment = next(c for c in changes if c.kind == "comment")
    assert (comment.actor_type, comment.actor_id, comment.is_public) == (
        "customer",
        ticket.customer_id,
        True,
    )

    assert (
        await client.post(track_path(tenant, ticket) + "/reopen", params=params, json={})
    ).status_code == 409
    await set_status(resources, tenant, ticket, TicketStatus.SOLVED)
    solved = (await client.get(track_path(tenant, ticket), params=params)).json()
    assert solved["can_reopen"]
    assert not solved["can_add_information"]
    assert (
        await client.post(
            track_path(tenant, ticket) + "/comments", params=params, json={"text": "more"}
        )
    ).status_code == 409
    reopened = await client.post(
        track_path(tenant, ticket) + "/reopen", params=params, json={"text": "Still broken"}
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["status"] == "open"
    assert [u["kind"] for u in reopened.json()["updates"]][-2:] == ["reopened", "comment"]

    await set_status(resources, tenant, ticket, TicketStatus.CLOSED)
    for path, body in (("/reopen", {}), ("/comments", {"text": "again"})):
        response = await client.post(track_path(tenant, ticket) + path, params=params, json=body)
        assert response.status_code == 409


async def test_the_expected_time_is_shown_in_the_workspace_time_zone(
    client: httpx.AsyncClient,
    settings: Settings,
    database: Database,
    resources: Resources,
    tenant: Tenant,
) -> None:
    ticket = (await new_ticket(resources.database, resources.bus, tenant.workspace_id)).ticket
    params = {"token": ticket_token(signing_key(resources.secret_box), ticket)}
    async with database.transaction() as session:
        stored = await session.get(Ticket, ticket.id)
        assert stored is not None
        stored.first_response_due_at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
        stored.resolution_due_at = None
        workspace = await session.get(Workspace, tenant.workspace_id)
        assert workspace is not None
        workspace.timezone = "Europe/Berlin"
    body = (await client.get(track_path(tenant, ticket), params=params)).json()
    assert body["expected"]["kind"] == "first_response"
    assert body["expected"]["local"] == "2026-03-02 09:00 CET"
    assert body["usually"] is None
    async with database.transaction() as session:
        stored = await session.get(Ticket, ticket.id)
        assert stored is not None
        stored.first_response_due_at = None
    body = (await client.get(track_path(tenant, ticket), params=params | {"lang": "ru"})).json()
    assert body["expected"] is None
    assert body["usually"] == texts.text("ru", "usually")


async def test_the_language_follows_the_query_then_the_browser_then_the_ticket(
    client: httpx.AsyncClient, settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket = (
        await new_ticket(resources.database, resources.bus, tenant.workspace_id, language="zh")
    ).ticket
    params = {"token": ticket_token(signing_key(resources.secret_box), ticket)}
    path = track_path(tenant, ticket)
    assert (await client.get(path, params=params)).json()["language"] == "zh"
    browser = {"Accept-Language": "de-DE, ru;q=0.8, en;q=0.5"}
    assert (await client.get(path, params=params, headers=browser)).json()["language"] == "ru"
    chosen = await client.get(path, params=params | {"lang": "en"}, headers=browser)
    assert chosen.json()["language"] == "en"
    assert chosen.json()["status_text"] == "Received"


async def test_the_tracking_link_is_posted_in_the_conversation_in_the_tickets_language(
    settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    ticket = (await conversation_ticket(resources, tenant, language="ru")).ticket
    await drain(worker(resources, settings))
    async with resources.database.transaction() as session:
        messages = (
            await session.scalars(
                select(Message).where(
                    Message.conversation_id
                    == (
                        await service.get_ticket(session, tenant.workspace_id, ticket.id)
                    ).conversation_ids[0],
                    Message.direction == "outbound",
                )
            )
        ).all()
    assert len(messages) == 1
    text = messages[0].text
    assert text.startswith("Мы получили ваше обращение " + reference(ticket.number))
    assert f"/track/{tenant.slug}/{reference(ticket.number)}?token=" in text
    assert ticket_token(signing_key(resources.secret_box), ticket) in text


async def test_no_link_for_a_ticket_without_a_conversation(
    settings: Settings, resources: Resources, tenant: Tenant
) -> None:
    await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    await drain(worker(resources, settings))
    async with resources.database.transaction() as session:
        assert (await session.scalars(select(Message))).all() == []


async def test_requests_are_rate_limited_by_address(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, tenant: Tenant
) -> None:
    monkeypatch.setattr(access, "PUBLIC_PER_WINDOW", 3)
    path = f"/api/public/track/{tenant.slug}/DP-000001"
    codes = [(await client.get(path, params={"token": "x"})).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
