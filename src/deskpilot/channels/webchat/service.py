"""The widget's rules: which channel a key names, who the visitor is, what they may see and do.

Every public call names the channel by its public key and the visitor by their token; a
visitor reaches only the conversation of their own thread (``identity.thread_key_of``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels.repository import ChannelRepository
from deskpilot.channels.service import channel_by_public_key, list_channels, open_secrets
from deskpilot.channels.webchat.adapter import WebchatChannel, WebchatConfig, visitor_inbound
from deskpilot.channels.webchat.events import (
    message_cursor,
    message_data,
    visible_to_visitor,
    visitor_message,
    visitor_typing,
)
from deskpilot.channels.webchat.identity import (
    Claims,
    is_verified_token,
    new_visitor_token,
    thread_key_of,
    verified_visitor_token,
    verify_claims,
)
from deskpilot.channels.webchat.texts import LABELS
from deskpilot.conversations import service as conversations
from deskpilot.conversations.intake import InboundAttachment, IntakeResult, receive
from deskpilot.customers.service import SenderHandle, resolve_sender
from deskpilot.kit.clock import utcnow
from deskpilot.kit.crypto import new_token
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import Conflict, DeskPilotError, NotFound, PayloadTooLarge
from deskpilot.models import Channel, Conversation, ConversationStatus, Direction, Message
from deskpilot.tickets import handoff as tickets_handoff

HISTORY_LIMIT = 1000
RATING_KIND = "rating"
HANDOFF_NOTE = "The visitor asked to talk to a person."
VISITOR_ASKED = tickets_handoff.HandOff(
    reason='the visitor pressed "Talk to a person" in the web chat',
    summary=HANDOFF_NOTE,
)


class UnsupportedMediaType(DeskPilotError):
    status_code = 415
    code = "unsupported_media_type"


async def widget_channel(session: AsyncSession, public_key: str) -> Channel:
    """The active web chat channel with this public key (any other key is a 404)."""
    channel = await channel_by_public_key(session, public_key)
    if channel.type != WebchatChannel.channel_type:
        raise NotFound("no active channel has this key")
    return channel


def config_of(channel: Channel) -> WebchatConfig:
    return WebchatConfig.model_validate(channel.config)


def origin_allowed(channel: Channel, origin: str | None) -> bool:
    """Whether a page on ``origin`` may use this widget. No ``Origin`` (not a browser page's
    request) is allowed; an empty ``allowed_origins`` allows every page."""
    allowed = config_of(channel).allowed_origins
    if origin is None or not allowed:
        return True
    return origin.rstrip("/").lower() in allowed


def widget_settings(channel: Channel, language: str) -> dict[str, Any]:
    config = config_of(channel)
    return {
        "name": channel.name,
        "language": language,
        "greeting": getattr(config.greeting, language),
        "labels": LABELS[language],
        "primary_colour": config.primary_colour,
        "position": config.position,
        "font_size": config.font_size,
        "max_attachment_bytes": config.max_attachment_bytes,
        "allowed_attachment_types": config.allowed_attachment_types,
    }


@dataclass(frozen=True, slots=True)
class VisitorSession:
    token: str
    verified: bool
    conversation: Conversation | None
    messages: list[dict[str, Any]]
    cursor: str | None


async def start_session(
    session: AsyncSession,
    resources: Resources,
    channel: Channel,
    token: str | None,
    claims: Claims,
    name: str | None,
) -> VisitorSession:
    """Resume the visitor's token (or issue one) and return their history.

    Verified claims give the user's own stable token and link it at once to the customer with
    that identity (by email when the email was signed); unverified claims change nothing, and
    a verified user's token without the claims that made it is replaced by an anonymous one.
    """
    secret = open_secrets(resources.secret_box, channel).get("identity_secret")
    who = verify_claims(secret, claims)
    if who is not None and secret:
        token = verified_visitor_token(secret, channel.id, who)
        await resolve_sender(
            session,
            channel.workspace_id,
            channel.id,
            SenderHandle(token, name, who.email, verified=True),
        )
    elif token is None or is_verified_token(token):
        # A signed-in user's token is used only while the page vouches for them: the next
        # person on a shared computer, signed out, must not see their conversation.
        token = new_visitor_token()
    conversation = await visitor_conversation(session, channel, token)
    messages, cursor = await history(session, channel, token, None)
    return VisitorSession(token, who is not None, conversation, messages, cursor)


async def visitor_conversation(
    session: AsyncSession, channel: Channel, token: str
) -> Conversation | None:
    return await conversations.latest_in_thread(
        session, channel.workspace_id, channel.id, thread_key_of(token)
    )


async def _require_conversation(
    session: AsyncSession, channel: Channel, token: str
) -> Conversation:
    conversation = await visitor_conversation(session, channel, token)
    if conversation is None:
        raise Conflict("the visitor has no conversation yet: send a message first")
    return conversation


async def message_kind(session: AsyncSession, workspace_id: str, message_id: str) -> str | None:
    """What a system message is about (``handoff``, ``rating``), from its ``raw``."""
    message = await conversations.find_message(session, workspace_id, message_id)
    return _kind(message) if message is not None else None


def _kind(message: Message) -> str | None:
    kind = (message.raw or {}).get("kind")
    return str(kind) if kind is not None else None


async def history(
    session: AsyncSession, channel: Channel, token: str, since: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The visitor's messages after ``since`` (a cursor from an earlier answer), and the cursor
    to poll with next (``since`` again when nothing is new)."""
    conversation = await visitor_conversation(session, channel, token)
    if conversation is None:
        return [], since
    seen: list[dict[str, Any]] = []
    cursor = since
    while len(seen) < HISTORY_LIMIT:
        rows, more = await conversations.list_messages(
            session, channel.workspace_id, conversation.id, cursor, 200
        )
        for message in rows:
            data = message_data(message)
            if visible_to_visitor(data):
                seen.append(visitor_message(data, _kind(message)))
        if rows:
            cursor = message_cursor(rows[-1])
        if more is None:
            break
    return seen, cursor


def stored_view(result: IntakeResult) -> dict[str, Any]:
    return visitor_message(message_data(result.message), _kind(result.message))


def _type_allowed(content_type: str, allowed: list[str]) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return any(fnmatch.fnmatchcase(base, pattern.lower()) for pattern in allowed)


def check_attachment(channel: Channel, content_type: str, size: int | None) -> None:
    """415 for a type the channel does not take, 413 for a file over its limit."""
    config = config_of(channel)
    if not _type_allowed(content_type, config.allowed_attachment_types):
        raise UnsupportedMediaType(f"files of type {content_type!r} are not accepted here")
    if size is not None and size > config.max_attachment_bytes:
        raise PayloadTooLarge(f"the file is over {config.max_attachment_bytes} bytes")


async def receive_attachment(
    session: AsyncSession,
    resources: Resources,
    channel: Channel,
    token: str,
    client_id: str,
    attachment: InboundAttachment,
    text: str,
) -> IntakeResult:
    check_attachment(channel, attachment.content_type, len(attachment.data))
    inbound = visitor_inbound(token, client_id, text, attachments=[attachment])
    return await receive(session, resources.bus, resources.files, channel, inbound)


async def ask_for_human(
    session: AsyncSession, resources: Resources, channel: Channel, token: str
) -> dict[str, Any]:
    """ "Talk to a person": the conversation is handed to humans, with a ticket (its open one,
    or a new one), and a system message says so."""
    conversation = await _require_conversation(session, channel, token)
    note = await conversations.hand_to_human(session, resources.bus, conversation, HANDOFF_NOTE)
    await tickets_handoff.hand_off(session, resources.bus, conversation, VISITOR_ASKED)
    return visitor_message(message_data(note), _kind(note))


async def rate(
    session: AsyncSession,
    resources: Resources,
    channel: Channel,
    token: str,
    score: int,
    comment: str | None,
) -> dict[str, Any]:
    """The visitor's satisfaction with a resolved conversation, once per resolution.

    Conversations have no rating column yet (CSAT arrives with tickets), so the rating is a
    system message whose ``raw`` is ``{"kind": "rating", "score", "comment", "resolved_at"}``.
    """
    conversation = await _require_conversation(session, channel, token)
    if conversation.status != ConversationStatus.RESOLVED or conversation.resolved_at is None:
        raise Conflict("a conversation can be rated once it is resolved")
    resolved_at = conversation.resolved_at.isoformat()
    rows, _ = await conversations.list_messages(
        session, channel.workspace_id, conversation.id, None, HISTORY_LIMIT
    )
    for message in rows:
        raw = message.raw or {}
        if raw.get("kind") == RATING_KIND and raw.get("resolved_at") == resolved_at:
            raise Conflict("this conversation was already rated")
    text = f"Rated {score}/5" + (f": {comment}" if comment else "")
    message = await conversations.post_system_message(
        session,
        resources.bus,
        conversation,
        text,
        raw={
            "kind": RATING_KIND,
            "score": score,
            "comment": comment,
            "resolved_at": resolved_at,
            "rated_at": utcnow().isoformat(),
        },
        direction=Direction.INBOUND,
    )
    return visitor_message(message_data(message), RATING_KIND)


async def publish_typing(
    session: AsyncSession, resources: Resources, channel: Channel, token: str, typing: bool
) -> bool:
    """Tell agents the visitor is typing; False when there is no conversation to type in."""
    conversation = await visitor_conversation(session, channel, token)
    if conversation is None:
        return False
    await resources.bus.publish(visitor_typing(channel.workspace_id, conversation.id, typing))
    return True


async def find_attachment(
    session: AsyncSession, resources: Resources, channel: Channel, token: str, attachment_id: str
) -> tuple[dict[str, Any], bytes]:
    """An attachment of a message the visitor can see, and its bytes."""
    conversation = await visitor_conversation(session, channel, token)
    if conversation is not None:
        rows, _ = await conversations.list_messages(
            session, channel.workspace_id, conversation.id, None, HISTORY_LIMIT
        )
        for message in rows:
            if not visible_to_visitor(message_data(message)):
                continue
            for attachment in message.attachments:
                if attachment.get("id") == attachment_id:
                    data = resources.files.read(channel.workspace_id, attachment["path"])
                    return attachment, data
    raise NotFound.of("attachment", attachment_id)


async def webchat_channel_of(session: AsyncSession, workspace_id: str) -> Channel | None:
    """The workspace's first active web chat channel (the demo page shows it)."""
    for channel in await list_channels(session, workspace_id):
        if channel.type == WebchatChannel.channel_type and channel.is_active:
            return channel
    return None


async def ensure_webchat_channel(session: AsyncSession, workspace_id: str, name: str) -> Channel:
    """The workspace's web chat channel, created with default settings and no identity secret
    when it has none (idempotent: ``deskpilot demo`` calls it on every run)."""
    existing = await webchat_channel_of(session, workspace_id)
    if existing is not None:
        return existing
    channel = ChannelRepository(session, workspace_id).add(
        Channel(
            workspace_id=workspace_id,
            type=WebchatChannel.channel_type,
            name=name,
            config=WebchatConfig().model_dump(mode="json", exclude_none=True),
            public_key=new_token(18),
        )
    )
    await session.flush()
    return channel
