"""What an agent reads first: why the bot handed off, who the customer is, what they want.

Summaries are extractive (facts from the records and the customer's own last words), so they
work offline and never invent anything.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.conversations import service as conversations
from deskpilot.customers import service as customers
from deskpilot.models import Conversation
from deskpilot.orders import service as orders

RECENT_ORDERS = 3
LAST_MESSAGES = 3
MESSAGE_CHARS = 200


async def conversation_summary(
    session: AsyncSession, workspace_id: str, conversation: Conversation
) -> str:
    """Who the customer is, their recent orders and their last messages."""
    customer = await customers.get_customer(session, workspace_id, conversation.customer_id)
    who = ", ".join(p for p in (customer.name, customer.email, customer.phone) if p) or "unknown"
    lines = [f"Customer: {who}; language: {conversation.language or 'unknown'}"]
    recent, _ = await orders.list_customer_orders(
        session, workspace_id, customer.id, None, RECENT_ORDERS
    )
    if recent:
        lines.append("Recent orders: " + "; ".join(f"{o.external_id} ({o.status})" for o in recent))
    said = await latest_customer_texts(session, workspace_id, conversation.id, LAST_MESSAGES)
    if said:
        lines.append("The customer said:")
        lines.extend(f"- {text[:MESSAGE_CHARS]}" for text in said)
    return "\n".join(lines)


async def latest_customer_texts(
    session: AsyncSession, workspace_id: str, conversation_id: str, limit: int
) -> list[str]:
    """The customer's last ``limit`` non-blank messages, oldest first, however long the
    conversation is (an attachment-only message has no text and is skipped)."""
    newest = (
        await conversations.newest_messages(
            session, workspace_id, [conversation_id], customer_only=True
        )
    ).get(conversation_id)
    if newest is None:
        return []
    texts = [newest.text]
    # blank ones are dropped after the query: ask for enough to still have ``limit`` left
    # in the usual case, without reading the whole conversation
    earlier = await conversations.customer_texts(
        session, workspace_id, conversation_id, newest, limit * 4
    )
    said = [t for t in [*earlier, *texts] if t and t.strip()]
    return said[-limit:]
