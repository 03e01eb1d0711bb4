"""The team queues: open tickets of automatic teams that nobody has yet, assigned as soon as an
agent is available and the team's hours are open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus
from deskpilot.kit.clock import utcnow
from deskpilot.models import AssignmentMethod
from deskpilot.tickets import service as tickets
from deskpilot.tickets.routing.repository import TeamRepository
from deskpilot.tickets.routing.service import next_agent
from deskpilot.tickets.schemas import SYSTEM, TicketUpdate

BATCH = 200  # tickets a team hands out in one sweep; the next sweep takes the rest


async def assign_queued(
    session: AsyncSession, bus: Bus, workspace_id: str, now: datetime | None = None
) -> int:
    """Assign queued tickets, oldest first, team by team, until each team runs out of tickets
    or of available agents; each assignment goes through ``update_ticket`` as the system, so it
    is in the history and publishes ``ticket.updated``. How many were assigned."""
    now = now or utcnow()
    teams = TeamRepository(session, workspace_id)
    assigned = 0
    for team in await teams.ordered():
        if team.assignment == AssignmentMethod.MANUAL:
            continue
        for ticket in await teams.queued_tickets(team.id, BATCH):
            agent = await next_agent(session, workspace_id, team.id, now)
            if agent is None:
                break
            await tickets.update_ticket(
                session,
                bus,
                workspace_id,
                ticket.id,
                TicketUpdate(assignee_id=agent),
                SYSTEM,
                note="assigned from the team queue",
            )
            assigned += 1
    return assigned
