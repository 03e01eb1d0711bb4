"""``order_status``: the status, items and tracking of one of the customer's orders.

Without an order id it lists the customer's most recent orders, so the customer can say which
one they mean (the policy allows helping an authenticated customer find their order id).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel

from deskpilot.ai.actions.base import ActionContext, ActionResult, PolicyOutcome, Refusal
from deskpilot.ai.actions.common import RECENT_ORDERS, OrderSlots, item_view, listing, own_order
from deskpilot.models import Order
from deskpilot.orders import service as orders

# Public tracking pages by carrier; a fulfilment may also carry its own ``tracking_url``.
TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={}",
}


class OrderStatusSlots(OrderSlots):
    """Which order; leave it out to list the customer's recent orders."""


def tracking_of(order: Order) -> list[dict[str, Any]]:
    """One entry per tracking number: the number, carrier and link when known, the items."""
    entries: list[dict[str, Any]] = []
    for fulfilment in order.fulfillments:
        numbers = fulfilment.get("tracking_id") or fulfilment.get("tracking_ids") or []
        if isinstance(numbers, str):
            numbers = [numbers]
        carrier = fulfilment.get("carrier")
        for number in numbers:
            entry: dict[str, Any] = {"tracking_id": str(number)}
            if carrier:
                entry["carrier"] = str(carrier)
            url = fulfilment.get("tracking_url")
            template = TRACKING_URLS.get(str(carrier).lower()) if carrier else None
            if url or template:
                entry["url"] = str(url) if url else str(template).format(number)
            if fulfilment.get("item_ids"):
                entry["item_ids"] = [str(i) for i in fulfilment["item_ids"]]
            entries.append(entry)
    return entries


def order_view(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.external_id,
        "status": order.status,
        "items": [item_view(i) for i in order.items],
        "tracking": tracking_of(order),
        "total": str(order.total),
        "currency": order.currency,
        "shipping_address": order.shipping_address,
        "placed_at": order.placed_at.isoformat() if order.placed_at else None,
    }


class OrderStatus:
    name: ClassVar[str] = "order_status"
    description: ClassVar[str] = (
        "Show the status, items and tracking of one of the verified customer's orders, "
        "or list their recent orders when no order id is given."
    )
    slots_model: ClassVar[type[BaseModel]] = OrderStatusSlots
    needs_confirmation: ClassVar[bool] = False
    order_statuses: ClassVar[tuple[str, ...]] = ()

    async def check(self, ctx: ActionContext, slots: OrderStatusSlots) -> PolicyOutcome:
        return (await self._evaluate(ctx, slots))[0]

    async def run(
        self, ctx: ActionContext, slots: OrderStatusSlots, *, confirmed: bool = False
    ) -> ActionResult:
        outcome, order = await self._evaluate(ctx, slots)
        if not outcome.is_allowed:
            return ActionResult.stopped(self.name, outcome)
        if order is not None:
            return ActionResult(self.name, ok=True, data=order_view(order))
        me = await ctx.live_id(ctx.customer_id) if ctx.customer_id else None
        if me is None:  # pragma: no cover - _evaluate just found the profile
            return ActionResult.stopped(self.name, PolicyOutcome.refused(Refusal.NOT_VERIFIED))
        recent, _ = await orders.list_customer_orders(
            ctx.session, ctx.workspace_id, me, None, RECENT_ORDERS
        )
        return ActionResult(self.name, ok=True, data={"orders": listing(recent)})

    async def _evaluate(
        self, ctx: ActionContext, slots: OrderStatusSlots
    ) -> tuple[PolicyOutcome, Order | None]:
        if slots.order_id is None:
            me = await ctx.live_id(ctx.customer_id) if ctx.customer_id else None
            if me is None:
                return PolicyOutcome.refused(Refusal.NOT_VERIFIED), None
            return PolicyOutcome.allowed({"list_recent": RECENT_ORDERS}), None
        found = await own_order(ctx, slots.order_id)
        if isinstance(found, PolicyOutcome):
            return found, None
        return PolicyOutcome.allowed({"order_id": found.external_id}), found
