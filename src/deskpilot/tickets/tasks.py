"""The ticket jobs, and the listener that queues them for messages in conversations.

``on_event`` sees every ``message.created`` inside the transaction that stores the message and
queues a durable ``ticket.message_posted`` job for the ones that can move a ticket (a customer's
message, an agent's public reply): the job exists exactly when the message committed.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import BusEvent, add_transactional_listener
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import JobContext, enqueue
from deskpilot.kit.jobs.registry import default_registry
from deskpilot.tickets import handoff

MESSAGE_POSTED_JOB = "ticket.message_posted"


class MessagePosted(BaseModel):
    message_id: str


def moves_tickets(event: BusEvent) -> bool:
    """A customer's inbound message, or an agent's public reply."""
    if event.name != "message.created" or event.data.get("is_private"):
        return False
    direction, sender = event.data.get("direction"), event.data.get("sender_type")
    return (direction, sender) in (("inbound", "customer"), ("outbound", "agent"))


def on_event(session: AsyncSession, event: BusEvent) -> None:
    """Transactional bus listener: queue ``ticket.message_posted`` for such messages."""
    message_id = event.data.get("id")
    if moves_tickets(event) and isinstance(message_id, str):
        enqueue(
            session,
            MESSAGE_POSTED_JOB,
            MessagePosted(message_id=message_id),
            workspace_id=event.workspace_id,
        )


@default_registry.handler(MESSAGE_POSTED_JOB, MessagePosted)
async def message_posted(ctx: JobContext, payload: MessagePosted) -> None:
    if ctx.workspace_id is not None:
        await handoff.on_message(
            ctx.session, ctx.resource(Resources).bus, ctx.workspace_id, payload.message_id
        )


add_transactional_listener(on_event)
