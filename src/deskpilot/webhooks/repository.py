from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from deskpilot.kit.repository import WorkspaceRepository, newest_first
from deskpilot.models import DeliveryState, WebhookDelivery, WebhookSubscription


class WebhookRepository(WorkspaceRepository[WebhookSubscription]):
    model = WebhookSubscription
    label = "webhook"

    async def ordered(self) -> Sequence[WebhookSubscription]:
        query = self.select().order_by(WebhookSubscription.created_at, WebhookSubscription.id)
        return await self.all(query)

    async def active(self) -> Sequence[WebhookSubscription]:
        query = self.select().where(WebhookSubscription.is_active.is_(True))
        return await self.all(query.order_by(WebhookSubscription.id))


class DeliveryRepository(WorkspaceRepository[WebhookDelivery]):
    model = WebhookDelivery
    label = "delivery"

    async def of_webhook(self, webhook_id: str, delivery_id: str) -> WebhookDelivery | None:
        query = self.select().where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == webhook_id
        )
        return (await self.session.scalars(query)).one_or_none()

    async def page(
        self,
        webhook_id: str,
        state: DeliveryState | None,
        after: tuple[datetime, str] | None,
        limit: int,
    ) -> Sequence[WebhookDelivery]:
        """Newest first; ``after`` is the (created_at, id) of the previous page's last row."""
        query = self.select().where(WebhookDelivery.subscription_id == webhook_id)
        if state is not None:
            query = query.where(WebhookDelivery.state == state)
        query = newest_first(query, WebhookDelivery.created_at, WebhookDelivery.id, after)
        return await self.all(query.limit(limit))
