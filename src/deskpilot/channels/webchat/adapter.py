"""Web chat adapter: settings, the visitor's JSON message in, and a no-op send.

Inbound: the widget POSTs ``{"client_id", "text"}`` with ``?visitor=<token>`` (to
``/widget/api/messages``, or equally to ``/hooks/{public_key}``); the visitor token is the
sender's handle and ``client_id`` (made by the browser) deduplicates retries.

Outbound: there is no platform to call. The visitor's browser is connected to ``/widget/ws``; once
``send`` returns, the outbox marks the message sent and the resulting ``message.updated`` event
is what the visitor's socket forwards (see ``deskpilot.channels.webchat.events``). A visitor who
is offline reads it from the history when they come back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal

import httpx
from pydantic import BaseModel, Field, field_validator

from deskpilot.channels.base import (
    ChannelContext,
    InboundRequest,
    InboundResult,
    OutboundMessage,
    SendResult,
    parse_json_body,
)
from deskpilot.channels.webchat.identity import (
    external_id_of,
    is_verified_token,
    is_visitor_token,
    thread_key_of,
)
from deskpilot.channels.webchat.texts import DEFAULT_GREETINGS
from deskpilot.conversations.intake import InboundAttachment, InboundMessage
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.errors import InvalidInput, Unauthorized

DEFAULT_WIDGET_ATTACHMENT_BYTES = 5 * 1024 * 1024
DEFAULT_ATTACHMENT_TYPES = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
]
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"


class Greetings(BaseModel):
    en: str = Field(DEFAULT_GREETINGS["en"], max_length=500)
    zh: str = Field(DEFAULT_GREETINGS["zh"], max_length=500)
    ru: str = Field(DEFAULT_GREETINGS["ru"], max_length=500)


class WebchatConfig(BaseModel):
    greeting: Greetings = Field(default_factory=Greetings, description="First words, per language.")
    primary_colour: str = Field("#2563eb", pattern=HEX_COLOUR, description="Launcher and header.")
    position: Literal["left", "right"] = "right"
    font_size: int = Field(14, ge=10, le=24, description="In CSS pixels.")
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Pages that may embed the widget (`https://shop.example.com`); empty: any.",
    )
    max_attachment_bytes: int = Field(DEFAULT_WIDGET_ATTACHMENT_BYTES, ge=1, le=25 * 1024 * 1024)
    allowed_attachment_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ATTACHMENT_TYPES),
        description="MIME types; `image/*` allows every image type.",
    )

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        cleaned = []
        for origin in origins:
            value = origin.strip().rstrip("/").lower()
            if not value.startswith(("https://", "http://")) or "/" in value.split("://", 1)[1]:
                raise ValueError(f"{origin!r} is not an origin like https://shop.example.com")
            cleaned.append(value)
        return cleaned


class WebchatSecrets(BaseModel):
    identity_secret: str | None = Field(
        None,
        min_length=16,
        description="Key of the HMAC the host site's server computes to verify its user. "
        "Without it every identity claim is ignored.",
    )


class VisitorMessage(BaseModel):
    client_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    text: str = Field(min_length=1, max_length=10_000)
    language: str | None = Field(None, max_length=16)


def visitor_token(query: Mapping[str, str]) -> str:
    """The ``visitor`` query parameter, which must look like a token this channel issued."""
    token = query.get("visitor")
    if token is None or not is_visitor_token(token):
        raise Unauthorized("a visitor token is required (start a session first)")
    return token


def visitor_inbound(
    token: str,
    client_id: str,
    text: str,
    *,
    language: str | None = None,
    attachments: list[InboundAttachment] | None = None,
) -> InboundMessage:
    """One widget message as intake takes it: the visitor's token is their handle and thread."""
    return InboundMessage(
        sender=SenderHandle(token, verified=is_verified_token(token)),
        text=text,
        external_id=external_id_of(token, client_id),
        attachments=attachments or [],
        thread_key=thread_key_of(token),
        language=language,
        raw={"source": "webchat", "client_id": client_id},
    )


class WebchatChannel:
    channel_type: ClassVar[str] = "webchat"
    display_name: ClassVar[str] = "Web chat widget"
    config_model: ClassVar[type[BaseModel]] = WebchatConfig
    secrets_model: ClassVar[type[BaseModel]] = WebchatSecrets
    max_attachment_bytes: ClassVar[int] = 25 * 1024 * 1024  # each channel sets its own, lower

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        token = visitor_token(request.query)
        body, _ = parse_json_body(request.body, VisitorMessage)
        if not body.text.strip():
            raise InvalidInput.field("body.text", "a message needs text")
        return InboundResult(
            messages=[visitor_inbound(token, body.client_id, body.text, language=body.language)]
        )

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        # Nothing to call: marking the message sent publishes it to the visitor's socket.
        return SendResult()
