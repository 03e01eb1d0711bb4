"""Bad input to the AI endpoints found by an audit: each a 422 naming the field, nothing
stored (NUL would fail only later, on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import Tenant

INTENT = {"name": "gift_cards", "handling": "answer", "examples": ["Do gift cards expire?"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"action": "cancel_order"}, "body.action"),
        ({"description": "nul \x00 here"}, "body.description"),
        ({"examples": ["nul \x00 here"]}, "body.examples.0"),
    ],
)
async def test_a_bad_intent_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, change: dict[str, Any], field: str
) -> None:
    before = (await client.get("/api/v1/ai/intents", headers=tenant.headers)).json()

    created = await client.post("/api/v1/ai/intents", headers=tenant.headers, json=INTENT | change)

    assert created.status_code == 422, created.text
    assert created.json()["error"]["fields"][0]["field"] == field
    assert (await client.get("/api/v1/ai/intents", headers=tenant.headers)).json() == before


async def test_an_intents_description_with_nul_is_refused_on_change(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    created = await client.post("/api/v1/ai/intents", headers=tenant.headers, json=INTENT)
    assert created.status_code == 201, created.text

    changed = await client.patch(
        f"/api/v1/ai/intents/{created.json()['id']}",
        headers=tenant.headers,
        json={"description": "a\x00b"},
    )

    assert changed.status_code == 422
    assert changed.json()["error"]["fields"][0]["field"] == "body.description"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "   "}, "body.text"),
        ({"text": "Where is my order?", "email": ""}, "body.email"),
        ({"text": "Where is my order?", "customer_id": "cus_1", "email": "a@b.co"}, "body.email"),
    ],
)
async def test_a_bad_preview_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/v1/ai/reply-preview", headers=tenant.headers, json=body)

    assert response.status_code == 422, response.text
    assert response.json()["error"]["fields"][0]["field"] == field
