"""Tickets for tests, made through the service in committed transactions."""

from __future__ import annotations

from typing import Any

from deskpilot.kit.bus import Bus
from deskpilot.kit.db import Database
from deskpilot.models import TicketSource
from deskpilot.tickets import service
from deskpilot.tickets.schemas import SYSTEM, TicketCreate
from deskpilot.tickets.service import TicketView


async def new_ticket(
    database: Database,
    bus: Bus,
    workspace_id: str,
    subject: str = "My parcel is late",
    source: TicketSource = TicketSource.API,
    **fields: Any,
) -> TicketView:
    async with database.transaction() as session:
        return await service.create_ticket(
            session,
            bus,
            workspace_id,
            TicketCreate(subject=subject, **fields),
            SYSTEM,
            source,
        )
