"""How an action's slots are read from the conversation: the ``SlotFiller`` protocol and the
built-in ``PatternSlotFiller`` (``actions.slots``); an LLM's is in ``llm_slots``."""

from __future__ import annotations

from typing import Any, Protocol

from deskpilot.ai.actions.base import Action
from deskpilot.ai.actions.slots import fill_slots
from deskpilot.ai.turn import Turn
from deskpilot.models import Order
from deskpilot.orders import service as orders


class SlotFiller(Protocol):
    """Fills an action's slots from the conversation (a dict for the action's slots model)."""

    async def fill(self, turn: Turn, action: Action, focus: Order | None) -> dict[str, Any]: ...


class PatternSlotFiller:
    """The built-in slot filler: order ids, reasons, items, addresses found in the text."""

    async def fill(self, turn: Turn, action: Action, focus: Order | None) -> dict[str, Any]:
        slots = fill_slots(
            turn.text,
            turn.history,
            remembered_order_id=focus.external_id if focus else None,
            items=focus.items if focus else (),
            refund_choices=orders.original_payment_methods(focus) if focus else (),
            # the street, then "zip 10005" after the bot asked again for the whole address
            address_in_pieces=action.name == "change_address"
            and turn.waited_on not in (None, "clarify"),
        )
        return slots.for_action()
