"""Checks every order action shares: a verified customer, an order id, and their own order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, Field

from deskpilot.ai.actions.base import ActionContext, ActionResult, Change, PolicyOutcome, Refusal
from deskpilot.kit.errors import Conflict, InvalidInput
from deskpilot.models import Order
from deskpilot.orders import service as orders

ORDER_ID_DESCRIPTION = "The order's id as the customer knows it, e.g. #W1234567"


class OrderSlots(BaseModel):
    """Slots of an action on one order."""

    order_id: str | None = Field(default=None, description=ORDER_ID_DESCRIPTION)


async def own_order(ctx: ActionContext, reference: str | None) -> Order | PolicyOutcome:
    """The verified customer's order ``reference``, or the outcome that stops the action.

    Not verified is refused before any lookup. An unknown order and another customer's order
    are the same refusal, so the answer never tells whether an order id exists.
    """
    if ctx.customer_id is None:
        return PolicyOutcome.refused(Refusal.NOT_VERIFIED)
    if reference is None or not reference.strip():
        return PolicyOutcome.missing_slots(["order_id"])
    order = await ctx.order(reference)
    if order is None or order.customer_id is None:
        return PolicyOutcome.refused(Refusal.ORDER_NOT_FOUND)
    me = await ctx.live_id(ctx.customer_id)
    owner = await ctx.live_id(order.customer_id)
    if me is None or owner != me:
        return PolicyOutcome.refused(Refusal.ORDER_NOT_FOUND)
    return order


def item_view(item: dict[str, Any]) -> dict[str, Any]:
    """One order line as shown to its customer."""
    view: dict[str, Any] = {"item_id": orders.item_key(item), "name": item.get("name")}
    for key in ("options", "price", "quantity", "return_requested"):
        if item.get(key) is not None:
            view[key] = item[key]
    return view


async def change_when_confirmed(
    action: str,
    checked: tuple[PolicyOutcome, Order | None],
    *,
    confirmed: bool,
    change: Callable[[Order], Awaitable[Order]],
    field: str,
    changed_since: Refusal,
    also: tuple[Change, ...] = (),
) -> ActionResult:
    """What every changing action's ``run`` does once it has checked again: stop unless
    allowed and confirmed, make the change through the orders service, and report the
    ``field`` it changed (plus ``also``). An order changed since the check (another request,
    an import) stops with ``changed_since``."""
    outcome, order = checked
    if not outcome.is_allowed or order is None:
        return ActionResult.stopped(action, outcome)
    if not confirmed:
        return ActionResult.stopped(action, PolicyOutcome.refused(Refusal.NOT_CONFIRMED))
    before = getattr(order, field)
    try:
        order = await change(order)
    except (Conflict, InvalidInput):
        refusal = PolicyOutcome.refused(changed_since, {"status": order.status})
        return ActionResult.stopped(action, refusal)
    record = f"order {order.external_id}"
    return ActionResult(
        action,
        ok=True,
        data={**outcome.plan, "status": order.status},
        changes=[Change(record, field, before, getattr(order, field)), *also],
    )
