"""The AI engine's settings, intent taxonomy and run log. Never commits.

A workspace without stored intents uses the default taxonomy; the first change to the
taxonomy copies the defaults in, so an admin edits what the bot actually uses. Classifiers
are trained in a thread and kept per taxonomy content (two workspaces with the same intents
share one), retrained when an intent changes.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.actions.registry import default_registry
from deskpilot.ai.engine import INTENT_ACTIONS
from deskpilot.ai.repository import IntentRepository, RunRepository, SettingsRepository
from deskpilot.ai.schemas import IntentUpdate, IntentWrite, SettingsUpdate
from deskpilot.ai.understanding.annotate import IntentOption
from deskpilot.ai.understanding.intents import IntentClassifier
from deskpilot.ai.understanding.language import normalise_codes
from deskpilot.ai.understanding.sentiment import default_model
from deskpilot.ai.understanding.taxonomy import DEFAULT_TAXONOMY, out_of_scope_examples
from deskpilot.kit.errors import Conflict, InvalidInput
from deskpilot.models import AIIntent, AIRun, AISettings, Handling

MAX_CACHED_CLASSIFIERS = 32


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
_by_workspace: dict[str, tuple[tuple[int, object], Taxonomy]] = {}
_lock = threading.Lock()


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


def _train(intents: Sequence[_Intent]) -> Taxonomy:
    key = hashlib.sha256(
        json.dumps([(i.name, i.description, list(i.examples)) for i in intents]).encode()
    ).hexdigest()
    with _lock:
        found = _by_content.get(key)
    if found is None:
        classifier = IntentClassifier()
        classifier.fit(
            [(text, i.name) for i in intents for text in i.examples],
            out_of_scope_examples(),
            descriptions={i.name: i.description for i in intents},
        )
        handling = {i.name: (i.handling, i.action) for i in intents}
        found = Taxonomy(classifier, handling)
        with _lock:
            if len(_by_content) >= MAX_CACHED_CLASSIFIERS:
                _by_content.clear()
            _by_content[key] = found
    # the handling can change without the examples: always take it from the intents given
    return Taxonomy(
        found.classifier,
        {i.name: (i.handling, i.action) for i in intents},
        tuple(IntentOption(i.name, i.description, i.examples) for i in intents),
    )


def warm_default() -> None:
    """Train the default taxonomy's classifier and the default sentiment model (at start-up,
    so no message waits for them)."""
    _train(default_intents())
    default_model()


async def taxonomy_of(session: AsyncSession, workspace_id: str) -> Taxonomy:
    repo = IntentRepository(session, workspace_id)
    fingerprint = await repo.fingerprint()
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


async def update_settings(
    session: AsyncSession, workspace_id: str, change: SettingsUpdate
) -> AISettings:
    settings = await get_settings(session, workspace_id)
    values = change.model_dump(exclude_unset=True)
    for name, value in values.items():
        if value is None and name not in {"base_url", "chat_model", "embedding_model"}:
            raise InvalidInput.field(name, "cannot be null")
    if values.get("languages") is not None:
        values["languages"] = sorted(normalise_codes(values["languages"]))
    if values.get("actions_enabled") is not None:
        default_registry().enabled(values["actions_enabled"])  # unknown names: 422
    if values.get("base_url") is not None:
        values["base_url"] = str(values["base_url"])
    provider = values.get("provider", settings.provider)
    if provider != "builtin" and not (values.get("chat_model") or settings.chat_model):
        raise InvalidInput.field("chat_model", f"the {provider!r} provider needs a chat model")
    for name, value in values.items():
        setattr(settings, name, value)
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
    intent = repo.add(
        AIIntent(
            workspace_id=workspace_id,
            name=data.name,
            description=data.description,
            handling=data.handling,
            action=data.action if data.handling == Handling.ACTION else None,
            examples=_clean_examples(data.examples),
        )
    )
    await session.flush()
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
    handling = values.get("handling", intent.handling)
    action = values.get("action", intent.action)
    _check_action(handling, action)
    for name, value in values.items():
        setattr(intent, name, value)
    if handling != Handling.ACTION:
        intent.action = None
    await session.flush()
    return intent


async def delete_intent(session: AsyncSession, workspace_id: str, intent_id: str) -> None:
    repo = await _ensure_intents(session, workspace_id)
    intent = await repo.get_or_404(intent_id)
    if len(await repo.ordered()) <= 2:
        raise Conflict("a taxonomy needs at least two intents")
    await repo.delete(intent)
    await session.flush()


# --- runs -----------------------------------------------------------------------------------


async def runs_of_message(session: AsyncSession, workspace_id: str, message_id: str) -> list[AIRun]:
    return list(await RunRepository(session, workspace_id).of_message(message_id))


async def runs_of_conversation(
    session: AsyncSession, workspace_id: str, conversation_id: str, limit: int = 50
) -> list[AIRun]:
    return list(await RunRepository(session, workspace_id).of_conversation(conversation_id, limit))
