"""Checks every order action shares: a verified customer, an order id, and their own order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from deskpilot.ai.actions.base import ActionContext, ActionResult, Change, PolicyOutcome, Refusal
from deskpilot.kit.errors import Conflict, InvalidInput
from deskpilot.models import Order
from deskpilot.orders import service as orders

ORDER_ID_DESCRIPTION = "The order's id as the customer knows it, e.g. #W1234567"
RECENT_ORDERS = 5  # listed when the customer has not said which order
ORDERS_SEARCHED = 20  # the customer's newest orders, for the order a message means


class OrderSlots(BaseModel):
    """Slots of an action on one order."""

    order_id: str | None = Field(default=None, description=ORDER_ID_DESCRIPTION)


async def own_order(
    ctx: ActionContext, reference: str | None, statuses: tuple[str, ...] = ()
) -> Order | PolicyOutcome:
    """The verified customer's order ``reference``, or the outcome that stops the action.

    Not verified is refused before any lookup. An unknown order and another customer's order
    are the same refusal, so the answer never tells whether an order id exists. Without a
    reference, the order id is missing (see ``which_order``).
    """
    if ctx.customer_id is None:
        return PolicyOutcome.refused(Refusal.NOT_VERIFIED)
    if reference is None or not reference.strip():
        return await which_order(ctx, statuses)
    order = await ctx.order(reference)
    if order is None or order.customer_id is None:
        return PolicyOutcome.refused(Refusal.ORDER_NOT_FOUND)
    me = await ctx.live_id(ctx.customer_id)
    owner = await ctx.live_id(order.customer_id)
    if me is None or owner != me:
        return PolicyOutcome.refused(Refusal.ORDER_NOT_FOUND)
    return order


async def which_order(ctx: ActionContext, statuses: tuple[str, ...]) -> PolicyOutcome:
    """The order id is missing: the choices are the customer's recent orders in ``statuses``
    (any when empty), by id and items. When they have recent orders but none in those
    statuses, the action is refused and the orders are listed with their statuses ("only a
    pending order can be cancelled")."""
    me = await ctx.live_id(ctx.customer_id) if ctx.customer_id else None
    recent: Sequence[Order] = []
    if me is not None:
        recent, _ = await orders.list_customer_orders(
            ctx.session, ctx.workspace_id, me, None, ORDERS_SEARCHED
        )
    fitting = [o for o in recent if not statuses or o.status in statuses]
    if recent and not fitting:
        shown = listing(recent[:RECENT_ORDERS])
        refused = PolicyOutcome.refused(Refusal.NO_ORDER_FITS, {"orders": shown})
        return refused.model_copy(update={"message_key": f"{refused.message_key}.{statuses[0]}"})
    choices = {"order_id": [order_label(o) for o in fitting[:RECENT_ORDERS]]}
    return PolicyOutcome.missing_slots(["order_id"], choices)


def item_names(order: Order) -> list[str]:
    return [str(i.get("name")) for i in order.items if i.get("name")]


def order_label(order: Order) -> str:
    """ "#W1000001 (Water Bottle, Office Chair)": the order's id and what it holds."""
    names = item_names(order)
    return f"{order.external_id} ({', '.join(names)})" if names else order.external_id


def listing(recent: Sequence[Order]) -> list[dict[str, Any]]:
    """Orders as a list shows them: id, status and item names."""
    return [{"order_id": o.external_id, "status": o.status, "items": item_names(o)} for o in recent]


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
