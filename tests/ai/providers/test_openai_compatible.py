"""The ``openai`` provider against a FakeLLM on loopback: completions, tool calls, retries,
timeouts and malformed answers."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import httpx
import numpy as np
import pytest

from deskpilot.ai.providers import (
    ChatMessage,
    ChatRequest,
    MalformedResponse,
    ProviderConfig,
    ProviderError,
    ProviderRejected,
    ProviderTimeout,
    ProviderUnavailable,
    ToolCall,
    ToolSpec,
)
from deskpilot.ai.providers.openai_compatible import (
    BACKOFF_CAP_SECONDS,
    OpenAICompatibleProvider,
    backoff_delay,
)
from deskpilot.kit.errors import InvalidInput
from tests.ai.providers.helpers import Sleeps, make_provider
from tests.support.fakellm import FakeLLM, Reply

ORDER_STATUS = ToolSpec(
    name="order_status",
    description="Look up the status of one of the verified customer's orders.",
    parameters={
        "type": "object",
        "properties": {
            "order_id": {"type": "string", "minLength": 1},
            "include_items": {"type": "boolean"},
        },
        "required": ["order_id"],
        "additionalProperties": False,
    },
)


def ask(text: str = "Where is my order?", *, tools: bool = False) -> ChatRequest:
    return ChatRequest(
        messages=(
            ChatMessage("system", "Answer only from the passages."),
            ChatMessage("user", text),
        ),
        tools=(ORDER_STATUS,) if tools else (),
        temperature=0.2,
        max_tokens=200,
    )


async def test_text_completion(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.text("Your order ships tomorrow.", prompt_tokens=42, completion_tokens=6))
    provider = make_provider(fake, sleeps)

    response = await provider.complete(ask())

    assert response.text == "Your order ships tomorrow."
    assert response.tool_calls == ()
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (42, 6)
    assert response.usage.total_tokens == 48
    assert response.model == "fake-llm-1"
    assert response.provider == "openai"
    assert response.finish_reason == "stop"
    [sent] = fake.chat_requests
    assert sent.headers["authorization"] == "Bearer sk-test-key"
    assert sent.body == {
        "model": "fake-chat",
        "messages": [
            {"role": "system", "content": "Answer only from the passages."},
            {"role": "user", "content": "Where is my order?"},
        ],
        "temperature": 0.2,
        "max_tokens": 200,
    }
    assert sleeps.delays == []


async def test_no_api_key_sends_no_authorization(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.text("hi"))
    await make_provider(fake, sleeps, api_key=None).complete(ask())
    assert "authorization" not in fake.chat_requests[0].headers


async def test_tool_calls_round_trip(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(
        Reply.tool_calls(("order_status", {"order_id": "W2378156", "include_items": True})),
        Reply.text("Order W2378156 was delivered on Monday."),
    )
    provider = make_provider(fake, sleeps)
    request = ask("Where is W2378156?", tools=True)

    first = await provider.complete(request)

    assert first.text is None
    assert first.finish_reason == "tool_calls"
    assert first.tool_calls == (
        ToolCall(
            id="call_0",
            name="order_status",
            arguments={"order_id": "W2378156", "include_items": True},
        ),
    )
    assert fake.chat_requests[0].body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "order_status",
                "description": ORDER_STATUS.description,
                "parameters": dict(ORDER_STATUS.parameters),
            },
        }
    ]

    result = {"status": "delivered", "delivered_on": "Monday"}
    follow_up = ChatRequest(
        messages=(
            *request.messages,
            ChatMessage("assistant", None, tool_calls=first.tool_calls),
            ChatMessage("tool", json.dumps(result), tool_call_id="call_0"),
        ),
        tools=request.tools,
    )
    second = await provider.complete(follow_up)

    assert second.text == "Order W2378156 was delivered on Monday."
    sent = fake.chat_requests[1].body["messages"]
    assert sent[2] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_0",
                "type": "function",
                "function": {
                    "name": "order_status",
                    "arguments": json.dumps({"order_id": "W2378156", "include_items": True}),
                },
            }
        ],
    }
    assert sent[3] == {"role": "tool", "content": json.dumps(result), "tool_call_id": "call_0"}


async def test_timeouts_are_retried_then_raise_provider_timeout(
    fake: FakeLLM, sleeps: Sleeps
) -> None:
    fake.script(Reply.text("late").after(30), Reply.text("late").after(30))
    provider = make_provider(fake, sleeps, timeout_seconds=0.3, max_retries=1)

    with pytest.raises(ProviderTimeout) as raised:
        await provider.complete(ask())

    assert raised.value.provider == "openai"
    assert len(fake.chat_requests) == 2  # the first attempt and one retry
    assert sleeps.delays == [backoff_delay(0, rand=lambda: 1.0)]


async def test_timeout_then_success(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.text("late").after(30), Reply.text("on time"))
    provider = make_provider(fake, sleeps, timeout_seconds=0.3, max_retries=1)

    response = await provider.complete(ask())

    assert response.text == "on time"
    assert len(fake.chat_requests) == 2


async def test_server_error_then_success(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.status(500), Reply.status(502), Reply.text("Recovered."))
    provider = make_provider(fake, sleeps, max_retries=2)

    response = await provider.complete(ask())

    assert response.text == "Recovered."
    assert len(fake.chat_requests) == 3
    assert sleeps.delays == [0.5, 1.0]  # exponential: base 0.5 s, doubled (jitter at its top)
    assert fake.chat_requests[0].body == fake.chat_requests[2].body  # the same request again


async def test_server_errors_exhaust_retries(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.status(503), Reply.status(503), Reply.status(503))
    provider = make_provider(fake, sleeps, max_retries=2)

    with pytest.raises(ProviderUnavailable) as raised:
        await provider.complete(ask())

    assert raised.value.status == 503
    assert len(fake.chat_requests) == 3
    assert fake.unscripted == 0


async def test_rate_limit_honours_retry_after(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.status(429, retry_after=3), Reply.text("ok"))
    provider = make_provider(fake, sleeps, max_retries=1)

    assert (await provider.complete(ask())).text == "ok"
    assert sleeps.delays == [3.0]


async def test_retry_after_is_capped(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.status(429, retry_after=3600), Reply.text("ok"))
    await make_provider(fake, sleeps, max_retries=1).complete(ask())
    assert sleeps.delays == [BACKOFF_CAP_SECONDS]


@pytest.mark.parametrize("status", [400, 401, 404, 422])
async def test_client_errors_are_not_retried(fake: FakeLLM, sleeps: Sleeps, status: int) -> None:
    fake.script(Reply.status(status), Reply.text("never sent"))
    provider = make_provider(fake, sleeps, max_retries=3)

    with pytest.raises(ProviderRejected) as raised:
        await provider.complete(ask())

    assert raised.value.status == status
    assert f"scripted {status}" in str(raised.value)
    assert len(fake.chat_requests) == 1
    assert sleeps.delays == []


async def test_body_that_is_not_json(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.malformed(), Reply.text("never sent"))

    with pytest.raises(MalformedResponse, match="not JSON"):
        await make_provider(fake, sleeps).complete(ask())

    assert len(fake.chat_requests) == 1  # a malformed answer is not retried


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([1, 2], "not a JSON object"),
        ({"choices": []}, "no choices"),
        ({"choices": [{"message": "hi"}]}, "no message"),
        ({"choices": [{"message": {"role": "assistant", "content": 42}}]}, "not a string"),
        ({"choices": [{"message": {"role": "assistant", "content": "  "}}]}, "neither"),
        (
            {"choices": [{"message": {"role": "assistant", "tool_calls": [{"id": "c"}]}}]},
            "no function",
        ),
    ],
)
async def test_json_that_is_not_a_completion(
    fake: FakeLLM, sleeps: Sleeps, payload: Any, reason: str
) -> None:
    fake.script(Reply.json(payload))
    with pytest.raises(MalformedResponse, match=reason):
        await make_provider(fake, sleeps).complete(ask(tools=True))


@pytest.mark.parametrize(
    ("name", "arguments", "reason"),
    [
        ("order_status", '{"order_id": "W1"', "not valid JSON"),
        ("order_status", '["W1"]', "not a JSON object"),
        ("order_status", '{"include_items": true}', "missing 'order_id'"),
        ("order_status", '{"order_id": 17}', "expected string"),
        ("order_status", '{"order_id": "W1", "email": "x@example.com"}', "unexpected 'email'"),
        ("delete_all_orders", '{"order_id": "W1"}', "undeclared tool"),
    ],
)
async def test_bad_tool_call_arguments(
    fake: FakeLLM, sleeps: Sleeps, name: str, arguments: str, reason: str
) -> None:
    fake.script(Reply.raw_tool_call(name, arguments))
    with pytest.raises(MalformedResponse, match=reason):
        await make_provider(fake, sleeps).complete(ask(tools=True))


async def test_valid_arguments_pass_the_schema(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.raw_tool_call("order_status", '{"order_id": "W1"}'))
    response = await make_provider(fake, sleeps).complete(ask(tools=True))
    assert response.tool_calls[0].arguments == {"order_id": "W1"}


async def test_connection_refused_is_unavailable(sleeps: Sleeps) -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = ProviderConfig(
        slug="openai", base_url=f"http://127.0.0.1:{port}/v1", chat_model="m", max_retries=1
    )
    provider = OpenAICompatibleProvider(config, sleep=sleeps, rand=lambda: 1.0)

    with pytest.raises(ProviderUnavailable, match="ConnectError"):
        await provider.complete(ask())
    assert len(sleeps.delays) == 1


async def test_shared_http_client_is_used(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.text("via the shared client"))
    config = make_provider(fake, sleeps).config
    async with httpx.AsyncClient() as http:
        provider = OpenAICompatibleProvider(config, client=http, sleep=sleeps)
        assert (await provider.complete(ask())).text == "via the shared client"
        assert not http.is_closed  # the provider does not close a client it was given


async def test_every_error_is_a_provider_error(fake: FakeLLM, sleeps: Sleeps) -> None:
    fake.script(Reply.status(400), Reply.malformed(), Reply.status(500))
    provider = make_provider(fake, sleeps, max_retries=0)
    for _ in range(3):
        with pytest.raises(ProviderError):
            await provider.complete(ask())


async def test_embedder_reuses_the_knowledge_embedder(fake: FakeLLM, sleeps: Sleeps) -> None:
    embedder = make_provider(fake, sleeps).embedder()

    rows = await asyncio.to_thread(embedder.passages, ["refund policy", "shipping times"])
    query = await asyncio.to_thread(embedder.query, "refund policy")

    assert rows.shape == (2, 8)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert np.allclose(rows[0], query)  # the same text gives the same vector
    assert not np.allclose(rows[0], rows[1])
    [passages, _] = [r for r in fake.requests if r.path == "/v1/embeddings"]
    assert passages.body == {"model": "fake-embed", "input": ["refund policy", "shipping times"]}
    assert passages.headers["authorization"] == "Bearer sk-test-key"


def test_embedder_needs_an_embedding_model() -> None:
    provider = OpenAICompatibleProvider(ProviderConfig(slug="openai", chat_model="m"))
    with pytest.raises(InvalidInput) as raised:
        provider.embedder()
    assert raised.value.fields[0].field == "embedding_model"


def test_backoff_is_exponential_with_jitter_and_capped() -> None:
    top = [backoff_delay(attempt, rand=lambda: 1.0) for attempt in range(6)]
    bottom = [backoff_delay(attempt, rand=lambda: 0.0) for attempt in range(6)]
    assert top == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert bottom == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]


def test_request_validation() -> None:
    with pytest.raises(ValueError, match="at least one message"):
        ChatRequest(messages=())
    with pytest.raises(ValueError, match="tool_call_id"):
        ChatMessage("tool", "{}")
    with pytest.raises(ValueError, match="tool name"):
        ToolSpec(name="order status", description="spaces are not allowed")
    with pytest.raises(ValueError, match="duplicate"):
        ChatRequest(messages=(ChatMessage("user", "hi"),), tools=(ORDER_STATUS, ORDER_STATUS))
    with pytest.raises(ValueError, match="temperature"):
        ChatRequest(messages=(ChatMessage("user", "hi"),), temperature=3)
