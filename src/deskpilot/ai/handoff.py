"""The paperwork of a hand-off, done after the customer has their answer.

When the engine hands a conversation to people, the reply path does only what the customer
and the bot need at once: the notice in the customer's language, and the conversation marked
for humans (so the bot stops answering). Everything for the agent is the ``ai.handoff`` job,
queued in the same transaction (so it cannot be lost): the summary as a private note, and the
conversation's ticket, a new one (whose creation sends the customer its reference and
tracking link) or the open one with the hand-off added (the customer is told its reference).
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.summary import conversation_summary
from deskpilot.ai.texts import say
from deskpilot.ai.turn import Outcome
from deskpilot.ai.understanding.annotate import Understanding
from deskpilot.conversations import service as conversations
from deskpilot.kit.bus import Bus
from deskpilot.kit.errors import NotFound
from deskpilot.kit.jobs import enqueue
from deskpilot.models import Conversation
from deskpilot.tickets import handoff as tickets_handoff
from deskpilot.tickets.schemas import reference

HANDOFF_JOB = "ai.handoff"


class HandOffJob(BaseModel):
    """What the engine knew when it handed off, for the summary and the ticket."""

    conversation_id: str
    reason: str
    intent: str | None = None
    confidence: float = 0.0
    sentiment: float = 0.0
    sentiment_label: str = "neutral"
    urgency: str = "normal"
    language: str | None = None


def queue_handoff(
    session: AsyncSession, conversation: Conversation, outcome: Outcome, understood: Understanding
) -> None:
    """Queue the hand-off's paperwork in the reply's transaction."""
    job = HandOffJob(
        conversation_id=conversation.id,
        reason=outcome.reason,
        intent=understood.intent,
        confidence=understood.confidence,
        sentiment=understood.sentiment.score,
        sentiment_label=understood.sentiment.label,
        urgency=understood.urgency.level,
        language=conversation.language or understood.language,
    )
    enqueue(session, HANDOFF_JOB, job, workspace_id=conversation.workspace_id)


async def handoff_summary(
    session: AsyncSession, workspace_id: str, conversation: Conversation, job: HandOffJob
) -> str:
    """Why the bot handed off and what it understood, then who the customer is."""
    head = [
        f"Handed off by the AI: {job.reason}.",
        f"Intent: {job.intent or 'out of scope'} ({job.confidence:.2f}); sentiment: "
        f"{job.sentiment_label} ({job.sentiment:.2f}); urgency: {job.urgency}.",
    ]
    return "\n".join([*head, await conversation_summary(session, workspace_id, conversation)])


async def follow_up(session: AsyncSession, bus: Bus, workspace_id: str, job: HandOffJob) -> None:
    """The summary for the agent and the conversation's ticket (the ``ai.handoff`` job)."""
    try:
        view = await conversations.get_conversation(session, workspace_id, job.conversation_id)
    except NotFound:
        return  # erased since
    conversation = view.conversation
    summary = await handoff_summary(session, workspace_id, conversation, job)
    handoff = tickets_handoff.HandOff(
        reason=job.reason,
        summary=summary,
        intent=job.intent,
        urgency=job.urgency,
        sentiment=job.sentiment,
        language=job.language,
    )
    handed = await tickets_handoff.hand_off(session, bus, conversation, handoff)
    await conversations.post_private_note(session, bus, conversation, summary)
    if not handed.created:
        # a new ticket sends its own reference and tracking link; an existing one is named here
        language = job.language or conversation.language or "en"
        text = say("handoff.ticket", language, reference=reference(handed.view.ticket.number))
        await conversations.post_bot_message(session, bus, conversation, text)
