"""Settings: the AI (provider, thresholds, languages, VIP segments, actions, bot on/off) and
the intent taxonomy with its examples."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.ai import service
from deskpilot.ai.actions.registry import default_registry as actions_registry
from deskpilot.ai.providers.registry import default_registry as providers_registry
from deskpilot.kit.deps import SessionDep
from deskpilot.models import Handling
from deskpilot.web.console.pages import member_of
from deskpilot.web.console.settings.common import settings_page
from deskpilot.workspaces import service as workspaces

router = APIRouter(include_in_schema=False)


@router.get("/settings/ai", response_class=HTMLResponse)
async def ai_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "admin")
    if isinstance(ctx, Response):
        return ctx
    settings = await service.get_settings(session, ctx.workspace.id)
    intents = await service.list_intents(session, ctx.workspace.id)
    secrets = await workspaces.list_secrets(session, ctx.workspace.id)
    return settings_page(
        request,
        ctx,
        "ai",
        settings=settings,
        intents=intents,
        providers=providers_registry().slugs(),
        actions=actions_registry().names(),
        handlings=[h.value for h in Handling],
        secret_names=[s.name for s in secrets],
    )
