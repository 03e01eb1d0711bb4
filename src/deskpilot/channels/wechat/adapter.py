"""WeChat Official Account (公众号) in plaintext mode.

Inbound: the platform calls the channel's webhook with ``signature``, ``timestamp`` and ``nonce``
in the query, where ``signature = sha1(sorted(token, timestamp, nonce) joined)``. A GET is the
server verification (answer ``echostr``); a POST carries one XML message. Each message is stored
under its ``MsgId`` and the platform gets ``success`` so that it does not retry. Pictures (and
voice recordings) are downloaded, from ``PicUrl`` or through the media API. Events (subscribe,
unsubscribe, menu clicks...) store nothing.

Outbound: customer-service messages (``/cgi-bin/message/custom/send``), which WeChat accepts up
to 48 hours after the customer last wrote. Passive replies (an XML answer to the webhook itself)
are not used: a reply written by an agent or the AI pipeline comes later than the 5 seconds the
platform waits.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import ClassVar
from xml.etree.ElementTree import Element, ParseError

import httpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from pydantic import BaseModel, Field, HttpUrl

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
from deskpilot.channels.wechat.client import (
    AccessTokens,
    Credentials,
    Media,
    MediaTooLarge,
    WeChatApiError,
    download,
    download_media,
    send_text,
)
from deskpilot.conversations.intake import InboundAttachment, InboundMessage
from deskpilot.customers.service import SenderHandle
from deskpilot.kit.errors import BadRequest, PayloadTooLarge, Unauthorized

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://api.weixin.qq.com"
DOWNLOAD_TIMEOUT_SECONDS = 4.0  # the platform waits 5 s for the webhook's answer
SUCCESS = ChannelResponse(200, b"success", "text/plain")


class WeChatConfig(BaseModel):
    app_id: str = Field(
        "", max_length=64, description="AppID (开发者ID): needed to send and to download media."
    )
    api_base: HttpUrl = Field(
        HttpUrl(DEFAULT_API_BASE), description="The WeChat API's base URL (for tests, proxies)."
    )


class WeChatSecrets(BaseModel):
    token: str = Field(
        min_length=3,
        max_length=32,
        pattern=r"^[A-Za-z0-9]+$",
        description="The Token (令牌) of the server configuration: checks webhook signatures.",
    )
    app_secret: str = Field(
        "", max_length=128, description="AppSecret (开发者密码): needed to send and download."
    )


def query_signature(token: str, timestamp: str, nonce: str) -> str:
    """The ``signature`` WeChat puts in the query of every webhook call."""
    joined = "".join(sorted((token, timestamp, nonce))).encode()
    return hashlib.sha1(joined).hexdigest()  # noqa: S324 (SHA-1 is the platform's scheme)


def _verify(channel: ChannelContext, query: Mapping[str, str]) -> None:
    token = channel.secrets.get("token", "")
    sent = query.get("signature", "")
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not (token and sent and timestamp and nonce):
        raise Unauthorized("the WeChat signature is missing")
    if not hmac.compare_digest(query_signature(token, timestamp, nonce), sent.lower()):
        raise Unauthorized("the WeChat signature does not match")


def _fields(body: bytes) -> dict[str, str]:
    """The message's fields (``<xml><ToUserName>...``), refusing entities and DTDs."""
    try:
        root: Element = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise BadRequest(f"the body is not acceptable XML: {exc}") from None
    if root.tag != "xml":
        raise BadRequest("the body is not a WeChat message (<xml> expected)")
    return {child.tag: (child.text or "").strip() for child in root}


def _credentials(channel: ChannelContext) -> tuple[WeChatConfig, Credentials | None]:
    config = WeChatConfig.model_validate(channel.config)
    app_secret = channel.secrets.get("app_secret", "")
    if not config.app_id or not app_secret:
        return config, None
    return config, Credentials(
        channel.id, str(config.api_base).rstrip("/"), config.app_id, app_secret
    )


class WeChatChannel:
    channel_type: ClassVar[str] = "wechat"
    display_name: ClassVar[str] = "WeChat Official Account"
    config_model: ClassVar[type[BaseModel]] = WeChatConfig
    secrets_model: ClassVar[type[BaseModel]] = WeChatSecrets
    max_attachment_bytes: ClassVar[int] = DEFAULT_MAX_ATTACHMENT_BYTES

    def __init__(self) -> None:
        self.tokens = AccessTokens()

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        _verify(channel, request.query)
        if request.method == "GET":
            echo = request.query.get("echostr")
            if echo is None:
                raise BadRequest("a verification request needs echostr")
            return InboundResult(response=ChannelResponse(200, echo.encode(), "text/plain"))
        fields = _fields(request.body)
        kind = fields.get("MsgType", "")
        if not kind and "Encrypt" in fields:
            raise BadRequest("encrypted (safe) mode is not supported: choose plaintext mode")
        if not kind:
            raise BadRequest("the message has no MsgType")
        if kind == "event":
            return InboundResult(response=SUCCESS)  # subscribe, unsubscribe, menu clicks...
        openid = fields.get("FromUserName", "")
        if not openid:
            raise BadRequest("the message has no FromUserName")
        text, attachments = await self._content(channel, kind, fields)
        message = InboundMessage(
            sender=SenderHandle(external_id=openid, verified=True),
            text=text,
            # Messages without a MsgId are told apart by sender and time, as WeChat suggests.
            external_id=fields.get("MsgId") or f"{openid}:{fields.get('CreateTime', '')}",
            attachments=attachments,
            sent_at=_sent_at(fields.get("CreateTime", "")),
            raw=dict(fields),
        )
        return InboundResult(messages=[message], response=SUCCESS)

    async def _content(
        self, channel: ChannelContext, kind: str, fields: dict[str, str]
    ) -> tuple[str, list[InboundAttachment]]:
        if kind == "text":
            return fields.get("Content", ""), []
        if kind == "image":
            media = await self._picture(channel, fields)
            if isinstance(media, str):
                return f"[picture not downloaded: {media}]", []
            stem = fields.get("MediaId") or fields.get("MsgId") or "picture"
            return "", [InboundAttachment(media.filename(stem), media.content_type, media.data)]
        if kind == "voice":
            text = fields.get("Recognition", "")
            media = await self._media(channel, fields.get("MediaId", ""))
            if isinstance(media, str):
                return text or f"[voice message not downloaded: {media}]", []
            stem = fields.get("MediaId") or "voice"
            name = f"{stem}.{fields.get('Format', 'amr').lower() or 'amr'}"
            return text, [InboundAttachment(name, media.content_type, media.data)]
        if kind == "location":
            where = f"{fields.get('Location_X', '')}, {fields.get('Location_Y', '')}"
            label = fields.get("Label", "")
            return f"[location] {label} ({where})".replace("  ", " "), []
        if kind == "link":
            parts = (fields.get("Title"), fields.get("Description"), fields.get("Url"))
            return "\n".join(p for p in parts if p), []
        return f"[{kind} message: not supported, open it in the WeChat admin]", []

    async def _picture(self, channel: ChannelContext, fields: dict[str, str]) -> Media | str:
        """The picture from ``PicUrl``, else through the media API; or why neither worked."""
        reasons = []
        url = fields.get("PicUrl", "")
        if url.startswith(("http://", "https://")):
            try:
                async with httpx.AsyncClient(
                    timeout=DOWNLOAD_TIMEOUT_SECONDS, follow_redirects=True
                ) as http:
                    return await download(http, url, self.max_attachment_bytes)
            except MediaTooLarge as exc:
                raise PayloadTooLarge(str(exc)) from None
            except WeChatApiError as exc:
                reasons.append(f"PicUrl: {exc}")
        media = await self._media(channel, fields.get("MediaId", ""))
        if isinstance(media, str):
            return "; ".join([*reasons, media])
        return media

    async def _media(self, channel: ChannelContext, media_id: str) -> Media | str:
        if not media_id:
            return "no MediaId"
        _, credentials = _credentials(channel)
        if credentials is None:
            return "the channel has no app_id and app_secret"
        try:
            async with httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT_SECONDS) as http:
                return await download_media(
                    http, self.tokens, credentials, media_id, self.max_attachment_bytes
                )
        except MediaTooLarge as exc:
            raise PayloadTooLarge(str(exc)) from None
        except WeChatApiError as exc:
            log.warning("WeChat media %s of channel %s: %s", media_id, channel.id, exc)
            return f"media API: {exc}"

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        _, credentials = _credentials(channel)
        if credentials is None:
            raise DeliveryError(
                "the channel has no app_id and app_secret: set them to send", permanent=True
            )
        if not message.text.strip():
            raise DeliveryError("WeChat cannot send an empty text", permanent=True)
        try:
            msgid = await send_text(http, self.tokens, credentials, message.recipient, message.text)
        except WeChatApiError as exc:
            raise exc.delivery_error("WeChat did not take the message") from exc
        return SendResult(external_id=msgid)


def _sent_at(create_time: str) -> datetime | None:
    if not create_time.isdigit():
        return None
    return datetime.fromtimestamp(int(create_time), UTC)
