"""Answers to "shall I go ahead?" that change the plan instead of confirming it: a corrected
detail plans again ("wait, the zip should be 10005", "yes, only the water bottle"), part of an
address corrected asks for the whole of it ("oops, it's 7 Elm St not 5")."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.actions.return_order import ALL_ITEMS
from deskpilot.ai.actions.slots import CORRECTION, amends_address, fill_slots
from deskpilot.ai.turn import Turn
from deskpilot.orders import service as orders


async def corrects(
    session: AsyncSession,
    workspace_id: str,
    turn: Turn,
    pending: dict[str, Any],
    answer: bool | None,
) -> bool:
    """The answer to "shall I go ahead?" changes a detail of the plan, yes or not: another
    address or zip for an address change, other items or refund method for a return
    ("wait, the zip should be 10005", "yes, only the water bottle"). A no corrects only
    when it says so ("no, only the skateboard"; "No, don't return the chair" declines), and
    a reason is no correction ("不用了", no need, is a no)."""
    if answer is False and not CORRECTION.search(turn.text):
        return False
    name, planned = pending["name"], pending.get("slots", {})
    asked = planned.get("order_id") if name == "return_order" else None  # items, refunds
    order = await orders.find_order(session, workspace_id, asked) if asked else None
    found = fill_slots(
        turn.text,
        items=order.items if order else (),
        refund_choices=orders.original_payment_methods(order) if order else (),
    )
    if name == "change_address":
        zip_said = found.zip if CORRECTION.search(turn.text) else None
        return any(planned.get(k) != v for k, v in found.address.items()) or bool(
            zip_said and zip_said != planned.get("zip")
        )
    if name == "return_order":
        items = set(found.item_ids) - {ALL_ITEMS}
        return bool(items and items != set(planned.get("item_ids", []))) or bool(
            found.payment_method_id and found.payment_method_id != planned.get("payment_method_id")
        )
    return False


async def amends(
    session: AsyncSession,
    workspace_id: str,
    turn: Turn,
    pending: dict[str, Any],
    answer: bool | None,
) -> bool:
    """Part of the planned address corrected, not the whole of it (``amends_address``)."""
    planned = [str(v) for k, v in pending.get("slots", {}).items() if k != "order_id"]
    if not amends_address(turn.text, answer, planned):
        return False
    return not await corrects(
        session, workspace_id, turn, pending, answer
    )  # a whole address re-plans
