"""The ``openai`` provider: any OpenAI-compatible ``/chat/completions`` endpoint (OpenAI, Azure
behind a gateway, vLLM, llama.cpp server, Ollama, LiteLLM ...).

Every call: the breaker is asked first (an open breaker refuses at once, without HTTP); then up
to ``1 + max_retries`` attempts, each with ``timeout_seconds``. Timeouts, connection errors,
429 and 5xx are retried after an exponential backoff with jitter (``Retry-After`` on a 429 is
honoured up to the backoff cap); any other 4xx is not. The answer is parsed strictly: tool-call
arguments must be a JSON object that fits the declared tool's schema, else
:class:`MalformedResponse`. All of these end as a :class:`ProviderError` the pipeline falls back
on, and every failed call counts against the breaker.

Embeddings are not duplicated here: :meth:`OpenAICompatibleProvider.embedder` hands out the
knowledge side's ``OpenAICompatible`` embedder for the same endpoint and key.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from deskpilot.ai.providers.base import (
    ChatMessage,
    ChatRequest,
    ChatResponse,
    CircuitOpen,
    MalformedResponse,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    ToolCall,
    Usage,
    check_tool_calls,
)
from deskpilot.ai.providers.breaker import CircuitBreaker
from deskpilot.ai.providers.config import ProviderConfig
from deskpilot.kit.errors import InvalidInput
from deskpilot.knowledge.retrieval.embeddings import OpenAICompatible as OpenAIEmbedder

DEFAULT_BASE_URL = "https://api.openai.com/v1"
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
MAX_ERROR_TEXT = 300

Sleep = Callable[[float], Awaitable[None]]
Random = Callable[[], float]


def backoff_delay(
    attempt: int,
    *,
    base: float = BACKOFF_BASE_SECONDS,
    cap: float = BACKOFF_CAP_SECONDS,
    rand: Random = random.random,
) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): ``base * 2**attempt`` capped
    at ``cap``, of which the upper half is random ("equal jitter"), so that many workers
    retrying together spread out."""
    ceiling: float = min(cap, base * 2.0**attempt)
    return ceiling / 2 + rand() * ceiling / 2


class _Retryable(Exception):
    """One attempt failed in a way worth another try."""

    def __init__(self, error: ProviderError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


class OpenAICompatibleProvider:
    slug = "openai"
    generates_text = True

    def __init__(
        self,
        config: ProviderConfig,
        *,
        breaker: CircuitBreaker | None = None,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: Random = random.random,
    ) -> None:
        if not config.chat_model:
            raise InvalidInput.field("chat_model", "the openai provider needs a chat model")
        self.config = config
        self.base_url = (config.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.model = config.chat_model
        self.breaker = breaker if breaker is not None else CircuitBreaker()
        self._client = client
        self._sleep = sleep
        self._rand = rand

    def __repr__(self) -> str:  # never the key
        return f"OpenAICompatibleProvider({self.base_url!r}, model={self.model!r})"

    # ------------------------------------------------------------------ public

    async def complete(self, request: ChatRequest) -> ChatResponse:
        if not self.breaker.allow():
            raise CircuitOpen(
                f"{self.base_url} failed {self.breaker.failure_threshold} times in a row; "
                f"not called for another {self.breaker.retry_after():.0f}s",
                provider=self.slug,
            )
        try:
            response = await self._with_retries(request)
        except ProviderError:
            self.breaker.failure()
            raise
        except BaseException:
            self.breaker.abandon()
            raise
        self.breaker.success()
        return response

    def embedder(self) -> OpenAIEmbedder:
        """The knowledge side's embedder for this endpoint (``{base_url}/embeddings``), with
        this configuration's embedding model, key and timeout. Synchronous: run it in a thread.
        It raises ``EmbeddingUnavailable`` when the endpoint fails."""
        if not self.config.embedding_model:
            raise InvalidInput.field("embedding_model", "no embedding model is configured")
        return OpenAIEmbedder(
            self.config.embedding_model,
            self.base_url,
            self.config.api_key,
            timeout_seconds=self.config.timeout_seconds,
        )

    # ------------------------------------------------------------------ HTTP

    async def _with_retries(self, request: ChatRequest) -> ChatResponse:
        body = request_body(self.model, request)
        attempts = 1 + self.config.max_retries
        for attempt in range(attempts):
            try:
                return await self._attempt(body, request)
            except _Retryable as retryable:
                if attempt + 1 >= attempts:
                    raise retryable.error from None
                delay = backoff_delay(attempt, rand=self._rand)
                if retryable.retry_after is not None:
                    delay = max(delay, min(retryable.retry_after, BACKOFF_CAP_SECONDS))
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, body: dict[str, Any], request: ChatRequest) -> ChatResponse:
        headers = {"Content-Type": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        url = f"{self.base_url}/chat/completions"
        timeout = httpx.Timeout(self.config.timeout_seconds)
        try:
            if self._client is not None:
                response = await self._client.post(url, json=body, headers=headers, timeout=timeout)
            else:
                async with httpx.AsyncClient(timeout=timeout) as client:
                    response = await client.post(url, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise _Retryable(
                ProviderTimeout(
                    f"no answer from {url} within {self.config.timeout_seconds:g}s",
                    provider=self.slug,
                )
            ) from exc
        except httpx.TransportError as exc:
            raise _Retryable(
                ProviderUnavailable(f"{url}: {type(exc).__name__}: {exc}", provider=self.slug)
            ) from exc
        status = response.status_code
        if status == 429 or status >= 500:
            error = ProviderUnavailable(
                f"{url} answered {status}: {_snippet(response)}", provider=self.slug, status=status
            )
            raise _Retryable(error, _retry_after(response) if status == 429 else None)
        if status >= 400:
            raise ProviderRejected(
                f"{url} refused the request with {status}: {_snippet(response)}",
                provider=self.slug,
                status=status,
            )
        if status != 200:
            raise MalformedResponse(f"{url} answered {status}, expected 200", provider=self.slug)
        try:
            payload = response.json()
        except ValueError as exc:
            raise MalformedResponse(
                f"{url} answered a body that is not JSON", provider=self.slug
            ) from exc
        return parse_response(payload, request, provider=self.slug, default_model=self.model)


def _snippet(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:MAX_ERROR_TEXT] or "(empty body)"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


# ---------------------------------------------------------------------- wire format


def request_body(model: str, request: ChatRequest) -> dict[str, Any]:
    """The JSON of a ``/chat/completions`` request."""
    body: dict[str, Any] = {"model": model, "messages": [_message(m) for m in request.messages]}
    if request.tools:
        body["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": tool.name,
                    "description": tool.description,
                    "parameters": dict(tool.parameters),
                },
            }
            for tool in request.tools
        ]
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    return body


def _message(message: ChatMessage) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_call_id is not None:
        wire["tool_call_id"] = message.tool_call_id
    if message.tool_calls:
        wire["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {
                    "name": call.name,
                    "arguments": json.dumps(call.arguments, ensure_ascii=False),
                },
            }
            for call in message.tool_calls
        ]
    return wire


def parse_response(
    payload: Any, request: ChatRequest, *, provider: str, default_model: str
) -> ChatResponse:
    """A chat completion's JSON as a :class:`ChatResponse`; :class:`MalformedResponse` for
    anything that does not fit the format or the request's tools."""

    def malformed(reason: str) -> MalformedResponse:
        return MalformedResponse(f"malformed chat completion: {reason}", provider=provider)

    if not isinstance(payload, dict):
        raise malformed("the body is not a JSON object")
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise malformed("no choices")
    message = choices[0].get("message")
    if not isinstance(message, dict):
        raise malformed("the first choice has no message")
    text = message.get("content")
    if text is not None and not isinstance(text, str):
        raise malformed("content is not a string")
    calls = tuple(
        _tool_call(raw, index, malformed)
        for index, raw in enumerate(message.get("tool_calls") or [])
    )
    if not calls and not (text and text.strip()):
        raise malformed("neither content nor tool calls")
    check_tool_calls(calls, request, provider)
    usage = payload.get("usage") if isinstance(payload.get("usage"), dict) else {}
    model = payload.get("model")
    finish = choices[0].get("finish_reason")
    return ChatResponse(
        text=text,
        tool_calls=calls,
        usage=Usage(_count(usage, "prompt_tokens"), _count(usage, "completion_tokens")),
        model=model if isinstance(model, str) and model else default_model,
        provider=provider,
        finish_reason=finish if isinstance(finish, str) else None,
    )


def _tool_call(raw: Any, index: int, malformed: Callable[[str], MalformedResponse]) -> ToolCall:
    if not isinstance(raw, dict):
        raise malformed(f"tool call {index} is not an object")
    function = raw.get("function")
    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
        raise malformed(f"tool call {index} names no function")
    call_id = raw.get("id")
    if not isinstance(call_id, str) or not call_id:
        raise malformed(f"tool call {index} has no id")
    arguments = function.get("arguments")
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except ValueError as exc:
            raise malformed(f"arguments of {function['name']!r} are not valid JSON") from exc
    if not isinstance(arguments, dict):
        raise malformed(f"arguments of {function['name']!r} are not a JSON object")
    return ToolCall(id=call_id, name=function["name"], arguments=arguments)


def _count(usage: Any, name: str) -> int:
    value = usage.get(name) if isinstance(usage, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
