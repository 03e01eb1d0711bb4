"""Settings: channels (list, connect from the type's JSON schema, enable, delete, snippet).

The API has no check for a channel, so each row shows what it last did: the time of its last
inbound message, and the delivery status of its last outbound one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from deskpilot.channels import service
from deskpilot.channels.registry import adapters
from deskpilot.conversations import service as conversations
from deskpilot.kit.deps import SessionDep
from deskpilot.web.console.pages import member_of
from deskpilot.web.console.settings.common import settings_page

router = APIRouter(include_in_schema=False)


@router.get("/settings/channels", response_class=HTMLResponse)
async def channels_page(request: Request, session: SessionDep) -> Response:
    ctx = await member_of(request, session, "admin")
    if isinstance(ctx, Response):
        return ctx
    channels = list(await service.list_channels(session, ctx.workspace.id))
    types = [
        {
            "type": a.channel_type,
            "display_name": a.display_name,
            "config_schema": a.config_model.model_json_schema(),
            "secrets_schema": a.secrets_model.model_json_schema(),
        }
        for a in adapters().values()
    ]
    names = {t["type"]: t["display_name"] for t in types}
    return settings_page(
        request,
        ctx,
        "channels",
        channels=channels,
        activity=await conversations.channel_activity(
            session, ctx.workspace.id, [c.id for c in channels]
        ),
        types=types,
        type_names=names,
        origin=str(request.base_url).rstrip("/"),
    )
