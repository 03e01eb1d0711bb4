"""Settings: API keys (create: the key is shown once; revoke)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.auth import credentials
from deskpilot.kit.deps import SessionDep
from deskpilot.models import Role
from deskpilot.web.console.pages import member_of
from deskpilot.web.console.settings.common import settings_page

router = APIRouter(include_in_schema=False)


@router.get("/settings/keys", response_class=HTMLResponse)
async def keys_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "admin")
    if isinstance(ctx, Response):
        return ctx
    keys = await credentials.list_api_keys(session, ctx.workspace.id)
    return settings_page(request, ctx, "keys", keys=keys, roles=[r.value for r in Role])
