"""The decision for one customer message: answer from knowledge, act on the customer's own
orders, ask a clarifying question, or hand off to a person.

The order of the checks is the policy (docs/ai-engine.md):

1. An action waiting for a yes or no: yes runs it, no drops it, anything else is handled
   afresh; a question keeps the plan waiting (answered from knowledge or with the order's
   status, then asked again; or, once, asked again unanswered), anything else drops it.
2. Hand off when the customer asks for a person, sentiment is strongly negative, or the
   customer is in a VIP segment.
3. An out-of-scope or low-confidence intent: answer if the knowledge base clearly supports an
   answer, else ask once what the customer needs, and hand off the second time.
4. The intent's handling: ``handoff`` hands off, ``action`` runs the action flow (verify, fill
   slots, check the policy, confirm, run; an action intent asked as a general question is first
   answered from knowledge if it can be, see ``_decide``), ``answer`` answers from knowledge, or
   hands off when nothing there supports an answer (the question goes to the knowledge-gaps
   report).

Then the failure count (``AIConversationState.failures``): a failed turn (details that verify
nobody, an order not found, a policy refusal, asking about another customer's account) adds
one, and the failure that reaches ``max_bot_failures`` is turned into a hand-off. A turn that
helped (an answer from knowledge, an action run, a confirmation question, the customer's "no"
taken) starts the count again; questions and small talk leave it as it is. A hand-off also
starts it again, for when people give the conversation back to the bot.

Customer text is data: it selects an intent and fills slots, never instructions. Actions read
and change only the verified customer's own orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai import action_replies
from deskpilot.ai.actions.base import (
    Action,
    ActionContext,
    ActionResult,
    PolicyOutcome,
    Refusal,
    parse_slots,
)
from deskpilot.ai.actions.order_status import RECENT_ORDERS
from deskpilot.ai.actions.registry import ActionRegistry
from deskpilot.ai.actions.return_order import ALL_ITEMS
from deskpilot.ai.actions.slots import (
    CORRECTION,
    asks_something,
    canonical_order_id,
    emails,
    fill_slots,
    is_confirmation,
    item_mentions,
    order_ids,
    ordinal_reference,
    status_reference,
    without_order_ids,
)
from deskpilot.ai.actions.verification import Claims, Identified, identify, offers_details
from deskpilot.ai.replies.compose import (
    AnswerWriter,
    ExtractiveWriter,
    Passage,
    shares_words,
    support_of,
)
from deskpilot.ai.requests import (
    about_own_order,
    asks_in_general,
    asks_its_status,
    follow_up_question,
    only_details,
    says_an_action,
    says_thanks_or_goodbye,
    stated_request,
)
from deskpilot.ai.texts import say
from deskpilot.ai.turn import (
    INTENT_ACTIONS,
    Outcome,
    Turn,
    believed_person_request,
    claims,
    continues_flow,
    intent_acting,
    new_request,
    says_nothing_else,
    still_allowed,
    verification_locked,
)
from deskpilot.ai.understanding.person_request import asks_for_person
from deskpilot.customers import service as customers
from deskpilot.kit.bus import Bus
from deskpilot.kit.errors import NotFound
from deskpilot.models import Decision, Handling, Order
from deskpilot.orders import service as orders

ORDERS_SEARCHED_FOR_ITEMS = 20  # the customer's newest orders, for "where is my speaker?"
STRICT_SUPPORT = 1.2  # to answer from knowledge when the intent is unclear or asks for an action


class Retriever(Protocol):
    """Finds passages for a question in the customer's language (public, published only)."""

    async def passages(self, question: str, language: str) -> list[Passage]: ...


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


class Engine:
    """Decides one turn. ``writer`` writes answers from passages, ``slot_filler`` reads action
    slots from the conversation: the built-in ones by default, an LLM's when one is set up."""

    def __init__(
        self,
        session: AsyncSession,
        workspace_id: str,
        actions: ActionRegistry,
        bus: Bus | None,
        *,
        writer: AnswerWriter | None = None,
        slot_filler: SlotFiller | None = None,
        dry_run: bool = False,
    ) -> None:
        """``dry_run``: a confirmed action is checked against its policy but not run (a reply
        preview changes no record)."""
        self.dry_run = dry_run
        self.session = session
        self.workspace_id = workspace_id
        self.actions = actions
        self.bus = bus
        self.writer: AnswerWriter = writer or ExtractiveWriter()
        self.slot_filler: SlotFiller = slot_filler or PatternSlotFiller()

    async def decide(self, turn: Turn, retriever: Retriever) -> Outcome:
        """The turn's outcome, after the failure count has had its say."""
        return self._count_failure(turn, await self._decide(turn, retriever))

    def _count_failure(self, turn: Turn, outcome: Outcome) -> Outcome:
        state = turn.state
        if outcome.decision == Decision.HANDOFF or outcome.helped:
            state.failures = 0
            return outcome
        if not outcome.failed:
            return outcome
        state.failures += 1
        if state.failures < turn.settings.max_bot_failures:
            return outcome
        failures, state.failures = state.failures, 0
        state.pending_intent = None
        state.pending_action = None
        return self._handoff(
            f"the bot failed {failures} times in a row; last: {outcome.reason}",
            turn.understanding.language,
            failed=True,
        )

    async def _decide(self, turn: Turn, retriever: Retriever) -> Outcome:
        language = turn.understanding.language
        turn.waited_on = turn.state.pending_intent
        await self._note_named_order(turn)
        proved = await self._remember_proof(turn)
        pending = turn.state.pending_action
        waiting = pending or turn.state.pending_intent not in (None, "clarify")
        if proved and not waiting and only_details(turn.text, proved.values()):
            # "My name is Noah Brown, zip 80279" and nothing else: ready for the request
            turn.state.pending_intent = None
            return Outcome(
                Decision.ANSWER,
                "verified by details; asked what they need",
                say("verified.ready", language),
                helped=True,
            )
        if pending:
            # "#W1234567 yes" answers for the order asked about; another order named drops the
            # plan: "yes, #W…" asks the same for that order, "no, cancel #W… instead" is read
            # as a new request
            answer = is_confirmation(without_order_ids(turn.text), language)
            turn.state.pending_action = None
            asked = pending.get("slots", {}).get("order_id")
            if set(order_ids(turn.text)) - {canonical_order_id(asked) if asked else None}:
                if answer:
                    turn.state.pending_intent = intent_acting(turn, pending["name"])
                pending = None
            elif await self._corrects(turn, pending, answer):
                # "wait, the zip should be 10005", "no, only the skateboard": planned again
                turn.state.pending_intent = intent_acting(turn, pending["name"])
                pending = None
            elif answer is not None:
                return await self._confirmed(turn, pending, answer)
        outcome = await self._respond(turn, retriever, pending)
        state = turn.state
        shown = (outcome.action or {}).get("name") == "order_status"
        answered = outcome.citations or (shown and outcome.decision == Decision.ACTION)
        if pending and answered and not state.pending_action and not state.pending_intent:
            # "how long does a refund take?", "has it shipped yet?" while the bot waits for a
            # yes: answered, and the plan still waits (asked once more) unless the answer
            # started another flow
            state.pending_action = pending
            order = pending.get("slots", {}).get("order_id", "")
            still = say(f"actions.confirm.still.{pending['name']}", language, order=order)
            outcome.reply = f"{outcome.reply}\n\n{still}"
            outcome.reason += f"; {pending['name']} still awaits the customer's confirmation"
        return outcome

    async def _respond(
        self, turn: Turn, retriever: Retriever, pending: dict[str, Any] | None
    ) -> Outcome:
        """The message taken afresh; ``pending`` is a plan it neither confirmed nor declined."""
        language = turn.understanding.language
        continues = continues_flow(turn, await self._flow_order(turn))
        handoff = self._handoff_reason(turn, continues)
        if handoff:
            return self._handoff(handoff, language)
        asks_status = (
            turn.understanding.intent == "order_status" and not turn.understanding.out_of_scope
        )
        if pending and asks_something(turn.text) and not new_request(turn) and not asks_status:
            # "is the refund to my card?": answered when knowledge clearly covers it (``_decide``
            # keeps the plan and asks again), else the plan stands and the bot asks again once
            answered = await self._answer(turn, retriever, None, strict=True)
            if answered.decision == Decision.ANSWER or pending.get("asked_again"):
                return answered
            return self._ask_again(turn, pending, "a question nothing answers", unanswered=True)
        if pending and not pending.get("asked_again") and says_nothing_else(turn):
            # "🙂", "let me ask my husband first": the plan stands, and nothing runs without a yes
            return self._ask_again(turn, pending, "neither yes nor no")
        intent, confident = self._intent(turn, continues)
        if intent is None or not confident:
            return await self._unclear(turn, retriever)
        asked_what = turn.state.pending_intent == "clarify"  # the bot asked what they need
        in_flow = turn.state.pending_intent not in (None, "clarify")  # it waits on this flow
        asked_before = turn.state.pending_intent == intent  # the bot asked about this already
        turn.state.pending_intent = None
        handling, action = turn.handling.get(intent, (Handling.ANSWER, None))
        if handling == Handling.HANDOFF:
            return self._handoff(f"intent {intent} is handled by people", language)
        if handling == Handling.ACTION:
            action = action or INTENT_ACTIONS.get(intent)
            own = about_own_order(turn.text)
            status = own and action == "order_status" and asks_its_status(turn.text)
            if asks_in_general(turn.text) and not status:
                # "what is your return policy?": knowledge answers it when it can; at the usual
                # bar when it is about nothing the customer bought ("Do you ship to Canada?"),
                # only clearly when it is about their order or answers the bot's question
                strict = in_flow or own
                answered = await self._answer(turn, retriever, intent, strict=strict)
                if answered.decision == Decision.ANSWER:
                    return answered
            return await self._act(turn, intent, action, asked_before=asked_before)
        if intent in ("greeting", "feedback"):
            if says_thanks_or_goodbye(turn.text):
                return Outcome(Decision.ANSWER, "thanks or goodbye", say("closing", language))
            if intent == "feedback" and asks_something(turn.text):
                return await self._answer(turn, retriever, None)  # "Do you gift-wrap?"
            if follow_up_question(turn.text, turn.history) != turn.text:
                answered = await self._answer(turn, retriever, None)  # "and express?"
                if answered.decision == Decision.ANSWER:
                    return answered
        if intent == "greeting":
            if asked_what:  # small talk is no answer to "what do you need?": the second miss
                return self._handoff(
                    "still unclear after a clarifying question", language, unanswered=True
                )
            return Outcome(Decision.ANSWER, "greeting", say("greeting", language))
        if intent == "feedback":
            return Outcome(Decision.ANSWER, "feedback acknowledged", say("thanks", language))
        answered = await self._answer(turn, retriever, intent)
        if answered.decision == Decision.HANDOFF:  # "我的蓝牙耳机到哪了" as a product question
            return await self._status_of_their_item(turn) or answered
        return answered

    # --- the checks -------------------------------------------------------------------------

    def _handoff_reason(self, turn: Turn, continues: bool) -> str | None:
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
        if (
            understood.sentiment.score <= settings.negative_sentiment
            and not acting
            and not continues
        ):
            return f"strongly negative sentiment ({understood.sentiment.score:.2f})"
        if turn.vip:
            return "the customer is in a VIP segment"
        return None

    def _intent(self, turn: Turn, continues: bool) -> tuple[str | None, bool]:
        """The intent to act on: a clarification in progress keeps its intent when the answer
        is not clearly about something else (a bare order number, "by mistake")."""
        understood = turn.understanding
        if continues:
            return turn.state.pending_intent, True
        # a human_request that got here was not believed (``believed_person_request``): it is
        # as good as no intent, so the message is answered from knowledge or clarified
        confident = (
            not understood.out_of_scope
            and understood.confidence >= turn.settings.handoff_confidence
            and understood.intent != "human_request"
        )
        # "What is the status of #W1234567?", or a long thank-you that ends "please cancel
        # #W1234567": about that order, whatever the classifier made of it, unless it is
        # another request to act on it or a problem for people
        answers = turn.handling.get(understood.intent or "", (Handling.ANSWER, None))[0]
        stated = stated_request(turn.text) if order_ids(turn.text) else None
        if stated is not None and (not confident or answers == Handling.ANSWER):
            return stated, True
        # "Верните термокружку из заказа #…" read as an address change: the words say return
        other = stated if stated != understood.intent else None
        said = other is not None and says_an_action(other, turn.text)
        if answers == Handling.ACTION and said and not says_an_action(understood.intent, turn.text):
            return other, True
        return understood.intent, confident

    @staticmethod
    def _ask_again(turn: Turn, pending: dict[str, Any], why: str, **extra: Any) -> Outcome:
        """The plan stands; the bot asks once more for a yes or no."""
        turn.state.pending_action = {**pending, "asked_again": True}
        return Outcome(
            Decision.CLARIFY,
            f"{pending['name']}: {why}; asked again",
            say("actions.confirm.again", turn.understanding.language),
            action=pending,
            **extra,
        )

    def _handoff(self, reason: str, language: str, **extra: Any) -> Outcome:
        return Outcome(Decision.HANDOFF, reason, say("handoff.notice", language), **extra)

    async def _unclear(self, turn: Turn, retriever: Retriever) -> Outcome:
        language = turn.understanding.language
        answered = await self._answer(turn, retriever, None, strict=True)
        if answered.decision == Decision.ANSWER:
            return answered
        if status := await self._status_of_their_item(turn):
            return status
        flow = turn.state.pending_intent
        handling, action = turn.handling.get(flow or "", (Handling.ANSWER, None))
        if flow and handling == Handling.ACTION and asks_something(turn.text):
            # "what refund options do I have?" while the bot waits for a detail: its question
            # again, with the choices; counted as a miss, so the second one hands off
            asked = await self._act(turn, flow, action or INTENT_ACTIONS.get(flow))
            asked.failed = asked.failed or asked.decision == Decision.CLARIFY
            return asked
        if turn.state.pending_intent == "clarify":
            turn.state.pending_intent = None
            return self._handoff(
                "still unclear after a clarifying question", language, unanswered=True
            )
        turn.state.pending_intent = "clarify"
        return Outcome(Decision.CLARIFY, "intent unclear", say("clarify.intent", language))

    # --- answers from knowledge -------------------------------------------------------------

    async def _answer(
        self, turn: Turn, retriever: Retriever, intent: str | None, *, strict: bool = False
    ) -> Outcome:
        language = turn.understanding.language
        question, found = await self._question_and_passages(turn, retriever)
        composed = await self.writer.write(question, found, language) if found else None
        if composed is not None and composed.support >= (STRICT_SUPPORT if strict else 1.0):
            return Outcome(
                Decision.ANSWER,
                f"answered from knowledge (support {composed.support:.2f})",
                composed.text,
                composed.citations,
                helped=True,
                provider=composed.provider,
                prompt_tokens=composed.prompt_tokens,
                completion_tokens=composed.completion_tokens,
            )
        return self._handoff(
            "nothing in the knowledge base supports an answer"
            + (f" (intent {intent})" if intent else ""),
            language,
            unanswered=True,
            failed=True,
        )

    @staticmethod
    async def _question_and_passages(turn: Turn, retriever: Retriever) -> tuple[str, list[Passage]]:
        """A short follow-up question is read with the question before it ("and express?" after
        a delivery question), unless what that finds says nothing of the follow-up's own words
        and knowledge covers the follow-up alone ("what about the warranty?" after a payment
        question)."""
        language = turn.understanding.language
        joined = follow_up_question(turn.text, turn.history)
        found = await retriever.passages(joined, language)
        if joined != turn.text and found and not shares_words(turn.text, found[0]):
            alone = await retriever.passages(turn.text, language)
            if alone and support_of(turn.text, alone[0]) >= STRICT_SUPPORT:
                return turn.text, alone
        return joined, found

    # --- actions ----------------------------------------------------------------------------

    async def _verified_customer(self, turn: Turn) -> Identified:
        """Whom the bot acts for (``verification.identify``); a customer verified by details
        is remembered for the rest of the conversation, the channel's is read every turn."""
        said_so_far = claims(turn.text, turn.history)
        said_now = claims(turn.text, [])
        if verification_locked(turn):  # no more guesses: only the order in question counts
            said_so_far, said_now = Claims(order_id=said_so_far.order_id), Claims()
        found = await identify(
            self.session,
            self.workspace_id,
            channel_customer_id=turn.customer_id if turn.channel_verified else None,
            remembered=turn.state.verified_customer_id,
            said_now=said_now,
            said_so_far=said_so_far,
        )
        if found.by_details:
            turn.state.verified_customer_id = found.customer_id
        return found

    async def _status_of_their_item(self, turn: Turn) -> Outcome | None:
        """The order status, when the message asks where or when something of theirs is
        ("Где моя термокружка?") and a verified customer's recent orders hold an item it
        names; None otherwise (the classifier may read such a message as a product question,
        or not at all)."""
        status_intent = intent_acting(turn, "order_status")
        if status_intent is None or not (asks_its_status(turn.text) and about_own_order(turn.text)):
            return None
        mine = turn.state.verified_customer_id or (
            turn.customer_id if turn.channel_verified else None
        )
        if mine is None or "order_status" not in turn.settings.actions_enabled:
            return None
        _, holding = await self._orders_holding(turn.text, mine)
        return await self._act(turn, status_intent, "order_status") if holding else None

    async def _orders_holding(
        self, text: str, customer_id: str
    ) -> tuple[Sequence[Order], list[Order]]:
        """The customer's newest orders, and those of them holding an item the text names."""
        recent, _ = await orders.list_customer_orders(
            self.session, self.workspace_id, customer_id, None, ORDERS_SEARCHED_FOR_ITEMS
        )
        named = [o for o in recent if item_mentions(text, o.items) not in ([], [ALL_ITEMS])]
        return recent, named

    async def _corrects(self, turn: Turn, pending: dict[str, Any], answer: bool | None) -> bool:
        """The answer to "shall I go ahead?" changes a detail of the plan, yes or not: another
        address or zip for an address change, other items or refund method for a return
        ("wait, the zip should be 10005", "yes, only the water bottle"). A no corrects only
        when it says so ("no, only the skateboard"; "No, don't return the chair" declines), and
        a reason is no correction ("不用了", no need, is a no)."""
        if answer is False and not CORRECTION.search(turn.text):
            return False
        name, planned = pending["name"], pending.get("slots", {})
        asked = planned.get("order_id") if name == "return_order" else None  # items, refunds
        order = await orders.find_order(self.session, self.workspace_id, asked) if asked else None
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
                found.payment_method_id
                and found.payment_method_id != planned.get("payment_method_id")
            )
        return False

    async def _remember_proof(self, turn: Turn) -> Claims | None:
        """The first customer the details said in the conversation prove is its one customer,
        from the message that completes the proof, whatever that message asks ("I'm Noah
        Brown, zip 80279"): details proving someone else later change nothing. The details of
        this message when it proved who they are, else None."""
        if turn.state.verified_customer_id:
            return None
        said = claims(turn.text, [])
        if said == Claims() or not offers_details(claims(turn.text, turn.history)):
            return None
        return said if (await self._verified_customer(turn)).by_details else None

    async def _act(
        self, turn: Turn, intent: str, action_name: str | None, *, asked_before: bool = False
    ) -> Outcome:
        language = turn.understanding.language
        enabled = turn.settings.actions_enabled
        if action_name is None or action_name not in enabled:
            return self._handoff(f"no enabled action for intent {intent}", language)
        action = self.actions.get(action_name)
        identified = await self._verified_customer(turn)
        customer_id = identified.customer_id
        if customer_id is None:
            return self._not_verified(turn, intent, identified, asked_before=asked_before)
        if await self._names_someone_else(turn.text, customer_id):
            return Outcome(
                Decision.ANSWER,
                "the message asks about another customer's account",
                say("actions.refused.not_yours", language),
                failed=True,
            )
        context = ActionContext(self.session, self.workspace_id, customer_id, language, self.bus)
        named = list(dict.fromkeys(canonical_order_id(i) for i in order_ids(turn.text)))
        if action.name == "order_status" and len(named) > 1:  # "where are #W1 and #W2?"
            turn.state.pending_intent = None
            return await self._statuses(context, action, named)
        focus = await self._focus_order(turn, context)
        parsed = parse_slots(action, await self.slot_filler.fill(turn, action, focus))
        outcome = await action.check(context, parsed)
        order_id = getattr(parsed, "order_id", None)
        order = None
        if order_id:
            order = await context.order(order_id)
            if order is not None and order.customer_id == customer_id:
                turn.state.focus_order_id = order.id
            else:
                order = None
        record = {"name": action.name, "slots": parsed.model_dump(exclude_none=True)}
        if outcome.decision.value == "missing":
            turn.state.pending_intent = intent
            return Outcome(
                Decision.CLARIFY,
                f"{action.name} needs {', '.join(outcome.missing)}",
                action_replies.ask_for(outcome, language, order),
                action={**record, "missing": outcome.missing},
            )
        turn.state.pending_intent = None
        if not outcome.is_allowed:
            if outcome.reason == Refusal.ORDER_NOT_FOUND:  # a corrected number continues
                turn.state.pending_intent = intent
            return Outcome(
                Decision.ANSWER,
                f"{action.name} refused by policy: {outcome.reason}",
                action_replies.refusal(outcome, language, order_id),
                action={**record, "refused": str(outcome.reason)},
                failed=True,
            )
        if action.needs_confirmation:
            turn.state.pending_action = record
            return Outcome(
                Decision.CLARIFY,
                f"{action.name} awaits the customer's confirmation",
                action_replies.confirmation(action.name, outcome.plan, language),
                action={**record, "plan": outcome.plan},
                helped=True,
            )
        result = await action.run(context, parsed, confirmed=False)
        if result.ok and "orders" in result.data:  # listed with "which one?": the flow goes on
            turn.state.pending_intent = intent
        return self._result(result, record, language)

    async def _statuses(self, context: ActionContext, action: Action, named: list[str]) -> Outcome:
        """The status of each order the message names, one line each."""
        each = []
        for order_id in named:
            slots = parse_slots(action, {"order_id": order_id})
            result = await action.run(context, slots, confirmed=False)
            each.append(
                self._result(
                    result, {"name": action.name, "slots": {"order_id": order_id}}, context.language
                )
            )
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

    async def _confirmed(self, turn: Turn, pending: dict[str, Any], yes: bool) -> Outcome:
        language = turn.understanding.language
        if not yes:
            return Outcome(
                Decision.ANSWER,
                f"the customer declined {pending['name']}",
                say("actions.declined", language),
                action={**pending, "declined": True},
                helped=True,
            )
        if not still_allowed(turn, pending["name"]):  # switched off since the bot asked
            return self._handoff(f"{pending['name']} is no longer enabled", language)
        action = self.actions.get(pending["name"])
        customer_id = (await self._verified_customer(turn)).customer_id
        context = ActionContext(self.session, self.workspace_id, customer_id, language, self.bus)
        slots = parse_slots(action, pending["slots"])
        if not self.dry_run:
            return self._result(await action.run(context, slots, confirmed=True), pending, language)
        checked = await action.check(context, slots)
        if not checked.is_allowed:
            return self._result(ActionResult.stopped(action.name, checked), pending, language)
        return Outcome(
            Decision.ACTION,
            f"{action.name} confirmed; not run in a preview",
            say(
                "actions.preview.confirmed",
                language,
                action=action.name,
                order=checked.plan.get("order_id", ""),
            ),
            action={**pending, "plan": checked.plan, "preview": True},
            helped=True,
        )

    def _result(self, result: ActionResult, record: dict[str, Any], language: str) -> Outcome:
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

    def _not_verified(
        self, turn: Turn, intent: str, identified: Identified, *, asked_before: bool
    ) -> Outcome:
        """Ask who the customer is; hand off once details have matched no account
        ``max_bot_failures`` times in the conversation (whatever helped in between: each is a
        guess at someone's email or zip), and from then on a person checks who they are."""
        language, state = turn.understanding.language, turn.state
        state.pending_intent = intent
        if identified.rejected:
            state.verification_failures += 1
        if verification_locked(turn):
            state.pending_intent = None
            return self._handoff(
                f"details matched no account {state.verification_failures} times: a person "
                "checks who the customer is",
                language,
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
            say("verify.ask", language),
            failed=asked_before,
        )

    async def _names_someone_else(self, text: str, customer_id: str) -> bool:
        """The message names an email address that is not the verified customer's."""
        named = {email.lower() for email in emails(text)}
        if not named:
            return False
        own = {
            identity.value.lower()
            for identity in await customers.identities_of(
                self.session, self.workspace_id, customer_id
            )
        }
        return bool(named - own)

    async def _flow_order(self, turn: Turn) -> Order | None:
        """The order of the action flow the bot waits on (its items and payment methods are
        what an answer such as "just the desk lamp" names), or None."""
        if turn.state.pending_intent in (None, "clarify") or not turn.state.focus_order_id:
            return None
        try:
            return await orders.get_order(
                self.session, self.workspace_id, turn.state.focus_order_id
            )
        except NotFound:
            return None

    async def _referenced_order(
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

    async def _note_named_order(self, turn: Turn) -> None:
        """The order the customer names is the one "it" and "that one" mean from now on, even
        in a turn the bot did not act in (whose it is, is checked when it is used)."""
        named = order_ids(turn.text)
        if len(named) == 1:
            found = await orders.find_order(self.session, self.workspace_id, named[0])
            if found is not None:
                turn.state.focus_order_id = found.id

    async def _focus_order(self, turn: Turn, context: ActionContext) -> Order | None:
        """The order the message is about: the one it names, else the one order of theirs that
        holds the items it names ("where is my speaker?"), else the one discussed ("it"), else
        the customer's only order."""
        customer_id = context.customer_id
        if customer_id is None:
            return None
        for reference in order_ids(turn.text):
            named = await context.order(reference)
            if named is not None and named.customer_id == customer_id:
                return named
        if ordinal_reference(turn.text) is not None or status_reference(turn.text) is not None:
            # "the second one": that order, or none when it cannot be told (never a guess)
            return await self._referenced_order(turn, context, customer_id)
        recent, holding = await self._orders_holding(turn.text, customer_id)
        if len(holding) == 1:
            return holding[0]
        discussed = None
        if turn.state.focus_order_id:
            try:
                discussed = await orders.get_order(
                    self.session, self.workspace_id, turn.state.focus_order_id
                )
            except NotFound:  # deleted since: simply forgotten
                discussed = None
        if discussed is not None and discussed.customer_id == customer_id:
            # "the chair" that several orders hold: the one discussed if it is one of them
            return discussed if not holding or discussed.id in {o.id for o in holding} else None
        return recent[0] if len(recent) == 1 else None
