# ruff: noqa: RUF001, RUF002, RUF003 - the multiplication sign of a count ("Fountain Pen ×2")
"""What the bot says about its actions, in the customer's language: the question for a missing
detail, a refusal, the plan it asks the customer to confirm, and what it did."""

from __future__ import annotations

from typing import Any

from deskpilot.ai.actions.base import ActionResult, PolicyOutcome
from deskpilot.ai.actions.common import order_label
from deskpilot.ai.texts import TEXTS, joined, money, payment_method, payment_methods, say, term
from deskpilot.models import Order
from deskpilot.orders import service as orders

ADDRESS_SLOTS = {"address1", "address2", "city", "state", "zip", "country"}


def ask_for(outcome: PolicyOutcome, language: str, order: Order | None, example: str) -> str:
    """The question for the first missing detail, with the choices the customer has
    (``example``: an order number of the shop's shape, for "which order?" without choices)."""
    slot = outcome.missing[0] if outcome.missing else "order_id"
    key = "actions.ask.address" if slot in ADDRESS_SLOTS else f"actions.ask.{slot}"
    choices = outcome.choices.get(slot, [])
    if slot == "order_id" and choices:  # the orders the action applies to, by id and items
        key = "actions.ask.order_id.choices"
    if slot == "item_ids" and order is not None:  # the customer knows items by their names
        labels = item_labels(order.items)
        lines = {orders.item_key(i): i for i in order.items}
        choices = [_counted(labels.get(c, c), lines.get(c, {})) for c in choices]
    elif slot == "payment_method_id":
        choices = payment_methods(choices, language)
    elif slot == "reason":
        choices = [term(c, language) for c in choices]
    question = say(
        key,
        language,
        choices=", ".join(choices),
        order=order_label(order) if order else "",
        example=example,
    )
    items = [str(i.get("name") or i.get("item_id") or "") for i in outcome.plan.get("items", [])]
    if not items:
        return question
    # what is settled so far (the items of a return), so the customer can check it
    so_far = say(
        f"actions.ask.so_far.{outcome.plan['action']}",
        language,
        items=", ".join(items),
        order=outcome.plan["order_id"],
    )
    return joined([so_far, question], language)


def item_labels(items: list[dict[str, Any]], *, with_options: bool = False) -> dict[str, str]:
    """Each line's name as the customer knows it; lines that share a name (every line,
    ``with_options``) add their options ("Water Bottle (blue, 1000ml)"), and the item id when
    even those are the same."""
    names = [str(item.get("name") or "") or orders.item_key(item) for item in items]
    labels = {}
    for item, name in zip(items, names, strict=True):
        key = orders.item_key(item)
        if names.count(name) == 1 and not with_options:
            labels[key] = name
            continue
        options = item.get("options")
        values = [str(v) for v in options.values()] if isinstance(options, dict) else []
        labels[key] = f"{name} ({', '.join(values)})" if values else name
    alike = [label for label in labels.values() if list(labels.values()).count(label) > 1]
    return {  # no options, or the same ones: the id tells them apart
        key: f"{label} ({key})" if label in alike else label for key, label in labels.items()
    }


def refusal(outcome: PolicyOutcome, language: str, order_id: str | None) -> str:
    """Why the policy stopped the action."""
    key = outcome.message_key or "actions.refused.not_confirmed"
    raw_status = str(outcome.details.get("status", ""))
    if f"{key}.{raw_status}" in TEXTS:  # "when will I get my money back?" of a cancelled order
        key = f"{key}.{raw_status}"
    status = term(raw_status, language)
    listed = orders_listed(outcome.details.get("orders", []), language)
    items = ", ".join(str(i) for i in outcome.details.get("items", []))
    return say(key, language, order=order_id or "", status=status, orders=listed, items=items)


def orders_listed(listed: list[dict[str, Any]], language: str) -> str:
    """ "#W1: pending (Water Bottle, Office Chair); #W2: delivered (Desk Lamp)"."""
    return "; ".join(
        f"{o['order_id']}: {term(o['status'], language)}"
        + (f" ({', '.join(o['items'])})" if o.get("items") else "")
        for o in listed
    )


def planned_items(plan: dict[str, Any]) -> str:
    """The plan's items as the customer tells them apart: each with its options ("口红 (520
    豆沙)": the order may hold another line of the name), and a count for more than one unit
    ("Ink Bottle ×2")."""
    items = [i for i in plan.get("items", []) if isinstance(i, dict)]
    labels = item_labels(items, with_options=True)
    return ", ".join(
        _counted(labels.get(orders.item_key(i)) or str(i.get("item_id") or ""), i) for i in items
    )


def _counted(label: str, item: dict[str, Any]) -> str:
    """The label with the line's count when it holds more than one unit ("Gel Pen ×3")."""
    quantity = int(item.get("quantity") or 1)
    return f"{label} ×{quantity}" if quantity > 1 else label


def confirmation(action: str, plan: dict[str, Any], language: str) -> str:
    """The plan, and "shall I go ahead? (yes / no)"."""
    order = plan.get("order_id", "")
    if action == "cancel_order":
        refunds = [r for r in plan.get("refunds") or [] if isinstance(r, dict)]
        currency = str(plan.get("currency") or "")
        total = " + ".join(money(r.get("amount"), currency, language) for r in refunds)
        return say(
            "actions.confirm.cancel_order",
            language,
            order=order,
            items=planned_items(plan),
            reason=term(str(plan.get("reason", "")), language),
            total=total or "-",
        )
    if action == "return_order":
        return say(
            "actions.confirm.return_order",
            language,
            order=order,
            items=planned_items(plan),
            refund=payment_method(str(plan.get("refund_to", "")), language),
        )
    return say(
        "actions.confirm.change_address",
        language,
        order=order,
        address=address_text(plan.get("to")),
    )


def address_text(value: Any) -> str:
    if not isinstance(value, dict):
        return ""
    parts = ("address1", "address2", "city", "state", "zip", "country")
    return ", ".join(str(value[p]) for p in parts if value.get(p))


def done(result: ActionResult, language: str) -> str:
    """What the action did: an order's status, or the change it made."""
    data = result.data
    if result.action == "order_status":
        if "orders" in data:
            if listed := orders_listed(data["orders"], language):
                return say("actions.ask.order_id.choices", language, choices=listed)
            return say("actions.ask.order_id", language, example=orders.DEFAULT_ORDER_EXAMPLE)
        items = ", ".join(str(i.get("name", "")) for i in data.get("items", []))
        text = say(
            "order.status",
            language,
            order=data["order_id"],
            status=term(data["status"], language),
            items=items,
        )
        tracking = ", ".join(
            t.get("url") or t["tracking_id"] for t in data.get("tracking", []) if t
        )
        address = address_text(data.get("shipping_address"))
        parts = [
            text,
            say("order.tracking", language, tracking=tracking) if tracking else "",
            say("order.shipping_to", language, address=address) if address else "",
        ]
        return joined(parts, language)
    if result.action == "change_address":
        return say(
            "actions.done.change_address",
            language,
            order=data.get("order_id", ""),
            address=address_text(data.get("to")),
        )
    return say(f"actions.done.{result.action}", language, order=data.get("order_id", ""))
