from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from deskpilot.kit.repository import Repository, WorkspaceRepository
from deskpilot.models import Channel


class ChannelRepository(WorkspaceRepository[Channel]):
    model = Channel
    label = "channel"

    async def ordered(self) -> Sequence[Channel]:
        return await self.all(self.select().order_by(Channel.created_at, Channel.id))


class PublicChannelLookup(Repository[Channel]):
    """Finding a channel by the public key in its webhook URL: this is how a platform's request
    finds its workspace, so it is the one unscoped query on channels."""

    model = Channel

    async def by_public_key(self, public_key: str) -> Channel | None:
        query = select(Channel).where(Channel.public_key == public_key, Channel.is_active.is_(True))
        return (await self.session.scalars(query)).one_or_none()
