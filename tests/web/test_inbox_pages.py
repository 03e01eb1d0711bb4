# ruff: noqa: RUF001 - Chinese text
"""The inbox and conversation pages, and the list filters they need (intent, sentiment, search)."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.kit.deps import Resources
from tests.auth import sign_in
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant


async def _inbound(
    client: httpx.AsyncClient, tenant: Tenant, channel_id: str, key: str, text: str, name: str
) -> dict[str, Any]:
    sender = {"external_id": f"crm-{name}", "name": name, "email": f"{name.lower()}@example.com"}
    response = await client.post(
        f"/api/v1/channels/{channel_id}/inbound",
        headers=tenant.headers,
        json={"external_id": key, "sender": sender, "text": text},
    )
    assert response.status_code == 202, response.text
    message: dict[str, Any] = response.json()["messages"][0]
    return message


async def _two_conversations(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> tuple[str, str]:
    channel = await create_channel(client, tenant, "api")
    angry = await _inbound(
        client,
        tenant,
        channel["id"],
        "m-1",
        "This is terrible, my order never arrived and nobody answers! Awful service.",
        "Grace",
    )
    calm = await _inbound(client, tenant, channel["id"], "m-2", "你好，我的订单在哪里？", "Li Wei")
    await drain(worker_for(resources))
    return angry["conversation_id"], calm["conversation_id"]


async def test_the_list_filters_by_intent_sentiment_and_search(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    angry, calm = await _two_conversations(client, tenant, resources)
    messages = await client.get(f"/api/v1/conversations/{angry}/messages", headers=tenant.headers)
    annotations = messages.json()["items"][0]["annotations"]
    assert annotations is not None

    def ids(response: httpx.Response) -> set[str]:
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    url, headers = "/api/v1/conversations", tenant.headers
    label = annotations["sentiment"]["label"]
    assert angry in ids(await client.get(url, headers=headers, params={"sentiment": label}))
    intent = annotations["intent"]
    if intent:
        assert angry in ids(await client.get(url, headers=headers, params={"intent": intent}))
    assert ids(await client.get(url, headers=headers, params={"intent": "no-such-intent"})) == set()
    assert ids(await client.get(url, headers=headers, params={"q": "grace@EXAMPLE"})) == {angry}
    assert ids(await client.get(url, headers=headers, params={"q": "订单"})) == {calm}
    assert ids(await client.get(url, headers=headers, params={"q": "Li We"})) == {calm}
    bad = await client.get(url, headers=headers, params={"sentiment": "furious"})
    assert bad.status_code == 422


async def test_the_inbox_shows_rows_views_and_filters_from_the_url(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    angry, calm = await _two_conversations(client, tenant, resources)
    await sign_in(client, tenant.owner_email)
    page = await client.get("/inbox")
    assert page.status_code == 200
    assert f'data-conversation-id="{angry}"' in page.text
    assert "你好，我的订单在哪里？" in page.text
    assert "Li Wei" in page.text
    assert "Grace" in page.text
    searched = await client.get("/inbox", params={"view": "all", "q": "Grace"})
    assert f'data-conversation-id="{angry}"' in searched.text
    assert f'data-conversation-id="{calm}"' not in searched.text
    assert 'value="Grace"' in searched.text  # the filter survives a reload
    mine = await client.get("/inbox", params={"view": "mine"})
    assert 'data-conversation-id="' not in mine.text  # nobody is assigned yet
    for view in ("unassigned", "teams", "bot", "sla"):
        response = await client.get("/inbox", params={"view": view})
        assert response.status_code == 200, view
    odd = await client.get("/inbox", params={"view": "nope", "status": "x", "sentiment": "y"})
    assert odd.status_code == 200  # unknown choices fall back, never a 500
    row = await client.get(f"/inbox/rows/{calm}")
    assert row.json()["customer"] == "Li Wei"
    assert row.json()["preview"] == "你好，我的订单在哪里？"
    missing = await client.get("/inbox/rows/cnv_missing")
    assert missing.status_code == 404


async def test_the_conversation_page_shows_messages_annotations_and_controls(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    angry, _ = await _two_conversations(client, tenant, resources)
    await sign_in(client, tenant.owner_email)
    page = await client.get(f"/conversations/{angry}")
    assert page.status_code == 200
    text = page.text
    assert "my order never arrived" in text
    assert 'class="annotations"' in text
    assert "Sentiment" in text
    assert 'id="customer-360" data-customer-id="' in text
    assert f'id="ticket-panel" data-conversation-id="{angry}"' in text
    assert 'id="reply-text"' in text
    assert "Take over from the bot" in text
    missing = await client.get("/conversations/cnv_missing")
    assert missing.status_code == 404
    assert "Not found." in missing.text


async def test_pages_send_strangers_to_sign_in(client: httpx.AsyncClient) -> None:
    for path in ("/conversations/cnv_x", "/inbox/rows/cnv_x"):
        response = await client.get(path)
        assert response.status_code in (303, 401), path


async def test_another_workspace_conversation_is_not_found(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant, resources: Resources
) -> None:
    channel = await create_channel(client, other_tenant, "api")
    theirs = await _inbound(client, other_tenant, channel["id"], "x-1", "globex secret", "Globex")
    await sign_in(client, tenant.owner_email)
    for path in (
        f"/conversations/{theirs['conversation_id']}",
        f"/inbox/rows/{theirs['conversation_id']}",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "globex" not in response.text.lower().replace(theirs["conversation_id"].lower(), "")
    inbox = await client.get("/inbox", params={"q": "globex"})
    assert "globex secret" not in inbox.text
