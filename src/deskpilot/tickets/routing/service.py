"""Who gets a new ticket (to be written: teams, round robin, load balancing)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.models import Ticket


async def route(session: AsyncSession, ticket: Ticket) -> None:
    """Give a new ticket without an assignee a team and, when the team's method says so, an
    available agent."""
