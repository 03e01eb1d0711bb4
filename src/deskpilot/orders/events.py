"""Realtime events of the orders domain."""

from __future__ import annotations

from deskpilot.kit.bus import BusEvent
from deskpilot.models import Order

ORDER_UPDATED = "order.updated"


def order_updated(order: Order, changed: list[str]) -> BusEvent:
    return BusEvent(
        name=ORDER_UPDATED,
        workspace_id=order.workspace_id,
        data={
            "id": order.id,
            "external_id": order.external_id,
            "customer_id": order.customer_id,
            "status": order.status,
            "changed": changed,
        },
    )
