"""The circuit breaker: on its own with a manual clock, and guarding the ``openai`` provider
against a FakeLLM (an open breaker makes no HTTP request)."""

from __future__ import annotations

import pytest

from deskpilot.ai.providers import (
    BreakerBoard,
    BreakerState,
    ChatMessage,
    ChatRequest,
    CircuitBreaker,
    CircuitOpen,
    MalformedResponse,
    ProviderConfig,
    ProviderRegistry,
    ProviderRejected,
    ProviderUnavailable,
)
from deskpilot.ai.providers.openai_compatible import OpenAICompatibleProvider
from tests.ai.providers.helpers import ManualClock, Sleeps, make_provider
from tests.support.fakellm import FakeLLM, Reply

REQUEST = ChatRequest(messages=(ChatMessage("user", "Where is my parcel?"),))


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """The state now (a call, so that type checkers do not narrow it across calls)."""
    return breaker.state


def test_opens_after_consecutive_failures(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown_seconds=30, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.failure()
    assert state_of(breaker) == BreakerState.CLOSED
    assert breaker.allow()
    breaker.failure()

    assert state_of(breaker) == BreakerState.OPEN
    assert not breaker.allow()
    assert breaker.retry_after() == 30


def test_a_success_resets_the_count(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=3, cooldown_seconds=30, clock=clock)
    for _ in range(5):
        breaker.failure()
        breaker.failure()
        breaker.success()
    assert state_of(breaker) == BreakerState.CLOSED
    assert breaker.consecutive_failures == 0


def test_half_open_after_cooldown_then_closed_on_success(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=30, clock=clock)
    breaker.failure()
    clock.advance(29.9)
    assert state_of(breaker) == BreakerState.OPEN
    assert not breaker.allow()

    clock.advance(0.1)
    assert state_of(breaker) == BreakerState.HALF_OPEN
    assert breaker.allow()  # the one trial call
    assert not breaker.allow()  # others wait for its outcome
    breaker.success()

    assert state_of(breaker) == BreakerState.CLOSED
    assert breaker.allow()
    assert breaker.allow()


def test_failed_trial_opens_again_for_a_full_cooldown(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=10, clock=clock)
    breaker.failure()
    breaker.failure()
    clock.advance(10)
    assert breaker.allow()
    breaker.failure()  # one failure is enough in half-open state

    assert state_of(breaker) == BreakerState.OPEN
    clock.advance(9)
    assert not breaker.allow()
    clock.advance(1)
    assert breaker.allow()


def test_abandoned_trial_frees_the_slot(clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=5, clock=clock)
    breaker.failure()
    clock.advance(5)
    assert breaker.allow()
    breaker.abandon()  # e.g. the job was cancelled mid-call
    assert state_of(breaker) == BreakerState.HALF_OPEN
    assert breaker.allow()


def test_bad_breaker_settings() -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        CircuitBreaker(failure_threshold=0)
    with pytest.raises(ValueError, match="cooldown"):
        CircuitBreaker(cooldown_seconds=0)


async def test_open_breaker_short_circuits_without_http(
    fake: FakeLLM, sleeps: Sleeps, clock: ManualClock
) -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=60, clock=clock)
    provider = make_provider(fake, sleeps, max_retries=1, breaker=breaker)
    fake.script(*[Reply.status(500)] * 4)

    for _ in range(2):  # two calls, each with one retry: two consecutive failed calls
        with pytest.raises(ProviderUnavailable):
            await provider.complete(REQUEST)
    assert len(fake.chat_requests) == 4
    assert state_of(breaker) == BreakerState.OPEN

    fake.script(Reply.text("never asked"))
    with pytest.raises(CircuitOpen) as raised:
        await provider.complete(REQUEST)

    assert isinstance(raised.value, ProviderUnavailable)  # callers fall back on it as usual
    assert len(fake.chat_requests) == 4  # no HTTP request while open

    clock.advance(60)
    response = await provider.complete(REQUEST)  # half-open: the trial goes out and succeeds

    assert response.text == "never asked"
    assert len(fake.chat_requests) == 5
    assert state_of(breaker) == BreakerState.CLOSED


async def test_failed_trial_reopens(fake: FakeLLM, sleeps: Sleeps, clock: ManualClock) -> None:
    breaker = CircuitBreaker(failure_threshold=1, cooldown_seconds=60, clock=clock)
    provider = make_provider(fake, sleeps, max_retries=0, breaker=breaker)
    fake.script(Reply.malformed(), Reply.status(400))

    with pytest.raises(MalformedResponse, match="not JSON"):
        await provider.complete(REQUEST)
    clock.advance(60)
    with pytest.raises(ProviderRejected, match="refused"):
        await provider.complete(REQUEST)

    assert state_of(breaker) == BreakerState.OPEN
    with pytest.raises(CircuitOpen):
        await provider.complete(REQUEST)
    assert len(fake.chat_requests) == 2


async def test_breakers_are_per_workspace_and_shared_across_resolves(
    fake: FakeLLM, clock: ManualClock
) -> None:
    registry = ProviderRegistry(
        board=BreakerBoard(failure_threshold=1, cooldown_seconds=60, clock=clock), plugins=False
    )
    config = ProviderConfig(
        slug="openai", base_url=fake.base_url, chat_model="fake-chat", max_retries=0
    )
    fake.script(Reply.status(503))

    first = registry.resolve(config, workspace_id="ws_a")
    assert isinstance(first, OpenAICompatibleProvider)
    with pytest.raises(ProviderUnavailable):
        await first.complete(REQUEST)

    again = registry.resolve(config, workspace_id="ws_a")  # a later message, same workspace
    with pytest.raises(CircuitOpen):
        await again.complete(REQUEST)

    fake.script(Reply.text("workspace B is unaffected"))
    other = registry.resolve(config, workspace_id="ws_b")
    assert (await other.complete(REQUEST)).text == "workspace B is unaffected"
    assert len(fake.chat_requests) == 2
    assert registry.board.states() == {
        config.breaker_key("ws_a"): BreakerState.OPEN,
        config.breaker_key("ws_b"): BreakerState.CLOSED,
    }
