"""HTTP for tickets: list and filter, create, read, change, history, comments, linking
conversations, and making a ticket from a conversation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import AgentAuth, ViewerAuth
from deskpilot.auth.principal import Principal
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.pagination import Page
from deskpilot.models import Priority, TicketSource, TicketStatus, TicketType
from deskpilot.tickets import handoff, service
from deskpilot.tickets.events import ticket_data
from deskpilot.tickets.schemas import (
    Actor,
    CommentCreate,
    ConversationLink,
    ConversationTicketCreate,
    TicketChangeRead,
    TicketCreate,
    TicketFilter,
    TicketRead,
    TicketUpdate,
)

router = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])
conversation_router = APIRouter(prefix="/api/v1/conversations", tags=["tickets"])

Limit = Annotated[int, Query(ge=1, le=200)]


def actor_of(principal: Principal) -> Actor:
    """The history names the signed-in user, or the API key."""
    if principal.user_id is not None:
        return Actor("user", principal.user_id)
    return Actor("api_key", principal.api_key_id)


def _read(view: service.TicketView) -> TicketRead:
    return ticket_data(view.ticket, view.conversation_ids)


@router.get("")
async def list_tickets(
    principal: ViewerAuth,
    session: SessionDep,
    status: Annotated[list[TicketStatus] | None, Query(description="One or more.")] = None,
    assignee_id: Annotated[str | None, Query(description="A user id, or `me`.")] = None,
    unassigned: bool = False,
    team_id: str | None = None,
    customer_id: str | None = None,
    conversation_id: Annotated[str | None, Query(description="Linked to it.")] = None,
    priority: Priority | None = None,
    type: TicketType | None = None,
    category: str | None = None,
    label: str | None = None,
    source: TicketSource | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Subject or reference.")] = None,
    cursor: str | None = None,
    limit: Limit = 50,
) -> Page[TicketRead]:
    """Newest first. Pass `next_cursor` back as `cursor` for the next page."""
    if assignee_id == "me":
        assignee_id = principal.user_id or principal.actor
    where = TicketFilter(
        statuses=tuple(status or ()),
        assignee_id=assignee_id,
        unassigned=unassigned,
        team_id=team_id,
        customer_id=customer_id,
        conversation_id=conversation_id,
        priority=priority,
        type=type,
        category=category,
        label=label,
        source=source,
        q=q.strip() if q and q.strip() else None,
    )
    views, next_cursor = await service.list_tickets(
        session, principal.workspace_id, where, cursor, limit
    )
    return Page(items=[_read(v) for v in views], next_cursor=next_cursor)


@router.post("", status_code=201)
async def create_ticket(
    body: TicketCreate, principal: AgentAuth, session: SessionDep, resources: ResourcesDep
) -> TicketRead:
    """Source `api` for an API key, `agent` for a signed-in user; `conversation_id` links one."""
    source = TicketSource.API if principal.via == "api_key" else TicketSource.AGENT
    view = await service.create_ticket(
        session, resources.bus, principal.workspace_id, body, actor_of(principal), source
    )
    return _read(view)


@router.get("/{ticket_id}")
async def get_ticket(ticket_id: str, principal: ViewerAuth, session: SessionDep) -> TicketRead:
    return _read(await service.get_ticket(session, principal.workspace_id, ticket_id))


@router.patch("/{ticket_id}")
async def update_ticket(
    ticket_id: str,
    body: TicketUpdate,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> TicketRead:
    """Change the fields given; `null` clears the clearable ones. A closed ticket is a 409."""
    view = await service.update_ticket(
        session, resources.bus, principal.workspace_id, ticket_id, body, actor_of(principal)
    )
    return _read(view)


@router.get("/{ticket_id}/history")
async def ticket_history(
    ticket_id: str, principal: ViewerAuth, session: SessionDep
) -> list[TicketChangeRead]:
    """Every change, comment and link, oldest first."""
    changes = await service.history(session, principal.workspace_id, ticket_id)
    return [TicketChangeRead.model_validate(c) for c in changes]


@router.post("/{ticket_id}/comments", status_code=201)
async def add_comment(
    ticket_id: str,
    body: CommentCreate,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> TicketChangeRead:
    """A private note (the default) or a public update the customer sees on tracking."""
    change = await service.add_comment(
        session,
        resources.bus,
        principal.workspace_id,
        ticket_id,
        body.text,
        actor_of(principal),
        public=body.public,
    )
    return TicketChangeRead.model_validate(change)


@router.post("/{ticket_id}/conversations")
async def link_conversation(
    ticket_id: str,
    body: ConversationLink,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> TicketRead:
    """Link another conversation (linking one twice changes nothing)."""
    view = await service.link_conversation(
        session,
        resources.bus,
        principal.workspace_id,
        ticket_id,
        body.conversation_id,
        actor_of(principal),
    )
    return _read(view)


@conversation_router.post("/{conversation_id}/ticket", status_code=201)
async def ticket_from_conversation(
    conversation_id: str,
    body: ConversationTicketCreate,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> TicketRead:
    """A ticket for the conversation; 409 (naming it) if it already has an open one."""
    view = await handoff.ticket_from_conversation(
        session,
        resources.bus,
        principal.workspace_id,
        conversation_id,
        body,
        actor_of(principal),
    )
    return _read(view)
