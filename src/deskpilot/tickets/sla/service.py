"""The SLA clock of a ticket (to be written: policies, business hours, pauses)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.models import Ticket


async def on_ticket_change(
    session: AsyncSession, ticket: Ticket, changed: dict[str, list[Any]]
) -> None:
    """Keep the ticket's SLA state right after ``changed`` (field: [before, after]; on
    creation every given field, with ``created`` as well)."""
