"""The outcome of an action that ran or was stopped (``ran``), and the status of each of
several orders named in one message (``statuses``)."""

from __future__ import annotations

from typing import Any

from deskpilot.ai import action_replies
from deskpilot.ai.actions.base import (
    Action,
    ActionContext,
    ActionResult,
    PolicyOutcome,
    Refusal,
    parse_slots,
)
from deskpilot.ai.turn import Outcome
from deskpilot.models import Decision


def ran(result: ActionResult, record: dict[str, Any], language: str) -> Outcome:
    """What the bot says after ``result``: done, or the policy's refusal."""
    if not result.ok:
        stopped = result.outcome or PolicyOutcome.refused(Refusal.NOT_CONFIRMED)
        return Outcome(
            Decision.ANSWER,
            f"{result.action} refused by policy: {stopped.reason}",
            action_replies.refusal(stopped, language, record["slots"].get("order_id")),
            action={**record, "refused": str(stopped.reason)},
            failed=True,
        )
    return Outcome(
        Decision.ACTION,
        f"{result.action} ran",
        action_replies.done(result, language),
        action={**record, "result": result.data},
        helped=True,
    )


async def statuses(context: ActionContext, action: Action, named: list[str]) -> Outcome:
    """The status of each order in ``named`` (``action`` is ``order_status``), one line each;
    an order that is not the customer's gets the same "couldn't find" as one that does not
    exist."""
    each = []
    for order_id in named:
        slots = parse_slots(action, {"order_id": order_id})
        result = await action.run(context, slots, confirmed=False)
        record = {"name": action.name, "slots": {"order_id": order_id}}
        each.append(ran(result, record, context.language))
    shown = [o for o in each if o.decision == Decision.ACTION]
    return Outcome(
        Decision.ACTION if shown else Decision.ANSWER,
        f"{action.name} ran for {len(shown)} of {len(named)} orders",
        "\n".join(
            o.reply if o.decision == Decision.ACTION else f"{order_id}: {o.reply}"
            for order_id, o in zip(named, each, strict=True)
        ),
        action={
            "name": action.name,
            "slots": {"order_id": named[0]},
            "orders": [o.action for o in each],
        },
        failed=not shown,
        helped=bool(shown),
    )
