"""Tickets: the filtered list with the SLA due column, and one ticket's page (fields, SLA
clock, history with comments, linked conversations, satisfaction answers). Changing a ticket
is done by ``static/console/ticket_panel.js`` through the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.auth import users
from deskpilot.conversations import service as conversations
from deskpilot.conversations.schemas import ConversationFilter
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import InvalidInput, NotFound
from deskpilot.models import Priority, TicketStatus
from deskpilot.tickets import service as tickets
from deskpilot.tickets.csat import service as csat
from deskpilot.tickets.events import ticket_data
from deskpilot.tickets.routing.teams import list_teams
from deskpilot.tickets.schemas import TicketFilter, TicketRead
from deskpilot.web.console.pages import member_of, not_found, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
Text = Annotated[str | None, Query(max_length=100)]
E = TypeVar("E", TicketStatus, Priority)


def sla_due(ticket: TicketRead) -> tuple[str, datetime] | None:
    """The SLA target the ticket is racing now: (``first_response`` or ``resolution``, due)."""
    if ticket.first_response_at is None and ticket.first_response_due_at is not None:
        return "first_response", ticket.first_response_due_at
    if ticket.solved_at is None and ticket.resolution_due_at is not None:
        return "resolution", ticket.resolution_due_at
    return None


def _choice(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


@router.get("/tickets", response_class=HTMLResponse)
async def ticket_list(
    request: Request,
    session: SessionDep,
    status: Text = None,
    assignee: Text = None,
    team: Text = None,
    priority: Text = None,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> Response:
    ctx = await member_of(request, session, "viewer")
    if isinstance(ctx, Response):
        return ctx
    chosen_status = _choice(TicketStatus, status)
    assignee_id = {"me": ctx.user.id, "none": None}.get(assignee or "", assignee or None)
    where = TicketFilter(
        statuses=(chosen_status,) if chosen_status else (),
        assignee_id=assignee_id,
        unassigned=assignee == "none",
        team_id=team or None,
        priority=_choice(Priority, priority),
    )
    try:
        views, next_cursor = await tickets.list_tickets(
            session, ctx.workspace.id, where, cursor, PAGE_SIZE
        )
    except InvalidInput:  # a cursor that is not one of ours: start again
        views, next_cursor = await tickets.list_tickets(
            session, ctx.workspace.id, where, None, PAGE_SIZE
        )
    rows = [ticket_data(v.ticket, v.conversation_ids) for v in views]
    return render(
        request,
        ctx,
        "console/tickets.html",
        tickets=[(row, sla_due(row)) for row in rows],
        members=await _member_names(session, ctx.workspace.id),
        teams={team.id: team.name for team in await list_teams(session, ctx.workspace.id)},
        statuses=list(TicketStatus),
        priorities=list(Priority),
        chosen={
            "status": chosen_status.value if chosen_status else "",
            "assignee": assignee or "",
            "team": team or "",
            "priority": priority if _choice(Priority, priority) else "",
        },
        next_cursor=next_cursor,
        first_page=cursor is None,
    )


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
async def ticket_page(ticket_id: str, request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "viewer")
    if isinstance(ctx, Response):
        return ctx
    workspace_id = ctx.workspace.id
    try:
        view = await tickets.get_ticket(session, workspace_id, ticket_id)
    except NotFound:
        return not_found(request, ctx)
    ticket = ticket_data(view.ticket, view.conversation_ids)
    linked, _ = await conversations.list_conversations(
        session,
        workspace_id,
        ConversationFilter(ids=tuple(view.conversation_ids)),
        None,
        PAGE_SIZE,
    )
    return render(
        request,
        ctx,
        "console/ticket.html",
        ticket=ticket,
        due=sla_due(ticket),
        history=await tickets.history(session, workspace_id, ticket.id),
        surveys=await csat.ticket_surveys(session, workspace_id, ticket.id),
        conversations=[v.conversation for v in linked] if view.conversation_ids else [],
        members=await _member_names(session, workspace_id),
        teams={team.id: team.name for team in await list_teams(session, workspace_id)},
        ticket_json=ticket.model_dump(mode="json"),
    )


async def _member_names(session: SessionDep, workspace_id: str) -> dict[str, str]:
    """User id -> name, of the workspace's active members."""
    return {
        user.id: user.name
        for _, user in await users.members(session, workspace_id)
        if user.is_active
    }
