"""The customer's view of a ticket, found by workspace, reference and signed token, and what
the customer may do there: add information (a public comment; a ticket waiting for the customer
goes back to ``open``) and reopen a solved ticket. Never commits.

Anything that does not match (unknown workspace or reference, missing or wrong token, another
ticket's token) is the same ``None``: the caller answers all of them alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus
from deskpilot.kit.errors import Conflict
from deskpilot.models import Ticket, TicketChange, TicketStatus, Workspace
from deskpilot.tickets import service as tickets
from deskpilot.tickets.schemas import Actor, TicketUpdate, reference
from deskpilot.tickets.tracking import texts
from deskpilot.tickets.tracking.schemas import Expected, PublicUpdate, TrackRead
from deskpilot.tickets.tracking.tokens import ticket_token_valid
from deskpilot.workspaces.service import find_workspace_by_slug

FINISHED = (TicketStatus.SOLVED, TicketStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class Tracked:
    workspace: Workspace
    ticket: Ticket


async def find_tracked(
    session: AsyncSession, key: bytes, workspace_slug: str, ticket_reference: str, token: str | None
) -> Tracked | None:
    workspace = await find_workspace_by_slug(session, workspace_slug)
    if workspace is None:
        return None
    ticket = await tickets.find_by_reference(session, workspace.id, ticket_reference)
    if ticket is None or not ticket_token_valid(key, ticket, token):
        return None
    return Tracked(workspace, ticket)


def customer(ticket: Ticket) -> Actor:
    return Actor("customer", ticket.customer_id)


async def public_view(session: AsyncSession, tracked: Tracked, language: str) -> TrackRead:
    ticket = tracked.ticket
    changes = await tickets.history(session, ticket.workspace_id, ticket.id, public_only=True)
    expected = _expected(ticket, tracked.workspace.timezone, language)
    waiting = ticket.status == TicketStatus.PENDING_CUSTOMER
    return TrackRead(
        reference=reference(ticket.number),
        subject=ticket.subject,
        status=ticket.status,
        status_text=texts.text(language, f"status.{ticket.status.value}"),
        language=language,
        expected=expected,
        usually=None
        if expected is not None or waiting or ticket.status in FINISHED
        else texts.text(language, "usually"),
        updates=[u for c in changes if (u := _update(c, language)) is not None],
        can_add_information=ticket.status not in FINISHED,
        can_reopen=ticket.status == TicketStatus.SOLVED,
    )


def _update(change: TicketChange, language: str) -> PublicUpdate | None:
    """One public history entry as the customer sees it; None for entries not meant for them."""
    by = "you" if change.actor_type == "customer" else "team"

    def entry(kind: str, line: str) -> PublicUpdate:
        return PublicUpdate.model_validate(
            {
                "at": change.created_at,
                "by": by,
                "who": texts.text(language, by),
                "kind": kind,
                "text": line,
            }
        )

    if change.kind == "created":
        return entry("created", texts.text(language, "event.created"))
    if change.kind == "comment":
        return entry("comment", change.note or "")
    if change.kind == "survey" and "score" in change.changes:
        return entry("rated", texts.text(language, "event.rated", score=change.changes["score"][1]))
    status = change.changes.get("status")
    if change.kind == "updated" and status is not None:
        before, after = status
        if before in (TicketStatus.SOLVED.value, TicketStatus.CLOSED.value) and after not in (
            TicketStatus.SOLVED.value,
            TicketStatus.CLOSED.value,
        ):
            return entry("reopened", texts.text(language, "event.reopened"))
        status_text = texts.text(language, f"status.{after}")
        return entry("status", texts.text(language, "event.status", status=status_text))
    return None


def _expected(ticket: Ticket, timezone: str, language: str) -> Expected | None:
    """The next target the customer can expect: the first response, then the resolution."""
    if ticket.status in FINISHED or ticket.status == TicketStatus.PENDING_CUSTOMER:
        return None
    if ticket.first_response_at is None and ticket.first_response_due_at is not None:
        kind, at, key = "first_response", ticket.first_response_due_at, "expected"
    elif ticket.resolution_due_at is not None:
        kind, at, key = "resolution", ticket.resolution_due_at, "expected.resolution"
    else:
        return None
    local = local_time(at, timezone)
    return Expected.model_validate(
        {"kind": kind, "at": at, "local": local, "text": texts.text(language, key, when=local)}
    )


def local_time(at: datetime, timezone: str) -> str:
    """``2026-03-02 09:00 CET``: an instant as read in the workspace's time zone."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    if at.tzinfo is None:  # SQLite gives naive UTC datetimes back
        at = at.replace(tzinfo=ZoneInfo("UTC"))
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


async def add_information(session: AsyncSession, bus: Bus, ticket: Ticket, text: str) -> None:
    """The customer's public comment; a ticket waiting for the customer is open again."""
    if ticket.status == TicketStatus.SOLVED:
        raise Conflict("this request is solved; reopen it to add information")
    await tickets.add_comment(
        session, bus, ticket.workspace_id, ticket.id, text, customer(ticket), public=True
    )
    if ticket.status == TicketStatus.PENDING_CUSTOMER:
        await tickets.update_ticket(
            session,
            bus,
            ticket.workspace_id,
            ticket.id,
            TicketUpdate(status=TicketStatus.OPEN),
            customer(ticket),
        )


async def reopen(session: AsyncSession, bus: Bus, ticket: Ticket, text: str | None) -> None:
    """A solved ticket back to ``open`` at the customer's request (a closed one stays closed)."""
    if ticket.status != TicketStatus.SOLVED:
        raise Conflict("only a solved request can be reopened")
    await tickets.update_ticket(
        session,
        bus,
        ticket.workspace_id,
        ticket.id,
        TicketUpdate(status=TicketStatus.OPEN),
        customer(ticket),
    )
    if text and text.strip():
        await tickets.add_comment(
            session, bus, ticket.workspace_id, ticket.id, text, customer(ticket), public=True
        )
