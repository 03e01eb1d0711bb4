from __future__ import annotations

import asyncio

import pytest

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import Conflict, InvalidInput
from deskpilot.models import Priority, TicketStatus
from deskpilot.tickets import service
from deskpilot.tickets.schemas import Actor, TicketUpdate, parse_reference, reference
from tests.factories import Tenant
from tests.tickets.helpers import new_ticket


async def test_tickets_are_numbered_per_workspace_and_never_share_a_number(
    database: Database, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    views = await asyncio.gather(
        *(new_ticket(database, resources.bus, tenant.workspace_id) for _ in range(5))
    )
    other = await new_ticket(database, resources.bus, other_tenant.workspace_id)
    assert sorted(v.ticket.number for v in views) == [1, 2, 3, 4, 5]
    assert other.ticket.number == 1
    assert reference(123) == "DP-000123"
    assert parse_reference("dp-000123") == 123
    assert parse_reference("DP-12x") is None


async def test_every_change_is_in_the_history_and_nothing_is_written_for_no_change(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    agent = Actor("user", tenant.owner_id)
    async with database.transaction() as session:
        await service.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(priority=Priority.HIGH, status=TicketStatus.SOLVED),
            agent,
        )
        await service.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(priority=Priority.HIGH),
            agent,
        )
    async with database.transaction() as session:
        changes = await service.history(session, tenant.workspace_id, view.ticket.id)
        ticket = (await service.get_ticket(session, tenant.workspace_id, view.ticket.id)).ticket
    assert [c.kind for c in changes] == ["created", "updated"]
    assert changes[1].changes == {
        "priority": ["normal", "high"],
        "status": ["new", "solved"],
    }
    assert changes[1].actor_id == tenant.owner_id
    assert changes[1].is_public
    assert ticket.solved_at is not None


async def test_a_closed_ticket_cannot_change_and_required_fields_cannot_be_cleared(
    database: Database, resources: Resources, tenant: Tenant
) -> None:
    view = await new_ticket(database, resources.bus, tenant.workspace_id)
    async with database.transaction() as session:
        with pytest.raises(InvalidInput, match="subject"):
            await service.update_ticket(
                session,
                resources.bus,
                tenant.workspace_id,
                view.ticket.id,
                TicketUpdate.model_validate({"subject": None}),
                Actor("system"),
            )
        await service.update_ticket(
            session,
            resources.bus,
            tenant.workspace_id,
            view.ticket.id,
            TicketUpdate(status=TicketStatus.CLOSED),
            Actor("system"),
        )
    async with database.transaction() as session:
        with pytest.raises(Conflict):
            await service.update_ticket(
                session,
                resources.bus,
                tenant.workspace_id,
                view.ticket.id,
                TicketUpdate(status=TicketStatus.OPEN),
                Actor("system"),
            )


async def test_ids_of_another_workspace_are_refused(
    database: Database, resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    with pytest.raises(InvalidInput, match="assignee_id"):
        await new_ticket(
            database, resources.bus, tenant.workspace_id, assignee_id=other_tenant.owner_id
        )
    mine = await new_ticket(
        database, resources.bus, tenant.workspace_id, assignee_id=tenant.owner_id
    )
    assert mine.ticket.assignee_id == tenant.owner_id
