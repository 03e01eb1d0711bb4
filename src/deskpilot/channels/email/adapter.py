"""Email channel: mail in through the SMTP listener, IMAP polling, or a mail gateway's signed
POST of the raw message to ``/hooks/{public_key}``; replies out through an SMTP relay.

The webhook takes ``Content-Type: message/rfc822`` bodies signed like DeskPilot's own callbacks
(``X-DeskPilot-Timestamp`` and ``X-DeskPilot-Signature``, HMAC-SHA256 with the channel's
``gateway_secret``, see ``deskpilot.kit.signing``).
"""

from __future__ import annotations

import logging
from typing import ClassVar

import httpx
from pydantic import BaseModel

from deskpilot.channels.base import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    ChannelContext,
    ChannelResponse,
    InboundRequest,
    InboundResult,
    OutboundMessage,
    SendResult,
)
from deskpilot.channels.email.parsing import MalformedEmail, parse_email
from deskpilot.channels.email.sending import send_reply
from deskpilot.channels.email.settings import EmailConfig, EmailSecrets, email_config
from deskpilot.kit.errors import BadRequest, PayloadTooLarge, Unauthorized
from deskpilot.kit.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

log = logging.getLogger(__name__)

GATEWAY_CONTENT_TYPES = ("message/rfc822", "application/octet-stream")


class EmailChannel:
    channel_type: ClassVar[str] = "email"
    display_name: ClassVar[str] = "Email"
    config_model: ClassVar[type[BaseModel]] = EmailConfig
    secrets_model: ClassVar[type[BaseModel]] = EmailSecrets
    max_attachment_bytes: ClassVar[int] = DEFAULT_MAX_ATTACHMENT_BYTES

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        """A raw message POSTed by a mail gateway (see the module docstring)."""
        if request.method != "POST":
            raise BadRequest("POST the raw message as message/rfc822")
        timestamp = request.headers.get(TIMESTAMP_HEADER.lower(), "")
        sent = request.headers.get(SIGNATURE_HEADER.lower(), "")
        secret = channel.secrets.get("gateway_secret", "")
        if not secret or not verify(secret, timestamp, request.body, sent):
            raise Unauthorized("the gateway signature is missing or wrong")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in GATEWAY_CONTENT_TYPES:
            raise BadRequest("the body must be a raw message (Content-Type: message/rfc822)")
        try:
            parsed = parse_email(request.body, max_attachment_bytes=self.max_attachment_bytes)
        except MalformedEmail as exc:
            raise BadRequest(f"the body is not a mail message: {exc}") from None
        if parsed.automatic is not None:
            reason = f"automatic mail dropped ({parsed.automatic})"
            log.info(
                "automatic mail dropped",
                extra={"channel_id": channel.id, "message_id": parsed.message_id, "via": "webhook"},
            )
            return InboundResult(response=ChannelResponse(200, reason.encode()))
        if parsed.oversize:
            raise PayloadTooLarge(
                f"attachment {parsed.oversize[0].filename!r} is over "
                f"{self.max_attachment_bytes} bytes"
            )
        return InboundResult(messages=[parsed.inbound()])

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        external_id = await send_reply(email_config(channel.config), channel.secrets, message)
        return SendResult(external_id=external_id)
