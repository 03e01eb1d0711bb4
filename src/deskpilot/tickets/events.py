"""Realtime (and webhook and automation) events of tickets, named ``ticket.verb``."""

from __future__ import annotations

from deskpilot.kit.bus import BusEvent
from deskpilot.models import Ticket
from deskpilot.tickets.schemas import Actor, TicketRead, reference


def ticket_data(ticket: Ticket, conversation_ids: list[str]) -> TicketRead:
    read = TicketRead.model_validate(
        {**{c: getattr(ticket, c) for c in _COLUMNS}, "reference": reference(ticket.number)}
    )
    read.conversation_ids = conversation_ids
    return read


def ticket_event(
    name: str,
    ticket: Ticket,
    conversation_ids: list[str],
    actor: Actor,
    **extra: object,
) -> BusEvent:
    """``data`` is the ticket as the API reads it, plus ``actor`` and ``extra`` (``changes``)."""
    data = ticket_data(ticket, conversation_ids).model_dump(mode="json")
    data["actor"] = {"type": actor.type, "id": actor.id}
    return BusEvent(name=name, workspace_id=ticket.workspace_id, data=data | extra)


_COLUMNS = [c for c in TicketRead.model_fields if c not in ("reference", "conversation_ids")]
