"""One customer message through the engine: understand, decide, act, and keep a record.

``handle_message`` is the ``conversation.message_received`` job: it annotates the message
(always), and when the bot handles the conversation it decides and carries the decision out:
a reply through the outbox, a hand-off (notice to the customer, the conversation marked for
people, a private summary for the agent), and an ``AIRun`` with what it saw (redacted) and why.
``preview`` runs the same decision without sending or changing anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai import service
from deskpilot.ai.actions.registry import default_registry
from deskpilot.ai.actions.slots import stated_details
from deskpilot.ai.engine import Engine
from deskpilot.ai.handoff import queue_handoff
from deskpilot.ai.llm import BUILTIN, Hooks, workspace_hooks
from deskpilot.ai.replies.compose import Passage
from deskpilot.ai.repository import RunRepository, StateRepository
from deskpilot.ai.turn import Outcome, Turn
from deskpilot.ai.understanding.annotate import IntentResolver, Understanding, understand
from deskpilot.conversations import service as conversations
from deskpilot.customers import service as customers
from deskpilot.kit.db import end_read
from deskpilot.kit.deps import Resources
from deskpilot.kit.pii import KnownValues, Redactor
from deskpilot.knowledge.quality import record_unanswered
from deskpilot.knowledge.retrieval.embeddings import cap_query, get_embedder
from deskpilot.knowledge.retrieval.lexical import Filters
from deskpilot.knowledge.retrieval.service import search_workspace
from deskpilot.knowledge.retrieval.workspace_embedders import own_embedder
from deskpilot.models import (
    AIConversationState,
    AIRun,
    AISettings,
    Conversation,
    Decision,
    Direction,
    HandledBy,
    Message,
    SenderType,
)
from deskpilot.workspaces import service as workspaces

HISTORY_TURNS = 10
PASSAGES = 3


class KnowledgeRetriever:
    """Public, published passages in the customer's language: the bot never quotes an internal
    article to a customer."""

    def __init__(
        self,
        session: AsyncSession,
        workspace_id: str,
        resources: Resources | None,
        known: KnownValues | None = None,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.resources = resources  # None: the deployment's embedder (``workspace_embedders``)
        self.known = known  # hidden from the workspace's own embedding endpoint, if it has one

    async def passages(self, question: str, language: str) -> list[Passage]:
        """With the workspace's own embedder the question is embedded by its endpoint, outside
        the transaction when the turn has written nothing yet (``kit.db.end_read``)."""
        filters = Filters(self.workspace_id, visibilities=("public",), language=language)
        own = await own_embedder(self.session, self.workspace_id, self.resources)
        if own is not None:
            await end_read(self.session)
        hits = await search_workspace(
            self.session, cap_query(question), filters, own, known=self.known, limit=PASSAGES
        )
        return [
            Passage(h.article_id, h.version, h.heading, h.text, h.language, h.similarity)
            for h in hits
        ]


@dataclass(frozen=True, slots=True)
class Handled:
    understanding: Understanding
    outcome: Outcome | None  # None: the conversation is with people, nothing was decided
    run: AIRun | None
    latency_ms: float


async def _understand(
    session: AsyncSession,
    settings: AISettings,
    text: str,
    previous_language: str | None,
    *,
    resolver: IntentResolver | None = None,
    history: Sequence[str] = (),
) -> tuple[Understanding, service.Taxonomy]:
    """Annotate ``text``; when the classifier is unsure (below the hand-off confidence, or out
    of scope) and the workspace has an LLM, its intent is asked for (``ai.llm_intent``)."""
    taxonomy = await service.taxonomy_of(session, settings.workspace_id)
    workspace = await workspaces.get_workspace(session, settings.workspace_id)
    # CPU work (embedding, classifiers): in a thread, so the server keeps serving meanwhile
    understood = await asyncio.to_thread(
        understand,
        text,
        taxonomy.classifier,
        languages=settings.languages,
        default_language=workspace.default_language,
        previous_language=previous_language,
    )
    if resolver is not None and (
        understood.out_of_scope or understood.confidence < settings.handoff_confidence
    ):
        resolved = await resolver.resolve(text, history, taxonomy.options)
        if resolved is not None:
            understood = understood.with_resolved(resolved)
    return understood, taxonomy


async def _annotate(
    session: AsyncSession,
    resources: Resources,
    message: Message,
    conversation: Conversation,
    understood: Understanding,
) -> None:
    await conversations.annotate_message(session, resources.bus, message, understood.annotations())
    if conversation.language is None or understood.language_asked_for:
        conversation.language = understood.language


_TURN_FIELDS = (
    "verified_customer_id",
    "focus_order_id",
    "pending_action",
    "pending_intent",
    "failures",
    "verification_failures",
)
"""What the engine changes on a conversation's state."""


def _state_values(state: AIConversationState) -> dict[str, Any]:
    return {key: getattr(state, key) for key in _TURN_FIELDS}


async def _save_state(
    states: StateRepository, state: AIConversationState, before: dict[str, Any] | None
) -> None:
    """Write what this turn changed onto the state as it is now: another turn of the
    conversation may have saved its own changes while this one waited on the model."""
    current = await states.of_conversation(state.conversation_id)
    if current is None:  # new (or deleted meanwhile)
        current = states.add(
            AIConversationState(
                workspace_id=state.workspace_id,
                conversation_id=state.conversation_id,
                failures=0,
                verification_failures=0,
            )
        )
        before = None
    for key, value in _state_values(state).items():
        if before is None or value != before[key]:
            setattr(current, key, value)


async def _embed_ahead(text: str) -> None:
    """Embed the message while the database answers the reads that come before understanding
    (the model is C code that releases the GIL). The embedder remembers recent queries, so
    intent, sentiment and retrieval then find the embedding ready. A failure is left for
    understanding to meet, and report, again."""
    embedder = await asyncio.to_thread(get_embedder)
    if embedder is not None:
        with contextlib.suppress(Exception):
            await asyncio.to_thread(embedder.query, text)


async def _known_values(
    session: AsyncSession,
    workspace_id: str,
    settings: AISettings,
    *customer_ids: str | None,
    turns: Sequence[str],
    asked_who: bool = False,
) -> KnownValues:
    """The verified customer's own name, postcode and address, and those the customer stated
    in ``turns`` (a visitor verifying by name and zip has no profile yet), which no pattern
    finds: hidden from the LLM and from the run's stored input. With the built-in engine
    nothing leaves the process, so only the stated ones are read (no profile lookup)."""
    stated = stated_details(turns, asked_who=asked_who)
    if settings.provider == BUILTIN:
        return KnownValues(names=stated.names, addresses=stated.addresses, zips=stated.zips)
    ids = {customer_id for customer_id in customer_ids if customer_id}
    found = (await customers.customers_by_id(session, workspace_id, ids)).values() if ids else ()
    return KnownValues(
        names=(*(c.name for c in found if c.name), *stated.names),
        addresses=(*(c.address for c in found if c.address), *stated.addresses),
        zips=(*(c.postcode for c in found if c.postcode), *stated.zips),
    )


async def _is_vip(
    session: AsyncSession, workspace_id: str, customer_id: str | None, vip: list[str]
) -> bool:
    if not customer_id or not vip:
        return False
    member_of = await customers.segments_of(session, workspace_id, customer_id)
    return any(segment.id in vip or segment.name in vip for segment, _ in member_of)


def _reason(outcome: Outcome, understood: Understanding) -> str:
    """The decision's reason, saying so when the intent came from the LLM (the run has no
    column for it; the console shows the reason)."""
    if understood.intent_source == "classifier":
        return outcome.reason[:200]
    note = f" [intent from the LLM; classifier: {understood.classifier_intent or 'out of scope'}]"
    return outcome.reason[: 200 - len(note)] + note


def _record(
    workspace_id: str,
    text: str,
    understood: Understanding,
    outcome: Outcome,
    *,
    kind: str,
    latency_ms: float,
    known: KnownValues,
    conversation_id: str | None = None,
    message_id: str | None = None,
) -> AIRun:
    """The run of one decision; its input is stored with the PII found and ``known`` (the
    customer's name, zip and address) replaced by placeholders. The reply and the action's
    details are stored as they were sent (the conversation shows them too)."""
    return AIRun(
        workspace_id=workspace_id,
        conversation_id=conversation_id,
        message_id=message_id,
        kind=kind,
        input_redacted=Redactor(known=known).redact(text, understood.pii).text,
        language=understood.language,
        intent=understood.intent,
        confidence=understood.confidence,
        sentiment=understood.sentiment.score,
        decision=outcome.decision,
        reason=_reason(outcome, understood),
        reply=outcome.reply,
        sources=[
            {"article_id": c.article_id, "version": c.version, "title": c.title}
            for c in outcome.citations
        ],
        action=outcome.action,
        provider=outcome.provider,
        latency_ms=round(latency_ms, 2),
        prompt_tokens=outcome.prompt_tokens,
        completion_tokens=outcome.completion_tokens,
    )


async def handle_message(
    session: AsyncSession, resources: Resources, workspace_id: str, message_id: str
) -> Handled | None:
    started = time.perf_counter()
    bus = resources.bus
    await service.training_settled()  # before the first statement: no lock held meanwhile
    message = await conversations.find_message(session, workspace_id, message_id)
    if (
        message is None
        or message.direction != Direction.INBOUND
        or message.sender_type != SenderType.CUSTOMER
        or not message.text.strip()
    ):
        return None
    ahead = asyncio.ensure_future(_embed_ahead(message.text))
    view = await conversations.get_conversation(session, workspace_id, message.conversation_id)
    conversation = view.conversation
    settings = await service.get_settings(session, workspace_id)
    states = StateRepository(session, workspace_id)
    found_state = await states.of_conversation(conversation.id)
    if found_state is not None:
        # the engine changes the state as it decides; what it changed is written with the
        # turn's other writes, after every call to the workspace's model (``OutsideTransaction``)
        session.expunge(found_state)
    before = _state_values(found_state) if found_state is not None else None
    channel_verified = await customers.verified_on_channel(
        session, workspace_id, conversation.customer_id, conversation.channel_id
    )
    verified = (
        conversation.customer_id if channel_verified else None,
        found_state.verified_customer_id if found_state else None,
    )
    history = await conversations.customer_texts(
        session, workspace_id, conversation.id, message, HISTORY_TURNS
    )
    # the bot waits for a visitor to say who they are: a name may come in lower case
    asked_who = (
        found_state is not None
        and found_state.pending_intent not in (None, "clarify")
        and not any(verified)
    )
    known = await _known_values(
        session,
        workspace_id,
        settings,
        *verified,
        turns=[message.text, *reversed(history)],
        asked_who=asked_who,
    )
    hooks = await workspace_hooks(
        session, settings, workspace_id, resources.secret_box, resources.http, known
    )
    # a yes or no to the bot's confirmation question is read by the engine, not by intent
    awaiting_yes = found_state is not None and bool(found_state.pending_action)
    await ahead
    understood, taxonomy = await _understand(
        session,
        settings,
        message.text,
        conversation.language,
        resolver=None if awaiting_yes else hooks.intent_resolver,
        history=history,
    )
    if conversation.handled_by != HandledBy.BOT or not settings.bot_enabled:
        await _annotate(session, resources, message, conversation, understood)
        return Handled(understood, None, None, (time.perf_counter() - started) * 1000)

    state = found_state or AIConversationState(
        workspace_id=workspace_id,
        conversation_id=conversation.id,
        failures=0,
        verification_failures=0,
    )
    turn = Turn(
        text=message.text,
        understanding=understood,
        settings=settings,
        handling=taxonomy.handling,
        state=state,
        customer_id=conversation.customer_id,
        channel_verified=channel_verified,
        vip=await _is_vip(session, workspace_id, conversation.customer_id, settings.vip_segments),
        history=history,
    )
    engine = Engine(
        session,
        workspace_id,
        default_registry(),
        bus,
        writer=hooks.writer,
        slot_filler=hooks.slot_filler,
    )
    retriever = KnowledgeRetriever(session, workspace_id, resources, known)
    outcome = await engine.decide(turn, retriever)
    # the turn's writes, now that nothing more waits on an outside endpoint
    await _annotate(session, resources, message, conversation, understood)
    await _save_state(states, state, before)
    await conversations.post_bot_message(session, bus, conversation, outcome.reply)
    if outcome.decision == Decision.HANDOFF:
        await conversations.mark_for_humans(session, bus, conversation)
        queue_handoff(session, conversation, outcome, understood)  # summary and ticket: a job
    if outcome.unanswered:
        await record_unanswered(
            session,
            workspace_id,
            Redactor(known=known).redact(message.text, understood.pii).text,
            understood.language,
            conversation_id=conversation.id,
            context={"intent": understood.intent, "message_id": message.id},
        )
    latency = (time.perf_counter() - started) * 1000
    run = RunRepository(session, workspace_id).add(
        _record(
            workspace_id,
            message.text,
            understood,
            outcome,
            kind="message",
            latency_ms=latency,
            known=known,
            conversation_id=conversation.id,
            message_id=message.id,
        )
    )
    await session.flush()
    return Handled(understood, outcome, run, latency)


@dataclass(frozen=True, slots=True)
class Preview:
    understanding: Understanding
    outcome: Outcome
    latency_ms: float


async def preview(
    session: AsyncSession,
    workspace_id: str,
    text: str,
    *,
    customer_id: str | None = None,
    history: list[str] | None = None,
    resources: Resources | None = None,
) -> Preview:
    """The whole pipeline for ``text`` without sending anything and without changing any
    record but the run it logs. ``customer_id`` is treated as verified (the caller vouches for
    it). The conversation so far is rebuilt by deciding each of the customer's earlier
    ``history`` turns in order, so "yes" after "shall I cancel?" is read as the bot would read
    it; a confirmed action is checked against its policy and reported, never run. Without
    ``resources`` (no secret box, no HTTP client) it uses the built-in engine whatever provider
    the workspace has set."""
    started = time.perf_counter()
    earlier = history or []
    settings = await service.get_settings(session, workspace_id)
    known = await _known_values(
        session, workspace_id, settings, customer_id, turns=[text, *earlier]
    )
    hooks = (
        await workspace_hooks(
            session, settings, workspace_id, resources.secret_box, resources.http, known
        )
        if resources is not None
        else Hooks()
    )
    state = AIConversationState(
        workspace_id=workspace_id, conversation_id="", failures=0, verification_failures=0
    )
    vip = await _is_vip(session, workspace_id, customer_id, settings.vip_segments)
    retriever = KnowledgeRetriever(session, workspace_id, resources, known)
    # earlier turns only move the state: the built-in engine, no model calls
    replay = Engine(session, workspace_id, default_registry(), None, dry_run=True)
    final = Engine(
        session,
        workspace_id,
        default_registry(),
        None,
        writer=hooks.writer,
        slot_filler=hooks.slot_filler,
        dry_run=True,
    )
    language: str | None = None
    for index, said in enumerate([*earlier, text]):
        last = index == len(earlier)
        engine = final if last else replay
        understood, taxonomy = await _understand(
            session,
            settings,
            said,
            language,
            resolver=hooks.intent_resolver if last else None,
            history=earlier[:index],
        )
        if language is None or understood.language_asked_for:  # as a channel keeps it
            language = understood.language
        turn = Turn(
            text=said,
            understanding=understood,
            settings=settings,
            handling=taxonomy.handling,
            state=state,
            customer_id=customer_id,
            channel_verified=customer_id is not None,
            vip=vip,
            history=earlier[:index],
        )
        outcome = await engine.decide(turn, retriever)
    latency = (time.perf_counter() - started) * 1000
    RunRepository(session, workspace_id).add(
        _record(
            workspace_id,
            text,
            understood,
            outcome,
            kind="preview",
            latency_ms=latency,
            known=known,
        )
    )
    return Preview(understood, outcome, latency)
