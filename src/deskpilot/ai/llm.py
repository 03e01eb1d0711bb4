"""The engine's LLM hooks for a workspace: an answer writer, a slot filler and an intent
resolver, or none.

``builtin`` (the default) gets no hooks: the engine writes extractive answers and fills slots
by pattern. Any other provider slug (``openai``, a plug-in) is resolved from the workspace's AI
settings, with the API key read from the encrypted workspace secret the settings name, and
its breaker shared per workspace, endpoint and model (see docs/ai-providers.md).

A configuration that cannot be used (the named secret is missing or cannot be decrypted, an
invalid base URL, an unknown slug) must not stop the customer's message: it is logged and
the message is handled by the built-in engine.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.engine import SlotFiller
from deskpilot.ai.llm_intent import LLMIntentResolver
from deskpilot.ai.llm_slots import LLMSlotFiller
from deskpilot.ai.providers import ChatProvider, ProviderConfig, resolve, with_secret_api_key
from deskpilot.ai.replies.compose import AnswerWriter
from deskpilot.ai.replies.generate import LLMWriter
from deskpilot.ai.understanding.annotate import IntentResolver
from deskpilot.kit.crypto import SecretBox, SecretBoxError
from deskpilot.kit.errors import DeskPilotError
from deskpilot.kit.pii import KnownValues, Redactor
from deskpilot.models import AISettings

log = logging.getLogger("deskpilot.ai.llm")

BUILTIN = "builtin"


def provider_config(settings: AISettings) -> ProviderConfig:
    """The workspace's settings as a provider configuration (without the key)."""
    return ProviderConfig(
        slug=settings.provider,
        base_url=settings.base_url,
        chat_model=settings.chat_model,
        embedding_model=settings.embedding_model,
        timeout_seconds=settings.timeout_seconds,
        max_retries=settings.max_retries,
    )


async def workspace_provider(
    session: AsyncSession,
    settings: AISettings,
    workspace_id: str,
    box: SecretBox,
    http: httpx.AsyncClient | None,
) -> ChatProvider | None:
    """The workspace's text-generating provider, or None (``builtin``, or unusable)."""
    if settings.provider == BUILTIN:
        return None
    try:
        config = provider_config(settings)
        if settings.api_key_secret:
            config = await with_secret_api_key(
                config, session, box, workspace_id, settings.api_key_secret
            )
        provider = resolve(config, workspace_id=workspace_id, http=http)
    except (DeskPilotError, SecretBoxError) as exc:
        log.warning(
            "workspace %s: AI provider %r is not usable (%s); using the built-in engine",
            workspace_id,
            settings.provider,
            exc,
        )
        return None
    return provider if provider.generates_text else None


@dataclass(frozen=True, slots=True)
class Hooks:
    """What the workspace's LLM adds to a turn; all None means the built-in engine."""

    writer: AnswerWriter | None = None
    slot_filler: SlotFiller | None = None
    intent_resolver: IntentResolver | None = None


async def workspace_hooks(
    session: AsyncSession,
    settings: AISettings,
    workspace_id: str,
    box: SecretBox,
    http: httpx.AsyncClient | None,
    known: KnownValues | None = None,
) -> Hooks:
    """The hooks of one turn. They share one redactor, so a value keeps its placeholder
    across the turn's requests; it also hides ``known`` (the verified customer's own name,
    zip and address), which no pattern finds."""
    provider = await workspace_provider(session, settings, workspace_id, box, http)
    if provider is None:
        return Hooks()
    redactor = Redactor(known=known or KnownValues())
    return Hooks(
        LLMWriter(provider, redactor),
        LLMSlotFiller(provider, redactor),
        LLMIntentResolver(provider, redactor),
    )


async def engine_hooks(
    session: AsyncSession,
    settings: AISettings,
    workspace_id: str,
    box: SecretBox,
    http: httpx.AsyncClient | None,
) -> tuple[AnswerWriter | None, SlotFiller | None]:
    """(writer, slot filler) for ``Engine(...)``: (None, None) means the built-in ones. Both
    hooks share one redactor, so a value keeps its placeholder across the turn's requests."""
    hooks = await workspace_hooks(session, settings, workspace_id, box, http)
    return hooks.writer, hooks.slot_filler
