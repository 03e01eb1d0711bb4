"""The AI engine's settings, intent taxonomy and run log. Never commits.

A workspace without stored intents uses the default taxonomy; the first change to the
taxonomy copies the defaults in, so an admin edits what the bot actually uses. Classifiers
are trained in a thread and kept per taxonomy content (two workspaces with the same intents
share one), retrained when an intent changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai import providers
from deskpilot.ai.actions.registry import default_registry
from deskpilot.ai.llm import embeds_with_own_model
from deskpilot.ai.providers import ProviderConfig
from deskpilot.ai.providers.breaker import CircuitBreaker
from deskpilot.ai.providers.registry import ProviderContext
from deskpilot.ai.repository import IntentRepository, RunRepository, SettingsRepository
from deskpilot.ai.requests import INTENT_ACTIONS
from deskpilot.ai.schemas import IntentUpdate, IntentWrite, SettingsUpdate
from deskpilot.ai.understanding.annotate import IntentOption
from deskpilot.ai.understanding.intents import IntentClassifier
from deskpilot.ai.understanding.sentiment import default_model
from deskpilot.ai.understanding.taxonomy import DEFAULT_TAXONOMY, out_of_scope_examples
from deskpilot.kit.db import on_commit
from deskpilot.kit.errors import Conflict, DeskPilotError, FieldError, InvalidInput
from deskpilot.kit.language import normalise_codes
from deskpilot.knowledge import service as knowledge
from deskpilot.knowledge.retrieval.embeddings import get_embedder
from deskpilot.models import AIIntent, AIRun, AISettings, Handling
from deskpilot.segments import service as segments

MAX_CACHED_CLASSIFIERS = 32
BUILTIN_PROVIDER = "builtin"
MAX_INTENTS = 200
MAX_TAXONOMY_EXAMPLES = 5000
"""Every example is embedded when the taxonomy is retrained, before the next message is
understood: these bound that wait (the default taxonomy has 12 intents, about 430 examples)."""


@dataclass(frozen=True, slots=True)
class Taxonomy:
    classifier: IntentClassifier
    handling: dict[str, tuple[Handling, str | None]]
    options: tuple[IntentOption, ...] = ()  # what an LLM is shown


@dataclass(frozen=True, slots=True)
class _Intent:
    name: str
    description: str
    handling: Handling
    action: str | None
    examples: tuple[str, ...]


_by_content: dict[str, Taxonomy] = {}
_by_workspace: dict[str, tuple[tuple[int, object, str], Taxonomy]] = {}
_training: dict[str, Future[Taxonomy]] = {}
_lock = threading.Lock()
log = logging.getLogger("deskpilot.ai.service")


def default_intents() -> list[_Intent]:
    return [
        _Intent(
            i.name,
            i.description,
            Handling(i.handling),
            INTENT_ACTIONS.get(i.name) if i.handling == "action" else None,
            tuple(i.all_examples()),
        )
        for i in DEFAULT_TAXONOMY
    ]


def _encoder_name() -> str:
    """The embedder the classifier learns with (``DESKPILOT_EMBEDDINGS``): one trained with
    another embedder, or none, is another classifier (tests switch it, and a cached one from
    another test once decided their intents)."""
    embedder = get_embedder()
    return embedder.name if embedder is not None else "none"


def _content_key(intents: Sequence[_Intent]) -> str:
    """What the classifier learns from, in name order (the defaults copied into a workspace,
    whose stored rows come back ordered by name, are the same taxonomy as the built-in list),
    and with which embedder."""
    content = sorted((i.name, i.description, list(i.examples)) for i in intents)
    return hashlib.sha256(json.dumps([_encoder_name(), content]).encode()).hexdigest()


def _train(intents: Sequence[_Intent]) -> Taxonomy:
    key = _content_key(intents)
    with _lock:
        found = _by_content.get(key)
        pending = _training.get(key) if found is None else None
        owner = found is None and pending is None
        if owner:
            pending = _training[key] = Future()
    if found is None and not owner:
        # someone (another message, or the retraining after an edit) is training this very
        # taxonomy: wait for it instead of training it again (each costs seconds of CPU)
        assert pending is not None
        found = pending.result()
    elif found is None:
        assert pending is not None
        try:
            found = _fit(intents)
        except BaseException as exc:
            pending.set_exception(exc)
            raise
        finally:
            with _lock:
                _training.pop(key, None)
        with _lock:
            if len(_by_content) >= MAX_CACHED_CLASSIFIERS:
                _by_content.clear()
            _by_content[key] = found
        pending.set_result(found)
    # the handling can change without the examples: always take it from the intents given
    return Taxonomy(
        found.classifier,
        {i.name: (i.handling, i.action) for i in intents},
        tuple(IntentOption(i.name, i.description, i.examples) for i in intents),
    )


def _fit(intents: Sequence[_Intent]) -> Taxonomy:
    classifier = IntentClassifier()
    classifier.fit(
        [(text, i.name) for i in intents for text in i.examples],
        out_of_scope_examples(),
        descriptions={i.name: i.description for i in intents},
    )
    return Taxonomy(classifier, {i.name: (i.handling, i.action) for i in intents})


def _retrain_after_commit(session: AsyncSession, rows: Sequence[AIIntent]) -> None:
    """Start training the changed taxonomy in the background once the change is committed,
    so the next message finds it ready (or under way) instead of training it itself, inside
    its own transaction (on SQLite that would hold the one write lock for the whole fit)."""
    intents = [
        _Intent(r.name, r.description, r.handling, r.action, tuple(r.examples)) for r in rows
    ]

    async def start() -> None:
        threading.Thread(target=_train_quietly, args=(intents,), daemon=True).start()

    on_commit(session, start)


async def training_settled() -> None:
    """Wait until the classifiers being trained right now (after an intent edit) are ready or
    have failed. The pipeline waits here before its first statement: on SQLite a transaction
    holds the one write lock from its first statement, and a message that waited for a
    training inside its transaction stalled every other write for the seconds it takes."""
    with _lock:
        under_way = list(_training.values())
    for future in under_way:
        with contextlib.suppress(Exception):  # a failed training is met, and reported, again
            await asyncio.wrap_future(future)


def _train_quietly(intents: Sequence[_Intent]) -> None:
    try:
        _train(intents)
    except Exception:  # the next message trains it again and meets the error itself
        log.exception("retraining the intent classifier failed")


def warm_default() -> None:
    """Train the default taxonomy's classifier and the default sentiment model (at start-up,
    so no message waits for them)."""
    _train(default_intents())
    default_model()


async def taxonomy_of(session: AsyncSession, workspace_id: str) -> Taxonomy:
    repo = IntentRepository(session, workspace_id)
    fingerprint = (*await repo.fingerprint(), _encoder_name())
    cached = _by_workspace.get(workspace_id)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = await repo.ordered() if fingerprint[0] else []
    intents = (
        [_Intent(r.name, r.description, r.handling, r.action, tuple(r.examples)) for r in rows]
        if rows
        else default_intents()
    )
    taxonomy = await asyncio.to_thread(_train, intents)
    _by_workspace[workspace_id] = (fingerprint, taxonomy)
    return taxonomy


# --- settings -------------------------------------------------------------------------------


async def get_settings(session: AsyncSession, workspace_id: str) -> AISettings:
    """The workspace's settings, created with the defaults on first use."""
    repo = SettingsRepository(session, workspace_id)
    found = await repo.current()
    if found is None:
        found = repo.add(AISettings(workspace_id=workspace_id))
        await session.flush()
    return found


NULLABLE_SETTINGS = frozenset({"base_url", "chat_model", "embedding_model", "api_key_secret"})


def _clean_names(values: list[str], field: str) -> list[str]:
    """Stripped, without repeats; a blank entry is a mistake, not something to drop."""
    cleaned = [v.strip() for v in values]
    if any(not v for v in cleaned):
        raise InvalidInput.field(field, "entries must not be blank")
    return list(dict.fromkeys(cleaned))


async def _check_segments(session: AsyncSession, workspace_id: str, names: list[str]) -> None:
    """A VIP segment is named by id or name and must exist: a typo would silently leave the
    workspace's VIPs to the bot."""
    if not names:
        return
    listed = await segments.list_segments(session, workspace_id)
    known = {ref for segment in listed for ref in (segment.id, segment.name)}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidInput.field(
            "vip_segments", f"no segment with the id or name {', '.join(map(repr, unknown))}"
        )


def _check_provider(settings: AISettings, values: dict[str, Any]) -> None:
    """The settings as they will be must make a provider that can be built: a known slug,
    and what that provider requires (``openai``: a chat model; every one: a base URL without
    query or credentials, model names without padding), so a mistake is a 422 now, not a
    silent fall-back to the built-in engine on every message later."""

    def after(name: str) -> Any:
        return values[name] if name in values else getattr(settings, name)

    provider = after("provider")
    if provider == BUILTIN_PROVIDER:
        return
    if not after("chat_model"):
        raise InvalidInput.field("chat_model", f"the {provider!r} provider needs a chat model")
    try:
        config = ProviderConfig(
            slug=provider,
            base_url=after("base_url"),
            chat_model=after("chat_model"),
            embedding_model=after("embedding_model"),
            timeout_seconds=after("timeout_seconds"),
            max_retries=after("max_retries"),
        )
        providers.default_registry().factory(provider)(
            config, ProviderContext(breaker=CircuitBreaker())
        )
    except InvalidInput as exc:
        # ProviderConfig names its own fields; the slug is called ``provider`` here
        fields = [
            FieldError("provider" if f.field == "slug" else f.field, f.reason) for f in exc.fields
        ]
        raise InvalidInput.of(fields) from exc
    except DeskPilotError:
        raise
    except Exception as exc:  # a plug-in's own check; its message says what is wrong
        raise InvalidInput.field("provider", f"{provider!r} rejected the settings: {exc}") from exc


async def update_settings(
    session: AsyncSession, workspace_id: str, change: SettingsUpdate
) -> AISettings:
    settings = await get_settings(session, workspace_id)
    values = change.model_dump(exclude_unset=True)
    for name, value in values.items():
        if value is None and name not in NULLABLE_SETTINGS:
            raise InvalidInput.field(name, "cannot be null")
    if "languages" in values:
        languages = _clean_names(values["languages"], "languages")
        values["languages"] = sorted(normalise_codes(languages))
    if "actions_enabled" in values:
        values["actions_enabled"] = _clean_names(values["actions_enabled"], "actions_enabled")
        default_registry().enabled(values["actions_enabled"])  # unknown names: 422
    if "vip_segments" in values:
        values["vip_segments"] = _clean_names(values["vip_segments"], "vip_segments")
        await _check_segments(session, workspace_id, values["vip_segments"])
    if values.get("base_url") is not None:
        values["base_url"] = str(values["base_url"])
    for name in ("chat_model", "embedding_model"):
        if values.get(name) is not None and not values[name].strip():
            raise InvalidInput.field(name, "must not be blank")
        if values.get(name) is not None:
            values[name] = values[name].strip()
    _check_provider(settings, values)
    embedder_before = embeds_with_own_model(settings)
    for name, value in values.items():
        setattr(settings, name, value)
    if embeds_with_own_model(settings) != embedder_before:
        knowledge.queue_reindex(session, workspace_id)  # embedded by another model from now
    await session.flush()
    return settings


# --- intents --------------------------------------------------------------------------------


async def _ensure_intents(session: AsyncSession, workspace_id: str) -> IntentRepository:
    repo = IntentRepository(session, workspace_id)
    if (await repo.fingerprint())[0] == 0:
        for intent in default_intents():
            repo.add(
                AIIntent(
                    workspace_id=workspace_id,
                    name=intent.name,
                    description=intent.description,
                    handling=intent.handling,
                    action=intent.action,
                    examples=list(intent.examples),
                )
            )
        await session.flush()
    return repo


def _check_action(handling: Handling, action: str | None) -> None:
    if handling == Handling.ACTION:
        if not action:
            raise InvalidInput.field("action", "an intent handled by an action names the action")
        if action not in default_registry().names():
            raise InvalidInput.field("action", f"unknown action {action!r}")


async def _check_size(repo: IntentRepository, replacing: str | None, examples: int) -> None:
    """A taxonomy stays small enough to retrain quickly: checked before an intent with
    ``examples`` examples is added, or replaces the intent with id ``replacing``."""
    others = [i for i in await repo.ordered() if i.id != replacing]
    if len(others) + 1 > MAX_INTENTS:
        raise Conflict(f"a taxonomy has at most {MAX_INTENTS} intents")
    total = sum(len(i.examples) for i in others) + examples
    if total > MAX_TAXONOMY_EXAMPLES:
        raise InvalidInput.field(
            "examples",
            f"the taxonomy would have {total} examples; at most {MAX_TAXONOMY_EXAMPLES} in all",
        )


def _clean_examples(examples: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(e.strip() for e in examples if e.strip()))
    if not cleaned:
        raise InvalidInput.field("examples", "at least one non-blank example is needed")
    return cleaned


async def list_intents(session: AsyncSession, workspace_id: str) -> Sequence[AIIntent]:
    return await (await _ensure_intents(session, workspace_id)).ordered()


async def create_intent(session: AsyncSession, workspace_id: str, data: IntentWrite) -> AIIntent:
    repo = await _ensure_intents(session, workspace_id)
    if await repo.by_name(data.name) is not None:
        raise Conflict(f"an intent named {data.name!r} already exists")
    _check_action(data.handling, data.action)
    intent = AIIntent(
        workspace_id=workspace_id,
        name=data.name,
        description=data.description,
        handling=data.handling,
        action=data.action if data.handling == Handling.ACTION else None,
        examples=_clean_examples(data.examples),
    )
    await _check_size(repo, None, len(intent.examples))
    repo.add(intent)
    await session.flush()
    _retrain_after_commit(session, await repo.ordered())
    return intent


async def get_intent(session: AsyncSession, workspace_id: str, intent_id: str) -> AIIntent:
    return await (await _ensure_intents(session, workspace_id)).get_or_404(intent_id)


async def update_intent(
    session: AsyncSession, workspace_id: str, intent_id: str, change: IntentUpdate
) -> AIIntent:
    intent = await get_intent(session, workspace_id, intent_id)
    values = change.model_dump(exclude_unset=True)
    for name, value in values.items():
        if value is None and name != "action":
            raise InvalidInput.field(name, "cannot be null")
    if "examples" in values:
        values["examples"] = _clean_examples(values["examples"])
        repo = IntentRepository(session, workspace_id)
        await _check_size(repo, intent.id, len(values["examples"]))
    handling = values.get("handling", intent.handling)
    action = values.get("action", intent.action)
    _check_action(handling, action)
    for name, value in values.items():
        setattr(intent, name, value)
    if handling != Handling.ACTION:
        intent.action = None
    await session.flush()
    if "examples" in values or "description" in values:
        _retrain_after_commit(session, await IntentRepository(session, workspace_id).ordered())
    return intent


async def delete_intent(session: AsyncSession, workspace_id: str, intent_id: str) -> None:
    repo = await _ensure_intents(session, workspace_id)
    intent = await repo.get_or_404(intent_id)
    if len(await repo.ordered()) <= 2:
        raise Conflict("a taxonomy needs at least two intents")
    await repo.delete(intent)
    await session.flush()
    _retrain_after_commit(session, await repo.ordered())


# --- runs -----------------------------------------------------------------------------------


async def runs_of_message(session: AsyncSession, workspace_id: str, message_id: str) -> list[AIRun]:
    return list(await RunRepository(session, workspace_id).of_message(message_id))


async def runs_of_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str, limit: int = 50
) -> list[AIRun]:
    return list(await RunRepository(session, workspace_id).of_conversation(conversation_id, limit))
