"""Channel adapters by type: the built-ins, plus any installed under ``deskpilot.channels``."""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib.metadata import entry_points

from deskpilot.channels.api.adapter import ApiChannel
from deskpilot.channels.base import ChannelAdapter
from deskpilot.channels.email.adapter import EmailChannel
from deskpilot.channels.telegram.adapter import TelegramChannel
from deskpilot.channels.twilio.adapter import TwilioSmsChannel
from deskpilot.channels.voice.adapter import VoiceChannel
from deskpilot.channels.webchat.adapter import WebchatChannel
from deskpilot.channels.wechat.adapter import WeChatChannel
from deskpilot.channels.whatsapp.adapter import WhatsAppChannel
from deskpilot.kit.errors import InvalidInput

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "deskpilot.channels"
BUILTIN: list[type[ChannelAdapter]] = [
    ApiChannel,
    EmailChannel,
    WeChatChannel,
    VoiceChannel,
    TelegramChannel,
    WhatsAppChannel,
    TwilioSmsChannel,
    WebchatChannel,
]


@lru_cache(maxsize=1)
def adapters() -> dict[str, ChannelAdapter]:
    found: dict[str, ChannelAdapter] = {cls.channel_type: cls() for cls in BUILTIN}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            adapter = entry.load()()
        except Exception:
            log.exception("channel plugin %r failed to load", entry.name)
            continue
        if adapter.channel_type in found:
            log.warning(
                "channel plugin %r ignored: type %r exists", entry.name, adapter.channel_type
            )
            continue
        found[adapter.channel_type] = adapter
    return found


def get_adapter(channel_type: str) -> ChannelAdapter:
    adapter = adapters().get(channel_type)
    if adapter is None:
        known = ", ".join(sorted(adapters()))
        raise InvalidInput.field("type", f"unknown channel type {channel_type!r} (known: {known})")
    return adapter
