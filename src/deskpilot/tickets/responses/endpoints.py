"""HTTP for canned responses: agents read and render them, admins write them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import AdminAuth, AgentAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.tickets.responses import service
from deskpilot.tickets.responses.schemas import (
    CannedResponseCreate,
    CannedResponseRead,
    CannedResponseUpdate,
    RenderedResponse,
    RenderRequest,
)

router = APIRouter(prefix="/api/v1/canned-responses", tags=["canned responses"])


@router.get("")
async def list_responses(
    principal: AgentAuth,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[CannedResponseRead]:
    """All canned responses by shortcut; `q` searches shortcuts and titles."""
    found = await service.list_responses(session, principal.workspace_id, q, limit)
    return [CannedResponseRead.model_validate(r) for r in found]


@router.post("", status_code=201)
async def create_response(
    body: CannedResponseCreate, principal: AdminAuth, session: SessionDep
) -> CannedResponseRead:
    """A new response; its shortcut must be unique in the workspace (409 otherwise)."""
    response = await service.create_response(session, principal.workspace_id, body)
    return CannedResponseRead.model_validate(response)


@router.get("/{response_id}")
async def get_response(
    response_id: str, principal: AgentAuth, session: SessionDep
) -> CannedResponseRead:
    response = await service.get_response(session, principal.workspace_id, response_id)
    return CannedResponseRead.model_validate(response)


@router.patch("/{response_id}")
async def update_response(
    response_id: str, body: CannedResponseUpdate, principal: AdminAuth, session: SessionDep
) -> CannedResponseRead:
    response = await service.update_response(session, principal.workspace_id, response_id, body)
    return CannedResponseRead.model_validate(response)


@router.delete("/{response_id}", status_code=204)
async def delete_response(response_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await service.delete_response(session, principal.workspace_id, response_id)


@router.post("/{response_id}/render")
async def render_response(
    response_id: str, body: RenderRequest, principal: AgentAuth, session: SessionDep
) -> RenderedResponse:
    """The response's text with the variables of a ticket or a conversation filled in."""
    response, text = await service.render_response(
        session, principal.workspace_id, response_id, body, agent_id=principal.user_id
    )
    return RenderedResponse(id=response.id, shortcut=response.shortcut, text=text)
