"""Reading orders. Imports write them (deskpilot.imports); the 360 and the AI read them here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers.service import get_customer
from deskpilot.kit.pagination import decode_time_cursor, encode_cursor
from deskpilot.models import Order
from deskpilot.orders.repository import OrderRepository


async def get_order(session: AsyncSession, workspace_id: str, order_id: str) -> Order:
    return await OrderRepository(session, workspace_id).get_or_404(order_id)


async def list_customer_orders(
    session: AsyncSession, workspace_id: str, customer_id: str, cursor: str | None, limit: int
) -> tuple[Sequence[Order], str | None]:
    """A page of the customer's orders, newest first, and the cursor of the next page."""
    await get_customer(session, workspace_id, customer_id)  # 404 for another workspace's
    after = decode_time_cursor(cursor) if cursor else None
    orders = await OrderRepository(session, workspace_id).of_customer(customer_id, after, limit + 1)
    page = list(orders[:limit])
    next_cursor = None
    if len(orders) > limit:
        last = page[-1]
        next_cursor = encode_cursor(last.placed_at or last.created_at, last.id)
    return page, next_cursor
