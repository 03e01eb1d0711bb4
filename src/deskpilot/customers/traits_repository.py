"""The SQL behind computed traits (customers/traits.py): aggregates over one customer's orders
and inbound messages, and the batches the periodic refresh walks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.models import (
    Channel,
    Conversation,
    Customer,
    Direction,
    Message,
    Order,
    SenderType,
    Workspace,
)

CANCELLED_STATUSES = ("cancelled", "canceled")


@dataclass(frozen=True, slots=True)
class OrderStats:
    count: int
    total: Decimal
    last_at: datetime | None
    last_90d: int  # orders placed in the last 90 days
    previous_90d: int  # orders placed 90 to 180 days ago


@dataclass(frozen=True, slots=True)
class ContactStats:
    last_at: datetime | None
    by_channel_type: dict[str, int]


class TraitsRepository:
    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self.session = session
        self.workspace_id = workspace_id

    async def order_stats(self, customer_id: str, now: datetime) -> OrderStats:
        """Orders of the customer that were not cancelled; an order's time is when it was
        placed, or when DeskPilot learnt of it if the shop gave no time."""
        placed = func.coalesce(Order.placed_at, Order.created_at)
        recent = now - timedelta(days=90)
        older = now - timedelta(days=180)
        query = select(
            func.count(Order.id),
            func.coalesce(func.sum(Order.total), 0),
            func.max(placed),
            func.coalesce(func.sum(case((placed >= recent, 1), else_=0)), 0),
            func.coalesce(func.sum(case(((placed >= older) & (placed < recent), 1), else_=0)), 0),
        ).where(
            Order.workspace_id == self.workspace_id,
            Order.customer_id == customer_id,
            func.lower(Order.status).not_in(CANCELLED_STATUSES),
        )
        count, total, last, last_90d, previous_90d = (await self.session.execute(query)).one()
        return OrderStats(
            count=int(count),
            total=Decimal(str(total)),
            last_at=_aware(last),
            last_90d=int(last_90d),
            previous_90d=int(previous_90d),
        )

    async def contact_stats(self, customer_id: str) -> ContactStats:
        """Inbound messages the customer wrote, in any of their conversations."""
        query = (
            select(Channel.type, func.count(Message.id), func.max(Message.created_at))
            .select_from(Message)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .join(Channel, Channel.id == Message.channel_id)
            .where(
                Message.workspace_id == self.workspace_id,
                Conversation.workspace_id == self.workspace_id,
                Conversation.customer_id == customer_id,
                Message.direction == Direction.INBOUND,
                Message.sender_type == SenderType.CUSTOMER,
                Message.is_private.is_(False),
            )
            .group_by(Channel.type)
        )
        by_type: dict[str, int] = {}
        last: datetime | None = None
        for channel_type, count, newest in await self.session.execute(query):
            by_type[str(channel_type)] = int(count)
            latest = _aware(newest)
            if latest is not None and (last is None or latest > last):
                last = latest
        return ContactStats(last_at=last, by_channel_type=by_type)

    async def customer(self, customer_id: str) -> Customer | None:
        query = select(Customer).where(
            Customer.workspace_id == self.workspace_id, Customer.id == customer_id
        )
        return (await self.session.scalars(query)).one_or_none()

    async def live_customer_ids_after(self, after_id: str | None, limit: int) -> list[str]:
        query = (
            select(Customer.id)
            .where(Customer.workspace_id == self.workspace_id, Customer.merged_into_id.is_(None))
            .order_by(Customer.id)
            .limit(limit)
        )
        if after_id is not None:
            query = query.where(Customer.id > after_id)
        return list((await self.session.scalars(query)).all())


async def workspace_ids(session: AsyncSession) -> list[str]:
    """Every workspace (the periodic refresh starts one sweep per workspace)."""
    return list((await session.scalars(select(Workspace.id).order_by(Workspace.id))).all())


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates (max) lose the column type on SQLite and come back as strings."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
