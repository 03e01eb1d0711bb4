"""Settings: members (create, role, disable, availability) and teams (routing fields and
members)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.auth import users
from deskpilot.kit.deps import SessionDep
from deskpilot.models import AssignmentMethod, Role
from deskpilot.tickets.routing import teams as routing
from deskpilot.web.console.pages import member_of
from deskpilot.web.console.settings.common import settings_page

router = APIRouter(include_in_schema=False)

AVAILABILITY = ("online", "away", "offline")


@router.get("/settings/team", response_class=HTMLResponse)
async def team_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "admin")
    if isinstance(ctx, Response):
        return ctx
    members = list(await users.members(session, ctx.workspace.id))
    availability = {
        user.id: await routing.get_availability(session, ctx.workspace.id, user.id)
        for _, user in members
    }
    teams = await routing.list_teams(session, ctx.workspace.id)
    team_members = {
        team.id: await routing.members(session, ctx.workspace.id, team.id) for team in teams
    }
    return settings_page(
        request,
        ctx,
        "team",
        members=members,
        availability=availability,
        teams=teams,
        team_members=team_members,
        roles=[r.value for r in Role],
        methods=[m.value for m in AssignmentMethod],
        availabilities=AVAILABILITY,
    )
