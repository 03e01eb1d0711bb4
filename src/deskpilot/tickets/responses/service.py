"""Canned responses: reply templates agents insert, rendered with the customer's 360."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.conversations import service as conversations
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, InvalidInput
from deskpilot.models import CannedResponse
from deskpilot.tickets.repository import TicketRepository
from deskpilot.tickets.responses.repository import CannedResponseRepository
from deskpilot.tickets.responses.schemas import (
    CannedResponseCreate,
    CannedResponseUpdate,
    RenderRequest,
)
from deskpilot.tickets.responses.templates import (
    conversation_variables,
    render,
    ticket_variables,
)


async def list_responses(
    session: AsyncSession, workspace_id: str, q: str | None, limit: int
) -> Sequence[CannedResponse]:
    return await CannedResponseRepository(session, workspace_id).search(q, limit)


async def get_response(
    session: AsyncSession, workspace_id: str, response_id: str
) -> CannedResponse:
    return await CannedResponseRepository(session, workspace_id).get_or_404(response_id)


async def create_response(
    session: AsyncSession, workspace_id: str, data: CannedResponseCreate
) -> CannedResponse:
    repository = CannedResponseRepository(session, workspace_id)
    await _check_shortcut(repository, data.shortcut, None)
    response = repository.add(CannedResponse(workspace_id=workspace_id, **data.model_dump()))
    await session.flush()
    return response


async def update_response(
    session: AsyncSession, workspace_id: str, response_id: str, data: CannedResponseUpdate
) -> CannedResponse:
    repository = CannedResponseRepository(session, workspace_id)
    response = await repository.get_or_404(response_id)
    given = data.model_dump(exclude_unset=True)
    for field in ("shortcut", "title", "body"):
        if field in given and given[field] is None:
            raise InvalidInput.field(field, "cannot be cleared")
    if given.get("shortcut") not in (None, response.shortcut):
        await _check_shortcut(repository, given["shortcut"], response.id)
    for field, value in given.items():
        setattr(response, field, value)
    response.updated_at = utcnow()
    await session.flush()
    return response


async def delete_response(session: AsyncSession, workspace_id: str, response_id: str) -> None:
    repository = CannedResponseRepository(session, workspace_id)
    await repository.delete(await repository.get_or_404(response_id))


async def render_response(
    session: AsyncSession,
    workspace_id: str,
    response_id: str,
    target: RenderRequest,
    *,
    agent_id: str | None,
) -> tuple[CannedResponse, str]:
    """The response's text for a ticket or a conversation; ``agent`` is the caller (when a
    person), else the ticket's or conversation's assignee."""
    response = await get_response(session, workspace_id, response_id)
    if target.ticket_id is not None:
        ticket = await TicketRepository(session, workspace_id).get_or_404(target.ticket_id)
        variables = await ticket_variables(session, ticket, agent_id=agent_id)
    else:
        assert target.conversation_id is not None  # RenderRequest holds exactly one
        conversation = (
            await conversations.get_conversation(session, workspace_id, target.conversation_id)
        ).conversation
        variables = await conversation_variables(session, conversation, agent_id=agent_id)
    return response, render(response.body, variables)


async def _check_shortcut(
    repository: CannedResponseRepository, shortcut: str, own_id: str | None
) -> None:
    existing = await repository.by_shortcut(shortcut)
    if existing is not None and existing.id != own_id:
        raise Conflict(f"a canned response with the shortcut {shortcut!r} already exists")
