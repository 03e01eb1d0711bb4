"""``POST /api/v1/ai/settings/check`` tries the saved provider configuration against FakeLLM
over real HTTP: what works, what the endpoint refused (and its status), a missing key secret,
and that a check goes out whatever the workspace's breaker says and counts neither way in it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from deskpilot.ai.providers import ProviderConfig, default_registry
from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.ai.test_llm import API_KEY, use_fake_llm
from tests.factories import Tenant, create_api_key
from tests.support.fakellm import EMBEDDING_DIMENSIONS, FakeLLM, Reply

CHECK = "/api/v1/ai/settings/check"


@pytest.fixture
async def fake() -> AsyncIterator[FakeLLM]:
    async with FakeLLM.running() as running:
        yield running


async def check(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    response = await client.post(CHECK, headers=tenant.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_the_built_in_engine_needs_no_endpoint(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    found = await check(client, tenant)

    assert found == {
        "provider": "builtin",
        "chat": {"ok": True, "latency_ms": None, "status": None, "error": None, "dimensions": None},
        "embeddings": None,
    }


async def test_a_working_endpoint_answers_both_models_once(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake, embedding_model="fake-embed-1", max_retries=3)
    fake.script(Reply.text("OK"))

    found = await check(client, tenant)

    assert found["provider"] == "openai"
    assert found["chat"]["ok"] is True
    assert found["chat"]["latency_ms"] > 0
    assert found["embeddings"]["ok"] is True
    assert found["embeddings"]["dimensions"] == EMBEDDING_DIMENSIONS
    [chat] = fake.chat_requests
    assert chat.headers["authorization"] == f"Bearer {API_KEY}"
    assert chat.body["model"] == "fake-llm-1"
    assert chat.body["max_tokens"] == 5
    [embedding] = fake.embedding_requests
    assert embedding.body["model"] == "fake-embed-1"


async def test_a_refused_key_is_reported_with_its_status_and_never_quoted(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake, embedding_model="fake-embed-1", max_retries=3)
    refusal = {"error": {"message": f"Incorrect API key provided: {API_KEY}", "code": 401}}
    fake.script(Reply.json(refusal, status_code=401))
    fake.embeddings_status = 401

    found = await check(client, tenant)

    chat, embeddings = found["chat"], found["embeddings"]
    assert (chat["ok"], chat["status"]) == (False, 401)
    assert "Incorrect API key provided: ***" in chat["error"]
    assert API_KEY not in chat["error"]
    assert (embeddings["ok"], embeddings["status"]) == (False, 401)
    assert len(fake.chat_requests) == 1  # no retries: a check answers at once


async def test_a_server_error_and_a_malformed_answer_are_told_apart(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake)
    fake.script(Reply.status(503), Reply.malformed())

    down = (await check(client, tenant))["chat"]
    garbled = (await check(client, tenant))["chat"]

    assert (down["ok"], down["status"]) == (False, 503)
    assert (garbled["ok"], garbled["status"]) == (False, None)
    assert "JSON" in garbled["error"] or "json" in garbled["error"]


async def test_a_missing_key_secret_is_named_and_nothing_is_sent(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake, embedding_model="fake-embed-1")
    deleted = await client.delete("/api/v1/workspace/secrets/llm_api_key", headers=tenant.headers)
    assert deleted.status_code == 204, deleted.text

    found = await check(client, tenant)

    assert found["chat"]["ok"] is False
    assert "llm_api_key" in found["chat"]["error"]
    assert found["embeddings"]["ok"] is False
    assert fake.requests == []


async def test_a_check_goes_out_past_an_open_breaker_and_leaves_it_as_it_was(
    client: httpx.AsyncClient, tenant: Tenant, fake: FakeLLM
) -> None:
    await use_fake_llm(client, tenant, fake)
    config = ProviderConfig(slug="openai", base_url=fake.base_url, chat_model="fake-llm-1")
    breaker = default_registry().board.get(config.breaker_key(tenant.workspace_id))
    for _ in range(breaker.failure_threshold):
        breaker.failure()
    assert not breaker.allow()
    fake.script(Reply.text("OK"))

    found = await check(client, tenant)

    assert found["chat"]["ok"] is True
    assert len(fake.chat_requests) == 1
    assert not breaker.allow()  # the bot still waits out the cool-down; the check changed nothing


async def test_only_admins_check(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    key = await create_api_key(database, tenant.workspace_id, Role.AGENT)

    refused = await client.post(CHECK, headers={"Authorization": f"Bearer {key}"})

    assert refused.status_code == 403
