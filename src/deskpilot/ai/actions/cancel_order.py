"""``cancel_order``: cancel one of the customer's pending orders, for an accepted reason.

Policy: only a ``pending`` order can be cancelled; the reason must be "no longer needed" or
"ordered by mistake" (any other is refused); the customer confirms the order id and reason
before anything changes. The refund goes to the original payment method; when it arrives is
the shop's to say (the bot states no timing it cannot know).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field

from deskpilot.ai.actions.base import ActionContext, ActionResult, PolicyOutcome, Refusal
from deskpilot.ai.actions.common import OrderSlots, change_when_confirmed, item_view, own_order
from deskpilot.models import Order
from deskpilot.orders import service as orders

NO_LONGER_NEEDED = "no longer needed"
ORDERED_BY_MISTAKE = "ordered by mistake"
ACCEPTED_REASONS = (NO_LONGER_NEEDED, ORDERED_BY_MISTAKE)


class CancelOrderSlots(OrderSlots):
    reason: str | None = Field(
        default=None,
        description="Why the customer cancels: 'no longer needed' or 'ordered by mistake'",
        json_schema_extra={"enum": list(ACCEPTED_REASONS)},
    )


def normalise_reason(reason: str) -> str:
    return " ".join(reason.casefold().replace("_", " ").split())


def refunds_of(order: Order) -> list[dict[str, Any]]:
    paid = [p for p in order.payment_methods if p.get("transaction_type", "payment") == "payment"]
    if not paid:
        return [{"payment_method_id": None, "amount": str(order.total)}]
    return [
        {
            "payment_method_id": p.get("payment_method_id"),
            "amount": str(p.get("amount")),
        }
        for p in paid
    ]


class CancelOrder:
    name: ClassVar[str] = "cancel_order"
    description: ClassVar[str] = (
        "Cancel one of the verified customer's pending orders. The reason must be "
        "'no longer needed' or 'ordered by mistake'. Needs the customer's explicit confirmation."
    )
    slots_model: ClassVar[type[BaseModel]] = CancelOrderSlots
    needs_confirmation: ClassVar[bool] = True
    order_statuses: ClassVar[tuple[str, ...]] = (orders.PENDING,)

    async def check(self, ctx: ActionContext, slots: CancelOrderSlots) -> PolicyOutcome:
        return (await self._evaluate(ctx, slots))[0]

    async def run(
        self, ctx: ActionContext, slots: CancelOrderSlots, *, confirmed: bool = False
    ) -> ActionResult:
        checked = await self._evaluate(ctx, slots)

        async def cancel(order: Order) -> Order:
            reason = checked[0].plan["reason"]
            return await orders.cancel_order(
                ctx.session, ctx.workspace_id, order.id, reason, bus=ctx.bus
            )

        return await change_when_confirmed(
            self.name,
            checked,
            confirmed=confirmed,
            change=cancel,
            field="status",
            changed_since=Refusal.NOT_PENDING,
        )

    async def _evaluate(
        self, ctx: ActionContext, slots: CancelOrderSlots
    ) -> tuple[PolicyOutcome, Order | None]:
        found = await own_order(ctx, slots.order_id, self.order_statuses)
        if isinstance(found, PolicyOutcome):
            return found, None
        if found.status != orders.PENDING:
            return PolicyOutcome.refused(Refusal.NOT_PENDING, {"status": found.status}), None
        if slots.reason is None or not slots.reason.strip():
            choices = {"reason": list(ACCEPTED_REASONS)}
            return PolicyOutcome.missing_slots(["reason"], choices), None
        reason = normalise_reason(slots.reason)
        if reason not in ACCEPTED_REASONS:
            details = {"accepted": list(ACCEPTED_REASONS)}
            return PolicyOutcome.refused(Refusal.REASON_NOT_ACCEPTED, details), None
        plan = {
            "action": self.name,
            "order_id": found.external_id,
            "items": [item_view(item) for item in found.items],
            "reason": reason,
            "new_status": orders.CANCELLED,
            "refunds": refunds_of(found),
            "currency": found.currency,
        }
        return PolicyOutcome.allowed(plan), found
