"""The contract every channel adapter implements, built-in or installed as a plugin.

An adapter turns a platform's webhook request into ``InboundMessage``s (checking the platform's
signature first) and sends one outbound message. It holds no state: each call gets the channel
instance's settings and decrypted secrets in a ``ChannelContext``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from deskpilot.conversations.intake import InboundMessage
from deskpilot.kit.errors import BadRequest, InvalidInput, field_errors

DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ChannelContext:
    id: str
    workspace_id: str
    type: str
    name: str
    public_key: str
    config: Mapping[str, object]
    secrets: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class InboundRequest:
    method: str
    url: str
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class ChannelResponse:
    """What the platform must get back (a verification echo, a passive XML reply...)."""

    status_code: int = 200
    body: bytes = b""
    media_type: str = "text/plain"


@dataclass(frozen=True, slots=True)
class InboundResult:
    messages: list[InboundMessage] = field(default_factory=list)
    response: ChannelResponse | None = None  # None: 200 with an empty body


@dataclass(frozen=True, slots=True)
class OutboundAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    message_id: str
    conversation_id: str
    recipient: str  # the customer's external id on this channel
    text: str
    thread_key: str | None = None
    reply_to_external_id: str | None = None  # the last message received from the customer
    subject: str | None = None
    attachments: list[OutboundAttachment] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SendResult:
    external_id: str | None = None


class DeliveryError(Exception):
    """Sending failed. ``permanent`` failures (refused, no recipient) are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class ChannelAdapter(Protocol):
    channel_type: ClassVar[str]
    display_name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]
    secrets_model: ClassVar[type[BaseModel]]
    max_attachment_bytes: ClassVar[int]

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        """Verify and parse one webhook request; raise Unauthorized, BadRequest, PayloadTooLarge."""
        ...

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        """Deliver one message; raise DeliveryError when it could not be delivered."""
        ...


class NoSettings(BaseModel):
    """Config or secrets model of an adapter that needs none."""


M = TypeVar("M", bound=BaseModel)


def parse_json_body(body: bytes, model: type[M]) -> tuple[M, dict[str, Any]]:
    """The body as ``model`` and as decoded JSON: 400 when it is not a JSON object, 422 naming
    the field (``body.sender.external_id``) when it does not fit ``model``."""
    try:
        decoded = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON") from None
    if not isinstance(decoded, dict):
        raise BadRequest("the body is not a JSON object")
    try:
        return model.model_validate(decoded), decoded
    except ValidationError as exc:
        raise InvalidInput.of(field_errors(exc.errors(), "body")) from None
