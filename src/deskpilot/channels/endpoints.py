"""HTTP for channel instances, the API channel's inbound endpoint, and platform webhooks."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from deskpilot.auth.dependencies import AdminAuth, AgentAuth, ViewerAuth
from deskpilot.channels import service
from deskpilot.channels.inbound import ingest, read_request
from deskpilot.channels.registry import adapters
from deskpilot.channels.schemas import ChannelCreate, ChannelRead, ChannelTypeRead, ChannelUpdate
from deskpilot.kit.deps import ResourcesDep, SessionDep
from deskpilot.kit.errors import Conflict
from deskpilot.models import Channel

router = APIRouter(prefix="/api/v1/channels", tags=["channels"])
hooks = APIRouter(tags=["channels"])


def _read(channel: Channel, resources: ResourcesDep) -> ChannelRead:
    read = ChannelRead.model_validate(channel)
    read.secret_names = sorted(service.open_secrets(resources.secret_box, channel))
    read.webhook_path = f"/hooks/{channel.public_key}"
    return read


class StoredMessage(BaseModel):
    id: str
    conversation_id: str
    duplicate: bool


class InboundAccepted(BaseModel):
    messages: list[StoredMessage]


@router.get("/types")
async def channel_types(_: ViewerAuth) -> list[ChannelTypeRead]:
    """Every channel type this installation can connect, with its settings' JSON schemas."""
    return [
        ChannelTypeRead(
            type=a.channel_type,
            display_name=a.display_name,
            config_schema=a.config_model.model_json_schema(),
            secrets_schema=a.secrets_model.model_json_schema(),
        )
        for a in adapters().values()
    ]


@router.get("")
async def list_channels(
    principal: ViewerAuth, session: SessionDep, resources: ResourcesDep
) -> list[ChannelRead]:
    return [
        _read(c, resources) for c in await service.list_channels(session, principal.workspace_id)
    ]


@router.post("", status_code=201)
async def create_channel(
    body: ChannelCreate, principal: AdminAuth, session: SessionDep, resources: ResourcesDep
) -> ChannelRead:
    """Connect a channel. Secrets are encrypted at rest and never returned."""
    channel = await service.create_channel(
        session, resources.secret_box, principal.workspace_id, body
    )
    return _read(channel, resources)


@router.get("/{channel_id}")
async def get_channel(
    channel_id: str, principal: ViewerAuth, session: SessionDep, resources: ResourcesDep
) -> ChannelRead:
    return _read(await service.get_channel(session, principal.workspace_id, channel_id), resources)


@router.patch("/{channel_id}")
async def update_channel(
    channel_id: str,
    body: ChannelUpdate,
    principal: AdminAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> ChannelRead:
    channel = await service.update_channel(
        session, resources.secret_box, principal.workspace_id, channel_id, body
    )
    return _read(channel, resources)


@router.delete("/{channel_id}", status_code=204)
async def delete_channel(channel_id: str, principal: AdminAuth, session: SessionDep) -> None:
    """Disconnect a channel and delete its conversations."""
    await service.delete_channel(session, principal.workspace_id, channel_id)


@router.post("/{channel_id}/inbound", status_code=202)
async def api_inbound(
    channel_id: str,
    request: Request,
    principal: AgentAuth,
    session: SessionDep,
    resources: ResourcesDep,
) -> InboundAccepted:
    """Deliver a customer message on an API channel. 202 once stored; a repeated `external_id`
    stores nothing new (`duplicate: true`)."""
    channel = await service.get_channel(session, principal.workspace_id, channel_id)
    if channel.type != "api":
        raise Conflict(f"a {channel.type} channel receives messages through its webhook")
    ingested = await ingest(session, resources, channel, await read_request(request))
    return InboundAccepted(
        messages=[
            StoredMessage(
                id=s.message.id, conversation_id=s.conversation.id, duplicate=not s.created
            )
            for s in ingested.stored
        ]
    )


@hooks.api_route("/hooks/{public_key}", methods=["GET", "POST"], include_in_schema=False)
async def platform_webhook(
    public_key: str, request: Request, session: SessionDep, resources: ResourcesDep
) -> Response:
    """Where Telegram, WhatsApp, WeChat, Twilio... deliver. The adapter checks the signature."""
    channel = await service.channel_by_public_key(session, public_key)
    ingested = await ingest(session, resources, channel, await read_request(request))
    answer = ingested.result.response
    if answer is None:
        return Response(status_code=200)
    return Response(answer.body, answer.status_code, media_type=answer.media_type)
