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

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai import action_replies
from deskpilot.ai.action_outcomes import ran, statuses
from deskpilot.ai.actions.addresses import postal_address
from deskpilot.ai.actions.answers import asks_something, is_confirmation
from deskpilot.ai.actions.base import (
    ActionContext,
    ActionResult,
    Refusal,
    parse_slots,
)
from deskpilot.ai.actions.registry import ActionRegistry
from deskpilot.ai.actions.slots import (
    canonical_order_id,
    order_ids,
    without_order_ids,
)
from deskpilot.ai.no_orders import why_no_order_action
from deskpilot.ai.order_focus import OrderFocus
from deskpilot.ai.plan_changes import amends, corrects
from deskpilot.ai.replies.compose import (
    AnswerWriter,
    ExtractiveWriter,
    Passage,
    shares_words,
    support_of,
)
from deskpilot.ai.requests import (
    INTENT_ACTIONS,
    about_own_order,
    asked_instead,
    asks_a_question,
    asks_beyond_small_talk,
    asks_for_an_exchange,
    asks_for_part,
    asks_for_some_units,
    asks_in_general,
    asks_its_status,
    asks_status_of,
    asks_to_send_to,
    asks_when_or_where,
    asks_why_it_is_asked,
    cancels_some_items,
    changes_an_item,
    follow_up_question,
    lists_their_orders,
    only_details,
    question_beside,
    refused_action,
    restates,
    says_an_action,
    says_thanks_or_goodbye,
    stated_request,
)
from deskpilot.ai.slot_filling import PatternSlotFiller, SlotFiller
from deskpilot.ai.texts import joined, say, term
from deskpilot.ai.turn import (
    Outcome,
    Turn,
    another_request,
    ask_again,
    asks_another,
    continues_flow,
    handoff_reason,
    intent_acting,
    moves_instead,
    new_request,
    not_verified,
    offers_to_cancel,
    one_at_a_time,
    others_named,
    partial,
    planned_order,
    says_nothing_else,
    still_allowed,
)
from deskpilot.ai.understanding.language_request import only_asks_for_language
from deskpilot.ai.understanding.urgency import health_emergency
from deskpilot.ai.who_is_asking import WhoIsAsking
from deskpilot.kit.bus import Bus
from deskpilot.models import Decision, Handling
from deskpilot.orders import service as orders

STRICT_SUPPORT = 1.2  # to answer from knowledge when the intent is unclear or asks for an action
BARE_ANSWER_WORDS = 3  # "yes", "no thanks": a bare answer ("no, I mean the Yoga Mat" says more)


class Retriever(Protocol):
    """Finds passages for a question in the customer's language (public, published only)."""

    async def passages(self, question: str, language: str) -> list[Passage]: ...


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
        self.order_focus = OrderFocus(session, workspace_id)
        self.who = WhoIsAsking(session, workspace_id)

    async def decide(self, turn: Turn, retriever: Retriever) -> Outcome:
        """The turn's outcome, after the failure count has had its say; a body in danger now
        ("脸肿了 呼吸有点不顺") hears to get medical help first, whatever else is said."""
        outcome = self._count_failure(turn, await self._decide(turn, retriever))
        if health_emergency(turn.text):
            language = turn.understanding.language
            outcome.reply = joined([say("safety.medical", language), outcome.reply], language)
        return outcome

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
        await self.who.note_asked_who(turn)
        await self.order_focus.mark_order_numbers(turn)
        await self.order_focus.note_named(turn)
        proved = await self.who.remember_proof(turn)
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
        if not proved and not pending and (missing := await self.who.detail_missing(turn)):
            # "my email is …", "Noah Brown", "我叫李伟" alone: the other half of the proof (or,
            # from someone verified already, what they need)
            if missing == "nothing" and order_ids(turn.text):  # "#W1" alone: its status
                status = intent_acting(turn, "order_status") or "order_status"
                return await self._act(turn, status, "order_status")
            if missing == "nothing":
                return Outcome(Decision.ANSWER, "details only", say("verified.ready", language))
            return Outcome(
                Decision.CLARIFY,
                f"part of a proof of who they are; asked for the {missing}",
                say(f"verify.more.{missing}", language, example=await self._order_example()),
            )
        if pending:
            # "#W1234567 yes" answers for the order asked about; another order named drops the
            # plan: "yes, #W…" asks the same for that order, "no, cancel #W… instead" is read
            # as a new request
            answer = is_confirmation(without_order_ids(turn.text), language)
            if answer is None and restates(pending["name"], turn.text):
                answer = True  # "取消吧", "отменяй": the plan's own request again
            turn.state.pending_action = None
            asked = pending.get("slots", {}).get("order_id")
            any_address = postal_address(turn.text) is not None  # "yes, 7 Elm St, …" corrects
            if set(order_ids(turn.text)) - {canonical_order_id(asked) if asked else None}:
                if answer:
                    turn.state.pending_intent = intent_acting(turn, pending["name"])
                pending = None
            elif pending["name"] == "change_address" and (
                await amends(self.session, self.workspace_id, turn, pending, answer)
                or (answer is True and pending.get("address_asked_again") and not any_address)
            ):
                # "oops, it's 7 Elm St not 5": the whole address again; the plan waits, marked,
                # so a yes runs nothing and only a whole address (a correction) plans again
                turn.state.pending_action = {**pending, "address_asked_again": True}
                order = pending.get("slots", {}).get("order_id", "")
                return Outcome(
                    Decision.CLARIFY,
                    "change_address: the customer corrects part of the address; asked for all",
                    say("actions.ask.address_again", language, order=order),
                    action={**pending, "missing": ["address1"]},
                )
            elif await corrects(self.session, self.workspace_id, turn, pending, answer):
                # "wait, the zip should be 10005", "no, only the skateboard": planned again
                turn.state.pending_intent = intent_acting(turn, pending["name"])
                pending = None
            elif answer is False and another_request(turn, pending["name"]):
                pending = None  # "wait, instead change its address to …": that request
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
        if only_asks_for_language(turn.text):  # "Sorry, can you answer in English?"
            return await self._in_another_language(turn, pending)
        continues = continues_flow(turn, await self.order_focus.of_flow(turn))
        if not continues and turn.state.pending_intent not in (None, "clarify"):
            customer_id = (await self.who.customer(turn)).customer_id
            continues = await self.order_focus.answers_which_order(turn, customer_id)
        handoff = handoff_reason(turn, continues)
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
            return ask_again(turn, pending, "a question nothing answers", unanswered=True)
        if pending and not pending.get("asked_again") and says_nothing_else(turn, pending["name"]):
            # "🙂", "let me ask my husband first": the plan stands, and nothing runs without a yes
            return ask_again(turn, pending, "neither yes nor no")
        flow = turn.state.pending_intent
        bare = flow not in (None, "clarify") and len(turn.text.split()) <= BARE_ANSWER_WORDS
        yes = is_confirmation(turn.text, language) if bare else None
        instead = yes is False and another_request(turn, INTENT_ACTIONS.get(flow or "") or "")
        if yes is not None and not continues and not instead:
            # "yes" or "no" to "which order?" or "the whole address, please": no detail, so
            # the question again, or the request dropped ("算了, 帮我改地址吧" asks instead)
            return await self._yes_or_no_to_a_question(turn, flow or "", yes)
        # "yes", "да", "好的" after an answer, with nothing asked: not a new hello (only a whole
        # yes is True; "ok bye" is a goodbye, and a no goes on as before)
        short = len(turn.text.split()) <= BARE_ANSWER_WORDS and not order_ids(turn.text)
        yes_alone = short and is_confirmation(turn.text, language) is True
        if flow is None and turn.history and yes_alone and not says_thanks_or_goodbye(turn.text):
            return Outcome(Decision.ANSWER, "a yes to nothing", say("anything_else", language))
        refused = refused_action(turn.text)
        if refused and not asks_another(turn, refused, continues):
            # "don't cancel my order, just tell me where it is": no request to cancel
            turn.state.pending_intent = None
            intent: str | None = asked_instead(refused, turn.text)  # "…, change the address"
            if intent is None and asks_its_status(turn.text):
                intent = "order_status"
            if intent is None:  # "не отменяйте, просто скажите, когда приедет дорожка"
                their_item = await self._status_of_their_item(turn, asks_when_or_where)
                return their_item or await self._declined(turn, retriever)
            confident = True
        else:
            intent, confident = self._intent(turn, continues)
        waits = flow not in (None, "clarify") and asks_something(turn.text)
        about_it = waits and (intent == "greeting" or asks_why_it_is_asked(turn.text))
        if intent is None or not confident or about_it:
            # a question read as small talk at "why cancel?", or one about the bot's question
            # ("why do you need a reason?"), not a complaint: the question again
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
            if no_action := await self._no_order_action(turn, retriever, intent, action):
                return no_action  # "cancel my membership", or a workspace without orders
            own = about_own_order(turn.text)
            status = own and action == "order_status" and asks_its_status(turn.text)
            if asks_in_general(turn.text) and not status:
                # "what is your return policy?": knowledge answers it when it can; at the usual
                # bar when it is about nothing the customer bought ("Do you ship to Canada?"),
                # only clearly when it is about their order or answers the bot's question (from
                # someone not verified, "can I return it?" is a question of policy all the same)
                strict = in_flow or (own and not await self.who.unknown(turn))
                answered = await self._answer(turn, retriever, intent, strict=strict)
                if answered.decision == Decision.ANSWER:
                    return answered
            exchange = action == "return_order" and asks_for_an_exchange(turn.text)
            item = changes_an_item(turn.text) and postal_address(turn.text) is None
            if exchange or (action == "change_address" and item):
                # "can I swap it for a small?", "change the size on my order from S to M": the
                # return refunds and the address change moves, neither changes an item
                answered = await self._answer(turn, retriever, intent)
                if answered.decision == Decision.ANSWER:
                    return answered
                return self._handoff("an exchange: people handle it", language)
            if action in ("cancel_order", "return_order") and asks_for_some_units(turn.text):
                return partial(action, language)
            if not in_flow and await self._a_question_before_who(turn, own):
                # "is delivery free?", "do u ship to canada": knowledge answers it, or people
                # do; no identity check for a question about nothing of theirs
                return await self._answer(turn, retriever, intent)
            acted = await self._act(turn, intent, action, asked_before=asked_before)
            return await self._also_asked(turn, retriever, await self._others_named(turn, acted))
        small_talk = intent in ("greeting", "feedback")
        asks = small_talk and asks_beyond_small_talk(turn.text)  # "freeze?", not "how are you?"
        if small_talk:
            if says_thanks_or_goodbye(turn.text):
                return Outcome(Decision.ANSWER, "thanks or goodbye", say("closing", language))
            if intent == "feedback" and asks_a_question(turn.text):
                return await self._answer(turn, retriever, None)  # "Do you gift-wrap?"
            if asks or follow_up_question(turn.text, turn.history) != turn.text:
                answered = await self._answer(turn, retriever, None)  # "and express?"
                if answered.decision == Decision.ANSWER:
                    return answered
        if intent == "greeting":
            if asked_what:  # small talk is no answer to "what do you need?": the second miss
                return self._handoff(
                    "still unclear after a clarifying question", language, unanswered=True
                )
            # "do you have massage?" read as a hello, and nothing answers it: a knowledge gap
            why = "greeting; knowledge answers none of its question" if asks else "greeting"
            return Outcome(Decision.ANSWER, why, say("greeting", language), unanswered=asks)
        if intent == "feedback":
            return Outcome(Decision.ANSWER, "feedback acknowledged", say("thanks", language))
        # "我的蓝牙耳机到哪了", "tracking link for my desk lamp?" read as a product question
        if their_item := await self._status_of_their_item(turn):
            return their_item
        return await self._answer(turn, retriever, intent)

    async def _a_question_before_who(self, turn: Turn, own: bool) -> bool:
        """Someone not yet verified asks something that names no order, nothing of theirs, and
        neither an action nor a status in so many words."""
        if (
            own
            or not asks_something(turn.text)
            or stated_request(turn.text)
            or order_ids(turn.text)
        ):
            return False
        return await self.who.unknown(turn)

    async def _no_order_action(
        self, turn: Turn, retriever: Retriever, intent: str, action: str | None
    ) -> Outcome | None:
        """An order action's intent that no order action answers: the knowledge base's answer
        at the usual bar, else a hand-off; never who they are or which order. None when the
        action flow runs (``no_orders.why_no_order_action``)."""
        why = await why_no_order_action(self.session, self.workspace_id, turn.text, action)
        if why is None:
            return None
        outcome = await self._answer(turn, retriever, intent)
        outcome.reason += f"; {why}"
        return outcome

    async def _in_another_language(self, turn: Turn, pending: dict[str, Any] | None) -> Outcome:
        """A request to write in another language, and nothing else: what the bot waits for,
        asked again in that language (the plan restated), or what they need."""
        language, flow = turn.understanding.language, turn.state.pending_intent
        if pending:
            action = self.actions.get(pending["name"])
            customer_id = (await self.who.customer(turn)).customer_id
            context = ActionContext(self.session, self.workspace_id, customer_id, language)
            checked = await action.check(context, parse_slots(action, pending["slots"]))
            if checked.is_allowed:
                turn.state.pending_action = pending
                plan = action_replies.confirmation(action.name, checked.plan, language)
                return Outcome(
                    Decision.CLARIFY,
                    f"asked for {language}; {action.name} asked again",
                    plan,
                    action={**pending, "plan": checked.plan},
                )
        elif flow not in (None, "clarify"):
            _, action_name = turn.handling.get(flow, (Handling.ANSWER, None))
            return await self._act(turn, flow, action_name or INTENT_ACTIONS.get(flow))
        return Outcome(Decision.ANSWER, f"asked for {language}", say("language.switched", language))

    async def _yes_or_no_to_a_question(self, turn: Turn, flow: str, yes: bool) -> Outcome:
        language = turn.understanding.language
        handling, action = turn.handling.get(flow, (Handling.ANSWER, None))
        if not yes or handling != Handling.ACTION:
            turn.state.pending_intent = None
            return Outcome(Decision.ANSWER, f"{flow} dropped", say("actions.declined", language))
        asked = await self._act(turn, flow, action or INTENT_ACTIONS.get(flow))
        asked.failed = asked.failed or asked.decision == Decision.CLARIFY  # no second time
        return asked

    # --- the checks -------------------------------------------------------------------------

    async def _declined(self, turn: Turn, retriever: Retriever) -> Outcome:
        """A refusal with no other request: answered when it asks something knowledge
        answers ("…, I just want to know if the warranty covers it"), else nothing changes."""
        if asks_something(turn.text):
            answered = await self._answer(turn, retriever, None)
            if answered.decision == Decision.ANSWER:
                return answered
        language = turn.understanding.language
        return Outcome(
            Decision.ANSWER, "the customer said not to", say("actions.declined", language)
        )

    def _intent(self, turn: Turn, continues: bool) -> tuple[str | None, bool]:
        """The intent to act on: a clarification in progress keeps its intent when the answer
        is not clearly about something else (a bare order number, "by mistake")."""
        understood = turn.understanding
        if continues:
            return turn.state.pending_intent, True
        if moving := moves_instead(turn):  # a new address while another flow waits
            return moving, True
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
        named = stated_request(turn.text)
        stated = named if order_ids(turn.text) else None
        if stated is not None and (not confident or answers == Handling.ANSWER):
            return stated, True
        if named is not None and not confident and says_an_action(named, turn.text):
            return named, True  # "want to return the teapot, keep the cups", the model unsure
        sends = asks_to_send_to(turn.text) and postal_address(turn.text) is not None
        other_act = confident and says_an_action(understood.intent, turn.text)
        moving = intent_acting(turn, "change_address")  # None: people handle addresses
        if sends and moving and not other_act:  # "ship it to my mom: …", not "cancel it, …"
            return moving, True
        about_focus = stated is None and turn.state.focus_order_id and asks_its_status(turn.text)
        if about_focus and (not confident or answers == Handling.ANSWER):
            return "order_status", True  # "where is it?" after "#W1…"
        # "Верните термокружку из заказа #…" read as an address change: the words say return;
        # without an order number, only a return read as a cancellation ("want to return the
        # cables …, keep the charger"): "I return home after, update where my yoga mat ships"
        # is still an address change
        other = named if named != understood.intent else None
        if stated is None and (understood.intent, named) != ("cancellation", "return_refund"):
            other = None
        said = other is not None and says_an_action(other, turn.text)
        if answers == Handling.ACTION and said and not says_an_action(understood.intent, turn.text):
            return other, True
        return understood.intent, confident

    def _handoff(self, reason: str, language: str, **extra: Any) -> Outcome:
        return Outcome(Decision.HANDOFF, reason, say("handoff.notice", language), **extra)

    async def _unclear(self, turn: Turn, retriever: Retriever) -> Outcome:
        language = turn.understanding.language
        if status := await self._status_of_their_item(turn):  # "where's my lamp at"
            return status
        answered = await self._answer(turn, retriever, None, strict=True)
        if answered.decision == Decision.ANSWER:
            return answered
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
        return Outcome(
            Decision.CLARIFY,
            "intent unclear",
            say("clarify.intent", language),
            unanswered=asks_something(turn.text),  # a question knowledge had no answer for
        )

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

    async def _status_of_their_item(
        self, turn: Turn, asks: Callable[[str], bool] = asks_its_status
    ) -> Outcome | None:
        """The order status, when the message ``asks`` where or when something of theirs is
        ("Где моя термокружка?"; any when or where beside a refusal: "не отменяйте, скажите,
        когда приедет дорожка") and a verified customer's recent orders hold an item it names;
        None otherwise (the classifier may read such a message as a product question)."""
        status_intent = intent_acting(turn, "order_status")
        if status_intent is None or not asks(turn.text):
            return None  # whose the item is, the customer's orders tell
        mine = turn.state.verified_customer_id or (
            turn.customer_id if turn.channel_verified else None
        )
        if mine is None or "order_status" not in turn.settings.actions_enabled:
            return None
        _, holding = await self.order_focus.holding(turn.text, mine)
        return await self._act(turn, status_intent, "order_status") if holding else None

    async def _act(
        self, turn: Turn, intent: str, action_name: str | None, *, asked_before: bool = False
    ) -> Outcome:
        language = turn.understanding.language
        enabled = turn.settings.actions_enabled
        if action_name is None or action_name not in enabled:
            return self._handoff(f"no enabled action for intent {intent}", language)
        action = self.actions.get(action_name)
        identified = await self.who.customer(turn)
        customer_id = identified.customer_id
        if customer_id is None:
            example = await self._order_example()
            return not_verified(turn, intent, identified, example, asked_before=asked_before)
        if await self.who.names_someone_else(turn.text, customer_id):
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
            return await statuses(context, action, named)
        focus = await self.order_focus.focus(turn, context, action.order_statuses, intent)
        if focus is not None and asks_for_part(action.name, turn.text, focus.items):
            return partial(action.name, language)
        filled = await self.slot_filler.fill(turn, action, focus)
        if self.order_focus.not_theirs and not order_ids(turn.text):
            filled["order_id"] = None  # nor an order named earlier: none holds that item
        parsed = parse_slots(action, filled)
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
                self._not_theirs(
                    action_replies.ask_for(outcome, language, order, await self._order_example()),
                    language,
                ),
                action={**record, "missing": outcome.missing},
            )
        turn.state.pending_intent = None
        if not outcome.is_allowed:
            if outcome.reason in (Refusal.ORDER_NOT_FOUND, Refusal.NO_ORDER_FITS):
                turn.state.pending_intent = intent  # an order number continues the flow
            refused = action_replies.refusal(outcome, language, order_id)
            if offers_to_cancel(turn, outcome, focus):  # a refund of an order not shipped
                turn.state.pending_intent = intent_acting(turn, "cancel_order")
                pending = term("pending", language)
                refused = say("actions.offer_cancel", language, order=order_id, status=pending)
            return Outcome(
                Decision.ANSWER,
                f"{action.name} refused by policy: {outcome.reason}",
                self._not_theirs(refused, language),
                action={**record, "refused": str(outcome.reason)},
                failed=outcome.reason != Refusal.NO_ORDER_FITS,  # that is news, not a miss
            )
        if action.needs_confirmation:
            turn.state.pending_action = record
            return Outcome(
                Decision.CLARIFY,
                f"{action.name} awaits the customer's confirmation",
                joined(
                    [
                        say("actions.whole_order", language)
                        if focus and cancels_some_items(turn.text, focus.items)
                        else "",  # "cancel the paper": the whole order, said before the plan
                        action_replies.confirmation(action.name, outcome.plan, language),
                    ],
                    language,
                ),
                action={**record, "plan": outcome.plan},
                helped=True,
            )
        result = await action.run(context, parsed, confirmed=False)
        done = ran(result, record, language)
        if result.ok and "orders" in result.data:  # listed with "which one?": the flow goes on
            if lists_their_orders(turn.text) and result.data["orders"]:
                listed = action_replies.orders_listed(result.data["orders"], language)
                done.reply = say("order.list", language, orders=listed)
                return done
            turn.state.pending_intent = intent
            done.reply = self._not_theirs(done.reply, language)
        return done

    async def _also_asked(self, turn: Turn, retriever: Retriever, outcome: Outcome) -> Outcome:
        """An action's outcome, with the answer to a general question asked beside it ("Where
        is #W1? Also, do you charge VAT on shipping?") when knowledge clearly answers it."""
        question = question_beside(turn.text)
        if question is None or outcome.decision not in (Decision.ACTION, Decision.CLARIFY):
            return outcome
        language = turn.understanding.language
        found = await retriever.passages(question, language)
        composed = await self.writer.write(question, found, language) if found else None
        if composed is None or composed.support < STRICT_SUPPORT:
            return outcome
        outcome.reply = f"{outcome.reply}\n\n{composed.text}"
        outcome.citations = [*outcome.citations, *composed.citations]
        return outcome

    async def _others_named(self, turn: Turn, outcome: Outcome) -> Outcome:
        """A plan for one order from a message that names others: the status first of those it
        asks about ("Where is #W1? Also cancel #W2"), and a note that the others wait."""
        others = others_named(turn, outcome)
        shown = still_allowed(turn, "order_status")  # a workspace may have switched it off
        asked = [o for o in others if shown and asks_status_of(o, turn.text)]
        outcome = one_at_a_time(turn, outcome, [o for o in others if o not in asked])
        planned = planned_order(outcome)
        beside = shown and planned and not others and asks_when_or_where(turn.text)
        if not asked and not beside:
            return outcome  # the customer is looked up only when another order is asked about
        customer_id = (await self.who.customer(turn)).customer_id
        if beside and customer_id:
            # "Where's my daypack, and can I also cancel the jacket order?": the daypack's order
            _, holding = await self.order_focus.holding(turn.text, customer_id)
            asked = [o.external_id for o in holding if canonical_order_id(o.external_id) != planned]
        if not asked:
            return outcome
        language = turn.understanding.language
        context = ActionContext(self.session, self.workspace_id, customer_id, language, self.bus)
        told = await statuses(context, self.actions.get("order_status"), asked)
        outcome.reply = f"{told.reply}\n\n{outcome.reply}"
        return outcome

    def _not_theirs(self, reply: str, language: str) -> str:
        """The reply, after "I couldn't find that item in your recent orders." when the message
        named an item the shop sells that none of their orders holds (not named back: what
        other customers bought is theirs)."""
        if self.order_focus.not_theirs is None:
            return reply
        return joined([say("actions.item_not_theirs", language), reply], language)

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
        customer_id = (await self.who.customer(turn)).customer_id
        context = ActionContext(self.session, self.workspace_id, customer_id, language, self.bus)
        slots = parse_slots(action, pending["slots"])
        if not self.dry_run:
            return ran(await action.run(context, slots, confirmed=True), pending, language)
        checked = await action.check(context, slots)
        if not checked.is_allowed:
            return ran(ActionResult.stopped(action.name, checked), pending, language)
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

    async def _order_example(self) -> str:
        """An order number shaped as the shop's, for "(for example …)"."""
        return await orders.order_number_example(self.session, self.workspace_id)
