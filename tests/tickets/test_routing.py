"""Routing: which team a ticket goes to, and which agent gets it (fairness, availability,
capacity, business hours), and the team queue sweep."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job, JobContext
from deskpilot.kit.jobs.registry import NoPayload
from deskpilot.models import AssignmentMethod, BusinessCalendar, Membership, Role, TicketStatus
from deskpilot.tickets import service
from deskpilot.tickets.routing import teams
from deskpilot.tickets.routing.queue import assign_queued
from deskpilot.tickets.routing.schemas import AvailabilityUpdate, TeamCreate, TeamUpdate
from deskpilot.tickets.routing.tasks import route_queued
from deskpilot.tickets.schemas import SYSTEM, TicketUpdate
from tests.factories import Tenant, create_member
from tests.tickets.helpers import new_ticket

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SUNDAY_10 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


async def _agents(database: Database, tenant: Tenant, count: int) -> list[str]:
    """``count`` agents, by user id (the round-robin order)."""
    user_ids = []
    for n in range(count):
        membership_id = await create_member(
            database, tenant.workspace_id, f"agent{n}@{tenant.slug}.example.com", Role.AGENT
        )
        async with database.transaction() as session:
            membership = await session.get(Membership, membership_id)
            assert membership is not None
            user_ids.append(membership.user_id)
    return sorted(user_ids)


async def _team(database: Database, tenant: Tenant, members: list[str], **fields: Any) -> str:
    async with database.transaction() as session:
        team = await teams.create_team(
            session, tenant.workspace_id, TeamCreate(name=fields.pop("name", "Support"), **fields)
        )
        for user_id in members:
            await teams.add_member(session, tenant.workspace_id, team.id, user_id)
    return team.id


async def _set(database: Database, tenant: Tenant, user_id: str, **fields: Any) -> None:
    async with database.transaction() as session:
        await teams.set_availability(
            session, tenant.workspace_id, user_id, AvailabilityUpdate(**fields)
        )


async def _assignees(
    database: Database, resources: Resources, tenant: Tenant, count: int, **fields: Any
) -> list[str | None]:
    views = [
        await new_ticket(database, resources.bus, tenant.workspace_id, **fields)
        for _ in range(count)
    ]
    return [view.ticket.assignee_id for view in views]


async def _calendar(database: Database, tenant: Tenant, hours: dict[str, Any]) -> str:
    async with database.transaction() as session:
        calendar = BusinessCalendar(
            workspace_id=tenant.workspace_id, name=f"hours {len(hours)}", hours=hours
        )
        session.add(calendar)
        await session.flush()
        return calendar.id


async def _route_jobs(database: Database) -> list[str | None]:
    async with database.transaction() as session:
        query = select(Job.workspace_id).where(Job.name == "ticket.route_queued")
        return list((await session.scalars(query.order_by(Job.created_at, Job.id))).all())


async def test_round_robin_shares_30_tickets_10_each_in_a_stable_rotation(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    agents = await _agents(database, tenant, 3)
    team_id = await _team(database, tenant, agents)
    assignees = await _assignees(database, resources, tenant, 30)
    assert Counter(assignees) == {agent: 10 for agent in agents}
    assert assignees[:6] == agents + agents
    async with database.transaction() as session:
        team = await teams.get_team(session, tenant.workspace_id, team_id)
    assert team.last_assigned_user_id == agents[2]


async def test_an_agent_who_goes_away_is_skipped_and_the_rotation_stays_fair(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    a, b, c = await _agents(database, tenant, 3)
    await _team(database, tenant, [a, b, c])
    assert await _assignees(database, resources, tenant, 2) == [a, b]
    await _set(database, tenant, b, availability="away")
    assert await _assignees(database, resources, tenant, 4) == [c, a, c, a]
    await _set(database, tenant, b, availability="online")
    assert await _assignees(database, resources, tenant, 3) == [b, c, a]
    await _set(database, tenant, c, availability="offline")
    assert await _assignees(database, resources, tenant, 2) == [b, a]


async def test_capacity_sends_work_to_the_next_agent_then_leaves_it_in_the_queue(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    a, b = await _agents(database, tenant, 2)
    team_id = await _team(database, tenant, [a, b], max_open_per_agent=2)
    await _set(database, tenant, a, max_open_tickets=1)  # a's own cap, below the team's
    views = [await new_ticket(database, resources.bus, tenant.workspace_id) for _ in range(4)]
    assert [v.ticket.assignee_id for v in views] == [a, b, b, None]
    assert views[3].ticket.team_id == team_id  # waits in the team's queue
    # a solved ticket no longer counts: a has room again
    async with database.transaction() as session:
        await service.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            views[0].ticket.id,
            TicketUpdate(status=TicketStatus.SOLVED),
            SYSTEM,
        )
    assert await _assignees(database, resources, tenant, 2) == [a, None]


async def test_load_balancing_picks_the_least_loaded_and_breaks_ties_in_turn(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    a, b, c = await _agents(database, tenant, 3)
    await _team(database, tenant, [a, b, c], assignment=AssignmentMethod.LOAD_BALANCED)
    for _ in range(3):  # a already holds three tickets given by hand
        await new_ticket(database, resources.bus, tenant.workspace_id, assignee_id=a)
    assert await _assignees(database, resources, tenant, 6) == [b, c, b, c, b, c]
    assert await _assignees(database, resources, tenant, 3) == [a, b, c]


async def test_a_manual_team_keeps_tickets_in_its_queue(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    (a,) = await _agents(database, tenant, 1)
    team_id = await _team(database, tenant, [a], assignment=AssignmentMethod.MANUAL)
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    assert (view.ticket.team_id, view.ticket.assignee_id) == (team_id, None)
    async with database.transaction() as session:
        assert await assign_queued(session, resources.bus, tenant.workspace_id) == 0


async def test_the_most_specific_team_wins_and_teams_must_fit_language_and_category(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    catch_all = await _team(database, tenant, [], name="Everything")
    billing = await _team(database, tenant, [], name="Billing", categories=["Billing"])
    russian = await _team(database, tenant, [], name="Russian", languages=["ru"])
    refunds = await _team(
        database, tenant, [], name="Refunds", categories=["billing"], skills=["refund"]
    )

    async def team_of(**fields: Any) -> str | None:
        view = await new_ticket(database, resources.bus, tenant.workspace_id, **fields)
        return view.ticket.team_id

    assert await team_of() == catch_all
    assert await team_of(category="billing") == billing
    assert await team_of(category="billing", labels=["Refund"]) == refunds
    assert await team_of(category="shipping", language="ru-RU") == russian
    assert await team_of(language="de") == catch_all
    explicit = await new_ticket(database, resources.bus, tenant.workspace_id, team_id=billing)
    assert explicit.ticket.team_id == billing


async def test_no_fitting_team_leaves_the_ticket_without_team(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    await _team(database, tenant, [], name="English", languages=["en"])
    view = await new_ticket(database, resources.bus, tenant.workspace_id, language="zh")
    assert (view.ticket.team_id, view.ticket.assignee_id) == (None, None)
    no_language = await new_ticket(database, resources.bus, tenant.workspace_id)
    assert no_language.ticket.team_id is None


async def test_a_closed_calendar_keeps_tickets_queued_until_hours_open(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    (a,) = await _agents(database, tenant, 1)
    never = await _calendar(database, tenant, {})  # closed all week
    team_id = await _team(database, tenant, [a], calendar_id=never)
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    assert (view.ticket.team_id, view.ticket.assignee_id) == (team_id, None)

    mondays = await _calendar(database, tenant, {"mon": [["09:00", "17:00"]]})
    async with database.transaction() as session:
        await teams.update_team(
            session, tenant.workspace_id, team_id, TeamUpdate(calendar_id=mondays)
        )
    async with database.transaction() as session:
        assert await assign_queued(session, resources.bus, tenant.workspace_id, SUNDAY_10) == 0
    async with database.transaction() as session:
        assert await assign_queued(session, resources.bus, tenant.workspace_id, MONDAY_10) == 1
        ticket = (await service.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
    assert ticket.assignee_id == a


async def test_the_queue_sweep_assigns_when_an_agent_comes_online_with_history_and_event(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    a, b = await _agents(database, tenant, 2)
    await _set(database, tenant, a, availability="away")
    await _set(database, tenant, b, availability="offline")
    await _team(database, tenant, [a, b])
    views = [await new_ticket(database, resources.bus, tenant.workspace_id) for _ in range(3)]
    assert all(v.ticket.assignee_id is None for v in views)

    before = await _route_jobs(database)
    await _set(database, tenant, b, availability="online")
    await _set(database, tenant, a, availability="offline")  # not online: nothing to do
    assert await _route_jobs(database) == [*before, tenant.workspace_id]

    subscription = resources.bus.subscribe(tenant.workspace_id)
    try:
        async with database.transaction() as session:  # the periodic run fans out per workspace
            await route_queued(
                JobContext(session, "job-1", None, 1, {Resources: resources}), NoPayload()
            )
        assert await _route_jobs(database) == before + [tenant.workspace_id] * 2
        async with database.transaction() as session:
            ctx = JobContext(session, "job-2", tenant.workspace_id, 1, {Resources: resources})
            await route_queued(ctx, NoPayload())
        event = await asyncio.wait_for(subscription.queue.get(), 5)
    finally:
        resources.bus.unsubscribe(subscription)
    assert event.name == "ticket.updated"
    assert event.data["changes"] == {"assignee_id": [None, b]}
    async with database.transaction() as session:
        for view in views:
            ticket = (await service.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
            assert ticket.assignee_id == b
        changes = await service.history(session, tenant.workspace_id, views[0].ticket.id)
    assert changes[-1].actor_type == "system"
    assert changes[-1].changes == {"assignee_id": [None, b]}
