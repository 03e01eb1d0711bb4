"""Rules for tickets: creating them (from a conversation, the API, the feedback form),
changing them with a full history, comments, and linking conversations.

Every change goes through ``update_ticket`` or ``add_comment``: each writes one history entry,
lets the SLA clock follow, and publishes one ``ticket.*`` event after commit (automation rules,
notifications and webhooks react to those events)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth.users import is_active_member
from deskpilot.conversations import service as conversations
from deskpilot.customers import service as customers
from deskpilot.kit.bus import Bus, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, InvalidInput, NotFound
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.models import (
    Priority,
    Ticket,
    TicketChange,
    TicketConversation,
    TicketSource,
    TicketStatus,
    TicketType,
)
from deskpilot.tickets.events import ticket_event
from deskpilot.tickets.repository import (
    TicketChangeRepository,
    TicketConversationRepository,
    TicketRepository,
)
from deskpilot.tickets.routing import service as routing
from deskpilot.tickets.routing.repository import TeamRepository
from deskpilot.tickets.schemas import (
    Actor,
    TicketCreate,
    TicketFields,
    TicketFilter,
    TicketUpdate,
    parse_reference,
)
from deskpilot.tickets.sla import service as sla

# fields ``update_ticket`` may change, and those that may not be cleared with null
CHANGEABLE = tuple(TicketFields.model_fields)
REQUIRED = ("type", "priority", "status", "subject", "description", "labels")


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket: Ticket
    conversation_ids: list[str]


async def get_ticket(session: AsyncSession, workspace_id: str, ticket_id: str) -> TicketView:
    ticket = await TicketRepository(session, workspace_id).get_or_404(ticket_id)
    return await _view(session, ticket)


async def find_by_reference(
    session: AsyncSession, workspace_id: str, reference: str
) -> Ticket | None:
    number = parse_reference(reference)
    if number is None:
        return None
    return await TicketRepository(session, workspace_id).by_number(number)


async def open_ticket_of_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> Ticket | None:
    return await TicketRepository(session, workspace_id).open_for_conversation(conversation_id)


async def history(
    session: AsyncSession, workspace_id: str, ticket_id: str, *, public_only: bool = False
) -> Sequence[TicketChange]:
    await TicketRepository(session, workspace_id).get_or_404(ticket_id)
    return await TicketChangeRepository(session, workspace_id).of_ticket(
        ticket_id, public_only=public_only
    )


async def list_tickets(
    session: AsyncSession, workspace_id: str, where: TicketFilter, cursor: str | None, limit: int
) -> tuple[list[TicketView], str | None]:
    """One page, newest first; the cursor to pass back for the next page, or None."""
    after = decode_time_cursor(cursor) if cursor else None
    rows = list(await TicketRepository(session, workspace_id).page(where, after, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id) if more else None
    return await views(session, rows), next_cursor


async def views(session: AsyncSession, tickets: Sequence[Ticket]) -> list[TicketView]:
    if not tickets:
        return []
    links = await TicketConversationRepository(session, tickets[0].workspace_id).conversation_ids(
        [t.id for t in tickets]
    )
    return [TicketView(t, links[t.id]) for t in tickets]


async def _view(session: AsyncSession, ticket: Ticket) -> TicketView:
    return (await views(session, [ticket]))[0]


async def create_ticket(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    data: TicketCreate,
    actor: Actor,
    source: TicketSource,
    *,
    attachments: list[dict[str, Any]] | None = None,
) -> TicketView:
    """A new ticket, numbered, on the SLA clock, routed when nobody is assigned."""
    given = data.model_dump(exclude_unset=True, exclude={"conversation_id"})
    conversation = None
    if data.conversation_id is not None:
        conversation = (
            await conversations.get_conversation(session, workspace_id, data.conversation_id)
        ).conversation
        given.setdefault("customer_id", conversation.customer_id)
        given.setdefault("language", conversation.language)
    await _check_references(session, workspace_id, given)
    if given.get("status") in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        raise InvalidInput.field("status", "a new ticket cannot start solved or closed")
    repository = TicketRepository(session, workspace_id)
    ticket = repository.add(
        Ticket(
            workspace_id=workspace_id,
            number=await repository.next_number(),
            source=source,
            type=given.pop("type", None) or TicketType.QUESTION,
            priority=given.pop("priority", None) or Priority.NORMAL,
            status=given.pop("status", None) or TicketStatus.NEW,
            labels=given.pop("labels", None) or [],
            description=given.pop("description", None) or "",
            channel_id=conversation.channel_id if conversation is not None else None,
            attachments=attachments or [],
            **given,
        )
    )
    await session.flush()
    if conversation is not None:
        _link(session, ticket, conversation.id)
    changed: dict[str, list[Any]] = {"created": [None, True]} | {
        field: [None, _plain(getattr(ticket, field))] for field in CHANGEABLE
    }
    await sla.on_ticket_change(session, ticket, changed)
    if ticket.assignee_id is None:
        await routing.route(session, ticket)
    _, view = await _changed(
        session, bus, ticket, actor, "created", {}, public=True, event="ticket.created"
    )
    return view


async def update_ticket(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    ticket_id: str,
    data: TicketUpdate,
    actor: Actor,
    *,
    note: str | None = None,
) -> TicketView:
    """Change the fields ``data`` sets; one history entry and one ``ticket.updated`` event with
    ``changes`` ({field: [before, after]}). Nothing changes, nothing is written."""
    ticket = await TicketRepository(session, workspace_id).get_or_404(ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(f"ticket {ticket_id} is closed; open a new one instead")
    given = data.model_dump(exclude_unset=True)
    for field in REQUIRED:
        if field in given and given[field] is None:
            raise InvalidInput.field(field, "cannot be cleared")
    await _check_references(session, workspace_id, given)
    changes = {
        field: [_plain(getattr(ticket, field)), _plain(value)]
        for field, value in given.items()
        if _plain(getattr(ticket, field)) != _plain(value)
    }
    if not changes:
        return await _view(session, ticket)
    for field, value in given.items():
        setattr(ticket, field, value)
    _stamp_status(ticket, changes)
    await sla.on_ticket_change(session, ticket, changes)
    public = "status" in changes
    _, view = await _changed(
        session, bus, ticket, actor, "updated", changes, note=note, public=public, changes=changes
    )
    return view


async def add_comment(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    ticket_id: str,
    text: str,
    actor: Actor,
    *,
    public: bool,
) -> TicketChange:
    """A note on the ticket: public ones show on the tracking page (an agent's public note is a
    response to the customer); private ones only to agents."""
    ticket = await TicketRepository(session, workspace_id).get_or_404(ticket_id)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(f"ticket {ticket_id} is closed; open a new one instead")
    changes: dict[str, list[Any]] = {}
    if public and actor.type == "user" and ticket.first_response_at is None:
        changes = await _first_response(session, ticket, utcnow())
    change, _ = await _changed(
        session,
        bus,
        ticket,
        actor,
        "comment",
        changes,
        note=text,
        public=public,
        event="ticket.commented",
        comment={"text": text, "public": public},
    )
    return change


async def record_first_response(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    ticket_id: str,
    actor: Actor,
    *,
    at: datetime | None = None,
) -> TicketView | None:
    """The first answer to the customer (an agent's public reply in a linked conversation):
    stamped once, on the SLA clock, in the history and as ``ticket.updated``. None when the
    ticket already had its first response or is closed (nothing is written)."""
    ticket = await TicketRepository(session, workspace_id).get_or_404(ticket_id)
    if ticket.first_response_at is not None or ticket.status == TicketStatus.CLOSED:
        return None
    changes = await _first_response(session, ticket, at or utcnow())
    _, view = await _changed(session, bus, ticket, actor, "updated", changes, changes=changes)
    return view


async def _first_response(
    session: AsyncSession, ticket: Ticket, at: datetime
) -> dict[str, list[Any]]:
    ticket.first_response_at = at
    changes: dict[str, list[Any]] = {"first_response_at": [None, _plain(at)]}
    await sla.on_ticket_change(session, ticket, changes)
    return changes


async def link_conversation(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    ticket_id: str,
    conversation_id: str,
    actor: Actor,
) -> TicketView:
    ticket = await TicketRepository(session, workspace_id).get_or_404(ticket_id)
    await conversations.get_conversation(session, workspace_id, conversation_id)
    if await TicketConversationRepository(session, workspace_id).linked(ticket_id, conversation_id):
        return await _view(session, ticket)
    _link(session, ticket, conversation_id)
    changes: dict[str, list[Any]] = {"conversation_ids": [None, conversation_id]}
    _, view = await _changed(session, bus, ticket, actor, "linked", changes, changes=changes)
    return view


def _link(session: AsyncSession, ticket: Ticket, conversation_id: str) -> None:
    TicketConversationRepository(session, ticket.workspace_id).add(
        TicketConversation(
            workspace_id=ticket.workspace_id, ticket_id=ticket.id, conversation_id=conversation_id
        )
    )


async def _changed(
    session: AsyncSession,
    bus: Bus,
    ticket: Ticket,
    actor: Actor,
    kind: str,
    diff: dict[str, list[Any]],
    *,
    note: str | None = None,
    public: bool = False,
    event: str = "ticket.updated",
    **extra: object,
) -> tuple[TicketChange, TicketView]:
    """The end of every change: the history entry (``diff``: field -> [before, after]), and
    ``event`` (with ``extra``) after commit."""
    ticket.updated_at = utcnow()
    change = _record(session, ticket, actor, kind, diff, note=note, public=public)
    await session.flush()
    view = await _view(session, ticket)
    publish_on_commit(
        session, bus, ticket_event(event, ticket, view.conversation_ids, actor, **extra)
    )
    return change, view


def _record(
    session: AsyncSession,
    ticket: Ticket,
    actor: Actor,
    kind: str,
    changes: dict[str, list[Any]],
    *,
    note: str | None,
    public: bool,
) -> TicketChange:
    return TicketChangeRepository(session, ticket.workspace_id).add(
        TicketChange(
            workspace_id=ticket.workspace_id,
            ticket_id=ticket.id,
            actor_type=actor.type,
            actor_id=actor.id,
            kind=kind,
            changes=changes,
            note=note,
            is_public=public,
        )
    )


def _stamp_status(ticket: Ticket, changes: dict[str, list[Any]]) -> None:
    if "status" not in changes:
        return
    now = utcnow()
    if ticket.status == TicketStatus.SOLVED:
        ticket.solved_at = now
    elif ticket.status == TicketStatus.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = None  # reopened


async def _check_references(
    session: AsyncSession, workspace_id: str, given: dict[str, Any]
) -> None:
    """Ids the caller gave must name records of this workspace (and the assignee a member)."""
    if given.get("customer_id") is not None:
        try:
            await customers.get_customer(session, workspace_id, given["customer_id"])
        except NotFound:
            raise InvalidInput.field("customer_id", "is not a customer of this workspace") from None
    if given.get("assignee_id") is not None and not await is_active_member(
        session, workspace_id, given["assignee_id"]
    ):
        raise InvalidInput.field("assignee_id", "is not an active member of this workspace")
    if given.get("team_id") is not None and (
        await TeamRepository(session, workspace_id).get(given["team_id"]) is None
    ):
        raise InvalidInput.field("team_id", "is not a team of this workspace")


def _plain(value: object) -> object:
    """A value as history and events store it (JSON)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value
