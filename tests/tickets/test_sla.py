"""SLA policies and the clock on tickets: choice, due dates, pauses, warnings, breaches, API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from deskpilot.kit.clock import utcnow
from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.models import (
    Customer,
    Priority,
    Role,
    Segment,
    SegmentMembership,
    SLAPolicy,
    Ticket,
    TicketStatus,
)
from deskpilot.tickets import service
from deskpilot.tickets.schemas import Actor, TicketUpdate
from deskpilot.tickets.sla import service as sla
from deskpilot.tickets.sla.calendar import BusinessHours
from deskpilot.tickets.sla.tasks import CHECK_SLA_JOB, check_due
from tests.factories import Tenant, create_api_key
from tests.tickets.helpers import new_ticket

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday


async def add_policy(database: Database, workspace_id: str, name: str, **fields: Any) -> str:
    async with database.transaction() as session:
        policy = SLAPolicy(workspace_id=workspace_id, name=name, **fields)
        session.add(policy)
        await session.flush()
        return policy.id


async def customer_in_segment(database: Database, workspace_id: str) -> tuple[str, str]:
    async with database.transaction() as session:
        customer = Customer(workspace_id=workspace_id, name="Vera")
        segment = Segment(workspace_id=workspace_id, name="VIP")
        session.add_all([customer, segment])
        await session.flush()
        session.add(
            SegmentMembership(
                workspace_id=workspace_id,
                segment_id=segment.id,
                customer_id=customer.id,
                since=utcnow(),
            )
        )
        return customer.id, segment.id


async def load(database: Database, workspace_id: str, ticket_id: str) -> Ticket:
    async with database.transaction() as session:
        return (await service.get_ticket(session, workspace_id, ticket_id)).ticket


async def update(
    database: Database, resources: Resources, tenant: Tenant, ticket_id: str, **fields: Any
) -> None:
    async with database.transaction() as session:
        await service.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            ticket_id,
            TicketUpdate(**fields),
            Actor("user", tenant.owner_id),
        )


async def test_the_first_matching_policy_sets_due_dates_by_priority_and_segment(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    customer_id, segment_id = await customer_in_segment(database, tenant.workspace_id)
    await add_policy(
        database,
        tenant.workspace_id,
        "inactive",
        position=0,
        is_active=False,
        first_response_minutes=1,
    )
    await add_policy(
        database,
        tenant.workspace_id,
        "vip",
        position=1,
        segment_id=segment_id,
        first_response_minutes=15,
        resolution_minutes=120,
    )
    urgent = await add_policy(
        database,
        tenant.workspace_id,
        "urgent",
        position=2,
        priority=Priority.URGENT,
        first_response_minutes=30,
    )
    default = await add_policy(
        database,
        tenant.workspace_id,
        "default",
        position=3,
        first_response_minutes=240,
        resolution_minutes=2400,
    )

    vip = (
        await new_ticket(database, resources.bus, tenant.workspace_id, customer_id=customer_id)
    ).ticket
    assert vip.first_response_due_at == vip.created_at + timedelta(minutes=15)
    assert vip.resolution_due_at == vip.created_at + timedelta(minutes=120)

    plain = (await new_ticket(database, resources.bus, tenant.workspace_id)).ticket
    assert plain.sla_policy_id == default
    assert plain.first_response_due_at == plain.created_at + timedelta(minutes=240)

    hurry = (
        await new_ticket(database, resources.bus, tenant.workspace_id, priority=Priority.URGENT)
    ).ticket
    assert hurry.sla_policy_id == urgent
    assert hurry.resolution_due_at is None  # the policy has no resolution target

    # a new priority chooses again while no target is met
    await update(database, resources, tenant, plain.id, priority=Priority.URGENT)
    changed = await load(database, tenant.workspace_id, plain.id)
    assert changed.sla_policy_id == urgent
    assert changed.first_response_due_at == plain.created_at + timedelta(minutes=30)


async def test_due_dates_follow_the_policy_calendar(
    database: Database, resources: Resources, tenant: Tenant, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        "/api/v1/calendars",
        json={"name": "Never", "timezone": "Asia/Shanghai", "hours": {"sun": [["03:00", "04:00"]]}},
        headers=tenant.headers,
    )
    assert response.status_code == 201, response.text
    calendar_id = response.json()["id"]
    await add_policy(
        database, tenant.workspace_id, "weekly", calendar_id=calendar_id, first_response_minutes=30
    )
    ticket = (await new_ticket(database, resources.bus, tenant.workspace_id)).ticket
    hours = BusinessHours.from_definition("Asia/Shanghai", {"sun": [["03:00", "04:00"]]}, [])
    assert ticket.first_response_due_at == hours.add(ticket.created_at, 30)
    assert ticket.first_response_due_at is not None
    assert not hours.is_open(ticket.first_response_due_at - timedelta(minutes=31))


async def test_waiting_for_the_customer_pauses_the_clock_and_resuming_pushes_due_dates(
    database: Database, resources: Resources, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_policy(
        database, tenant.workspace_id, "default", first_response_minutes=60, resolution_minutes=600
    )
    ticket = (await new_ticket(database, resources.bus, tenant.workspace_id)).ticket
    first, resolution = ticket.first_response_due_at, ticket.resolution_due_at
    assert first is not None
    assert resolution is not None
    paused = ticket.created_at + timedelta(minutes=10)
    monkeypatch.setattr(sla, "utcnow", lambda: paused)
    await update(database, resources, tenant, ticket.id, status=TicketStatus.PENDING_CUSTOMER)
    assert (await load(database, tenant.workspace_id, ticket.id)).sla_paused_at == paused

    monkeypatch.setattr(sla, "utcnow", lambda: paused + timedelta(minutes=45))
    await update(database, resources, tenant, ticket.id, status=TicketStatus.OPEN)
    resumed = await load(database, tenant.workspace_id, ticket.id)
    assert resumed.sla_paused_at is None
    assert resumed.first_response_due_at == first + timedelta(minutes=45)
    assert resumed.resolution_due_at == resolution + timedelta(minutes=45)

    # solved, then reopened: the resolution clock resumes, pushed by the time it was solved
    resolution = resumed.resolution_due_at
    monkeypatch.setattr(sla, "utcnow", lambda: paused + timedelta(minutes=100))
    await update(database, resources, tenant, ticket.id, status=TicketStatus.SOLVED)
    monkeypatch.setattr(sla, "utcnow", lambda: paused + timedelta(minutes=130))
    await update(database, resources, tenant, ticket.id, status=TicketStatus.OPEN)
    reopened = await load(database, tenant.workspace_id, ticket.id)
    assert reopened.resolution_due_at == resolution + timedelta(minutes=30)


def test_a_pause_counts_only_business_time() -> None:
    hours = BusinessHours.from_definition("UTC", {"mon": [["09:00", "17:00"]]}, [])
    ticket = Ticket(
        first_response_due_at=datetime(2026, 11, 23, 16, 0, tzinfo=UTC),
        resolution_due_at=datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        first_response_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),  # met: stays
    )
    first, resolution = sla.resumed_due_dates(
        hours,
        ticket,
        datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    )
    assert first == ticket.first_response_due_at
    assert resolution == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # two business hours


def test_due_alerts_warn_once_then_breach() -> None:
    ticket = Ticket(
        status=TicketStatus.OPEN,
        sla_policy_id="sla_1",
        first_response_due_at=START + timedelta(minutes=60),
        resolution_due_at=START + timedelta(minutes=600),
        sla_warnings=[],
    )
    warn = {"sla_1": 30}
    assert sla.due_alerts([ticket], START + timedelta(minutes=20), warn) == []
    alerts = sla.due_alerts([ticket], START + timedelta(minutes=35), warn)
    assert [(a.target, a.kind) for a in alerts] == [("first_response", "warning")]
    ticket.sla_warnings = ["first_response"]
    assert sla.due_alerts([ticket], START + timedelta(minutes=40), warn) == []
    alerts = sla.due_alerts([ticket], START + timedelta(minutes=60), warn)
    assert [(a.target, a.kind) for a in alerts] == [("first_response", "breach")]
    ticket.sla_paused_at = START
    assert sla.due_alerts([ticket], START + timedelta(minutes=60), warn) == []
    assert sla.next_priority(Priority.LOW) == Priority.NORMAL
    assert sla.next_priority(Priority.URGENT) is None


async def test_the_job_warns_once_then_breaches_and_escalates_with_history(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    assert default_registry.get(CHECK_SLA_JOB) is not None
    await add_policy(
        database, tenant.workspace_id, "default", first_response_minutes=60, warn_before_minutes=30
    )
    ticket = (await new_ticket(database, resources.bus, tenant.workspace_id)).ticket
    created = ticket.created_at
    subscription = resources.bus.subscribe(tenant.workspace_id)
    try:
        for minutes in (10, 35, 40, 61, 62):
            async with database.transaction() as session:
                await check_due(session, resources.bus, created + timedelta(minutes=minutes))
        names: list[tuple[str, object]] = []
        while len(names) < 3:
            event = await asyncio.wait_for(subscription.queue.get(), 5)
            if event.name.startswith("ticket.") and event.name != "ticket.created":
                names.append((event.name, event.data.get("target")))
    finally:
        resources.bus.unsubscribe(subscription)
    assert names == [
        ("ticket.sla_warning", "first_response"),
        ("ticket.sla_breached", "first_response"),
        ("ticket.updated", None),
    ]
    after = await load(database, tenant.workspace_id, ticket.id)
    assert after.priority == Priority.HIGH
    assert after.first_response_breached_at == created + timedelta(minutes=61)
    assert after.sla_warnings == ["first_response"]
    async with database.transaction() as session:
        changes = await service.history(session, tenant.workspace_id, ticket.id)
    assert changes[-1].actor_type == "system"
    assert changes[-1].changes == {"priority": ["normal", "high"]}
    assert changes[-1].note is not None
    assert "first response" in changes[-1].note


async def test_an_urgent_ticket_breach_is_recorded_without_escalation(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    await add_policy(database, tenant.workspace_id, "default", resolution_minutes=5)
    ticket = (
        await new_ticket(database, resources.bus, tenant.workspace_id, priority=Priority.URGENT)
    ).ticket
    async with database.transaction() as session:
        alerts = await check_due(session, resources.bus, ticket.created_at + timedelta(minutes=6))
    assert [(a.target, a.kind) for a in alerts] == [("resolution", "breach")]
    async with database.transaction() as session:
        changes = await service.history(session, tenant.workspace_id, ticket.id)
    assert [c.kind for c in changes] == ["created", "sla"]
    assert (await load(database, tenant.workspace_id, ticket.id)).priority == Priority.URGENT


async def test_calendar_api_validates_and_admins_write(
    client: httpx.AsyncClient, database: Database, tenant: Tenant
) -> None:
    bad = await client.post(
        "/api/v1/calendars",
        json={
            "name": "Bad",
            "timezone": "Nowhere/Land",
            "hours": {"mon": [["10:00", "09:00"]], "xyz": []},
            "holidays": ["2026-13-01"],
        },
        headers=tenant.headers,
    )
    assert bad.status_code == 422
    fields = {f["field"] for f in bad.json()["error"]["fields"]}
    assert fields == {"body.timezone", "body.hours.mon.0", "body.hours.xyz", "body.holidays.0"}

    made = await client.post(
        "/api/v1/calendars",
        json={
            "name": "Office",
            "timezone": "Europe/Moscow",
            "hours": {"mon": [["09:00", "18:00"]]},
            "holidays": ["2026-12-31", "2026-12-31"],
        },
        headers=tenant.headers,
    )
    assert made.status_code == 201, made.text
    calendar_id = made.json()["id"]
    assert made.json()["holidays"] == ["2026-12-31"]
    again = await client.post("/api/v1/calendars", json={"name": "Office"}, headers=tenant.headers)
    assert again.status_code == 409

    key = await create_api_key(database, tenant.workspace_id, Role.VIEWER)
    viewer = {"Authorization": f"Bearer {key}"}
    url = f"/api/v1/calendars/{calendar_id}"
    assert (await client.get(url, headers=viewer)).status_code == 200
    assert (await client.delete(url, headers=viewer)).status_code == 403

    patched = await client.patch(
        f"/api/v1/calendars/{calendar_id}",
        json={"hours": {"mon": [["09:00", "12:00"], ["11:00", "18:00"]]}},
        headers=tenant.headers,
    )
    assert patched.status_code == 422
    assert patched.json()["error"]["fields"][0]["field"] == "body.hours.mon.1"
    deleted = await client.delete(f"/api/v1/calendars/{calendar_id}", headers=tenant.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/calendars/{calendar_id}", headers=tenant.headers)
    assert gone.status_code == 404


async def test_policy_api_checks_references_and_lists_in_order(
    client: httpx.AsyncClient, database: Database, tenant: Tenant, other_tenant: Tenant
) -> None:
    _, foreign_segment = await customer_in_segment(database, other_tenant.workspace_id)
    refused = await client.post(
        "/api/v1/sla-policies",
        json={"name": "VIP", "segment_id": foreign_segment, "first_response_minutes": 10},
        headers=tenant.headers,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "body.segment_id"
    refused = await client.post(
        "/api/v1/sla-policies",
        json={"name": "X", "calendar_id": "cal_nope"},
        headers=tenant.headers,
    )
    assert refused.json()["error"]["fields"][0]["field"] == "body.calendar_id"
    refused = await client.post(
        "/api/v1/sla-policies", json={"name": "X", "resolution_minutes": 0}, headers=tenant.headers
    )
    assert refused.status_code == 422

    for name, position in (("second", 5), ("first", 1)):
        made = await client.post(
            "/api/v1/sla-policies",
            json={
                "name": name,
                "position": position,
                "priority": "high",
                "first_response_minutes": 60,
            },
            headers=tenant.headers,
        )
        assert made.status_code == 201, made.text
    listed = await client.get("/api/v1/sla-policies", headers=tenant.headers)
    assert [p["name"] for p in listed.json()] == ["first", "second"]
    policy_id = listed.json()[0]["id"]
    patched = await client.patch(
        f"/api/v1/sla-policies/{policy_id}",
        json={"priority": None, "is_active": False},
        headers=tenant.headers,
    )
    assert patched.status_code == 200
    assert patched.json()["priority"] is None
    assert patched.json()["is_active"] is False
    nulled = await client.patch(
        f"/api/v1/sla-policies/{policy_id}", json={"name": None}, headers=tenant.headers
    )
    assert nulled.status_code == 422
    assert (
        await client.delete(f"/api/v1/sla-policies/{policy_id}", headers=tenant.headers)
    ).status_code == 204


async def test_at_risk_lists_tickets_due_soon_first(
    client: httpx.AsyncClient, database: Database, resources: Resources, tenant: Tenant
) -> None:
    await add_policy(
        database, tenant.workspace_id, "fast", priority=Priority.HIGH, first_response_minutes=20
    )
    await add_policy(database, tenant.workspace_id, "slow", position=1, first_response_minutes=600)
    slow = (await new_ticket(database, resources.bus, tenant.workspace_id)).ticket
    fast = (
        await new_ticket(database, resources.bus, tenant.workspace_id, priority=Priority.HIGH)
    ).ticket
    response = await client.get("/api/v1/sla/at-risk?within=60", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert [t["id"] for t in response.json()] == [fast.id]
    response = await client.get("/api/v1/sla/at-risk?within=1000", headers=tenant.headers)
    assert [t["id"] for t in response.json()] == [fast.id, slow.id]
    bad = await client.get("/api/v1/sla/at-risk?within=-1", headers=tenant.headers)
    assert bad.status_code == 422
