"""The webhooks API: validation, the secret shown once, roles, workspaces, the paged log."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.models import Role, WebhookSubscription
from deskpilot.webhooks.events import KNOWN_EVENTS
from tests.factories import Tenant, create_api_key
from tests.webhooks.helpers import create_webhook

URL = "https://crm.example.com/deskpilot"


async def test_the_secret_is_shown_once_and_stored_encrypted(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    generated = await create_webhook(client, tenant, URL, events=["message.created"])
    secret = generated["secret"]
    assert secret.startswith("whsec_")
    assert len(secret) > 30
    chosen = await create_webhook(client, tenant, URL, secret="my-own-secret-of-16+")
    assert chosen["secret"] == "my-own-secret-of-16+"

    webhook_url = f"/api/v1/webhooks/{generated['id']}"
    answers = [
        await client.get("/api/v1/webhooks", headers=tenant.headers),
        await client.get(webhook_url, headers=tenant.headers),
        await client.patch(webhook_url, headers=tenant.headers, json={"url": URL + "/v2"}),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert secret not in answer.text
        assert "my-own-secret-of-16+" not in answer.text
        assert "secret" not in answer.text
    shown = answers[1].json()
    assert shown == {k: v for k, v in generated.items() if k not in ("secret", "updated_at")} | {
        "updated_at": shown["updated_at"]
    }
    assert answers[2].json()["url"] == URL + "/v2"
    async with database.transaction() as session:
        ciphertexts = (await session.scalars(select(WebhookSubscription.secret_ciphertext))).all()
    assert len(ciphertexts) == 2
    assert all(c.startswith("v1:") and secret not in c for c in ciphertexts)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://files.example.com/in"}, "body.url"),
        ({"url": "not a url"}, "body.url"),
        ({"url": URL, "events": ["message.deleted"]}, "body.events"),
        ({"url": URL, "events": []}, "body.events"),
        ({"url": URL, "secret": "short"}, "body.secret"),
    ],
)
async def test_bad_webhooks_are_refused_with_the_field(
    client: httpx.AsyncClient, tenant: Tenant, body: dict[str, object], field: str
) -> None:
    response = await client.post("/api/v1/webhooks", headers=tenant.headers, json=body)
    assert response.status_code == 422, response.text
    assert field in [f["field"] for f in response.json()["error"]["fields"]]
    listed = await client.get("/api/v1/webhooks", headers=tenant.headers)
    assert listed.json() == []


async def test_events_are_named_from_the_known_list_or_star(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    known = (await client.get("/api/v1/webhooks/events", headers=tenant.headers)).json()
    assert [e["name"] for e in known] == list(KNOWN_EVENTS)
    assert {"message.created", "conversation.status_changed"} <= set(KNOWN_EVENTS)
    repeated = await create_webhook(
        client, tenant, URL, events=["message.created", " message.created ", "message.updated"]
    )
    assert repeated["events"] == ["message.created", "message.updated"]
    everything = await create_webhook(client, tenant, URL, events=["message.created", "*"])
    assert everything["events"] == ["*"]
    unknown = await client.patch(
        f"/api/v1/webhooks/{repeated['id']}", headers=tenant.headers, json={"events": ["x.y"]}
    )
    assert unknown.status_code == 422
    assert "x.y" in unknown.json()["error"]["message"]


async def test_only_admins_manage_webhooks(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    webhook = await create_webhook(client, tenant, URL)
    agent = {
        "Authorization": f"Bearer {await create_api_key(database, tenant.workspace_id, Role.AGENT)}"
    }
    calls = [
        ("GET", "/api/v1/webhooks", None),
        ("POST", "/api/v1/webhooks", {"url": URL}),
        ("GET", f"/api/v1/webhooks/{webhook['id']}", None),
        ("PATCH", f"/api/v1/webhooks/{webhook['id']}", {"is_active": False}),
        ("DELETE", f"/api/v1/webhooks/{webhook['id']}", None),
        ("GET", f"/api/v1/webhooks/{webhook['id']}/deliveries", None),
        ("POST", f"/api/v1/webhooks/{webhook['id']}/test", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, headers=agent, json=body)
        assert response.status_code == 403, f"{method} {path}: {response.status_code}"
    listed = (await client.get("/api/v1/webhooks", headers=tenant.headers)).json()
    assert [(w["id"], w["is_active"]) for w in listed] == [(webhook["id"], True)]


async def test_another_workspaces_webhook_does_not_exist(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = await create_webhook(client, other_tenant, URL)
    ping = await client.post(f"/api/v1/webhooks/{theirs['id']}/test", headers=other_tenant.headers)
    delivery_id = ping.json()["id"]
    base = f"/api/v1/webhooks/{theirs['id']}"
    calls = [
        ("GET", base, None),
        ("PATCH", base, {"is_active": False}),
        ("DELETE", base, None),
        ("GET", f"{base}/deliveries", None),
        ("POST", f"{base}/test", None),
        ("POST", f"{base}/deliveries/{delivery_id}/redeliver", None),
    ]
    for method, path, body in calls:
        response = await client.request(method, path, headers=tenant.headers, json=body)
        assert response.status_code == 404, f"{method} {path}: {response.status_code}"
    assert (await client.get("/api/v1/webhooks", headers=tenant.headers)).json() == []
    # A delivery id of one webhook is not found under another webhook, even in one workspace.
    mine = await create_webhook(client, other_tenant, URL)
    crossed = await client.post(
        f"/api/v1/webhooks/{mine['id']}/deliveries/{delivery_id}/redeliver",
        headers=other_tenant.headers,
    )
    assert crossed.status_code == 404
    theirs_now = await client.get(base, headers=other_tenant.headers)
    assert theirs_now.json()["is_active"] is True


async def test_the_delivery_log_pages_newest_first(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    webhook = await create_webhook(client, tenant, URL)
    sent = []
    for _ in range(5):
        ping = await client.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=tenant.headers)
        sent.append(ping.json()["id"])
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (
            await client.get(
                f"/api/v1/webhooks/{webhook['id']}/deliveries",
                headers=tenant.headers,
                params=params,
            )
        ).json()
        seen += [d["id"] for d in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(sent))
    assert pages == 3
    bad = await client.get(
        f"/api/v1/webhooks/{webhook['id']}/deliveries",
        headers=tenant.headers,
        params={"cursor": "nonsense"},
    )
    assert bad.status_code == 422


async def test_deleting_a_webhook_deletes_its_log(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    webhook = await create_webhook(client, tenant, URL)
    await client.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=tenant.headers)
    deleted = await client.delete(f"/api/v1/webhooks/{webhook['id']}", headers=tenant.headers)
    assert deleted.status_code == 204
    gone = await client.get(f"/api/v1/webhooks/{webhook['id']}/deliveries", headers=tenant.headers)
    assert gone.status_code == 404
