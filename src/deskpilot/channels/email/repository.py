"""Finding email channels across workspaces: the SMTP listener and the IMAP poller start from
a recipient address or a schedule, not from a workspace, so these are unscoped queries (like
``PublicChannelLookup``); every row they return carries its own workspace."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from deskpilot.kit.repository import Repository
from deskpilot.models import Channel

EMAIL_CHANNEL_TYPE = "email"


class EmailChannelLookup(Repository[Channel]):
    model = Channel

    async def active(self) -> Sequence[Channel]:
        query = (
            select(Channel)
            .where(Channel.type == EMAIL_CHANNEL_TYPE, Channel.is_active.is_(True))
            .order_by(Channel.created_at, Channel.id)
        )
        return (await self.session.scalars(query)).all()

    async def for_inbound_address(self, address: str) -> list[Channel]:
        """Active email channels whose ``inbound_address`` is ``address`` (any case).

        Few channels are email channels, so the address is compared here rather than inside the
        JSON column (which SQLite and PostgreSQL query differently)."""
        wanted = address.strip().strip("<>").lower()
        return [
            channel
            for channel in await self.active()
            if str(channel.config.get("inbound_address") or "").lower() == wanted
        ]
