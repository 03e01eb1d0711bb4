"""Settings: channels (list, connect from the type's JSON schema, enable, delete, snippet).

The API has no check for a channel, so each row shows what it last did: the time of its last
inbound message, and the delivery status of its last outbound one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels import service
from deskpilot.channels.registry import adapters
from deskpilot.kit.deps import SessionDep
from deskpilot.models import Channel, Direction, Message
from deskpilot.web.console.settings.common import admin_of, settings_page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class Activity:
    last_inbound_at: datetime | None = None
    last_outbound_at: datetime | None = None
    last_outbound_status: str | None = None
    last_outbound_error: str | None = None


async def activity(
    session: AsyncSession, workspace_id: str, channels: list[Channel]
) -> dict[str, Activity]:
    """Each channel's last inbound time and last outbound delivery (one query per direction)."""
    found: dict[str, Activity] = {}
    ids = [c.id for c in channels]
    if not ids:
        return found
    inbound = await session.execute(
        select(Message.channel_id, func.max(Message.created_at))
        .where(
            Message.workspace_id == workspace_id,
            Message.channel_id.in_(ids),
            Message.direction == Direction.INBOUND,
        )
        .group_by(Message.channel_id)
    )
    last_in = {channel_id: at for channel_id, at in inbound.all()}
    newest = (
        select(Message.channel_id, func.max(Message.created_at).label("at"))
        .where(
            Message.workspace_id == workspace_id,
            Message.channel_id.in_(ids),
            Message.direction == Direction.OUTBOUND,
            Message.delivery_status.is_not(None),
        )
        .group_by(Message.channel_id)
        .subquery()
    )
    outbound = await session.execute(
        select(
            Message.channel_id, Message.created_at, Message.delivery_status, Message.delivery_error
        ).join(
            newest,
            (Message.channel_id == newest.c.channel_id) & (Message.created_at == newest.c.at),
        )
    )
    last_out = {row[0]: row for row in outbound.all()}
    for channel_id in ids:
        out = last_out.get(channel_id)
        found[channel_id] = Activity(
            last_inbound_at=last_in.get(channel_id),
            last_outbound_at=out[1] if out else None,
            last_outbound_status=out[2].value if out and out[2] else None,
            last_outbound_error=out[3] if out else None,
        )
    return found


@router.get("/settings/channels", response_class=HTMLResponse)
async def channels_page(request: Request, session: SessionDep) -> Response:
    ctx = await admin_of(request, session)
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
        activity=await activity(session, ctx.workspace.id, channels),
        types=types,
        type_names=names,
        origin=str(request.base_url).rstrip("/"),
    )
