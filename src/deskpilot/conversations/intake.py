"""Intake: turn a channel's ``InboundMessage`` into a stored message in the right conversation.

The message is written in the caller's transaction, so a channel gets its 2xx only once the
message is saved. A repeated delivery (same channel and external id) stores nothing new.
Threading, in order: a reply to a known message (email In-Reply-To), the channel's thread key
(a chat id, an email thread), then the customer's open conversation on the channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.conversations.events import conversation_event, message_created
from deskpilot.conversations.repository import (
    ConversationRepository,
    MessageRepository,
)
from deskpilot.conversations.schemas import MESSAGE_RECEIVED_JOB, MessageReceived
from deskpilot.customers.service import SenderHandle, resolve_sender
from deskpilot.kit.bus import Bus, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.jobs import enqueue
from deskpilot.kit.storage import FileStore
from deskpilot.knowledge.retrieval.embeddings import embed_ahead
from deskpilot.models import (
    Channel,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Message,
    SenderType,
)


@dataclass(frozen=True, slots=True)
class InboundAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One customer message as a channel adapter hands it to intake."""

    sender: SenderHandle
    text: str
    external_id: str | None = None
    attachments: list[InboundAttachment] = field(default_factory=list)
    thread_key: str | None = None
    reply_to_external_ids: list[str] = field(default_factory=list)
    subject: str | None = None
    language: str | None = None
    sent_at: datetime | None = None
    raw: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class IntakeResult:
    message: Message
    conversation: Conversation
    created: bool  # False: a repeated delivery, nothing was stored


async def receive(
    session: AsyncSession,
    bus: Bus,
    files: FileStore,
    channel: Channel,
    inbound: InboundMessage,
    *,
    default_region: str | None = None,
) -> IntakeResult:
    workspace_id = channel.workspace_id
    messages = MessageRepository(session, workspace_id)
    if inbound.external_id:
        existing = await messages.by_external_id(channel.id, inbound.external_id, Direction.INBOUND)
        if existing is not None:
            return await _repeated(session, existing)
    embed_ahead(inbound.text)  # the AI reads it next: its embedding starts while we store it
    customer = await resolve_sender(
        session, workspace_id, channel.id, inbound.sender, default_region=default_region
    )
    conversation, opened = await _thread(session, channel, customer.id, inbound)
    stored = [
        files.save(workspace_id, a.filename, a.content_type, a.data).as_dict()
        for a in inbound.attachments
    ]
    message = Message(
        workspace_id=workspace_id,
        conversation_id=conversation.id,
        channel_id=channel.id,
        direction=Direction.INBOUND,
        sender_type=SenderType.CUSTOMER,
        sender_id=customer.id,
        text=inbound.text,
        attachments=stored,
        external_id=inbound.external_id,
        delivery_status=DeliveryStatus.RECEIVED,
        raw=inbound.raw,
    )
    try:
        async with session.begin_nested():
            messages.add(message)
    except IntegrityError:  # the same delivery, stored by a concurrent request just now
        assert inbound.external_id is not None
        existing = await messages.by_external_id(channel.id, inbound.external_id, Direction.INBOUND)
        assert existing is not None
        return await _repeated(session, existing)
    conversation.last_activity_at = message.created_at
    if conversation.status != ConversationStatus.OPEN:
        conversation.status = ConversationStatus.OPEN
        conversation.snoozed_until = None
        conversation.resolved_at = None
    await session.flush()
    if opened:  # a conversation intake just opened has no labels yet
        publish_on_commit(
            session, bus, conversation_event("conversation.created", conversation, [])
        )
    publish_on_commit(session, bus, message_created(message))
    enqueue(
        session,
        MESSAGE_RECEIVED_JOB,
        MessageReceived(message_id=message.id),
        workspace_id=workspace_id,
    )
    return IntakeResult(message, conversation, created=True)


async def _repeated(session: AsyncSession, message: Message) -> IntakeResult:
    conversation = await ConversationRepository(session, message.workspace_id).get_or_404(
        message.conversation_id
    )
    return IntakeResult(message, conversation, created=False)


async def _thread(
    session: AsyncSession, channel: Channel, customer_id: str, inbound: InboundMessage
) -> tuple[Conversation, bool]:
    conversations = ConversationRepository(session, channel.workspace_id)
    messages = MessageRepository(session, channel.workspace_id)
    for external_id in inbound.reply_to_external_ids:
        earlier = await messages.by_external_id(channel.id, external_id)
        if earlier is not None:
            return await conversations.get_or_404(earlier.conversation_id), False
    found: Conversation | None = None
    if inbound.thread_key:
        found = await conversations.latest_for_thread(channel.id, inbound.thread_key)
    else:
        found = await conversations.latest_open_for_customer(channel.id, customer_id)
    if found is not None:
        return found, False
    conversation = conversations.add(
        Conversation(
            workspace_id=channel.workspace_id,
            channel_id=channel.id,
            customer_id=customer_id,
            thread_key=inbound.thread_key,
            subject=inbound.subject,
            language=inbound.language,
            last_activity_at=utcnow(),
        )
    )
    await session.flush()
    return conversation, True
