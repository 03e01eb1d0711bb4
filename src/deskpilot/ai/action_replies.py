"""What the bot says about its actions, in the customer's language: the question for a missing
detail, a refusal, the plan it asks the customer to confirm, and what it did."""

from __future__ import annotations

from typing import Any

from deskpilot.ai.actions.base import ActionResult, PolicyOutcome
from deskpilot.ai.texts import payment_method, say, term
from deskpilot.models import Order
from deskpilot.orders import service as orders

ADDRESS_SLOTS = {"address1", "address2", "city", "state", "zip", "country"}


def ask_for(outcome: PolicyOutcome, language: str, order: Order | None) -> str:
    """The question for the first missing detail, with the choices the customer has."""
    slot = outcome.missing[0] if outcome.missing else "order_id"
    key = "actions.ask.address" if slot in ADDRESS_SLOTS else f"actions.ask.{slot}"
    choices = outcome.choices.get(slot, [])
    if slot == "item_ids" and order is not None:  # the customer knows items by their names
        names = {orders.item_key(item): str(item.get("name") or "") for item in order.items}
        choices = [f"{names[c]} ({c})" if names.get(c) else c for c in choices]
    elif slot == "reason":
        choices = [term(c, language) for c in choices]
    question = say(key, language, choices=", ".join(choices))
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
    return f"{so_far} {question}"


def refusal(outcome: PolicyOutcome, language: str, order_id: str | None) -> str:
    """Why the policy stopped the action."""
    key = outcome.message_key or "actions.refused.not_confirmed"
    status = term(str(outcome.details.get("status", "")), language)
    return say(key, language, order=order_id or "", status=status)


def confirmation(action: str, plan: dict[str, Any], language: str) -> str:
    """The plan, and "shall I go ahead? (yes / no)"."""
    order = plan.get("order_id", "")
    if action == "cancel_order":
        refunds = plan.get("refunds") or []
        total = ", ".join(str(r.get("amount", "")) for r in refunds if isinstance(r, dict))
        return say(
            "actions.confirm.cancel_order",
            language,
            order=order,
            reason=term(str(plan.get("reason", "")), language),
            total=total or "-",
        )
    if action == "return_order":
        items = ", ".join(str(i.get("name", "")) for i in plan.get("items", []))
        return say(
            "actions.confirm.return_order",
            language,
            order=order,
            items=items,
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
            listed = "; ".join(
                f"{o['order_id']}: {term(o['status'], language)}" for o in data["orders"]
            )
            return say("actions.ask.order_id", language) + (f" ({listed})" if listed else "")
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
        return f"{text} {say('order.tracking', language, tracking=tracking)}" if tracking else text
    if result.action == "change_address":
        return say(
            "actions.done.change_address",
            language,
            order=data.get("order_id", ""),
            address=address_text(data.get("to")),
        )
    key = f"actions.done.{result.action}"
    if result.action == "cancel_order":  # a gift card is refunded at once, others in days
        when = {r.get("when") for r in data.get("refunds", []) if isinstance(r, dict)}
        if "immediately" in when:
            key += ".immediate" if when == {"immediately"} else ".mixed"
    return say(key, language, order=data.get("order_id", ""))
