"""The admin settings pages: one module per area, all under ``/settings``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from deskpilot.web.console.settings import ai, channels, keys, rules, sla, team, webhooks

router = APIRouter(include_in_schema=False)


@router.get("/settings")
async def settings_home() -> Response:
    """The first area; each page checks who may see it."""
    return RedirectResponse("/settings/channels", status_code=303)


for _area in (channels, ai, team, sla, rules, webhooks, keys):
    router.include_router(_area.router)
