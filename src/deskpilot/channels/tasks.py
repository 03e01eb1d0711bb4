"""The outbox: one job per outbound message, retried with backoff, finally shown as failed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.channels.base import (
    ChannelAdapter,
    ChannelContext,
    DeliveryError,
    OutboundAttachment,
    OutboundMessage,
)
from deskpilot.channels.registry import get_adapter
from deskpilot.channels.service import context_for, get_channel
from deskpilot.conversations import service as conversations
from deskpilot.conversations.service import SEND_MESSAGE_JOB, SendMessage
from deskpilot.customers.service import channel_handle_of
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs.registry import JobContext, default_registry
from deskpilot.models import DeliveryStatus, Message


async def _queued_message(
    session: AsyncSession, workspace_id: str | None, message_id: str
) -> Message | None:
    if workspace_id is None:
        return None
    message = await conversations.find_message(session, workspace_id, message_id)
    if message is None or message.delivery_status != DeliveryStatus.QUEUED:
        return None  # deleted, or already sent by an earlier run: nothing to do
    return message


async def _mark_failed(ctx: JobContext, payload: SendMessage, error: str) -> None:
    resources = ctx.resource(Resources)
    message = await _queued_message(ctx.session, ctx.workspace_id, payload.message_id)
    if message is not None:
        await conversations.record_delivery(
            ctx.session, resources.bus, message, DeliveryStatus.FAILED, error=error
        )


@dataclass(frozen=True, slots=True)
class _Prepared:
    adapter: ChannelAdapter
    context: ChannelContext
    outbound: OutboundMessage


async def _prepare(
    session: AsyncSession, resources: Resources, message: Message
) -> _Prepared | str:
    """Everything the send needs, read up front; or why it cannot be sent at all."""
    conversation = (
        await conversations.get_conversation(session, message.workspace_id, message.conversation_id)
    ).conversation
    channel = await get_channel(session, message.workspace_id, message.channel_id)
    recipient = await channel_handle_of(
        session, message.workspace_id, conversation.customer_id, channel.id
    )
    if recipient is None:
        return "the customer has no address on this channel"
    outbound = OutboundMessage(
        message_id=message.id,
        conversation_id=conversation.id,
        recipient=recipient,
        text=message.text,
        thread_key=conversation.thread_key,
        subject=conversation.subject,
        reply_to_external_id=await conversations.last_inbound_external_id(
            session, message.workspace_id, conversation.id
        ),
        attachments=[
            OutboundAttachment(
                a["filename"],
                a["content_type"],
                resources.files.read(message.workspace_id, a["path"]),
            )
            for a in message.attachments
        ],
    )
    return _Prepared(
        get_adapter(channel.type), context_for(resources.secret_box, channel), outbound
    )


@default_registry.handler(SEND_MESSAGE_JOB, SendMessage, on_give_up=_mark_failed)
async def send_message(ctx: JobContext, payload: SendMessage) -> None:
    """Read in a short transaction of its own, call the channel with no transaction open (on
    SQLite an open transaction would hold the write lock for the whole call), then record the
    outcome through the job's session, which commits with the job's success."""
    resources = ctx.resource(Resources)
    async with resources.database.transaction() as session:
        message = await _queued_message(session, ctx.workspace_id, payload.message_id)
        prepared = await _prepare(session, resources, message) if message else None
    if prepared is None:
        return
    outcome: tuple[DeliveryStatus, str | None, str | None]
    if isinstance(prepared, str):
        outcome = (DeliveryStatus.FAILED, prepared, None)
    else:
        try:
            result = await prepared.adapter.send(
                prepared.context, prepared.outbound, resources.http
            )
        except DeliveryError as exc:
            if not exc.permanent:
                raise  # the worker retries with backoff, then calls _mark_failed
            outcome = (DeliveryStatus.FAILED, exc.reason, None)
        else:
            outcome = (DeliveryStatus.SENT, None, result.external_id)
    message = await _queued_message(ctx.session, ctx.workspace_id, payload.message_id)
    if message is None:
        return
    status, error, external_id = outcome
    if status == DeliveryStatus.SENT:
        message.sent_at = utcnow()
    await conversations.record_delivery(
        ctx.session, resources.bus, message, status, error=error, external_id=external_id
    )
