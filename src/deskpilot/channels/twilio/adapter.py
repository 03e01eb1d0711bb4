"""SMS (and MMS) through Twilio: signed form-encoded webhooks in, the Messages API out.

Twilio signs each webhook with ``X-Twilio-Signature``: base64 HMAC-SHA1, keyed with the account's
auth token, of the URL Twilio called followed by every POST parameter, sorted by name, as name
and value with no separator. Behind a proxy the URL this server sees is not the one Twilio
called, so ``public_base_url`` can name the public origin. The webhook is answered with an empty
TwiML ``<Response/>``: replies go out later through the REST API, from the outbox.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import mimetypes
import posixpath
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import httpx
from pydantic import BaseModel, Field, HttpUrl, model_validator

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
from deskpilot.channels.download import download, media_client
from deskpilot.conversations.intake import InboundAttachment, InboundMessage
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.errors import BadRequest, Unauthorized

SIGNATURE_HEADER = "x-twilio-signature"
DEFAULT_API_BASE = "https://api.twilio.com"
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response/>'
MAX_MEDIA = 10  # Twilio's own limit per MMS
DEFAULT_PORTS = {"http": 80, "https": 443}


class TwilioConfig(BaseModel):
    account_sid: str = Field(pattern=r"^AC[0-9a-fA-F]{32}$")
    from_number: str | None = Field(
        None, pattern=r"^\+[1-9][0-9]{6,14}$", description="The Twilio number replies come from."
    )
    messaging_service_sid: str | None = Field(
        None, pattern=r"^MG[0-9a-fA-F]{32}$", description="Send through a Messaging Service."
    )
    api_base: HttpUrl = Field(HttpUrl(DEFAULT_API_BASE), description="Twilio REST API server.")
    public_base_url: HttpUrl | None = Field(
        None,
        description="The origin Twilio calls (https://help.example.com) when this server is "
        "behind a proxy: the signature covers the URL Twilio used.",
    )

    @model_validator(mode="after")
    def _has_a_sender(self) -> TwilioConfig:
        if not self.from_number and not self.messaging_service_sid:
            raise ValueError("give from_number or messaging_service_sid")
        return self


class TwilioSecrets(BaseModel):
    auth_token: str = Field(min_length=1, description="The account's auth token.")


def signature(auth_token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's request signature of a POST to ``url`` with form ``params``.

    A name given twice is sorted by value too, and an identical pair counts once, as Twilio does.
    """
    data = url + "".join(name + value for name, value in sorted(set(params)))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _signed_urls(request_url: str, public_base_url: str | None) -> list[str]:
    """The URLs Twilio may have signed: with and without an explicit default port."""
    parts = urlsplit(request_url)
    if public_base_url:
        public = urlsplit(public_base_url.rstrip("/"))
        parts = parts._replace(
            scheme=public.scheme, netloc=public.netloc, path=public.path + parts.path
        )
    urls = [urlunsplit(parts)]
    default = DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if parts.port is None and default is not None:
        urls.append(urlunsplit(parts._replace(netloc=f"{parts.netloc}:{default}")))
    elif parts.port == default:
        urls.append(urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0] or host)))
    return urls


def _same_origin(url: str, base: str) -> bool:
    one, two = urlsplit(url), urlsplit(base)
    return (one.scheme, one.netloc) == (two.scheme, two.netloc)


class TwilioSmsChannel:
    channel_type: ClassVar[str] = "twilio"
    display_name: ClassVar[str] = "SMS (Twilio)"
    config_model: ClassVar[type[BaseModel]] = TwilioConfig
    secrets_model: ClassVar[type[BaseModel]] = TwilioSecrets
    max_attachment_bytes: ClassVar[int] = DEFAULT_MAX_ATTACHMENT_BYTES

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        config = TwilioConfig.model_validate(channel.config)
        secrets = TwilioSecrets.model_validate(channel.secrets)
        if request.method != "POST":
            raise BadRequest("Twilio delivers messages by POST")
        try:
            params = parse_qsl(request.body.decode(), keep_blank_values=True, strict_parsing=True)
        except (UnicodeDecodeError, ValueError):
            raise BadRequest("the body is not form-encoded") from None
        given = request.headers.get(SIGNATURE_HEADER, "").encode()
        public = str(config.public_base_url) if config.public_base_url else None
        if not any(
            hmac.compare_digest(given, signature(secrets.auth_token, url, params).encode())
            for url in _signed_urls(request.url, public)
        ):
            raise Unauthorized("the X-Twilio-Signature signature is missing or wrong")
        form = dict(params)
        if "Body" not in form and "MessageStatus" in form:  # a status callback: acknowledged
            return self._answer()
        sender, sid = form.get("From", ""), form.get("MessageSid") or form.get("SmsSid", "")
        if not sender or not sid:
            raise BadRequest("not a Twilio message: From and MessageSid are required")
        count = form.get("NumMedia", "0")
        if not count.isdigit() or int(count) > MAX_MEDIA:
            raise BadRequest(f"not a Twilio message: NumMedia is {count!r}")
        text = form.get("Body", "")
        attachments = await self._fetch(config, secrets, form, int(count))
        if not text.strip() and not attachments:
            return self._answer()
        # A WhatsApp sender through Twilio is "whatsapp:+1555...": the number is after the colon.
        number = sender.rpartition(":")[2]
        return InboundResult(
            messages=[
                InboundMessage(
                    sender=SenderHandle(
                        sender, phone=number if number.startswith("+") else None, verified=True
                    ),
                    text=text,
                    external_id=sid,
                    attachments=attachments,
                    raw=form,
                )
            ],
            response=ChannelResponse(200, EMPTY_TWIML, "text/xml"),
        )

    def _answer(self) -> InboundResult:
        return InboundResult(response=ChannelResponse(200, EMPTY_TWIML, "text/xml"))

    async def _fetch(
        self, config: TwilioConfig, secrets: TwilioSecrets, form: dict[str, str], count: int
    ) -> list[InboundAttachment]:
        if count == 0:
            return []
        api_base = str(config.api_base).rstrip("/")
        attachments = []
        async with media_client() as http:
            for index in range(count):
                url = form.get(f"MediaUrl{index}", "")
                if not url.startswith(("https://", "http://")):
                    raise BadRequest(f"not a Twilio message: MediaUrl{index} is missing")
                # Media may need basic auth; the credentials go to Twilio's own origin only.
                auth = (
                    httpx.BasicAuth(config.account_sid, secrets.auth_token)
                    if _same_origin(url, api_base)
                    else None
                )
                data, served_type = await download(
                    http, url, limit=self.max_attachment_bytes, what=f"media {index}", auth=auth
                )
                content_type = (
                    form.get(f"MediaContentType{index}")
                    or served_type
                    or "application/octet-stream"
                )
                stem = posixpath.basename(urlsplit(url).path) or f"media-{index}"
                extension = mimetypes.guess_extension(content_type) or ""
                name = stem if stem.endswith(extension) else stem + extension
                attachments.append(InboundAttachment(name, content_type, data))
        return attachments

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        config = TwilioConfig.model_validate(channel.config)
        secrets = TwilioSecrets.model_validate(channel.secrets)
        api_base = str(config.api_base).rstrip("/")
        form = {"To": message.recipient, "Body": message.text}
        if config.messaging_service_sid:
            form["MessagingServiceSid"] = config.messaging_service_sid
        else:
            assert config.from_number is not None
            form["From"] = config.from_number
        try:
            response = await http.post(
                f"{api_base}/2010-04-01/Accounts/{config.account_sid}/Messages.json",
                data=form,
                auth=httpx.BasicAuth(config.account_sid, secrets.auth_token),
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(f"Twilio unreachable: {type(exc).__name__}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        body = body if isinstance(body, dict) else {}
        if response.status_code >= 300:
            status = response.status_code
            code = body.get("code")
            reason = f"Twilio answered {status}: {body.get('message') or 'no message'}"
            raise DeliveryError(
                reason + (f" (code {code})" if code else ""),
                permanent=400 <= status < 500 and status != 429,
            )
        sid = body.get("sid")
        return SendResult(external_id=str(sid) if sid else None)
