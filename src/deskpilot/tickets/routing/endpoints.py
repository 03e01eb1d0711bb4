"""HTTP for teams (admins write, viewers read) and members' availability."""

from __future__ import annotations

from fastapi import APIRouter

from deskpilot.auth.dependencies import AdminAuth, AgentAuth, ViewerAuth
from deskpilot.auth.principal import Principal
from deskpilot.kit.deps import SessionDep
from deskpilot.kit.errors import BadRequest
from deskpilot.tickets.routing import teams as service
from deskpilot.tickets.routing.schemas import (
    AvailabilityRead,
    AvailabilityUpdate,
    TeamCreate,
    TeamMemberRead,
    TeamRead,
    TeamUpdate,
)

router = APIRouter(prefix="/api/v1/teams", tags=["teams"])
availability_router = APIRouter(prefix="/api/v1/availability", tags=["teams"])


@router.get("")
async def list_teams(principal: ViewerAuth, session: SessionDep) -> list[TeamRead]:
    """Every team, oldest first (the order routing breaks ties in)."""
    return await service.list_teams(session, principal.workspace_id)


@router.post("", status_code=201)
async def create_team(body: TeamCreate, principal: AdminAuth, session: SessionDep) -> TeamRead:
    """A duplicate name is a 409; a ``calendar_id`` that is not one of the workspace's business
    calendars is a 422."""
    return await service.create_team(session, principal.workspace_id, body)


@router.get("/{team_id}")
async def get_team(team_id: str, principal: ViewerAuth, session: SessionDep) -> TeamRead:
    return await service.get_team(session, principal.workspace_id, team_id)


@router.patch("/{team_id}")
async def update_team(
    team_id: str, body: TeamUpdate, principal: AdminAuth, session: SessionDep
) -> TeamRead:
    return await service.update_team(session, principal.workspace_id, team_id, body)


@router.delete("/{team_id}", status_code=204)
async def delete_team(team_id: str, principal: AdminAuth, session: SessionDep) -> None:
    """409 while the team has open tickets."""
    await service.delete_team(session, principal.workspace_id, team_id)


@router.get("/{team_id}/members")
async def list_members(
    team_id: str, principal: ViewerAuth, session: SessionDep
) -> list[TeamMemberRead]:
    """Members by user id, with their availability and how many open tickets they hold."""
    return await service.members(session, principal.workspace_id, team_id)


@router.put("/{team_id}/members/{user_id}")
async def add_member(
    team_id: str, user_id: str, principal: AdminAuth, session: SessionDep
) -> list[TeamMemberRead]:
    """Put a member of the workspace on the team (idempotent); gives the members list."""
    return await service.add_member(session, principal.workspace_id, team_id, user_id)


@router.delete("/{team_id}/members/{user_id}", status_code=204)
async def remove_member(
    team_id: str, user_id: str, principal: AdminAuth, session: SessionDep
) -> None:
    """Idempotent; the tickets they hold stay theirs."""
    await service.remove_member(session, principal.workspace_id, team_id, user_id)


@availability_router.get("")
async def my_availability(principal: ViewerAuth, session: SessionDep) -> AvailabilityRead:
    return await service.get_availability(session, principal.workspace_id, _user(principal))


@availability_router.patch("")
async def set_my_availability(
    body: AvailabilityUpdate, principal: AgentAuth, session: SessionDep
) -> AvailabilityRead:
    """online (takes new tickets), away or offline (routing passes you by); ``max_open_tickets``
    caps your own load below your teams' caps."""
    return await service.set_availability(session, principal.workspace_id, _user(principal), body)


@availability_router.get("/{user_id}")
async def get_availability(
    user_id: str, principal: ViewerAuth, session: SessionDep
) -> AvailabilityRead:
    return await service.get_availability(session, principal.workspace_id, user_id)


@availability_router.patch("/{user_id}")
async def set_availability(
    user_id: str, body: AvailabilityUpdate, principal: AdminAuth, session: SessionDep
) -> AvailabilityRead:
    """An admin sets a member's availability or cap (e.g. someone who left without signing
    out)."""
    return await service.set_availability(session, principal.workspace_id, user_id, body)


def _user(principal: Principal) -> str:
    if principal.user_id is None:
        raise BadRequest("availability belongs to a signed-in member; an API key has none")
    return principal.user_id
