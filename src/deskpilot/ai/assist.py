"""Agent assist: a suggested reply for the customer's last message, with its sources, and the
conversation's summary; and the customer a reply preview speaks for."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai import pipeline
from deskpilot.ai.schemas import Assist, CitationRead, Suggestion
from deskpilot.ai.summary import conversation_summary, latest_customer_texts
from deskpilot.conversations import service as conversations
from deskpilot.customers import service as customers
from deskpilot.customers.identity import normalise_email
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import InvalidInput
from deskpilot.models import IdentityKind

HISTORY_TURNS = 10


async def customer_for_preview(
    session: AsyncSession, workspace_id: str, customer_id: str | None, email: str | None
) -> str | None:
    """The (live) customer a preview is for: by id (404 when not in this workspace), or by
    email (None when nobody has it: the preview then speaks to an unverified stranger)."""
    if customer_id:
        return (await customers.live_customer(session, workspace_id, customer_id)).id
    if email:
        try:
            value = normalise_email(email)
        except ValueError as exc:
            raise InvalidInput.field("email", "is not an email address") from exc
        owner = await customers.owner_of(session, workspace_id, IdentityKind.EMAIL, value)
        return owner.id if owner else None
    return None


async def assist(
    session: AsyncSession, resources: Resources, workspace_id: str, conversation_id: str
) -> Assist:
    view = await conversations.get_conversation(session, workspace_id, conversation_id)
    conversation = view.conversation
    summary = await conversation_summary(session, workspace_id, conversation)
    said = await latest_customer_texts(session, workspace_id, conversation.id, HISTORY_TURNS + 1)
    if not said:
        return Assist(suggestions=[], summary=summary)
    verified = await customers.verified_on_channel(
        session, workspace_id, conversation.customer_id, conversation.channel_id
    )
    result = await pipeline.preview(
        session,
        workspace_id,
        said[-1],
        customer_id=conversation.customer_id if verified else None,
        history=said[-HISTORY_TURNS - 1 : -1],
        resources=resources,
    )
    outcome = result.outcome
    suggestion = Suggestion(
        reply=outcome.reply,
        decision=outcome.decision,
        reason=outcome.reason,
        citations=[
            CitationRead(article_id=c.article_id, version=c.version, title=c.title)
            for c in outcome.citations
        ],
    )
    return Assist(suggestions=[suggestion], summary=summary)
