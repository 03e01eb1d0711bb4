"""Rules for conversations: reading them, assigning, status, labels, replies and notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth.principal import Principal
from deskpilot.auth.users import is_active_member
from deskpilot.conversations.events import conversation_event, message_created, message_event
from deskpilot.conversations.repository import (
    ConversationRepository,
    LabelRepository,
    MessageRepository,
)
from deskpilot.conversations.schemas import ConversationFilter, ConversationUpdate, StatusChange
from deskpilot.kit.bus import Bus, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import InvalidInput, NotFound
from deskpilot.kit.jobs import enqueue
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.kit.storage import FileStore
from deskpilot.models import (
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    HandledBy,
    Message,
    SenderType,
)

SEND_MESSAGE_JOB = "channel.send_message"


class SendMessage(BaseModel):
    """Payload of the outbox job that delivers one outbound message on its channel."""

    message_id: str


@dataclass(frozen=True, slots=True)
class ConversationView:
    conversation: Conversation
    labels: list[str]


async def list_conversations(
    session: AsyncSession,
    workspace_id: str,
    where: ConversationFilter,
    cursor: str | None,
    limit: int,
) -> tuple[list[ConversationView], str | None]:
    after = decode_time_cursor(cursor) if cursor else None
    rows = list(await ConversationRepository(session, workspace_id).page(where, after, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    labels = await LabelRepository(session, workspace_id).of([c.id for c in rows])
    next_cursor = encode_cursor(rows[-1].last_activity_at, rows[-1].id) if more else None
    return [ConversationView(c, labels[c.id]) for c in rows], next_cursor


async def get_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> ConversationView:
    conversation = await ConversationRepository(session, workspace_id).get_or_404(conversation_id)
    labels = await LabelRepository(session, workspace_id).of([conversation.id])
    return ConversationView(conversation, labels[conversation.id])


async def list_messages(
    session: AsyncSession, workspace_id: str, conversation_id: str, cursor: str | None, limit: int
) -> tuple[Sequence[Message], str | None]:
    await ConversationRepository(session, workspace_id).get_or_404(conversation_id)
    after = decode_time_cursor(cursor) if cursor else None
    rows = list(
        await MessageRepository(session, workspace_id).page(conversation_id, after, limit + 1)
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].created_at, rows[-1].id) if more else None


async def _changed(
    session: AsyncSession, bus: Bus, view: ConversationView, name: str
) -> ConversationView:
    view.conversation.updated_at = utcnow()
    await session.flush()
    publish_on_commit(session, bus, conversation_event(name, view.conversation, view.labels))
    return view


async def assign(
    session: AsyncSession,
    bus: Bus,
    principal: Principal,
    conversation_id: str,
    assignee_id: str | None,
) -> ConversationView:
    view = await get_conversation(session, principal.workspace_id, conversation_id)
    if assignee_id is not None and not await is_active_member(
        session, principal.workspace_id, assignee_id
    ):
        raise InvalidInput.field("assignee_id", "is not an active member of this workspace")
    view.conversation.assignee_id = assignee_id
    return await _changed(session, bus, view, "conversation.assigned")


async def change_status(
    session: AsyncSession,
    bus: Bus,
    principal: Principal,
    conversation_id: str,
    change: StatusChange,
) -> ConversationView:
    view = await get_conversation(session, principal.workspace_id, conversation_id)
    conversation = view.conversation
    if change.status == ConversationStatus.SNOOZED:
        if change.snoozed_until is None or change.snoozed_until <= utcnow():
            raise InvalidInput.field("snoozed_until", "snoozing needs a time in the future")
        conversation.snoozed_until = change.snoozed_until
    else:
        conversation.snoozed_until = None
    conversation.resolved_at = utcnow() if change.status == ConversationStatus.RESOLVED else None
    conversation.status = change.status
    return await _changed(session, bus, view, "conversation.status_changed")


async def set_labels(
    session: AsyncSession, bus: Bus, principal: Principal, conversation_id: str, labels: list[str]
) -> ConversationView:
    view = await get_conversation(session, principal.workspace_id, conversation_id)
    await LabelRepository(session, principal.workspace_id).replace(conversation_id, labels)
    return await _changed(
        session, bus, ConversationView(view.conversation, labels), "conversation.updated"
    )


async def update(
    session: AsyncSession,
    bus: Bus,
    principal: Principal,
    conversation_id: str,
    change: ConversationUpdate,
) -> ConversationView:
    view = await get_conversation(session, principal.workspace_id, conversation_id)
    for name, value in change.model_dump(exclude_unset=True).items():
        if name != "team_id" and value is None:
            raise InvalidInput.field(name, "cannot be null")
        setattr(view.conversation, name, value)
    return await _changed(session, bus, view, "conversation.updated")


async def post_message(
    session: AsyncSession,
    bus: Bus,
    principal: Principal,
    conversation_id: str,
    text: str,
    *,
    private: bool,
) -> Message:
    """An agent's reply (queued for delivery on the conversation's channel) or private note."""
    view = await get_conversation(session, principal.workspace_id, conversation_id)
    conversation = view.conversation
    if private:
        return await _post(
            session, bus, conversation, text, SenderType.AGENT, principal.actor, private=True
        )
    conversation.handled_by = HandledBy.HUMAN
    return await _post(session, bus, conversation, text, SenderType.AGENT, principal.actor)


async def post_bot_message(
    session: AsyncSession, bus: Bus, conversation: Conversation, text: str
) -> Message:
    """The bot's reply, queued for delivery on the conversation's channel like an agent's."""
    return await _post(session, bus, conversation, text, SenderType.BOT, None)


async def post_private_note(
    session: AsyncSession, bus: Bus, conversation: Conversation, text: str
) -> Message:
    """A note only agents see, written by DeskPilot (the AI's hand-off summary)."""
    return await _post(session, bus, conversation, text, SenderType.SYSTEM, None, private=True)


async def _post(
    session: AsyncSession,
    bus: Bus,
    conversation: Conversation,
    text: str,
    sender_type: SenderType,
    sender_id: str | None,
    *,
    private: bool = False,
) -> Message:
    """Store an outbound message; unless private, queue it for delivery (the outbox)."""
    message = MessageRepository(session, conversation.workspace_id).add(
        Message(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            channel_id=conversation.channel_id,
            direction=Direction.OUTBOUND,
            sender_type=sender_type,
            sender_id=sender_id,
            text=text,
            is_private=private,
            delivery_status=None if private else DeliveryStatus.QUEUED,
        )
    )
    await session.flush()
    if not private:
        if conversation.first_response_at is None:
            conversation.first_response_at = message.created_at
        conversation.last_activity_at = message.created_at
        enqueue(
            session,
            SEND_MESSAGE_JOB,
            SendMessage(message_id=message.id),
            workspace_id=conversation.workspace_id,
        )
    publish_on_commit(session, bus, message_created(message))
    return message


async def annotate_message(
    session: AsyncSession, bus: Bus, message: Message, annotations: dict[str, Any]
) -> None:
    """Store what the AI understood of a customer message; agents see it at once."""
    message.annotations = annotations
    await session.flush()
    publish_on_commit(session, bus, message_event("message.updated", message))


async def mark_for_humans(session: AsyncSession, bus: Bus, conversation: Conversation) -> None:
    """The bot stops answering this conversation; people take it from here."""
    if conversation.handled_by != HandledBy.HUMAN:
        conversation.handled_by = HandledBy.HUMAN
        labels = (await LabelRepository(session, conversation.workspace_id).of([conversation.id]))[
            conversation.id
        ]
        await _changed(session, bus, ConversationView(conversation, labels), "conversation.updated")


async def customer_texts(
    session: AsyncSession, workspace_id: str, conversation_id: str, before: Message, limit: int
) -> list[str]:
    """The customer's earlier messages in the conversation, oldest first (at most ``limit``)."""
    return await MessageRepository(session, workspace_id).customer_texts_before(
        conversation_id, before.created_at, before.id, limit
    )


async def find_message(session: AsyncSession, workspace_id: str, message_id: str) -> Message | None:
    return await MessageRepository(session, workspace_id).get(message_id)


async def last_inbound_external_id(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> str | None:
    return await MessageRepository(session, workspace_id).last_inbound_external_id(conversation_id)


async def record_delivery(
    session: AsyncSession,
    bus: Bus,
    message: Message,
    status: DeliveryStatus,
    *,
    error: str | None = None,
    external_id: str | None = None,
) -> None:
    """The outbox's verdict on a message, shown to agents as ``message.updated``."""
    message.delivery_status = status
    message.delivery_error = error
    if external_id is not None:
        message.external_id = external_id
    await session.flush()
    publish_on_commit(session, bus, message_event("message.updated", message))


async def latest_in_thread(
    session: AsyncSession, workspace_id: str, channel_id: str, thread_key: str
) -> Conversation | None:
    """The newest conversation of a channel's thread (a widget visitor's conversation)."""
    return await ConversationRepository(session, workspace_id).latest_for_thread(
        channel_id, thread_key
    )


async def post_system_message(
    session: AsyncSession,
    bus: Bus,
    conversation: Conversation,
    text: str,
    *,
    raw: dict[str, object],
    direction: Direction = Direction.OUTBOUND,
) -> Message:
    """A message DeskPilot writes itself (a hand-off notice, a rating): never sent through the
    outbox, visible to agents and, not being private, to the customer's live channel (widget)."""
    message = MessageRepository(session, conversation.workspace_id).add(
        Message(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            channel_id=conversation.channel_id,
            direction=direction,
            sender_type=SenderType.SYSTEM,
            text=text,
            raw=raw,
            delivery_status=DeliveryStatus.RECEIVED if direction == Direction.INBOUND else None,
        )
    )
    await session.flush()
    publish_on_commit(session, bus, message_created(message))
    return message


async def hand_to_human(
    session: AsyncSession, bus: Bus, conversation: Conversation, note: str
) -> Message:
    """The customer asked for a person: the bot stops answering, and a system message says so."""
    await mark_for_humans(session, bus, conversation)
    return await post_system_message(session, bus, conversation, note, raw={"kind": "handoff"})


async def newest_messages(
    session: AsyncSession,
    workspace_id: str,
    conversation_ids: Sequence[str],
    *,
    customer_only: bool = False,
) -> dict[str, Message]:
    """The newest message of each conversation (or its newest customer message), by id."""
    return await MessageRepository(session, workspace_id).newest_per_conversation(
        conversation_ids, customer_only=customer_only
    )


@dataclass(frozen=True, slots=True)
class ChannelActivity:
    last_inbound_at: datetime | None = None
    last_outbound_at: datetime | None = None
    last_outbound_status: str | None = None
    last_outbound_error: str | None = None


async def channel_activity(
    session: AsyncSession, workspace_id: str, channel_ids: Sequence[str]
) -> dict[str, ChannelActivity]:
    """Each channel's last inbound message time and last outbound delivery (a sign of life)."""
    if not channel_ids:
        return {}
    repository = MessageRepository(session, workspace_id)
    last_in = await repository.last_inbound_at(channel_ids)
    last_out = await repository.last_delivery(channel_ids)
    found = {}
    for channel_id in channel_ids:
        out = last_out.get(channel_id)
        found[channel_id] = ChannelActivity(
            last_inbound_at=last_in.get(channel_id),
            last_outbound_at=out.created_at if out else None,
            last_outbound_status=out.delivery_status.value if out and out.delivery_status else None,
            last_outbound_error=out.delivery_error if out else None,
        )
    return found


ATTACHMENT_SEARCH_LIMIT = 500  # messages of a conversation searched for an attachment


async def attachment_of(
    session: AsyncSession,
    files: FileStore,
    workspace_id: str,
    conversation_id: str,
    attachment_id: str,
) -> tuple[dict[str, Any], bytes]:
    """An attachment of a message of the conversation (its metadata and bytes), for agents."""
    await ConversationRepository(session, workspace_id).get_or_404(conversation_id)
    messages = await MessageRepository(session, workspace_id).page(
        conversation_id, None, ATTACHMENT_SEARCH_LIMIT
    )
    for message in messages:
        for attachment in message.attachments:
            if attachment.get("id") == attachment_id:
                return attachment, files.read(workspace_id, attachment["path"])
    raise NotFound.of("attachment", attachment_id)
