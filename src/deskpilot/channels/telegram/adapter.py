"""Telegram channel: Bot API webhook updates in, ``sendMessage`` out.

Telegram proves a webhook is its own with the ``X-Telegram-Bot-Api-Secret-Token`` header, set to
the ``secret_token`` given to ``setWebhook``. One chat is one thread: the chat id is the thread
key and the sender's external id (replies go to the chat). Photos and files are fetched with
``getFile`` and downloaded while the update is handled, so they are stored with the message.
Edited messages, channel posts, button callbacks and service messages (members joining...) are
acknowledged and not stored: Telegram would otherwise deliver them again and again.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import posixpath
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from deskpilot.channels.base import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    ChannelContext,
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
from deskpilot.kit.errors import BadRequest, PayloadTooLarge, Unauthorized

SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - a header name
DEFAULT_API_BASE = "https://api.telegram.org"
# Kinds of message Telegram sends as a file to fetch, in the order they are looked at.
FILE_KINDS = ("document", "audio", "video", "voice", "video_note", "animation")
# Kinds with nothing to fetch: stored as a marker, so the agent sees that something came.
MARKER_KINDS = ("sticker", "location", "venue", "contact", "poll", "dice")


class TelegramConfig(BaseModel):
    api_base: HttpUrl = Field(
        HttpUrl(DEFAULT_API_BASE),
        description="Bot API server (a local Bot API server, or a test stand-in).",
    )


class TelegramSecrets(BaseModel):
    bot_token: str = Field(min_length=1, max_length=200, description="From @BotFather.")
    webhook_secret: str = Field(
        default_factory=lambda: new_token(24),
        pattern=r"^[A-Za-z0-9_-]{1,256}$",
        description="The secret_token given to setWebhook. Generated when not given.",
    )


class _Incoming(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class TgUser(_Incoming):
    id: int
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None


class TgChat(_Incoming):
    id: int
    type: str = "private"


class TgFile(_Incoming):
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None


class TgReplied(_Incoming):
    message_id: int


class TgMessage(_Incoming):
    message_id: int
    date: int
    chat: TgChat
    sender: TgUser | None = Field(None, alias="from")
    text: str | None = None
    caption: str | None = None
    photo: list[TgFile] | None = None
    document: TgFile | None = None
    audio: TgFile | None = None
    video: TgFile | None = None
    voice: TgFile | None = None
    video_note: TgFile | None = None
    animation: TgFile | None = None
    reply_to_message: TgReplied | None = None


class TgUpdate(_Incoming):
    update_id: int
    message: TgMessage | None = None


def _settings(channel: ChannelContext) -> tuple[str, TelegramSecrets]:
    config = TelegramConfig.model_validate(channel.config)
    return str(config.api_base).rstrip("/"), TelegramSecrets.model_validate(channel.secrets)


def _name(user: TgUser | None) -> str | None:
    if user is None:
        return None
    full = " ".join(p for p in (user.first_name, user.last_name) if p).strip()
    return full or user.username


def _files(message: TgMessage) -> list[tuple[str, TgFile]]:
    found: list[tuple[str, TgFile]] = []
    if message.photo:  # the same picture in several sizes: the largest is the last
        found.append(("photo", message.photo[-1]))
    for kind in FILE_KINDS:
        item = getattr(message, kind)
        if isinstance(item, TgFile):
            found.append((kind, item))
    return found


def _marker(raw: dict[str, Any]) -> str | None:
    for kind in MARKER_KINDS:
        value = raw.get(kind)
        if value is None:
            continue
        if kind == "sticker" and isinstance(value, dict) and value.get("emoji"):
            return f"[sticker {value['emoji']}]"
        if kind == "location" and isinstance(value, dict):
            return f"[location {value.get('latitude')},{value.get('longitude')}]"
        return f"[{kind}]"
    return None


class TelegramChannel:
    channel_type: ClassVar[str] = "telegram"
    display_name: ClassVar[str] = "Telegram"
    config_model: ClassVar[type[BaseModel]] = TelegramConfig
    secrets_model: ClassVar[type[BaseModel]] = TelegramSecrets
    max_attachment_bytes: ClassVar[int] = DEFAULT_MAX_ATTACHMENT_BYTES

    async def parse_inbound(
        self, channel: ChannelContext, request: InboundRequest
    ) -> InboundResult:
        api_base, secrets = _settings(channel)
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secrets.webhook_secret.encode()):
            raise Unauthorized("the Telegram secret token is missing or wrong")
        if request.method != "POST":
            raise BadRequest("Telegram delivers updates by POST")
        try:
            raw = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("the body is not JSON") from None
        try:
            update = TgUpdate.model_validate(raw)
        except ValidationError as exc:
            where = ".".join(str(p) for p in exc.errors()[0]["loc"])
            raise BadRequest(f"not a Telegram update: {where}: {exc.errors()[0]['msg']}") from None
        message = update.message
        if message is None:  # edited_message, channel_post, callback_query...: not stored
            return InboundResult()
        raw_message: dict[str, Any] = raw["message"]
        text = message.text or message.caption or ""
        files = _files(message)
        if not text and not files:
            marker = _marker(raw_message)
            if marker is None:  # a service message (someone joined, the title changed...)
                return InboundResult()
            text = marker
        attachments = await self._fetch(api_base, secrets.bot_token, files) if files else []
        chat_id = str(message.chat.id)
        replied = message.reply_to_message
        return InboundResult(
            messages=[
                InboundMessage(
                    sender=SenderHandle(chat_id, _name(message.sender), verified=True),
                    text=text,
                    external_id=f"{chat_id}:{message.message_id}",
                    attachments=attachments,
                    thread_key=chat_id,
                    reply_to_external_ids=[f"{chat_id}:{replied.message_id}"] if replied else [],
                    sent_at=datetime.fromtimestamp(message.date, UTC),
                    raw=raw,
                )
            ]
        )

    async def _fetch(
        self, api_base: str, token: str, files: list[tuple[str, TgFile]]
    ) -> list[InboundAttachment]:
        limit = self.max_attachment_bytes
        for kind, item in files:  # refuse before fetching anything when Telegram says it is big
            if item.file_size is not None and item.file_size > limit:
                raise PayloadTooLarge(f"the {kind} is over {limit} bytes")
        attachments = []
        async with media_client() as http:
            for kind, item in files:
                try:
                    answer = await http.get(
                        f"{api_base}/bot{token}/getFile", params={"file_id": item.file_id}
                    )
                    described = answer.json()
                except (httpx.HTTPError, ValueError) as exc:
                    raise MediaUnavailable(f"getFile for the {kind} failed") from exc
                if not isinstance(described, dict):
                    described = {}
                result = described.get("result")
                path = result.get("file_path") if isinstance(result, dict) else None
                if not described.get("ok") or not isinstance(path, str):
                    raise MediaUnavailable(
                        f"getFile for the {kind} failed: {described.get('description')}"
                    )
                data, served_type = await download(
                    http, f"{api_base}/file/bot{token}/{path}", limit=limit, what=f"the {kind}"
                )
                filename = item.file_name or posixpath.basename(path) or kind
                content_type = (
                    item.mime_type
                    or mimetypes.guess_type(filename)[0]
                    or ("image/jpeg" if kind == "photo" else served_type)
                    or "application/octet-stream"
                )
                attachments.append(InboundAttachment(filename, content_type, data))
        return attachments

    async def send(
        self, channel: ChannelContext, message: OutboundMessage, http: httpx.AsyncClient
    ) -> SendResult:
        api_base, secrets = _settings(channel)
        chat_id: int | str = (
            int(message.recipient) if _is_int(message.recipient) else message.recipient
        )
        payload: dict[str, Any] = {"chat_id": chat_id, "text": message.text}
        replied_chat, _, replied_id = (message.reply_to_external_id or "").rpartition(":")
        if replied_chat == message.recipient and replied_id.isdigit():
            payload["reply_to_message_id"] = int(replied_id)
            payload["allow_sending_without_reply"] = True  # the message may have been deleted
        try:
            response = await http.post(
                f"{api_base}/bot{secrets.bot_token}/sendMessage", json=payload
            )
        except httpx.HTTPError as exc:  # never the exception's text: the URL holds the token
            raise DeliveryError(f"Telegram unreachable: {type(exc).__name__}") from exc
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        if response.status_code >= 300 or not body.get("ok"):
            status = response.status_code
            permanent = 400 <= status < 500 and status != 429
            description = body.get("description") or "no description"
            raise DeliveryError(f"Telegram answered {status}: {description}", permanent=permanent)
        sent = body.get("result") or {}
        message_id = sent.get("message_id") if isinstance(sent, dict) else None
        return SendResult(external_id=f"{message.recipient}:{message_id}" if message_id else None)


def _is_int(value: str) -> bool:
    return value.lstrip("-").isdigit()
