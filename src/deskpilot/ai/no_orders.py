"""When an order action is no answer to a request its intent names: the workspace has no orders
at all (a gym, a SaaS product: "I want to cancel my membership", "I deleted our workspace by
accident, can it be restored?" read as a cancellation or a return), or what the customer asks
to cancel is a subscription, a membership, a plan or an account rather than an order. The
knowledge base answers such a request, or people do (docs/ai-engine.md)."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.requests import cancels_a_subscription
from deskpilot.models import Order


async def workspace_has_orders(session: AsyncSession, workspace_id: str) -> bool:
    """Whether the workspace has any order: one EXISTS on the index of (workspace, number)."""
    query = select(exists().where(Order.workspace_id == workspace_id))
    return bool(await session.scalar(query))


async def why_no_order_action(
    session: AsyncSession, workspace_id: str, text: str, action: str | None
) -> str | None:
    """Why a request read as the order action ``action`` is not one (the reason stored with the
    decision), or None when the action flow should run. The words are read first: a
    subscription asked to be cancelled costs no query."""
    if action == "cancel_order" and cancels_a_subscription(text):
        return "what is to be cancelled is a subscription, not an order"
    if not await workspace_has_orders(session, workspace_id):
        return "the workspace has no orders"
    return None
