"""Settings: webhooks (list, create with events, enable, delete, test, the deliveries log)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.kit.deps import SessionDep
from deskpilot.web.console.pages import member_of
from deskpilot.web.console.settings.common import settings_page
from deskpilot.webhooks import service
from deskpilot.webhooks.events import KNOWN_EVENTS

router = APIRouter(include_in_schema=False)


@router.get("/settings/webhooks", response_class=HTMLResponse)
async def webhooks_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "admin")
    if isinstance(ctx, Response):
        return ctx
    webhooks = await service.list_webhooks(session, ctx.workspace.id)
    return settings_page(request, ctx, "webhooks", webhooks=webhooks, events=KNOWN_EVENTS)
