"""What the inbox shows of each conversation: one row of plain data, rendered on the server for
the first paint and sent as JSON to the page's script for live updates (the same shape)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.auth import users
from deskpilot.channels import service as channels_service
from deskpilot.conversations import service as conversations_service
from deskpilot.conversations.service import ConversationView
from deskpilot.customers import service as customers_service
from deskpilot.models import Channel, Conversation, Customer, Message, User

PREVIEW_LENGTH = 140


def preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


def sentiment_label(annotations: dict[str, Any] | None) -> str | None:
    sentiment = (annotations or {}).get("sentiment")
    label = sentiment.get("label") if isinstance(sentiment, dict) else None
    return str(label) if label else None


async def rows(
    session: AsyncSession, workspace_id: str, views: Sequence[ConversationView]
) -> list[dict[str, Any]]:
    """One dict per conversation, in the given order (see ``row`` for the keys)."""
    conversations = [v.conversation for v in views]
    ids = [c.id for c in conversations]
    if not ids:
        return []
    newest = await conversations_service.newest_messages(session, workspace_id, ids)
    newest_customer = await conversations_service.newest_messages(
        session, workspace_id, ids, customer_only=True
    )
    customers = await customers_service.customers_by_id(
        session, workspace_id, {c.customer_id for c in conversations}
    )
    channels = {c.id: c for c in await channels_service.list_channels(session, workspace_id)}
    assignees = {user.id: user for _, user in await users.members(session, workspace_id)}
    return [
        row(
            view,
            customers.get(view.conversation.customer_id),
            channels.get(view.conversation.channel_id),
            assignees.get(view.conversation.assignee_id or ""),
            newest.get(view.conversation.id),
            newest_customer.get(view.conversation.id),
        )
        for view in views
    ]


def customer_name(customer: Customer | None) -> str:
    """The name the agent knows the customer by, or "" (the page says "Visitor")."""
    if customer is None:
        return ""
    return customer.name or customer.email or customer.phone or ""


def row(
    view: ConversationView,
    customer: Customer | None,
    channel: Channel | None,
    assignee: User | None,
    last: Message | None,
    last_customer: Message | None,
) -> dict[str, Any]:
    c: Conversation = view.conversation
    annotations = last_customer.annotations if last_customer else None
    return {
        "id": c.id,
        "customer_id": c.customer_id,
        "customer": customer_name(customer),
        "channel_id": c.channel_id,
        "channel": channel.name if channel else "",
        "channel_type": channel.type if channel else "",
        "preview": preview(last.text) if last else "",
        "preview_private": bool(last and last.is_private),
        "intent": (annotations or {}).get("intent"),
        "sentiment": sentiment_label(annotations),
        "language": c.language,
        "status": c.status.value,
        "handled_by": c.handled_by.value,
        "assignee_id": c.assignee_id,
        "assignee": assignee.name if assignee else None,
        "labels": view.labels,
        "last_activity_at": c.last_activity_at.isoformat(),
    }
