"""The AI endpoints under bad input, as a fuzzer and a careless admin send it: every mistake is
a 4xx naming the field and changes nothing; the schema says what the endpoints accept."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from deskpilot.ai import service
from deskpilot.ai.repository import IntentRepository
from deskpilot.ai.schemas import MAX_EXAMPLE_CHARS
from deskpilot.ai.service import MAX_TAXONOMY_EXAMPLES
from deskpilot.kit.db import Database
from deskpilot.models import Direction, Handling, Message, SenderType
from tests.channels.helpers import create_channel
from tests.factories import Tenant

SETTINGS = "/api/v1/ai/settings"
INTENTS = "/api/v1/ai/intents"


async def _settings(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    response = await client.get(SETTINGS, headers=tenant.headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_bad_provider_settings_are_refused_and_change_nothing(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    before = await _settings(client, tenant)
    for body, field in (
        ({"provider": "nonexistent", "chat_model": "m"}, "provider"),
        ({"provider": "openai", "chat_model": "m", "base_url": "http://u:p@llm/v1"}, "base_url"),
        ({"provider": "openai", "chat_model": "m", "base_url": "http://llm/v1?x=1"}, "base_url"),
        ({"provider": "openai", "chat_model": "   "}, "chat_model"),
        ({"languages": [""]}, "languages"),
        ({"languages": ["  "]}, "languages"),
        ({"vip_segments": [" "]}, "vip_segments"),
        ({"actions_enabled": [""]}, "actions_enabled"),
        ({"bot_enabled": 0}, "bot_enabled"),
        ({"bot_enabled": "yes"}, "bot_enabled"),
        ({"negative_sentiment": 0.2}, "negative_sentiment"),  # would hand off neutral messages
        ({"negative_sentiment": 0}, "negative_sentiment"),  # half of them: they score near 0
    ):
        response = await client.patch(SETTINGS, headers=tenant.headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["error"]["fields"][0]["field"], (body, response.text)
    assert await _settings(client, tenant) == before


async def test_a_remote_provider_cannot_lose_its_chat_model_but_can_lose_its_key(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    remote = {
        "provider": "openai",
        "chat_model": " gpt-test ",
        "base_url": "http://127.0.0.1:9/v1",
        "api_key_secret": "llm-key",
    }
    response = await client.patch(SETTINGS, headers=tenant.headers, json=remote)
    assert response.status_code == 200, response.text
    assert response.json()["chat_model"] == "gpt-test"  # stored as the provider needs it

    cleared = await client.patch(SETTINGS, headers=tenant.headers, json={"chat_model": None})
    assert cleared.status_code == 422, cleared.text
    assert cleared.json()["error"]["fields"][0]["field"] == "chat_model"
    assert (await _settings(client, tenant))["chat_model"] == "gpt-test"

    # a key-less endpoint (Ollama, vLLM) needs no secret: the name can be cleared
    keyless = await client.patch(SETTINGS, headers=tenant.headers, json={"api_key_secret": None})
    assert keyless.status_code == 200, keyless.text
    assert keyless.json()["api_key_secret"] is None


async def test_vip_segments_must_exist(client: httpx.AsyncClient, tenant: Tenant) -> None:
    created = await client.post(
        "/api/v1/segments",
        headers=tenant.headers,
        json={
            "name": "Big spenders",
            "rules": {"trait": "computed.lifetime_value", "op": ">", "value": 500},
        },
    )
    assert created.status_code == 201, created.text
    typo = await client.patch(
        SETTINGS, headers=tenant.headers, json={"vip_segments": ["Big spender"]}
    )
    assert typo.status_code == 422, typo.text
    assert typo.json()["error"]["fields"][0]["field"] == "vip_segments"
    assert (await _settings(client, tenant))["vip_segments"] == []
    for ref in ("Big spenders", created.json()["id"]):
        ok = await client.patch(SETTINGS, headers=tenant.headers, json={"vip_segments": [ref]})
        assert ok.status_code == 200, ok.text
        assert ok.json()["vip_segments"] == [ref]


async def test_the_schema_shows_which_fields_may_be_null_and_the_error_statuses(
    client: httpx.AsyncClient,
) -> None:
    schema = (await client.get("/api/openapi.json")).json()
    components = schema["components"]["schemas"]

    def nullable(model: str, field: str) -> bool:
        prop = components[model]["properties"][field]
        return any(branch.get("type") == "null" for branch in prop.get("anyOf", []))

    for field in ("bot_enabled", "provider", "languages", "timeout_seconds", "vip_segments"):
        assert not nullable("SettingsUpdate", field), field
    for field in ("base_url", "chat_model", "api_key_secret"):
        assert nullable("SettingsUpdate", field), field
    for field in ("description", "handling", "examples"):
        assert not nullable("IntentUpdate", field), field
    assert nullable("IntentUpdate", "action")
    responses = schema["paths"]["/api/v1/ai/intents/{intent_id}"]["patch"]["responses"]
    assert {"404", "409", "422"} <= set(responses)


async def test_intent_examples_are_bounded(client: httpx.AsyncClient, tenant: Tenant) -> None:
    too_long = await client.post(
        INTENTS,
        headers=tenant.headers,
        json={"name": "essay", "handling": "answer", "examples": ["x" * (MAX_EXAMPLE_CHARS + 1)]},
    )
    assert too_long.status_code == 422, too_long.text
    assert "examples" in too_long.text

    listed = (await client.get(INTENTS, headers=tenant.headers)).json()
    total = sum(len(i["examples"]) for i in listed)
    created = 0
    while total + 500 <= MAX_TAXONOMY_EXAMPLES:
        response = await client.post(
            INTENTS,
            headers=tenant.headers,
            json={
                "name": f"bulk_{created}",
                "handling": "answer",
                "examples": [f"bulk {created} question {n}" for n in range(500)],
            },
        )
        assert response.status_code == 201, response.text
        created += 1
        total += 500
    over = await client.post(
        INTENTS,
        headers=tenant.headers,
        json={
            "name": "one_too_many",
            "handling": "answer",
            "examples": [f"one more {n}" for n in range(500)],
        },
    )
    assert over.status_code == 422, over.text
    assert over.json()["error"]["fields"][0]["field"] == "examples"
    names = {i["name"] for i in (await client.get(INTENTS, headers=tenant.headers)).json()}
    assert "one_too_many" not in names

    # growing an existing intent past the bound is refused the same way
    first = next(i for i in listed if i["name"] == "greeting")
    grown = await client.patch(
        f"{INTENTS}/{first['id']}",
        headers=tenant.headers,
        json={"examples": [f"hello number {n}" for n in range(500)]},
    )
    assert grown.status_code == 422, grown.text
    kept = (await client.get(f"{INTENTS}/{first['id']}", headers=tenant.headers)).json()
    assert kept["examples"] == first["examples"]


async def test_reply_preview_refuses_nul_and_empty_ids(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    for payload, field in (
        ({"text": "hi\u0000"}, "text"),
        ({"text": "hi", "history": [{"role": "customer", "text": "a\u0000b"}]}, "text"),
        ({"text": "hi", "customer_id": ""}, "customer_id"),
        ({"text": "hi", "history": [{"role": "customer", "text": "x", "at": 1}]}, "at"),
    ):
        response = await client.post(
            "/api/v1/ai/reply-preview", headers=tenant.headers, json=payload
        )
        assert response.status_code == 422, (payload, response.text)
        assert field in response.json()["error"]["fields"][0]["field"], response.text


async def _quiet_conversation(
    client: httpx.AsyncClient, tenant: Tenant, sender: str, text: str
) -> str:
    """A conversation with one customer message, the bot off (so nothing answers it)."""
    off = await client.patch(SETTINGS, headers=tenant.headers, json={"bot_enabled": False})
    assert off.status_code == 200
    channel = await create_channel(client, tenant, "api")
    first = await client.post(
        f"/api/v1/channels/{channel['id']}/inbound",
        headers=tenant.headers,
        json={"external_id": "m-0", "sender": {"external_id": sender}, "text": text},
    )
    assert first.status_code in (200, 201, 202), first.text
    return str(first.json()["messages"][0]["conversation_id"])


async def test_assist_reads_the_end_of_a_long_conversation(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    """More than a page (500) of messages: the suggestion and the summary are about what the
    customer said last, not about the 500th message."""
    conversation_id = await _quiet_conversation(client, tenant, "long-1", "hello")
    async with database.transaction() as session:
        opening = (
            await session.scalars(select(Message).where(Message.conversation_id == conversation_id))
        ).one()
        for n in range(1, 521):
            session.add(
                Message(
                    workspace_id=tenant.workspace_id,
                    conversation_id=conversation_id,
                    channel_id=opening.channel_id,
                    direction=Direction.INBOUND,
                    sender_type=SenderType.CUSTOMER,
                    sender_id=opening.sender_id,
                    text="I want a human" if n == 520 else f"filler message {n}",
                    created_at=opening.created_at + timedelta(seconds=n),
                )
            )
    response = await client.get(
        f"/api/v1/ai/conversations/{conversation_id}/assist", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    (suggestion,) = body["suggestions"]
    assert suggestion["decision"] == "handoff", suggestion
    assert "I want a human" in body["summary"]
    assert "filler message 519" in body["summary"]
    assert "filler message 499" not in body["summary"]


async def test_assist_for_a_conversation_without_customer_words(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    conversation_id = await _quiet_conversation(client, tenant, "blank-1", "hi")
    async with database.transaction() as session:
        message = (
            await session.scalars(select(Message).where(Message.conversation_id == conversation_id))
        ).one()
        message.text = "   "  # an attachment-only message, say
    response = await client.get(
        f"/api/v1/ai/conversations/{conversation_id}/assist", headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["suggestions"] == []
    missing = await client.get(
        "/api/v1/ai/conversations/cnv_nothing/assist", headers=tenant.headers
    )
    assert missing.status_code == 404


# --- retraining: once per taxonomy, outside the message's transaction -----------------------


async def test_copying_the_defaults_in_does_not_retrain(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    """Reading the taxonomy stores the defaults in the workspace (in name order): the next
    message must reuse the classifier trained at start-up, not spend seconds training it again."""
    trained = service._train(service.default_intents()).classifier
    listed = await client.get(INTENTS, headers=tenant.headers)
    assert listed.status_code == 200
    async with database.transaction() as session:
        taxonomy = await service.taxonomy_of(session, tenant.workspace_id)
    assert taxonomy.classifier is trained


async def test_an_edit_starts_retraining_after_commit(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    created = await client.post(
        INTENTS,
        headers=tenant.headers,
        json={"name": "gift_cards", "handling": "handoff", "examples": ["buy a gift card"]},
    )
    assert created.status_code == 201, created.text
    async with database.transaction() as session:
        rows = await IntentRepository(session, tenant.workspace_id).ordered()
        key = service._content_key(
            [
                service._Intent(r.name, r.description, r.handling, r.action, tuple(r.examples))
                for r in rows
            ]
        )
    for _ in range(600):  # the background thread, not a message, trains it
        if key in service._by_content:
            break
        await asyncio.sleep(0.05)
    assert key in service._by_content


def test_one_taxonomy_is_trained_once_however_many_ask() -> None:
    intents = [
        *service.default_intents(),
        service._Intent(
            "unique_to_this_test", "", Handling.ANSWER, None, ("a question nobody asked",)
        ),
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: service._train(intents), range(4)))
    assert all(r.classifier is results[0].classifier for r in results)
