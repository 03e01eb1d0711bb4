"""Parsed mail into intake, shared by the SMTP listener and the IMAP poller."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels.email.parsing import ParsedEmail
from deskpilot.channels.email.repository import EmailChannelLookup
from deskpilot.conversations.intake import IntakeResult, receive
from deskpilot.kit.deps import Resources
from deskpilot.models import Channel

log = logging.getLogger(__name__)


async def channels_for(session: AsyncSession, addresses: Iterable[str]) -> list[Channel]:
    """The active email channels that receive mail for any of ``addresses``, each once."""
    found: dict[str, Channel] = {}
    lookup = EmailChannelLookup(session)
    for address in addresses:
        for channel in await lookup.for_inbound_address(address):
            found.setdefault(channel.id, channel)
    return list(found.values())


async def active_channels(session: AsyncSession) -> list[Channel]:
    return list(await EmailChannelLookup(session).active())


def log_dropped(parsed: ParsedEmail, channel: Channel, via: str) -> None:
    log.info(
        "automatic mail dropped",
        extra={
            "channel_id": channel.id,
            "message_id": parsed.message_id,
            "reason": parsed.automatic,
            "via": via,
        },
    )


async def store(
    session: AsyncSession, resources: Resources, channel: Channel, parsed: ParsedEmail
) -> IntakeResult | None:
    """Store a person's mail on ``channel`` (None for automatic mail, which is only logged)."""
    if parsed.automatic is not None:
        log_dropped(parsed, channel, "intake")
        return None
    return await receive(session, resources.bus, resources.files, channel, parsed.inbound())
