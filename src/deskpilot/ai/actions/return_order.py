"""``return_order``: return items of one of the customer's delivered orders.

Policy: only a ``delivered`` order can be returned; the customer names the items (lines of
that order; an order of one line needs no naming; none the shop marks final sale) and where
the refund goes (not asked when the order's own method is the only choice): the original
payment method of the order, or a gift card the customer already has. They confirm the order,
items and refund method first. The order becomes ``return requested`` and the customer gets
instructions by email.

``item_ids`` take an order line's item id (or, for shops without item ids, its name); ``all``
means every line. ``payment_method_id`` may be ``original``: the method that paid the order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from deskpilot.ai.actions.base import ActionContext, ActionResult, Change, PolicyOutcome, Refusal
from deskpilot.ai.actions.common import (
    OrderSlots,
    change_when_confirmed,
    item_view,
    own_order,
)
from deskpilot.customers import service as customers
from deskpilot.models import Order
from deskpilot.orders import service as orders

ORIGINAL = "original"
ALL_ITEMS = "all"
GIFT_CARD_WORDS = ("gift_card", "gift card")


class ReturnOrderSlots(OrderSlots):
    item_ids: list[str] = Field(
        default_factory=list,
        description="Item ids of the order's lines to return (or 'all' for every line)",
    )
    payment_method_id: str | None = Field(
        default=None,
        description=(
            "Where the refund goes: the order's original payment method id (or 'original'), "
            "or the id of a gift card the customer has (or 'gift_card' for their only one)"
        ),
    )


def resolve_items(order: Order, wanted: list[str]) -> tuple[list[str], list[str]]:
    """(item keys of the order, what matched nothing): by item id, else by name, each line once."""
    lines = [(orders.item_key(i), str(i.get("name") or "").casefold()) for i in order.items]
    if any(w.strip().casefold() == ALL_ITEMS for w in wanted):
        return [key for key, _ in lines], []
    free = list(lines)
    keys: list[str] = []
    unknown: list[str] = []
    for value in wanted:
        text = value.strip()
        match = next((line for line in free if line[0] == text), None)
        match = match or next((line for line in free if line[1] == text.casefold()), None)
        if match is None:
            unknown.append(value)
        else:
            free.remove(match)
            keys.append(match[0])
    return keys, unknown


# a line the shop marks as not returnable, in its name or an option ("Silk Cami (Black, S, Final
# Sale)", "真丝吊带 (黑色, S, 清仓不退换)"), or with ``"final_sale": true``
_FINAL_SALE = re.compile(
    r"\bfinal[\s-]*sale\b|\bnon-?returnable\b|\bno\s+returns\b"
    r"|不退不换|不退换|不可退|不支持退货|不能退"
    r"|без\s+возврата|не\s+подлежит\s+возврату|финальн\w*\s+распродаж",
    re.IGNORECASE,
)


def final_sale(item: Mapping[str, Any]) -> bool:
    """Whether the shop marks the order line as not returnable."""
    if item.get("final_sale") is True:
        return True
    options = item.get("options")
    said = [str(item.get("name") or "")]
    said += [str(v) for v in options.values()] if isinstance(options, Mapping) else []
    return any(_FINAL_SALE.search(text) for text in said)


async def refund_choices(ctx: ActionContext, order: Order) -> list[str]:
    """The original payment methods of the order, then the customer's existing gift cards."""
    choices = orders.original_payment_methods(order)
    if ctx.customer_id is not None:
        customer = await customers.live_customer(ctx.session, ctx.workspace_id, ctx.customer_id)
        methods = customer.attributes.get("payment_methods") or []
        for method in methods if isinstance(methods, list) else []:
            method_id = str(method.get("id") or "") if isinstance(method, dict) else ""
            is_gift_card = isinstance(method, dict) and method.get("source") == "gift_card"
            if method_id and (is_gift_card or method_id.startswith("gift_card")):
                choices.append(method_id)
    return list(dict.fromkeys(choices))


class ReturnOrder:
    name: ClassVar[str] = "return_order"
    description: ClassVar[str] = (
        "Request a return of items of one of the verified customer's delivered orders, "
        "refunded to the original payment method or an existing gift card. "
        "Needs the customer's explicit confirmation."
    )
    slots_model: ClassVar[type[BaseModel]] = ReturnOrderSlots
    needs_confirmation: ClassVar[bool] = True
    order_statuses: ClassVar[tuple[str, ...]] = (orders.DELIVERED,)

    async def check(self, ctx: ActionContext, slots: ReturnOrderSlots) -> PolicyOutcome:
        return (await self._evaluate(ctx, slots))[0]

    async def run(
        self, ctx: ActionContext, slots: ReturnOrderSlots, *, confirmed: bool = False
    ) -> ActionResult:
        checked = await self._evaluate(ctx, slots)
        plan = checked[0].plan

        async def request(order: Order) -> Order:
            return await orders.request_return(
                ctx.session,
                ctx.workspace_id,
                order.id,
                plan["item_ids"],
                plan["refund_to"],
                bus=ctx.bus,
            )

        items = Change(f"order {plan.get('order_id')}", "items", None, plan.get("item_ids"))
        return await change_when_confirmed(
            self.name,
            checked,
            confirmed=confirmed,
            change=request,
            field="status",
            changed_since=Refusal.NOT_DELIVERED,
            also=(items,),
        )

    async def _evaluate(
        self, ctx: ActionContext, slots: ReturnOrderSlots
    ) -> tuple[PolicyOutcome, Order | None]:
        found = await own_order(ctx, slots.order_id, self.order_statuses)
        if isinstance(found, PolicyOutcome):
            return found, None
        if found.status != orders.DELIVERED:
            return PolicyOutcome.refused(Refusal.NOT_DELIVERED, {"status": found.status}), None
        wanted = slots.item_ids
        if not wanted and len(found.items) == 1:  # the one line: shown in the plan to confirm
            wanted = [orders.item_key(found.items[0])]
        if not wanted:
            choices = {"item_ids": [orders.item_key(i) for i in found.items]}
            return PolicyOutcome.missing_slots(["item_ids"], choices), None
        keys, unknown = resolve_items(found, wanted)
        if unknown:
            return PolicyOutcome.refused(Refusal.ITEM_NOT_IN_ORDER, {"items": unknown}), None
        kept = [i for i in found.items if orders.item_key(i) in keys and final_sale(i)]
        if kept:  # the shop's own rule: people decide (a faulty item, say)
            names = [str(i.get("name") or orders.item_key(i)) for i in kept]
            return PolicyOutcome.refused(Refusal.FINAL_SALE, {"items": names}), None
        plan: dict[str, Any] = {
            "action": self.name,
            "order_id": found.external_id,
            "item_ids": keys,
            "items": [item_view(i) for i in found.items if orders.item_key(i) in keys],
        }
        allowed = await refund_choices(ctx, found)
        refund_to = self._refund_target(found, slots.payment_method_id, allowed)
        if isinstance(refund_to, PolicyOutcome):
            if refund_to.missing:  # the question names the items, so the customer can check
                return PolicyOutcome.missing_slots(refund_to.missing, refund_to.choices, plan), None
            return refund_to, None
        plan |= {"refund_to": refund_to, "new_status": orders.RETURN_REQUESTED}
        return PolicyOutcome.allowed(plan), found

    @staticmethod
    def _refund_target(order: Order, wanted: str | None, allowed: list[str]) -> str | PolicyOutcome:
        """The refund's method; ``original`` is the order's, or stays "original" when unrecorded."""
        originals = orders.original_payment_methods(order)
        if wanted is None or not wanted.strip():
            if len(allowed) == 1 and allowed == originals[:1]:
                return allowed[0]  # the order's own method, the only choice: named in the plan
            return PolicyOutcome.missing_slots(
                ["payment_method_id"], {"payment_method_id": allowed or [ORIGINAL]}
            )
        value = wanted.strip()
        if value.casefold() in GIFT_CARD_WORDS:  # "a gift card": the customer's only one
            cards = [c for c in allowed if c.startswith("gift_card")]
            if len(cards) == 1:
                return cards[0]
            if cards:
                return PolicyOutcome.missing_slots(
                    ["payment_method_id"], {"payment_method_id": cards}
                )
            return PolicyOutcome.refused(Refusal.REFUND_METHOD_NOT_ALLOWED, {"allowed": allowed})
        if value.casefold() == ORIGINAL:
            return originals[0] if originals else ORIGINAL
        if value in allowed:
            return value
        return PolicyOutcome.refused(Refusal.REFUND_METHOD_NOT_ALLOWED, {"allowed": allowed})
