"""Notifications: who is told of what, in the app (only them), by email, and through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select

from deskpilot.app import create_app
from deskpilot.auth.dependencies import SESSION_COOKIE
from deskpilot.config import Settings
from deskpilot.kit.bus import publish_on_commit
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import InvalidInput
from deskpilot.kit.jobs import Job, JobState, Worker
from deskpilot.models import (
    Membership,
    Notification,
    Role,
    Team,
    TeamMember,
    TicketSource,
    User,
)
from deskpilot.tickets import service as tickets
from deskpilot.tickets.events import ticket_event
from deskpilot.tickets.notifications.email import parse_smtp_url
from deskpilot.tickets.notifications.service import notify
from deskpilot.tickets.schemas import Actor, TicketCreate, TicketUpdate
from tests.channels.helpers import drain, worker_for
from tests.factories import PASSWORD, Tenant, create_member
from tests.support.servers import event_socket, next_message, serve_app
from tests.support.smtp_relay import RelayStandIn, serve_relay
from tests.tickets.helpers import new_ticket
from tests.webhooks.helpers import Receiver, create_webhook


async def member(database: Database, tenant: Tenant, name: str, role: Role = Role.AGENT) -> str:
    """A new member of ``tenant``; their user id."""
    membership_id = await create_member(
        database, tenant.workspace_id, f"{name}@{tenant.slug}.example.com", role
    )
    async with database.transaction() as session:
        membership = await session.get(Membership, membership_id)
        assert membership is not None
        return membership.user_id


async def notifications(database: Database) -> list[Notification]:
    async with database.transaction() as session:
        query = select(Notification).order_by(Notification.created_at, Notification.id)
        return list((await session.scalars(query)).all())


async def told(database: Database) -> list[tuple[str, str]]:
    """(kind, user id) of every notification."""
    return sorted((n.kind, n.user_id) for n in await notifications(database))


@asynccontextmanager
async def signed_in(app: FastAPI, email: str) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
        response = await http.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        yield http, response.json()["csrf_token"]


# --- notify -----------------------------------------------------------------------------------


async def test_notify_skips_non_members_and_disabled_users_and_queues_wanted_emails(
    database: Database, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    agent = await member(database, tenant, "agent")
    quiet = await member(database, tenant, "quiet")
    disabled = await member(database, tenant, "gone")
    async with database.transaction() as session:
        (await session.get(User, disabled)).is_active = False  # type: ignore[union-attr]
        row = await session.scalar(select(Membership).where(Membership.user_id == quiet))
        assert row is not None
        row.email_notifications = False
    async with database.transaction() as session:
        made = await notify(
            session,
            resources.bus,
            tenant.workspace_id,
            [agent, other_tenant.owner_id, "usr_unknown", disabled, quiet, agent],
            "ticket.assigned",
            "Hello",
        )
    assert [n.user_id for n in made] == [agent, quiet]
    assert await told(database) == sorted([("ticket.assigned", agent), ("ticket.assigned", quiet)])
    async with database.transaction() as session:
        jobs = (
            await session.scalars(select(Job).where(Job.name == "notification.send_email"))
        ).all()
    assert [j.payload["notification_id"] for j in jobs] == [made[0].id]  # quiet wants no email


async def test_a_rolled_back_notify_leaves_nothing(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            await notify(session, resources.bus, tenant.workspace_id, [tenant.owner_id], "k", "t")
            raise RuntimeError("the caller failed")
    assert await notifications(database) == []


async def test_the_realtime_notification_reaches_only_its_user(
    settings: Settings, database: Database, tenant: Tenant
) -> None:
    agent = await member(database, tenant, "agent")
    application = create_app(settings)
    async with serve_app(application) as address:
        resources: Resources = application.state.resources
        cookies: dict[str, str] = {}
        async with httpx.AsyncClient(base_url=f"http://{address}") as http:
            for email in (tenant.owner_email, f"agent@{tenant.slug}.example.com"):
                response = await http.post(
                    "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
                )
                assert response.status_code == 200, response.text
                cookies[email] = response.cookies[SESSION_COOKIE]
        owner_headers = {"Cookie": f"{SESSION_COOKIE}={cookies[tenant.owner_email]}"}
        agent_headers = {
            "Cookie": f"{SESSION_COOKIE}={cookies[f'agent@{tenant.slug}.example.com']}"
        }
        async with (
            event_socket(address, owner_headers) as owner_socket,
            event_socket(address, agent_headers) as agent_socket,
        ):
            for user_id, title in ((agent, "for the agent"), (tenant.owner_id, "for the owner")):
                async with database.transaction() as session:
                    await notify(session, resources.bus, tenant.workspace_id, [user_id], "k", title)
            # Had the agent's leaked to the owner, it would be first in the owner's stream.
            event = await next_message(owner_socket)
            assert (event["name"], event["data"]["title"]) == (
                "notification.created",
                "for the owner",
            )
            assert event["data"]["user_id"] == tenant.owner_id
            event = await next_message(agent_socket)
            assert event["data"]["title"] == "for the agent"
            async with database.transaction() as session:  # a marker after the owner's
                await notify(session, resources.bus, tenant.workspace_id, [agent], "k", "again")
            assert (await next_message(agent_socket))["data"]["title"] == "again"


# --- email ------------------------------------------------------------------------------------


def mail_worker(resources: Resources, settings: Settings) -> Worker:
    return Worker(
        resources.database,
        resources={Resources: resources, Settings: settings},
        backoff_seconds=0.01,
        max_attempts=3,
        poll_seconds=0.01,
    )


async def test_a_notification_is_emailed_through_the_relay(
    database: Database, resources: Resources, settings: Settings, tenant: Tenant
) -> None:
    relay = RelayStandIn()
    async with serve_relay(relay) as port:
        configured = settings.model_copy(
            update={"smtp_url": f"smtp://127.0.0.1:{port}", "mail_from": "Desk <desk@acme.test>"}
        )
        async with database.transaction() as session:
            await notify(
                session, resources.bus, tenant.workspace_id, [tenant.owner_id], "k", "Hi", "Body"
            )
        await drain(mail_worker(resources, configured))
    [mail] = relay.received
    assert mail.rcpt_tos == [tenant.owner_email]
    assert mail.message["Subject"] == "Hi"
    assert mail.message["From"] == "Desk <desk@acme.test>"
    assert "Body" in mail.message.get_content()
    [stored] = await notifications(database)
    assert stored.emailed_at is not None


async def test_a_refusing_relay_is_retried_for_4xx_and_given_up_for_5xx(
    database: Database, resources: Resources, settings: Settings, tenant: Tenant
) -> None:
    relay = RelayStandIn()
    async with serve_relay(relay) as port:
        configured = settings.model_copy(update={"smtp_url": f"smtp://127.0.0.1:{port}"})
        for answer, state in (("451 4.3.0 try later", JobState.FAILED), ("550 5.7.1 no", None)):
            relay.refuse_with, relay.attempts = answer, 0
            async with database.transaction() as session:
                await session.execute(delete(Job))
                await notify(
                    session, resources.bus, tenant.workspace_id, [tenant.owner_id], "k", "t"
                )
            await drain(mail_worker(resources, configured))
            async with database.transaction() as session:
                job = await session.scalar(select(Job).where(Job.name == "notification.send_email"))
            assert job is not None
            assert job.state == (state or JobState.SUCCEEDED)
            assert relay.attempts == (3 if state else 1)
    assert relay.received == []
    assert all(n.emailed_at is None for n in await notifications(database))


def test_the_relay_url_names_host_port_credentials_and_tls() -> None:
    relay = parse_smtp_url("smtp://me%40acme:p%3Ass@mail.acme.test:587?starttls=1")
    assert (relay.host, relay.port, relay.username, relay.password) == (
        "mail.acme.test",
        587,
        "me@acme",
        "p:ss",
    )
    assert (relay.use_tls, relay.start_tls) == (False, True)
    secure = parse_smtp_url("smtps://mail.acme.test")
    assert (secure.port, secure.use_tls, secure.username) == (465, True, None)
    with pytest.raises(InvalidInput):
        parse_smtp_url("http://mail.acme.test")


async def test_with_no_relay_configured_email_is_off_and_nothing_fails(
    database: Database, resources: Resources, settings: Settings, tenant: Tenant
) -> None:
    assert settings.smtp_url is None
    async with database.transaction() as session:
        await notify(session, resources.bus, tenant.workspace_id, [tenant.owner_id], "k", "Hi")
    await drain(mail_worker(resources, settings))
    [stored] = await notifications(database)
    assert stored.emailed_at is None
    async with database.transaction() as session:
        states = (await session.scalars(select(Job.state))).all()
    assert set(states) == {JobState.SUCCEEDED}


# --- which events notify whom -----------------------------------------------------------------


async def test_a_ticket_created_with_an_assignee_tells_them_unless_they_did_it(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    agent = await member(database, tenant, "agent")
    await new_ticket(database, resources.bus, tenant.workspace_id, assignee_id=agent)
    async with database.transaction() as session:
        await tickets.create_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            TicketCreate(subject="Mine", assignee_id=agent),
            Actor("user", agent),
            TicketSource.AGENT,
        )
    await drain(worker_for(resources))
    [only] = await notifications(database)
    assert (only.kind, only.user_id) == ("ticket.assigned", agent)
    assert only.title.startswith("DP-000001 is assigned to you")


async def test_reassigning_tells_the_new_assignee(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    agent = await member(database, tenant, "agent")
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    async with database.transaction() as session:
        await tickets.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(assignee_id=agent),
            Actor("user", tenant.owner_id),
        )
        await tickets.update_ticket(  # unrelated change: nobody is told
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(subject="Renamed"),
            Actor("user", tenant.owner_id),
        )
    await drain(worker_for(resources))
    assert await told(database) == [("ticket.assigned", agent)]


async def _publish(
    resources: Resources, tenant: Tenant, name: str, ticket_id: str, **extra: Any
) -> None:
    async with resources.database.transaction() as session:
        view = await tickets.get_ticket(session, tenant.workspace_id, ticket_id)
        event = ticket_event(name, view.ticket, view.conversation_ids, Actor("system"), **extra)
        publish_on_commit(session, resources.bus, event)


async def test_sla_events_tell_the_assignee_or_else_the_team(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    agent, first, second = [await member(database, tenant, n) for n in ("agent", "t1", "t2")]
    async with database.transaction() as session:
        team = Team(workspace_id=tenant.workspace_id, name="Support")
        session.add(team)
        await session.flush()
        for user_id in (first, second):
            membership = await session.scalar(
                select(Membership).where(Membership.user_id == user_id)
            )
            assert membership is not None
            membership.availability = "offline"  # so that routing leaves the ticket unassigned
            session.add(
                TeamMember(workspace_id=tenant.workspace_id, team_id=team.id, user_id=user_id)
            )
    assigned = await new_ticket(database, resources.bus, tenant.workspace_id, assignee_id=agent)
    await drain(worker_for(resources))
    async with database.transaction() as session:
        await session.execute(delete(Notification))
    unassigned = await new_ticket(database, resources.bus, tenant.workspace_id, team_id=team.id)
    await _publish(resources, tenant, "ticket.sla_warning", assigned.ticket.id, target="resolution")
    await _publish(resources, tenant, "ticket.sla_breached", unassigned.ticket.id)
    await drain(worker_for(resources))
    assert await told(database) == sorted(
        [
            ("ticket.sla_warning", agent),
            ("ticket.sla_breached", first),
            ("ticket.sla_breached", second),
        ]
    )
    warning = next(n for n in await notifications(database) if n.kind == "ticket.sla_warning")
    assert warning.body == "target: resolution"


async def test_a_customers_public_comment_tells_the_assignee(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    agent = await member(database, tenant, "agent")
    view = await new_ticket(database, resources.bus, tenant.workspace_id, assignee_id=agent)
    await drain(worker_for(resources))
    async with database.transaction() as session:
        await session.execute(delete(Notification))
    for text, actor, public in (
        ("Any news?", Actor("customer", None), True),
        ("Internal", Actor("user", tenant.owner_id), False),
        ("We are on it", Actor("user", tenant.owner_id), True),
    ):
        async with database.transaction() as session:
            await tickets.add_comment(
                session,
                resources.bus,
                tenant.workspace_id,
                view.ticket.id,
                text,
                actor,
                public=public,
            )
    await drain(worker_for(resources))
    [only] = await notifications(database)
    assert (only.kind, only.user_id, only.body) == ("ticket.customer_replied", agent, "Any news?")


async def test_a_low_rating_tells_the_assignee_and_the_admins(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    agent = await member(database, tenant, "agent")
    admin = await member(database, tenant, "admin", Role.ADMIN)
    await member(database, tenant, "viewer", Role.VIEWER)
    view = await new_ticket(database, resources.bus, tenant.workspace_id, assignee_id=agent)
    await drain(worker_for(resources))
    async with database.transaction() as session:
        await session.execute(delete(Notification))
    await _publish(resources, tenant, "ticket.rated_low", view.ticket.id, score=1)
    await drain(worker_for(resources))
    assert await told(database) == sorted(
        [
            ("ticket.rated_low", agent),
            ("ticket.rated_low", admin),
            ("ticket.rated_low", tenant.owner_id),
        ]
    )


# --- the API ----------------------------------------------------------------------------------


async def test_members_list_and_mark_only_their_own(
    app: FastAPI,
    client: httpx.AsyncClient,
    database: Database,
    resources: Resources,
    tenant: Tenant,
) -> None:
    agent = await member(database, tenant, "agent")
    async with database.transaction() as session:
        own = await notify(session, resources.bus, tenant.workspace_id, [tenant.owner_id], "k", "1")
        await notify(session, resources.bus, tenant.workspace_id, [tenant.owner_id], "k", "2")
        [theirs] = await notify(session, resources.bus, tenant.workspace_id, [agent], "k", "3")
    async with signed_in(app, tenant.owner_email) as (http, csrf):
        headers = {"X-CSRF-Token": csrf}
        listed = (await http.get("/api/v1/notifications")).json()
        assert [n["title"] for n in listed] == ["2", "1"]
        response = await http.post(f"/api/v1/notifications/{theirs.id}/read", headers=headers)
        assert response.status_code == 404
        response = await http.post(f"/api/v1/notifications/{own[0].id}/read", headers=headers)
        assert response.status_code == 200
        assert response.json()["read_at"] is not None
        unread = (await http.get("/api/v1/notifications?unread=true")).json()
        assert [n["title"] for n in unread] == ["2"]
        assert (await http.post("/api/v1/notifications/read-all", headers=headers)).json() == {
            "marked": 1
        }
        assert (await http.get("/api/v1/notifications?unread=true&limit=5")).json() == []
    [agents] = [n for n in await notifications(database) if n.user_id == agent]
    assert agents.read_at is None  # read-all marked only the owner's
    # An API key stands for the workspace: it sees every member's.
    listed = (await client.get("/api/v1/notifications", headers=tenant.headers)).json()
    assert len(listed) == 3


async def test_a_member_turns_notification_emails_off(
    app: FastAPI, client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    async with signed_in(app, tenant.owner_email) as (http, csrf):
        response = await http.patch(
            "/api/v1/notifications/settings", json={"email": False}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"email": False}
    async with database.transaction() as session:
        row = await session.scalar(select(Membership).where(Membership.user_id == tenant.owner_id))
        assert row is not None
        assert row.email_notifications is False
    response = await client.patch(
        "/api/v1/notifications/settings", json={"email": True}, headers=tenant.headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "email"


# --- webhooks ---------------------------------------------------------------------------------


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    stand_in = Receiver()
    async with serve_app(stand_in.app) as address:
        stand_in.base = f"http://{address}"
        yield stand_in


async def test_a_webhook_subscribed_to_ticket_created_receives_it(
    client: httpx.AsyncClient, resources: Resources, tenant: Tenant, receiver: Receiver
) -> None:
    webhook = await create_webhook(client, tenant, receiver.url("crm"), events=["ticket.created"])
    view = await new_ticket(resources.database, resources.bus, tenant.workspace_id)
    await drain(worker_for(resources))
    [request] = receiver.requests
    assert request.signed_with(webhook["secret"])
    assert request.event == "ticket.created"
    assert request.json["data"]["id"] == view.ticket.id
    assert request.json["data"]["reference"] == "DP-000001"
