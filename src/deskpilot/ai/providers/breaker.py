"""A circuit breaker per provider endpoint (and workspace): stop calling an LLM that keeps
failing, try it again after a cool-down.

States: ``closed`` (calls go through; consecutive failures are counted) → ``open`` after
``failure_threshold`` consecutive failures (calls are refused at once, without any HTTP) →
``half_open`` once ``cooldown_seconds`` have passed (one trial call goes through; others are
still refused) → ``closed`` when the trial succeeds, or ``open`` again (a new cool-down) when it
fails.

The state lives in this process only: each API/worker process learns on its own that an
endpoint is down (after ``failure_threshold`` failures), which is cheap and needs no shared
store. The clock is injectable so tests move time instead of waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from enum import StrEnum

Clock = Callable[[], float]
"""Seconds from an arbitrary origin that never go backwards (``time.monotonic``)."""

DEFAULT_FAILURE_THRESHOLD = 5
DEFAULT_COOLDOWN_SECONDS = 30.0


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
        cooldown_seconds: float = DEFAULT_COOLDOWN_SECONDS,
        clock: Clock = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if cooldown_seconds <= 0:
            raise ValueError("cooldown_seconds must be positive")
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def _state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.cooldown_seconds:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def retry_after(self) -> float:
        """Seconds until the breaker lets a trial call through (0 when it would now)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.cooldown_seconds - (self._clock() - self._opened_at))

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one trial call at a time is let
        through; the caller must report its outcome with :meth:`success` or :meth:`failure`."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return True
            if state is BreakerState.HALF_OPEN and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def abandon(self) -> None:
        """A call that was let through ended without an outcome (cancelled, or a bug): free the
        half-open trial slot without counting anything."""
        with self._lock:
            self._trial_running = False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            was_trial = self._trial_running
            self._trial_running = False
            if was_trial or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()


class BreakerBoard:
    """The breakers of one process, one per key (workspace, provider, endpoint, model), so
    that one workspace's broken endpoint never blocks another's."""

    def __init__(
        self,
        *,
        failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
        cooldown_seconds: float = DEFAULT_COOLDOWN_SECONDS,
        clock: Clock = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._breakers: dict[str, CircuitBreaker] = {}

    def get(self, key: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(key)
            if breaker is None:
                breaker = CircuitBreaker(
                    failure_threshold=self.failure_threshold,
                    cooldown_seconds=self.cooldown_seconds,
                    clock=self._clock,
                )
                self._breakers[key] = breaker
            return breaker

    def states(self) -> dict[str, BreakerState]:
        with self._lock:
            breakers = dict(self._breakers)
        return {key: breaker.state for key, breaker in breakers.items()}
