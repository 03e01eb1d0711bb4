# ruff: noqa: RUF001 - Russian letters and typographic apostrophes in the patterns
"""What one decision reads and what it decides (``Turn``, ``Outcome``), and the readings of a
turn that need nothing but the turn: whether it answers the bot's question, is neither yes nor
no, asks for a person in earnest, why it goes to people, which intent runs an action, and what
a plan adds about other orders named."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from deskpilot.ai.actions.addresses import address_piece, postal_address
from deskpilot.ai.actions.answers import asks_something
from deskpilot.ai.actions.base import PolicyOutcome, Refusal
from deskpilot.ai.actions.item_names import item_mentions
from deskpilot.ai.actions.return_order import ALL_ITEMS
from deskpilot.ai.actions.slots import (
    canonical_order_id,
    emails,
    fill_slots,
    order_ids,
    ordinal_reference,
    refund_method,
    status_reference,
)
from deskpilot.ai.actions.verification import Claims, Identified
from deskpilot.ai.replies.compose import Citation
from deskpilot.ai.requests import (
    INTENT_ACTIONS,
    other_request,
    says_a_new_request,
    says_an_action,
)
from deskpilot.ai.texts import say
from deskpilot.ai.understanding.annotate import Understanding
from deskpilot.ai.understanding.person_request import asks_for_person, names_person
from deskpilot.models import AIConversationState, AISettings, Decision, Handling, Order
from deskpilot.orders import service as orders


@dataclass(slots=True)
class Turn:
    """Everything one decision reads. ``state`` is changed in place."""

    text: str
    understanding: Understanding
    settings: AISettings
    handling: dict[str, tuple[Handling, str | None]]  # intent -> (handling, action)
    state: AIConversationState
    customer_id: str | None  # the conversation's customer
    channel_verified: bool
    vip: bool
    history: list[str] = field(default_factory=list)  # earlier customer messages, oldest first
    waited_on: str | None = None  # the intent whose detail the bot asked for before this message
    asked_who: bool = False  # ... and that detail is who the visitor is (``WhoIsAsking``)


@dataclass(slots=True)
class Outcome:
    decision: Decision
    reason: str
    reply: str
    citations: list[Citation] = field(default_factory=list)
    action: dict[str, Any] | None = None
    unanswered: bool = False  # a question the knowledge base could not answer
    failed: bool = False  # counts towards the hand-off after repeated failures
    helped: bool = False  # the bot made progress: the failure count starts again
    provider: str = "builtin"  # who wrote the reply
    prompt_tokens: int = 0
    completion_tokens: int = 0


def verification_locked(turn: Turn) -> bool:
    """Details have matched no account too often in this conversation to try any more."""
    return turn.state.verification_failures >= turn.settings.max_bot_failures


def claims(text: str, history: list[str], *, asked_who: bool = False) -> Claims:
    """What the message (and ``history``) says about who the customer is; ``asked_who``: the
    bot waits to learn it, so a name in this message may be typed in lower case."""
    slots = fill_slots(text, history, names_in_any_case=asked_who)
    return Claims(email=slots.email, order_id=slots.order_id, name=slots.name, zip=slots.zip)


def still_allowed(turn: Turn, action_name: str) -> bool:
    """Whether the workspace still lets the bot run ``action_name``: it is enabled and some
    intent is still handled by it (an admin may have changed either since the bot asked)."""
    return action_name in turn.settings.actions_enabled and any(
        handling == Handling.ACTION and action == action_name
        for handling, action in turn.handling.values()
    )


HESITATION_WORDS = 6
_HESITATES = re.compile(
    r"\b(?:not\s+sure|unsure|let\s+me\s+think|i\s+don['’]?t\s+know|hmm+|maybe)\b"
    r"|(?<![а-яё])(?:не\s+уверен[а-яё]*|не\s+знаю|подумаю|дайте\s+подумать|надо\s+подумать"
    r"|хм+)(?![а-яё])"
    r"|我?再?想想|考虑一下|再考虑|犹豫|不确定",
    re.IGNORECASE,
)


def only_hesitates(text: str) -> bool:
    """ "I'm not sure", "let me think about it", "не уверен": a short message that hesitates and
    says nothing more ("I don't know how you stay in business, …" says more)."""
    return _HESITATES.search(text) is not None and len(text.split()) <= HESITATION_WORDS


def says_nothing_else(turn: Turn, planned: str) -> bool:
    """An answer to "shall I go ahead?" (of the action ``planned``) that is neither yes nor no
    and is about nothing else: no question, no order or email, no confident intent of its own;
    at a return, a complaint about the item is why it goes back ("it flickers all the time")."""
    if asks_something(turn.text) or order_ids(turn.text) or emails(turn.text):
        return False
    if only_hesitates(turn.text):  # "I'm not sure", "let me think", "не уверен"
        return True
    if planned == "return_order" and refund_method(turn.text):
        return True  # "card", "на карту": the plan's refund method again (``corrects`` read it)
    understood = turn.understanding
    confident = (
        not understood.out_of_scope and understood.confidence >= turn.settings.handoff_confidence
    )
    # a human_request that got here was not believed ("let me ask my husband first")
    said: tuple[str | None, ...] = (None, "greeting", "feedback", "human_request")
    if planned == "return_order" and not says_an_action(understood.intent, turn.text):
        said = (*said, "complaint", "product_question", "delivery_problem")
    return not confident or understood.intent in said


def believed_person_request(turn: Turn) -> bool:
    """Whether the intent ``human_request`` alone is trusted to hand off. The classifier picks
    the nearest examples, so "my cat told me to" or "a friend told me about you" can come out
    as a confident human_request: its label counts only when confident (at least the workspace's
    ``handoff_confidence``, in scope) and the message names a person, the bot or an escalation
    other than in reported speech (``names_person``). The LLM's label (asked when the classifier
    is unsure) has read the message and the conversation: confident is enough. A request
    ``asks_for_person`` recognises hands off whatever the intent."""
    understood = turn.understanding
    if understood.intent != "human_request" or understood.out_of_scope:
        return False
    if understood.confidence < turn.settings.handoff_confidence:
        return False
    return understood.intent_source == "llm" or names_person(turn.text)


def continues_flow(turn: Turn, order: Order | None) -> bool:
    """The message answers the bot's question in an action flow (or only hesitates, so the
    question is asked again): it gives an order number or
    points at one of those listed ("the second one", "第一个"), an email, a name and zip, a
    reason, an address or a piece of one (in an address change), or names items
    or a refund method of the flow's ``order``."""
    waiting = turn.state.pending_intent
    if not waiting or waiting == "clarify":
        return False
    if moves_instead(turn):
        return False
    if turn.understanding.intent == waiting or only_hesitates(turn.text):
        return True  # "hmm", "не знаю" to "why would you like to cancel?": asked again
    if new_request(turn):
        return False  # "actually, where is my order #…?": a new request, not the answer
    _, action = turn.handling.get(waiting, (None, None))
    if (action or INTENT_ACTIONS.get(waiting)) == "change_address" and address_piece(turn.text):
        return True  # a piece of the address: "10 Broadway, New York, NY", "邮编200030"
    found = fill_slots(
        turn.text,
        names_in_any_case=turn.asked_who,
        items=order.items if order else (),
        refund_choices=orders.original_payment_methods(order) if order else (),
    )
    return bool(
        found.order_id
        or ordinal_reference(turn.text) is not None
        or status_reference(turn.text) is not None
        or found.email
        or found.zip
        or found.name
        or found.reason
        or found.item_ids
        or found.payment_method_id
    )


def moves_instead(turn: Turn) -> str | None:
    """The address-change intent, when a whole new address comes while another action flow
    waits for a detail ("hmm actually no, can you just send it to my new place instead? 88
    Pine St, Portland, OR 97209" at "why would you like to cancel?"); else None."""
    waiting = turn.state.pending_intent
    moving = intent_acting(turn, "change_address")
    if waiting in (None, "clarify", moving) or postal_address(turn.text) is None:
        return None
    # "…, I meant to ship it to 88 Pine St, … but whatever, just cancel", "I moved to …, so I
    # won't need it anymore": the waiting request said again, or its reason
    if says_an_action(waiting, turn.text) or fill_slots(turn.text).reason:
        return None
    return moving


def intent_acting(turn: Turn, action_name: str) -> str | None:
    """The workspace's intent whose handling is the action ``action_name``."""
    for intent, (handling, action) in turn.handling.items():
        if handling == Handling.ACTION and (action or INTENT_ACTIONS.get(intent)) == action_name:
            return intent
    return None


def new_request(turn: Turn) -> bool:
    """A confident request said in so many words ("actually, where is my order #…?", "can you
    change the address instead?"): not an answer to what the bot asked."""
    understood = turn.understanding
    confident = understood.confidence >= turn.settings.handoff_confidence
    return confident and says_a_new_request(understood.intent, turn.text)


def handoff_reason(turn: Turn, continues: bool) -> str | None:
    """Why the turn goes to people before anything else: a person asked for in earnest,
    strongly negative sentiment (not in an answer or a clear request), a VIP; else None."""
    understood, settings = turn.understanding, turn.settings
    if asks_for_person(turn.text) or believed_person_request(turn):
        return "the customer asked for a person"
    # an answer to the bot's own question, or a clear request to act on an order ("cancel
    # it, I ordered it by mistake"), reads negative without being a complaint
    acting = (
        understood.intent is not None
        and turn.handling.get(understood.intent, (None, None))[0] == Handling.ACTION
        and understood.confidence >= settings.handoff_confidence
    )
    negative = understood.sentiment.score <= settings.negative_sentiment
    # "не уверен" (not sure) reads negative, and is no complaint
    if negative and not acting and not continues and not only_hesitates(turn.text):
        return f"strongly negative sentiment ({understood.sentiment.score:.2f})"
    if turn.vip:
        return "the customer is in a VIP segment"
    return None


def asks_another(turn: Turn, refused: str, continues: bool) -> bool:
    """Whether the message asks in so many words for the action it was read as, one
    other than the action it refuses ("don't change the address, cancel it instead")."""
    intent = turn.understanding.intent
    refused_flow = continues and turn.state.pending_intent == refused
    return intent != refused and not refused_flow and says_an_action(intent, turn.text)


def planned_order(outcome: Outcome) -> str | None:
    """The order ``outcome`` plans a change of (and asks a yes for), or None."""
    planned = outcome.action or {}
    if planned.get("name") in (None, "order_status") or outcome.decision != Decision.CLARIFY:
        return None
    return canonical_order_id(str(planned.get("slots", {}).get("order_id") or "")) or None


def others_named(turn: Turn, outcome: Outcome) -> list[str]:
    """The orders the message names beside the one ``outcome`` plans a change of."""
    order = planned_order(outcome)
    return [o for o in order_ids(turn.text) if o != order] if order else []


def one_at_a_time(turn: Turn, outcome: Outcome, others: list[str]) -> Outcome:
    """A plan for one order from a message that names ``others`` too ("cancel both #W1 and
    #W2") says so: the others are not forgotten silently."""
    if others:
        language = turn.understanding.language
        also = say("actions.one_at_a_time", language, orders=", ".join(others))
        outcome.reply = f"{outcome.reply}\n\n{also}"
    return outcome


def another_request(turn: Turn, planned: str) -> bool:
    """Whether a "no" to the plan of the action ``planned`` asks in so many words for another
    action instead ("wait, instead change its address to …")."""
    return other_request(planned, turn.text) is not None


def offers_to_cancel(turn: Turn, refused: PolicyOutcome, order: Order | None) -> bool:
    """Whether a return refused because the order has not shipped (still pending) is offered
    as a cancellation, which a "yes" then starts: "I want a refund for the phone, I don't need
    it" wants the money back, which a cancellation gives. Not when the message names only some
    of the order's lines ("return the office chair, keep the water bottle"): a cancellation
    would take them all."""
    pending = refused.reason == Refusal.NOT_DELIVERED and refused.details.get("status") == "pending"
    enabled = "cancel_order" in turn.settings.actions_enabled
    if not (pending and enabled and intent_acting(turn, "cancel_order") is not None):
        return False
    if order is None:
        return True
    named = item_mentions(turn.text, order.items)
    return not named or ALL_ITEMS in named or len(set(named)) >= len(order.items)


def partial(action: str, language: str) -> Outcome:
    """ "cancel all but the tray", "return one of the three cups": not what the action does;
    the whole would be too much, so people do the part."""
    reply = say(f"actions.partial.{action}", language)
    return Outcome(Decision.HANDOFF, f"{action}: only part of it asked for", reply)


def ask_again(turn: Turn, pending: dict[str, Any], why: str, **extra: Any) -> Outcome:
    """The plan stands; the bot asks once more for a yes or no."""
    turn.state.pending_action = {**pending, "asked_again": True}
    return Outcome(
        Decision.CLARIFY,
        f"{pending['name']}: {why}; asked again",
        say("actions.confirm.again", turn.understanding.language),
        action=pending,
        **extra,
    )


def not_verified(
    turn: Turn, intent: str, identified: Identified, example: str, *, asked_before: bool
) -> Outcome:
    """Ask who the customer is (``example``: an order number of the shop's shape); hand off
    once details have matched no account ``max_bot_failures`` times in the conversation
    (whatever helped in between: each is a guess at someone's email or zip), and from then on
    a person checks who they are."""
    language, state = turn.understanding.language, turn.state
    state.pending_intent = intent
    if identified.rejected:
        state.verification_failures += 1
    if verification_locked(turn):
        state.pending_intent = None
        return Outcome(
            Decision.HANDOFF,
            f"details matched no account {state.verification_failures} times: a person "
            "checks who the customer is",
            say("handoff.notice", language),
            failed=True,
        )
    if identified.someone_else:
        return Outcome(
            Decision.ANSWER,
            "details given as someone else's: only the account holder is helped",
            say("verify.someone_else", language),
            failed=True,
        )
    if identified.rejected:
        return Outcome(
            Decision.CLARIFY,
            "customer not verified: the details match no account",
            say("verify.failed", language),
            failed=True,
        )
    # asked before and still no details: a failure, so asking does not go on for ever
    return Outcome(
        Decision.CLARIFY,
        "customer not verified",
        say("verify.ask", language, example=example),
        failed=asked_before,
    )
