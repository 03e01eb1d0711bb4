"""Tickets and conversations: an agent makes a ticket from a conversation, the AI's hand-off
makes (or adds to) one, and messages in a linked conversation move its ticket along.

- An agent's public reply in a conversation with an open ticket is the ticket's first response.
- A customer's message moves a ``pending_customer`` ticket back to ``open`` and reopens a
  ``solved`` one (the newest ticket of the conversation); a ``closed`` ticket stays closed, the
  next hand-off or agent makes a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.conversations import service as conversations
from deskpilot.kit.bus import Bus
from deskpilot.kit.errors import Conflict
from deskpilot.models import (
    Conversation,
    Direction,
    Priority,
    SenderType,
    Ticket,
    TicketSource,
    TicketStatus,
    TicketType,
)
from deskpilot.tickets import service
from deskpilot.tickets.repository import TicketRepository
from deskpilot.tickets.schemas import (
    Actor,
    ConversationTicketCreate,
    TicketCreate,
    TicketUpdate,
    reference,
)

SUBJECT_CHARS = 120
DESCRIPTION_CHARS = 20_000
FIRST_MESSAGES = 50  # how far into a conversation its first customer message is looked for
STRONG_NEGATIVE = -0.6  # a sentiment this low makes a hand-off ticket high priority
BOT = Actor("bot")


def subject_of(text: str) -> str:
    """A one-line subject from a message: its first line, shortened on a word boundary."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    if len(line) <= SUBJECT_CHARS:
        return line
    cut = line[: SUBJECT_CHARS - 1].rsplit(" ", 1)[0] or line[: SUBJECT_CHARS - 1]
    return cut.rstrip(" ,.;:") + "…"


async def first_customer_text(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> str | None:
    messages, _ = await conversations.list_messages(
        session, workspace_id, conversation_id, None, FIRST_MESSAGES
    )
    return next(
        (m.text for m in messages if m.sender_type == SenderType.CUSTOMER and m.text.strip()),
        None,
    )


async def _default_subject(session: AsyncSession, conversation: Conversation) -> str:
    if conversation.subject and conversation.subject.strip():
        return subject_of(conversation.subject)
    text = await first_customer_text(session, conversation.workspace_id, conversation.id)
    return subject_of(text) if text else "Conversation with a customer"


async def ticket_from_conversation(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    conversation_id: str,
    data: ConversationTicketCreate,
    actor: Actor,
) -> service.TicketView:
    """An agent's ticket for a conversation; a Conflict naming the open ticket if it has one."""
    conversation = (
        await conversations.get_conversation(session, workspace_id, conversation_id)
    ).conversation
    existing = await service.open_ticket_of_conversation(session, workspace_id, conversation_id)
    if existing is not None:
        raise Conflict(
            f"conversation {conversation_id} already has an open ticket: "
            f"{reference(existing.number)} ({existing.id})"
        )
    given = data.model_dump(exclude_unset=True)
    if not given.get("subject"):
        given["subject"] = await _default_subject(session, conversation)
    create = TicketCreate(**given, conversation_id=conversation_id)
    return await service.create_ticket(
        session, bus, workspace_id, create, actor, TicketSource.AGENT
    )


async def on_message(session: AsyncSession, bus: Bus, workspace_id: str, message_id: str) -> None:
    """What a new message in a conversation does to its tickets (the ``ticket.message_posted``
    job)."""
    message = await conversations.find_message(session, workspace_id, message_id)
    if message is None or message.is_private:
        return
    if message.direction == Direction.OUTBOUND and message.sender_type == SenderType.AGENT:
        ticket = await service.open_ticket_of_conversation(
            session, workspace_id, message.conversation_id
        )
        if ticket is not None:
            await service.record_first_response(
                session,
                bus,
                workspace_id,
                ticket.id,
                _agent(message.sender_id),
                at=message.created_at,
            )
        return
    if message.direction != Direction.INBOUND or message.sender_type != SenderType.CUSTOMER:
        return
    ticket = await _live_ticket(session, workspace_id, message.conversation_id)
    if ticket is None or ticket.status not in (TicketStatus.PENDING_CUSTOMER, TicketStatus.SOLVED):
        return
    await service.update_ticket(
        session,
        bus,
        workspace_id,
        ticket.id,
        TicketUpdate(status=TicketStatus.OPEN),
        Actor("customer", message.sender_id),
        note="The customer wrote again.",
    )


async def _live_ticket(
    session: AsyncSession, workspace_id: str, conversation_id: str
) -> Ticket | None:
    """The conversation's open ticket, else its newest one if it is solved (a customer coming
    back reopens it: the same request); None when there is none, or only a closed one (the next
    hand-off or agent makes a new ticket)."""
    repository = TicketRepository(session, workspace_id)
    ticket = await repository.open_for_conversation(conversation_id)
    if ticket is not None:
        return ticket
    ticket = await repository.newest_for_conversation(conversation_id)
    return ticket if ticket is not None and ticket.status == TicketStatus.SOLVED else None


def _agent(sender_id: str | None) -> Actor:
    """An agent's reply names the user, or the API key it was sent with."""
    if sender_id is not None and sender_id.startswith("key_"):
        return Actor("api_key", sender_id)
    return Actor("user", sender_id)


@dataclass(frozen=True, slots=True)
class HandOff:
    """What the AI knows when it hands a conversation to people."""

    reason: str
    summary: str  # written for the agent: becomes the description, or a private comment
    intent: str | None = None
    urgency: str = "normal"  # low | normal | high | urgent
    sentiment: float | None = None  # -1 .. 1
    language: str | None = None


TYPES = {
    "complaint": TicketType.COMPLAINT,
    "feedback": TicketType.FEEDBACK,
    "suggestion": TicketType.SUGGESTION,
}


def type_for(intent: str | None) -> TicketType:
    """complaint -> complaint, feedback -> feedback, suggestion -> suggestion, else question."""
    return TYPES.get(intent or "", TicketType.QUESTION)


def priority_for(urgency: str, sentiment: float | None) -> Priority:
    if urgency == "urgent":
        return Priority.URGENT
    if urgency == "high" or (sentiment is not None and sentiment <= STRONG_NEGATIVE):
        return Priority.HIGH
    return Priority.NORMAL


@dataclass(frozen=True, slots=True)
class HandedOff:
    view: service.TicketView
    created: bool  # False: the hand-off was added to the conversation's open or solved ticket


async def hand_off(
    session: AsyncSession, bus: Bus, conversation: Conversation, handoff: HandOff
) -> HandedOff:
    """The conversation's open ticket (or its newest ticket, if solved: reopened) with the
    hand-off as a private comment, or a new ticket (source ``handoff``) made from it."""
    workspace_id = conversation.workspace_id
    existing = await _open_or_reopened(session, bus, conversation)
    if existing is not None:
        note = f"Handed off again by the AI: {handoff.reason}\n\n{handoff.summary}"
        await service.add_comment(
            session, bus, workspace_id, existing.id, note[:DESCRIPTION_CHARS], BOT, public=False
        )
        return HandedOff(await service.get_ticket(session, workspace_id, existing.id), False)
    first = await first_customer_text(session, workspace_id, conversation.id)
    subject = subject_of(first) if first else subject_of(handoff.reason) or "Hand-off"
    create = TicketCreate(
        subject=subject,
        conversation_id=conversation.id,
        type=type_for(handoff.intent),
        category=handoff.intent[:100] if handoff.intent else None,
        priority=priority_for(handoff.urgency, handoff.sentiment),
        description=handoff.summary[:DESCRIPTION_CHARS],
        language=handoff.language or conversation.language,
    )
    view = await service.create_ticket(
        session, bus, workspace_id, create, BOT, TicketSource.HANDOFF
    )
    return HandedOff(view, True)


async def _open_or_reopened(
    session: AsyncSession, bus: Bus, conversation: Conversation
) -> Ticket | None:
    """The conversation's open ticket; else its newest one reopened if it is solved (the
    customer wrote again: the same request, not a new one); else None."""
    ticket = await _live_ticket(session, conversation.workspace_id, conversation.id)
    if ticket is None or ticket.status != TicketStatus.SOLVED:
        return ticket
    await service.update_ticket(
        session,
        bus,
        conversation.workspace_id,
        ticket.id,
        TicketUpdate(status=TicketStatus.OPEN),
        BOT,
        note="The customer wrote again and the AI handed the conversation to people.",
    )
    return ticket
