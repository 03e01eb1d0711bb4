"""A provider's embeddings for the knowledge base: :class:`EmbeddingProvider` is what a provider
offers when it can embed (``openai``: ``{base_url}/embeddings``), and :class:`GuardedEmbedder`
puts a circuit breaker in front of it.

The breaker matters at search time: with the endpoint down, every customer message would
otherwise wait for the timeout before its search fell back to words alone. Once the endpoint
has failed ``failure_threshold`` times in a row, calls fail at once until the cool-down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar, runtime_checkable

from deskpilot.ai.providers.breaker import CircuitBreaker
from deskpilot.knowledge.retrieval.embeddings import Embedder, EmbeddingUnavailable, Matrix

T = TypeVar("T")


@runtime_checkable
class EmbeddingProvider(Protocol):
    def embedder(self) -> Embedder:
        """A synchronous embedder (run it in a thread) for the configured embedding model."""
        ...


class GuardedEmbedder:
    """``inner`` behind ``breaker``: an open breaker raises ``EmbeddingUnavailable`` at once."""

    def __init__(self, inner: Embedder, breaker: CircuitBreaker) -> None:
        self.inner = inner
        self.breaker = breaker
        self.name = inner.name

    def passages(self, texts: list[str]) -> Matrix:
        return self._call(self.inner.passages, texts)

    def query(self, text: str) -> Matrix:
        return self._call(self.inner.query, text)

    def _call(self, embed: Callable[[T], Matrix], argument: T) -> Matrix:
        if not self.breaker.allow():
            raise EmbeddingUnavailable(
                f"{self.name} failed {self.breaker.failure_threshold} times in a row; not "
                f"called for another {self.breaker.retry_after():.0f}s"
            )
        try:
            rows = embed(argument)
        except EmbeddingUnavailable:
            self.breaker.failure()
            raise
        except BaseException:
            self.breaker.abandon()
            raise
        self.breaker.success()
        return rows
