"""Does the workspace's saved provider configuration work? One small request to its chat model
and, when one is set, one to its embedding model, each reported on its own: what the endpoint
answered (an HTTP status, a timeout, a malformed body) or how long it took.

A check is what an admin runs after setting a key or a model, so it must tell the truth at
once: it goes out whatever the workspace's breaker says, with no retries, and its result
counts neither way in that breaker. The key never appears in what it reports.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.ai.llm import BUILTIN, provider_config
from deskpilot.ai.providers import (
    ChatMessage,
    ChatProvider,
    ChatRequest,
    CircuitBreaker,
    ProviderConfig,
    ProviderContext,
    ProviderError,
    ProviderRejected,
    ProviderUnavailable,
    default_registry,
    with_secret_api_key,
)
from deskpilot.ai.providers.embedding import EmbeddingProvider
from deskpilot.ai.schemas import CheckResult, ProviderCheck
from deskpilot.kit.crypto import SecretBox, SecretBoxError
from deskpilot.kit.db import end_read
from deskpilot.kit.errors import DeskPilotError
from deskpilot.knowledge.retrieval.embeddings import EmbeddingUnavailable
from deskpilot.models import AISettings

CHECK_REQUEST = ChatRequest(
    messages=(ChatMessage(role="user", content="Reply with the single word OK."),),
    temperature=0,
    max_tokens=5,
)


async def check_provider(
    session: AsyncSession,
    settings: AISettings,
    box: SecretBox,
    http: httpx.AsyncClient | None,
) -> ProviderCheck:
    """Call the saved configuration's endpoints once each (the session's transaction is ended
    first: it only read, and an endpoint may take its whole timeout)."""
    if settings.provider == BUILTIN:
        return ProviderCheck(provider=BUILTIN, chat=CheckResult(ok=True), embeddings=None)
    wants_embeddings = bool(settings.embedding_model)
    try:
        config = dataclasses.replace(provider_config(settings), max_retries=0)
        if settings.api_key_secret:
            config = await with_secret_api_key(
                config, session, box, settings.workspace_id, settings.api_key_secret
            )
        await end_read(session)
        factory = default_registry().factory(config.slug)
        provider = factory(config, ProviderContext(breaker=CircuitBreaker(), http=http))
    except (DeskPilotError, SecretBoxError) as exc:
        unusable = CheckResult(ok=False, error=_message(exc))
        return ProviderCheck(
            provider=settings.provider,
            chat=unusable,
            embeddings=unusable if wants_embeddings else None,
        )
    chat = await _check_chat(provider, config)
    embeddings = None
    if wants_embeddings:
        embeddings = (
            await _check_embeddings(provider, config)
            if isinstance(provider, EmbeddingProvider)
            else CheckResult(ok=False, error=f"the provider {config.slug!r} does not embed")
        )
    return ProviderCheck(provider=config.slug, chat=chat, embeddings=embeddings)


async def _check_chat(provider: ChatProvider, config: ProviderConfig) -> CheckResult:
    started = time.perf_counter()
    try:
        await provider.complete(CHECK_REQUEST)
    except ProviderError as exc:
        status = exc.status if isinstance(exc, ProviderRejected | ProviderUnavailable) else None
        return CheckResult(ok=False, status=status, error=_scrub(str(exc), config))
    return CheckResult(ok=True, latency_ms=_since(started))


async def _check_embeddings(provider: EmbeddingProvider, config: ProviderConfig) -> CheckResult:
    started = time.perf_counter()
    try:
        vectors = await asyncio.to_thread(provider.embedder().query, "OK")
    except EmbeddingUnavailable as exc:
        cause = exc.__cause__
        status = cause.response.status_code if isinstance(cause, httpx.HTTPStatusError) else None
        return CheckResult(ok=False, status=status, error=_scrub(str(exc), config))
    return CheckResult(ok=True, latency_ms=_since(started), dimensions=int(vectors.shape[-1]))


def _message(exc: Exception) -> str:
    return exc.message if isinstance(exc, DeskPilotError) else str(exc) or type(exc).__name__


def _scrub(text: str, config: ProviderConfig) -> str:
    """An endpoint may quote the key it refused; the report never does."""
    return text.replace(config.api_key, "***") if config.api_key else text


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
