"""LLM providers: ``builtin`` (offline, extractive) and ``openai`` (any OpenAI-compatible
endpoint) behind one typed :class:`ChatProvider` protocol, with retries, timeouts and a
circuit breaker. See docs/ai-providers.md."""

from deskpilot.ai.providers.base import (
    ChatMessage,
    ChatProvider,
    ChatRequest,
    ChatResponse,
    CircuitOpen,
    MalformedResponse,
    NotSupported,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    ToolCall,
    ToolSpec,
    Usage,
)
from deskpilot.ai.providers.breaker import BreakerBoard, BreakerState, CircuitBreaker
from deskpilot.ai.providers.config import ProviderConfig, with_secret_api_key
from deskpilot.ai.providers.registry import (
    ProviderContext,
    ProviderRegistry,
    default_registry,
    resolve,
)

__all__ = [
    "BreakerBoard",
    "BreakerState",
    "ChatMessage",
    "ChatProvider",
    "ChatRequest",
    "ChatResponse",
    "CircuitBreaker",
    "CircuitOpen",
    "MalformedResponse",
    "NotSupported",
    "ProviderConfig",
    "ProviderContext",
    "ProviderError",
    "ProviderRegistry",
    "ProviderRejected",
    "ProviderTimeout",
    "ProviderUnavailable",
    "ToolCall",
    "ToolSpec",
    "Usage",
    "default_registry",
    "resolve",
    "with_secret_api_key",
]
