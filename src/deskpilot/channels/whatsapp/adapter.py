"""WhatsApp Cloud API channel: Meta's signed webhooks in, Graph API ``/messages`` out.

Meta first checks the webhook URL with a GET (``hub.verify_token`` must be ours; we echo
``hub.challenge``), then POSTs events signed with ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw
body with the app secret). Customers are known by their WhatsApp id (their number without ``+``),
also given to intake as a phone number so the same person is recognised on SMS or voice.
Media (image, document, audio, video, sticker) is looked up by id and downloaded with the access
token while the webhook is handled. Delivery receipts (``statuses``) are acknowledged and not
applied: intake has no way yet to update an outbound message from a webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import mimetypes
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from deskpilot.channels.base import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    ChannelContext,
    ChannelResponse,
    DeliveryError,
    InboundRequest,
    InboundResult,
    OutboundMessage,
    SendResult,
)
from deskpilot.channels.download import MediaUnavailable, download, media_client
from deskpilot.conversations.intake import InboundAttachment, InboundMessage
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.crypto import new_token
from deskpilot.kit.errors import BadRequest, Forbidden, PayloadTooLarge, Unauthorized

SIGNATURE_HEADER = "x-hub-signature-256"
DEFAULT_API_BASE = "https://graph.facebook.com"
MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")
IGNORED_KINDS = ("reaction", "system")  # nothing a person wrote: not stored
# Graph API error codes that mean "slow down", though the HTTP status may be 400.
THROTTLED_CODES = frozenset({4, 80007, 130429, 131048, 131056})


class WhatsAppConfig(BaseModel):
    phone_number_id: str = Field(
        pattern=r"^[0-9]{1,30}$", description="The business number's id (WhatsApp Manager)."
    )
    api_base: HttpUrl = Field(HttpUrl(DEFAULT_API_BASE), description="Graph API server.")
    api_version: str = Field("v21.0", pattern=r"^v[0-9]+\.[0-9]+$")


class WhatsAppSecrets(BaseModel):
    access_token: str = Field(min_length=1, description="A system user's permanent token.")
    app_secret: str = Field(min_length=1, description="The app's secret: checks signatures.")
    verify_token: str = Field(
        default_factory=lambda: new_token(24),
        min_length=8,
        description="Typed into Meta's webhook settings. Generated when not given.",
    )


class _Incoming(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class WaMedia(_Incoming):
    id: str
    mime_type: str | None = None
    filename: str | None = None
    caption: str | None = None


class WaText(_Incoming):
    body: str


class WaContext(_Incoming):
    id: str | None = None


class WaMessage(_Incoming):
    sender: str = Field(alias="from", pattern=r"^[0-9]{5,20}$")
    id: str = Field(min_length=1)
    timestamp: int | None = None
    type: str
    text: WaText | None = None
    image: WaMedia | None = None
    document: WaMedia | None = None
    audio: WaMedia | None = None
    video: WaMedia | None = None
    sticker: WaMedia | None = None
    context: WaContext | None = None


class WaProfile(_Incoming):
    name: str | None = None


class WaContact(_Incoming):
    wa_id: str
    profile: WaProfile | None = None


class WaMetadata(_Incoming):
    phone_number_id: str


class WaValue(_Incoming):
    metadata: WaMetadata | None = None
    contacts: list[WaContact] = Field(default_factory=list)
    messages: list[WaMessage] = Field(default_factory=list)


class WaChange(_Incoming):
    field: str
    value: dict[str, Any]


class WaEntry(_Incoming):
    changes: list[WaChange] = Field(default_factory=list)


class WaNotification(_Incoming):
    object: str
    entry: list[WaEntry]


def _settings(channel: ChannelContext) -> tuple[WhatsAppConfig, str, WhatsAppSecrets]:
    config = WhatsAppConfig.model_validate(channel.config)
    base = f"{str(config.api_base).rstrip('/')}/{config.api_version}"
    return config, base, WhatsAppSecrets.model_validate(channel.secrets)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _bad(exc: ValidationError, where: str) -> BadRequest:
    error = exc.errors()[0]
    path = ".".join([where, *(str(p) for p in error["loc"])])
    return BadRequest(f"not a WhatsApp notification: {path}: {error['msg']}")


def _text_of(message: WaMessage, raw: dict[str, Any]) -> str:
    """What the customer wrote, or a marker for content without text (a location...)."""
    if message.text is not None:
        return message.text.body
    media = getattr(message, message.type, None) if message.type in MEDIA_KINDS else None
    if isinstance(media, WaMedia):
        return media.caption or ""
    detail = raw.get(message.type)
    if message.type == "button" and isinstance(detail, dict):
        return str(detail.get("text", ""))
    if message.type == "interactive" and isinstance(detail, dict):
        reply = detail.get("button_reply") or detail.get("list_reply") or {}
        return str(reply.get("title", "")) if isinstance(reply, dict) else ""
    if message.type == "location" and isinstance(detail, dict):
        return f"[location {detail.get('latitude')},{detail.get('longitude')}]"
    return f"[{message.type}]"


class WhatsAppChannel:
    channel_type: ClassVar[str] = "whatsapp"
    display_name: ClassVar[str] = "WhatsApp"
    config_model: ClassVar[type[BaseModel]] = WhatsAppConfig
    secrets_model: ClassVar[type[BaseModel]] = WhatsAppSecrets
    max_attachment_bytes: ClassVar[int] = DEFAULT_MAX_ATTACHMENT_BYTES

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        config, base, secrets = _settings(channel)
        if request.method == "GET":
            return self._verification(secrets, request)
        expected = (
            "sha256="
            + hmac.new(secrets.app_secret.encode(), request.body, hashlib.sha256).hexdigest()
        )
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.lower().encode(), expected.encode()):
            raise Unauthorized("the X-Hub-Signature-256 signature is missing or wrong")
        try:
            raw = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the body is not JSON") from None
        try:
            notification = WaNotification.model_validate(raw)
        except ValidationError as exc:
            raise _bad(exc, "body") from None
        found: list[tuple[WaMessage, dict[str, Any], str | None]] = []
        for e, entry in enumerate(notification.entry):
            for c, change in enumerate(entry.changes):
                if change.field != "messages":
                    continue
                try:
                    value = WaValue.model_validate(change.value)
                except ValidationError as exc:
                    raise _bad(exc, f"body.entry.{e}.changes.{c}.value") from None
                if value.metadata and value.metadata.phone_number_id != config.phone_number_id:
                    continue  # for another number of the same business account
                names = {
                    contact.wa_id: contact.profile.name if contact.profile else None
                    for contact in value.contacts
                }
                raws = change.value.get("messages") or []
                for message, raw_message in zip(value.messages, raws, strict=True):
                    if message.type not in IGNORED_KINDS:
                        found.append((message, raw_message, names.get(message.sender)))
        if not found:  # delivery receipts, reactions, other fields: acknowledged
            return InboundResult()
        limit = self.max_attachment_bytes
        messages = []
        async with media_client() as http:
            for message, raw_message, name in found:
                attachments = []
                media = getattr(message, message.type, None)
                if message.type in MEDIA_KINDS and isinstance(media, WaMedia):
                    attachments.append(
                        await self._fetch(
                            http, base, secrets.access_token, message.type, media, limit
                        )
                    )
                messages.append(
                    InboundMessage(
                        sender=SenderHandle(
                            message.sender, name, phone="+" + message.sender, verified=True
                        ),
                        text=_text_of(message, raw_message),
                        external_id=message.id,
                        attachments=attachments,
                        reply_to_external_ids=(
                            [message.context.id] if message.context and message.context.id else []
                        ),
                        sent_at=(
                            datetime.fromtimestamp(message.timestamp, UTC)
                            if message.timestamp
                            else None
                        ),
                        raw=raw_message,
                    )
                )
        return InboundResult(messages=messages)

    def _verification(self, secrets: WhatsAppSecrets, request: InboundRequest) -> InboundResult:
        """Meta's subscription check: echo the challenge when the verify token is ours."""
        token = request.query.get("hub.verify_token", "")
        challenge = request.query.get("hub.challenge", "")
        if request.query.get("hub.mode") != "subscribe" or not hmac.compare_digest(
            token.encode(), secrets.verify_token.encode()
        ):
            raise Forbidden("the verify token is wrong")
        return InboundResult(response=ChannelResponse(200, challenge.encode(), "text/plain"))

    async def _fetch(
        self,
        http: httpx.AsyncClient,
        base: str,
        token: str,
        kind: str,
        media: WaMedia,
        limit: int,
    ) -> InboundAttachment:
        headers = {"Authorization": f"Bearer {token}"}
        try:
            answer = await http.get(f"{base}/{media.id}", headers=headers)
            described = answer.json() if answer.status_code < 300 else None
        except (httpx.HTTPError, ValueError) as exc:
            raise MediaUnavailable(f"the {kind} could not be looked up") from exc
        url = described.get("url") if isinstance(described, dict) else None
        if not isinstance(url, str):
            raise MediaUnavailable(f"the {kind} could not be looked up ({answer.status_code})")
        assert isinstance(described, dict)
        size = str(described.get("file_size", ""))
        if size.isdigit() and int(size) > limit:
            raise PayloadTooLarge(f"the {kind} is over {limit} bytes")
        data, served_type = await download(
            http, url, limit=limit, what=f"the {kind}", headers=headers
        )
        content_type = (
            (media.mime_type or str(described.get("mime_type") or "") or served_type or "")
            .split(";")[0]
            .strip()
        ) or "application/octet-stream"
        filename = (
            media.filename or f"{kind}-{media.id}{mimetypes.guess_extension(content_type) or ''}"
        )
        return InboundAttachment(filename, content_type, data)

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        config, base, secrets = _settings(channel)
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.recipient,
            "type": "text",
            "text": {"body": message.text, "preview_url": False},
        }
        try:
            response = await http.post(
                f"{base}/{config.phone_number_id}/messages",
                json=payload,
                headers={"Authorization": f"Bearer {secrets.access_token}"},
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"WhatsApp unreachable: {type(exc).__name__}") from exc
        body = _json_object(response)
        if response.status_code >= 300:
            status = response.status_code
            error = body.get("error")
            error = error if isinstance(error, dict) else {}
            code = error.get("code")
            permanent = 400 <= status < 500 and status != 429 and code not in THROTTLED_CODES
            detail = error.get("message") or "no message"
            reason = f"WhatsApp answered {status}: {detail}" + (f" (code {code})" if code else "")
            raise DeliveryError(reason, permanent=permanent)
        sent = body.get("messages")
        first = sent[0] if isinstance(sent, list) and sent and isinstance(sent[0], dict) else {}
        external_id = first.get("id")
        return SendResult(external_id=str(external_id) if external_id else None)
