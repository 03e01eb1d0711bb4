# ruff: noqa: RUF001 - Cyrillic letters in the order-number pattern
"""Which of the customer's orders a message is about: the one it names, the one whose items it
names ("where is my speaker?"), the one "the second one" or "the pending one" means, the one
discussed before ("it"), or the only one an action could apply to ("cancel my order" with one
pending order). Never a guess: when it cannot be told, there is none and the bot asks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.actions.base import ActionContext
from deskpilot.ai.actions.common import ORDERS_SEARCHED, RECENT_ORDERS
from deskpilot.ai.actions.item_names import item_mentions
from deskpilot.ai.actions.return_order import ALL_ITEMS
from deskpilot.ai.actions.slots import (
    order_ids,
    ordinal_reference,
    status_reference,
)
from deskpilot.ai.requests import nearest_first
from deskpilot.ai.turn import Turn
from deskpilot.kit.errors import NotFound
from deskpilot.models import Order
from deskpilot.orders import service as orders

CATALOGUE_ORDERS = 500  # the workspace's newest orders, for what the shop sells
# a number that may be an order's without a "#" ("T6002", "DE1255", "A-20932", "88813")
_BARE_NUMBER = re.compile(
    r"(?<![A-Za-zА-Яа-яЁё0-9_@.#/-])([A-Za-zА-Яа-яЁё]{1,3}-?\d{3,12}|\d{4,12}(?:-\d{2,8})?)"
    r"(?![A-Za-zА-Яа-яЁё0-9_@-])"
)
MARKED_AT_MOST = 5  # bare numbers looked up in one message


def _shape(number: str) -> str:
    """ "#A-20931" -> "A-ddddd": how a shop writes its order numbers."""
    return re.sub(r"\d", "d", number.lstrip("#").upper())


class OrderFocus:
    """Finds the order a turn is about, in one workspace."""

    def __init__(self, session: AsyncSession, workspace_id: str) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.not_theirs: str | None = None  # an item the shop sells that none of theirs holds

    async def mark_order_numbers(self, turn: Turn) -> None:
        """Writes a "#" before each bare number of ``turn.text`` that is an order number here:
        one an order of the workspace has, or, of letters and digits, shaped as the customer's
        own order numbers are ("A-20932" when theirs are "#A-20931"). So "cancel A-20932" is
        about that order, found or not, and never about another one of theirs; "Apt B1204" in
        a shop whose numbers are "#W1234567" stays an apartment."""
        bare = [m for m in _BARE_NUMBER.finditer(turn.text) if not order_ids(m.group(1))][
            :MARKED_AT_MOST
        ]
        if not bare:
            return
        mine = turn.state.verified_customer_id or (
            turn.customer_id if turn.channel_verified else None
        )
        shapes: set[str] = set()
        if mine is not None and any(not m.group(1).isdigit() for m in bare):
            recent, _ = await orders.list_customer_orders(
                self.session, self.workspace_id, mine, None, RECENT_ORDERS
            )
            shapes = {_shape(o.external_id) for o in recent}
        text = turn.text
        for found in reversed(bare):
            number = found.group(1)
            known = _shape(number) in shapes or (
                await orders.find_order(self.session, self.workspace_id, number) is not None
            )
            if known:
                text = f"{text[: found.start(1)]}#{number}{text[found.end(1) :]}"
        turn.text = text

    async def note_named(self, turn: Turn) -> None:
        """The order the customer names is the one "it" and "that one" mean from now on, even
        in a turn the bot did not act in (whose it is, is checked when it is used)."""
        named = order_ids(turn.text)
        if len(named) == 1:
            found = await orders.find_order(self.session, self.workspace_id, named[0])
            if found is not None:
                turn.state.focus_order_id = found.id

    async def of_flow(self, turn: Turn) -> Order | None:
        """The order of the action flow the bot waits on (its items and payment methods are
        what an answer such as "just the desk lamp" names), or None."""
        if turn.state.pending_intent in (None, "clarify") or not turn.state.focus_order_id:
            return None
        return await self._discussed(turn)

    async def answers_which_order(self, turn: Turn, customer_id: str | None) -> bool:
        """Whether the message answers "which order?" by an item that exactly one of the
        customer's newest orders holds ("the shredder", "скакалки"), while the bot waits on an
        action flow (the caller knows) with no order in focus."""
        if customer_id is None or turn.state.focus_order_id:
            return False
        return len((await self.holding(turn.text, customer_id))[1]) == 1

    async def holding(self, text: str, customer_id: str) -> tuple[Sequence[Order], list[Order]]:
        """The customer's newest orders, and those of them holding an item the text names: in
        full when any does ("пробник крема для глаз" is the sample's order, not the one whose
        "Увлажняющий крем" the word крема names loosely), else loosely."""
        recent, _ = await orders.list_customer_orders(
            self.session, self.workspace_id, customer_id, None, ORDERS_SEARCHED
        )
        for loosely in (False, True):
            named = [
                o
                for o in recent
                if item_mentions(text, o.items, loosely=loosely) not in ([], [ALL_ITEMS])
            ]
            if named:
                return recent, named
        return recent, []

    async def focus(
        self,
        turn: Turn,
        context: ActionContext,
        statuses: tuple[str, ...] = (),
        intent: str | None = None,
    ) -> Order | None:
        """The order the message is about: the one it names (of several, the one named nearest
        to the words asking for ``intent``), else the one order of theirs that
        holds the items it names ("where is my speaker?"), else the one discussed ("it"), else
        the customer's only order. ``statuses``, those of the orders the action applies to,
        also decide between orders: "cancel the chair" when only one of the orders holding a
        chair is pending, "cancel my order" when only one order is."""
        self.not_theirs = None
        customer_id = context.customer_id
        if customer_id is None:
            return None
        for reference in nearest_first(intent, turn.text):
            named = await context.order(reference)
            if named is not None and named.customer_id == customer_id:
                return named
        if ordinal_reference(turn.text) is not None or status_reference(turn.text) is not None:
            # "the second one": that order, or none when it cannot be told (never a guess)
            return await self._referenced(turn, context, customer_id)
        recent, holding = await self.holding(turn.text, customer_id)
        if len(holding) == 1:
            return holding[0]
        if not holding:  # "cancel my coffee grinder order" when theirs hold no grinder: none
            self.not_theirs = await self._item_not_theirs(turn.text)
            if self.not_theirs is not None:
                return None
        discussed = await self._discussed(turn) if turn.state.focus_order_id else None
        if discussed is not None and discussed.customer_id != customer_id:
            return None  # the order asked about is not theirs: no other one instead
        # "it", or "the chair" that several orders hold: the one discussed if it is one of them
        # and the action applies to it; when it does not, the only one it applies to
        held = {o.id for o in holding}
        in_talk = (
            discussed if discussed is not None and (not held or discussed.id in held) else None
        )
        if in_talk is not None and (not held or not statuses or in_talk.status in statuses):
            return in_talk
        fitting = [o for o in holding or recent if o.status in statuses]
        if len(fitting) == 1:
            return fitting[0]
        if discussed is not None:
            return in_talk
        return recent[0] if len(recent) == 1 else None

    async def _item_not_theirs(self, text: str) -> str | None:
        """The name of an item the shop sells (held by its newest orders) that the text names
        in full; called when none of the customer's newest orders holds what the text names."""
        sold = await orders.catalogue(self.session, self.workspace_id, CATALOGUE_ORDERS)
        named = item_mentions(text, sold, loosely=False)
        return next((n for n in named if n != ALL_ITEMS), None)

    async def _discussed(self, turn: Turn) -> Order | None:
        try:
            return await orders.get_order(
                self.session, self.workspace_id, turn.state.focus_order_id or ""
            )
        except NotFound:  # deleted since: simply forgotten
            return None

    async def _referenced(
        self, turn: Turn, context: ActionContext, customer_id: str
    ) -> Order | None:
        """The order "the first one" or "the pending one" means: among the customer's orders
        named in the conversation (in the order they were named), else among their recent
        orders as the bot lists them (newest first: "the last order" is the newest)."""
        ordinal, status = ordinal_reference(turn.text), status_reference(turn.text)
        named = dict.fromkeys(ref for text in [*turn.history, turn.text] for ref in order_ids(text))
        mentioned = [
            order
            for ref in named
            if (order := await context.order(ref)) is not None and order.customer_id == customer_id
        ]
        if ordinal is not None and -len(mentioned) <= ordinal < len(mentioned):
            return mentioned[ordinal]
        if status is not None:
            matching = [order for order in mentioned if order.status == status]
            if matching:
                return matching[0] if len(matching) == 1 else None
        recent, _ = await orders.list_customer_orders(  # only when the named ones do not tell
            self.session, self.workspace_id, customer_id, None, RECENT_ORDERS
        )
        if status is not None:
            matching = [order for order in recent if order.status == status]
            return matching[0] if len(matching) == 1 else None
        if ordinal is None:
            return None
        newest_first = 0 if ordinal == -1 else ordinal
        return recent[newest_first] if newest_first < len(recent) else None
