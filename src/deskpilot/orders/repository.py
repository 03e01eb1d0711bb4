from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from deskpilot.kit.repository import WorkspaceRepository
from deskpilot.models import Order


class OrderRepository(WorkspaceRepository[Order]):
    model = Order
    label = "order"

    async def of_customer(
        self, customer_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> Sequence[Order]:
        """Newest first by when placed (when recorded, for orders without a time)."""
        moment = func.coalesce(Order.placed_at, Order.created_at)
        query = self.select().where(Order.customer_id == customer_id)
        if after is not None:
            stamp, last_id = after
            query = query.where(or_(moment < stamp, and_(moment == stamp, Order.id < last_id)))
        return await self.all(query.order_by(moment.desc(), Order.id.desc()).limit(limit))

    async def by_external_ids(self, external_ids: Sequence[str]) -> Sequence[Order]:
        if not external_ids:
            return []
        return await self.all(self.select().where(Order.external_id.in_(list(external_ids))))

    async def any_external_id(self) -> str | None:
        """The order number of one of the workspace's orders (no sort: any shows its shape), or
        None when it has none."""
        query = select(Order.external_id).where(Order.workspace_id == self.workspace_id).limit(1)
        return await self.session.scalar(query)

    async def recent_items(self, limit: int) -> list[list[dict[str, object]]]:
        """The item lists of the workspace's ``limit`` newest orders."""
        moment = func.coalesce(Order.placed_at, Order.created_at)
        query = (
            select(Order.items)
            .where(Order.workspace_id == self.workspace_id)
            .order_by(moment.desc())
            .limit(limit)
        )
        return [list(items or []) for items in await self.session.scalars(query)]
