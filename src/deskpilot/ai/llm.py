"""The engine's LLM hooks for a workspace: an answer writer, a slot filler and an intent
resolver, or none; and the workspace's own embedder for its knowledge base, when its provider
embeds and its settings name an embedding model (``knowledge_embedder``, registered with
``knowledge.retrieval.workspace_embedders``).

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

from deskpilot.ai.llm_intent import LLMIntentResolver
from deskpilot.ai.llm_slots import LLMSlotFiller
from deskpilot.ai.providers import (
    ChatProvider,
    ChatRequest,
    ChatResponse,
    ProviderConfig,
    default_registry,
    resolve,
    with_secret_api_key,
)
from deskpilot.ai.providers.embedding import EmbeddingProvider, GuardedEmbedder
from deskpilot.ai.providers.openai_compatible import DEFAULT_BASE_URL
from deskpilot.ai.replies.compose import AnswerWriter
from deskpilot.ai.replies.generate import LLMWriter
from deskpilot.ai.repository import SettingsRepository
from deskpilot.ai.slot_filling import SlotFiller
from deskpilot.ai.understanding.annotate import IntentResolver
from deskpilot.kit.crypto import SecretBox, SecretBoxError
from deskpilot.kit.db import end_read
from deskpilot.kit.deps import Resources
from deskpilot.kit.errors import DeskPilotError
from deskpilot.kit.pii import KnownValues, Redactor
from deskpilot.knowledge.retrieval import workspace_embedders
from deskpilot.knowledge.retrieval.embeddings import Embedder
from deskpilot.models import AISettings

log = logging.getLogger("deskpilot.ai.llm")

BUILTIN = "builtin"
OPENAI = "openai"


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


def embeds_with_own_model(settings: AISettings) -> str | None:
    """What identifies the workspace's own embedder (provider, endpoint, model), or None when
    its knowledge base uses the deployment's: a change of it means embedding again."""
    if settings.provider == BUILTIN or not settings.embedding_model:
        return None
    default_url = DEFAULT_BASE_URL if settings.provider == OPENAI else ""
    base_url = (settings.base_url or default_url).rstrip("/")  # as the provider reads it
    return f"{settings.provider}|{base_url}|{settings.embedding_model}"


@workspace_embedders.register
async def knowledge_embedder(
    session: AsyncSession, workspace_id: str, resources: Resources
) -> Embedder | None:
    """The workspace's own embedder (its provider's, behind a breaker of its own), or None
    for the deployment's: no embedding model set, or a configuration that cannot be used
    (logged by ``workspace_provider``)."""
    settings = await SettingsRepository(session, workspace_id).current()
    identity = embeds_with_own_model(settings) if settings is not None else None
    if settings is None or identity is None:
        return None
    provider = await workspace_provider(
        session, settings, workspace_id, resources.secret_box, resources.http
    )
    if not isinstance(provider, EmbeddingProvider):
        return None
    breaker = default_registry().board.get(f"{workspace_id}|embeddings|{identity}")
    return GuardedEmbedder(provider.embedder(), breaker)


class OutsideTransaction:
    """A chat provider whose requests wait outside the session's transaction: each call ends
    the transaction first when it has written nothing yet (``kit.db.end_read``), so on SQLite
    a slow model never holds the database's one writer. The turn's writes come after."""

    def __init__(self, inner: ChatProvider, session: AsyncSession) -> None:
        self.inner = inner
        self.session = session
        self.slug = inner.slug
        self.generates_text = inner.generates_text

    async def complete(self, request: ChatRequest) -> ChatResponse:
        await end_read(self.session)
        return await self.inner.complete(request)


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
    found = await workspace_provider(session, settings, workspace_id, box, http)
    if found is None:
        return Hooks()
    provider = OutsideTransaction(found, session)
    redactor = Redactor(known=known or KnownValues())
    return Hooks(
        LLMWriter(provider, redactor),
        LLMSlotFiller(provider, redactor),
        LLMIntentResolver(provider, redactor),
    )
