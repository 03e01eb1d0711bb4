"""Helpers for the provider tests: a manual clock, recorded backoff sleeps, and a provider
pointed at a FakeLLM."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskpilot.ai.providers import CircuitBreaker, ProviderConfig
from deskpilot.ai.providers.openai_compatible import OpenAICompatibleProvider
from tests.support.fakellm import FakeLLM


@dataclass
class ManualClock:
    """A monotonic clock that moves only when the test says so."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Sleeps:
    """Stands in for ``asyncio.sleep`` in the retry loop: records each backoff delay."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_provider(
    fake: FakeLLM,
    sleeps: Sleeps,
    *,
    timeout_seconds: float = 5.0,
    max_retries: int = 2,
    breaker: CircuitBreaker | None = None,
    api_key: str | None = "sk-test-key",
) -> OpenAICompatibleProvider:
    config = ProviderConfig(
        slug="openai",
        base_url=fake.base_url,
        api_key=api_key,
        chat_model="fake-chat",
        embedding_model="fake-embed",
        timeout_seconds=timeout_seconds,
        max_retries=max_retries,
    )
    return OpenAICompatibleProvider(config, breaker=breaker, sleep=sleeps, rand=lambda: 1.0)
