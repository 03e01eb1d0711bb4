"""Channel instances: settings validated by their adapter, secrets encrypted at rest."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels.base import ChannelContext
from deskpilot.channels.registry import get_adapter
from deskpilot.channels.repository import ChannelRepository, PublicChannelLookup
from deskpilot.channels.schemas import ChannelCreate, ChannelUpdate
from deskpilot.kit.crypto import SecretBox, new_token
from deskpilot.kit.errors import InvalidInput, NotFound, field_errors
from deskpilot.models import Channel


def _validated(model: type[BaseModel], values: dict[str, Any], field: str) -> dict[str, Any]:
    try:
        return model.model_validate(values).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise InvalidInput.of(field_errors(exc.errors(), field)) from None


def _seal(box: SecretBox, channel_id: str, secrets: dict[str, Any]) -> str:
    return box.encrypt(json.dumps(secrets), context=f"channel/{channel_id}")


def open_secrets(box: SecretBox, channel: Channel) -> dict[str, str]:
    if not channel.secrets_ciphertext:
        return {}
    values: dict[str, str] = json.loads(
        box.decrypt(channel.secrets_ciphertext, context=f"channel/{channel.id}")
    )
    return values


def context_for(box: SecretBox, channel: Channel) -> ChannelContext:
    return ChannelContext(
        id=channel.id,
        workspace_id=channel.workspace_id,
        type=channel.type,
        name=channel.name,
        public_key=channel.public_key,
        config=dict(channel.config),
        secrets=open_secrets(box, channel),
    )


async def create_channel(
    session: AsyncSession, box: SecretBox, workspace_id: str, data: ChannelCreate
) -> Channel:
    adapter = get_adapter(data.type)
    config = _validated(adapter.config_model, data.config, "config")
    secrets = _validated(adapter.secrets_model, data.secrets, "secrets")
    channel = ChannelRepository(session, workspace_id).add(
        Channel(
            workspace_id=workspace_id,
            type=data.type,
            name=data.name,
            config=config,
            public_key=new_token(18),
        )
    )
    await session.flush()
    channel.secrets_ciphertext = _seal(box, channel.id, secrets) if secrets else None
    return channel


async def update_channel(
    session: AsyncSession, box: SecretBox, workspace_id: str, channel_id: str, data: ChannelUpdate
) -> Channel:
    channel = await get_channel(session, workspace_id, channel_id)
    adapter = get_adapter(channel.type)
    if data.name is not None:
        channel.name = data.name
    if data.is_active is not None:
        channel.is_active = data.is_active
    if data.config is not None:
        channel.config = _validated(
            adapter.config_model, {**channel.config, **data.config}, "config"
        )
    if data.secrets is not None:
        merged = {**open_secrets(box, channel), **data.secrets}
        channel.secrets_ciphertext = _seal(
            box, channel.id, _validated(adapter.secrets_model, merged, "secrets")
        )
    await session.flush()
    return channel


async def get_channel(session: AsyncSession, workspace_id: str, channel_id: str) -> Channel:
    return await ChannelRepository(session, workspace_id).get_or_404(channel_id)


async def list_channels(session: AsyncSession, workspace_id: str) -> Sequence[Channel]:
    return await ChannelRepository(session, workspace_id).ordered()


async def delete_channel(session: AsyncSession, workspace_id: str, channel_id: str) -> None:
    repo = ChannelRepository(session, workspace_id)
    await repo.delete(await repo.get_or_404(channel_id))


async def channel_by_public_key(session: AsyncSession, public_key: str) -> Channel:
    channel = await PublicChannelLookup(session).by_public_key(public_key)
    if channel is None:
        raise NotFound("no active channel has this key")
    return channel
