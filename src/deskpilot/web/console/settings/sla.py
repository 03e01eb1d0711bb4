"""Settings: SLA policies and the business hours (calendars) they count in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.kit.deps import SessionDep
from deskpilot.models import Priority
from deskpilot.tickets.sla import policies
from deskpilot.tickets.sla.calendar import DAYS
from deskpilot.web.console.pages import member_of
from deskpilot.web.console.settings.common import settings_page

router = APIRouter(include_in_schema=False)


def hours_text(intervals: list[list[str]] | None) -> str:
    """A day's intervals as typed in the editor: ``09:00-12:00, 13:00-17:00``."""
    return ", ".join(f"{start}-{end}" for start, end in intervals or [])


@router.get("/settings/sla", response_class=HTMLResponse)
async def sla_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "admin")
    if isinstance(ctx, Response):
        return ctx
    calendars = await policies.list_calendars(session, ctx.workspace.id)
    return settings_page(
        request,
        ctx,
        "sla",
        policies=await policies.list_policies(session, ctx.workspace.id),
        calendars=calendars,
        calendar_names={c.id: c.name for c in calendars},
        priorities=[p.value for p in Priority],
        days=DAYS,
        hours_text=hours_text,
    )
