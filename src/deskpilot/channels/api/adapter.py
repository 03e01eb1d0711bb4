"""API channel: JSON in (``POST /api/v1/channels/{id}/inbound`` with an API key), signed JSON out.

Outbound messages are POSTed to ``callback_url`` with ``X-DeskPilot-Signature`` (see
``deskpilot.kit.signing``); without a callback URL they are only stored, for clients that poll.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import ClassVar

import httpx
from pydantic import BaseModel, Field, HttpUrl

from deskpilot.channels.base import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    ChannelContext,
    DeliveryError,
    InboundRequest,
    InboundResult,
    OutboundMessage,
    SendResult,
    parse_json_body,
)
from deskpilot.conversations.intake import InboundAttachment, InboundMessage
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.crypto import new_token
from deskpilot.kit.errors import InvalidInput, PayloadTooLarge
from deskpilot.kit.signing import signed_headers


class ApiConfig(BaseModel):
    callback_url: HttpUrl | None = Field(None, description="Where replies are POSTed.")


class ApiSecrets(BaseModel):
    signing_secret: str = Field(
        default_factory=lambda: new_token(24),
        min_length=16,
        description="Signs callbacks (X-DeskPilot-Signature). Generated when not given.",
    )


class ApiSender(BaseModel):
    external_id: str = Field(min_length=1, max_length=200)
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=40)


class ApiAttachment(BaseModel):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field("application/octet-stream", max_length=100)
    data_base64: str


class ApiInbound(BaseModel):
    external_id: str = Field(min_length=1, max_length=200, description="Your id: deduplicates.")
    sender: ApiSender
    text: str = Field("", max_length=20_000)
    attachments: list[ApiAttachment] = Field(default_factory=list, max_length=10)
    thread_key: str | None = Field(None, max_length=200, description="Groups a thread.")


class ApiChannel:
    channel_type: ClassVar[str] = "api"
    display_name: ClassVar[str] = "API"
    config_model: ClassVar[type[BaseModel]] = ApiConfig
    secrets_model: ClassVar[type[BaseModel]] = ApiSecrets
    max_attachment_bytes: ClassVar[int] = DEFAULT_MAX_ATTACHMENT_BYTES

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        body, decoded = parse_json_body(request.body, ApiInbound)
        if not body.text.strip() and not body.attachments:
            raise InvalidInput.field("body.text", "a message needs text or an attachment")
        attachments = []
        for index, item in enumerate(body.attachments):
            try:
                data = base64.b64decode(item.data_base64, validate=True)
            except (binascii.Error, ValueError):
                raise InvalidInput.field(
                    f"body.attachments.{index}.data_base64", "is not valid base64"
                ) from None
            if len(data) > self.max_attachment_bytes:
                raise PayloadTooLarge(
                    f"attachment {item.filename!r} is over {self.max_attachment_bytes} bytes"
                )
            attachments.append(InboundAttachment(item.filename, item.content_type, data))
        sender = body.sender
        return InboundResult(
            messages=[
                InboundMessage(
                    sender=SenderHandle(  # the business's own server vouches for its users
                        sender.external_id, sender.name, sender.email, sender.phone, verified=True
                    ),
                    text=body.text,
                    external_id=body.external_id,
                    attachments=attachments,
                    thread_key=body.thread_key,
                    raw=decoded,
                )
            ]
        )

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        callback = channel.config.get("callback_url")
        if not callback:
            return SendResult()
        body = json.dumps(
            {
                "event": "message.outbound",
                "message_id": message.message_id,
                "conversation_id": message.conversation_id,
                "recipient": {"external_id": message.recipient},
                "text": message.text,
                "thread_key": message.thread_key,
            }
        ).encode()
        headers = signed_headers(channel.secrets["signing_secret"], body)
        try:
            response = await http.post(str(callback), content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"callback unreachable: {type(exc).__name__}") from exc
        if response.status_code >= 300:
            permanent = 400 <= response.status_code < 500 and response.status_code != 429
            raise DeliveryError(f"callback answered {response.status_code}", permanent=permanent)
        return SendResult(external_id=response.headers.get("x-message-id"))
