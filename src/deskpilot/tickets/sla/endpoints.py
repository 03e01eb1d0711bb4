"""HTTP for business calendars, SLA policies and the tickets at risk (admins write, viewers
read)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from deskpilot.auth.dependencies import AdminAuth, ViewerAuth
from deskpilot.kit.deps import SessionDep
from deskpilot.tickets import service as tickets
from deskpilot.tickets.events import ticket_data
from deskpilot.tickets.schemas import TicketRead
from deskpilot.tickets.sla import policies, service
from deskpilot.tickets.sla.schemas import (
    CalendarCreate,
    CalendarRead,
    CalendarUpdate,
    PolicyCreate,
    PolicyRead,
    PolicyUpdate,
)

calendars_router = APIRouter(prefix="/api/v1/calendars", tags=["sla"])
policies_router = APIRouter(prefix="/api/v1/sla-policies", tags=["sla"])
risk_router = APIRouter(prefix="/api/v1/sla", tags=["sla"])
routers = [calendars_router, policies_router, risk_router]


@calendars_router.post("", status_code=201)
async def create_calendar(
    body: CalendarCreate, principal: AdminAuth, session: SessionDep
) -> CalendarRead:
    """Opening hours in a time zone, and holidays; a 422 names each bad field."""
    calendar = await policies.create_calendar(session, principal.workspace_id, body)
    return CalendarRead.model_validate(calendar)


@calendars_router.get("")
async def list_calendars(principal: ViewerAuth, session: SessionDep) -> list[CalendarRead]:
    calendars = await policies.list_calendars(session, principal.workspace_id)
    return [CalendarRead.model_validate(c) for c in calendars]


@calendars_router.get("/{calendar_id}")
async def get_calendar(
    calendar_id: str, principal: ViewerAuth, session: SessionDep
) -> CalendarRead:
    calendar = await policies.get_calendar(session, principal.workspace_id, calendar_id)
    return CalendarRead.model_validate(calendar)


@calendars_router.patch("/{calendar_id}")
async def update_calendar(
    calendar_id: str, body: CalendarUpdate, principal: AdminAuth, session: SessionDep
) -> CalendarRead:
    calendar = await policies.update_calendar(session, principal.workspace_id, calendar_id, body)
    return CalendarRead.model_validate(calendar)


@calendars_router.delete("/{calendar_id}", status_code=204)
async def delete_calendar(calendar_id: str, principal: AdminAuth, session: SessionDep) -> None:
    """Policies that used the calendar count around the clock from then on."""
    await policies.delete_calendar(session, principal.workspace_id, calendar_id)


@policies_router.post("", status_code=201)
async def create_policy(
    body: PolicyCreate, principal: AdminAuth, session: SessionDep
) -> PolicyRead:
    """Targets for the tickets it matches (the first active policy by position wins)."""
    policy = await policies.create_policy(session, principal.workspace_id, body)
    return PolicyRead.model_validate(policy)


@policies_router.get("")
async def list_policies(principal: ViewerAuth, session: SessionDep) -> list[PolicyRead]:
    """In the order they are tried: by position, then age."""
    found = await policies.list_policies(session, principal.workspace_id)
    return [PolicyRead.model_validate(p) for p in found]


@policies_router.get("/{policy_id}")
async def get_policy(policy_id: str, principal: ViewerAuth, session: SessionDep) -> PolicyRead:
    policy = await policies.get_policy(session, principal.workspace_id, policy_id)
    return PolicyRead.model_validate(policy)


@policies_router.patch("/{policy_id}")
async def update_policy(
    policy_id: str, body: PolicyUpdate, principal: AdminAuth, session: SessionDep
) -> PolicyRead:
    """Changes apply to tickets created (or re-prioritised) from now on."""
    policy = await policies.update_policy(session, principal.workspace_id, policy_id, body)
    return PolicyRead.model_validate(policy)


@policies_router.delete("/{policy_id}", status_code=204)
async def delete_policy(policy_id: str, principal: AdminAuth, session: SessionDep) -> None:
    await policies.delete_policy(session, principal.workspace_id, policy_id)


@risk_router.get("/at-risk")
async def at_risk(
    principal: ViewerAuth,
    session: SessionDep,
    within: Annotated[int, Query(ge=0, le=10_080, description="Minutes from now.")] = 60,
) -> list[TicketRead]:
    """Running tickets with a target due within ``within`` minutes (overdue ones too), the
    soonest due first."""
    found = await service.at_risk(session, principal.workspace_id, within)
    return [ticket_data(v.ticket, v.conversation_ids) for v in await tickets.views(session, found)]
