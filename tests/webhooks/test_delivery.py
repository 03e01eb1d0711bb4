"""Events reach the business's endpoint signed; failures are retried, logged and finally shown."""

from __future__ import annotations

import httpx

from deskpilot.kit.deps import Resources
from tests.channels.helpers import create_channel, drain, worker_for
from tests.factories import Tenant
from tests.support.servers import free_port
from tests.webhooks.helpers import Receiver, create_webhook, deliveries, inbound


async def _inbound_message(client: httpx.AsyncClient, tenant: Tenant, external_id: str) -> str:
    """Post a customer message on an API channel; the new conversation's id."""
    channel = await create_channel(client, tenant, "api")
    response = await client.post(
        f"/api/v1/channels/{channel['id']}/inbound",
        headers=tenant.headers,
        json=inbound(external_id),
    )
    assert response.status_code == 202, response.text
    conversation_id: str = response.json()["messages"][0]["conversation_id"]
    return conversation_id


async def test_an_inbound_message_is_delivered_as_a_signed_message_created(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, receiver: Receiver
) -> None:
    webhook = await create_webhook(client, tenant, receiver.url("crm"), events=["message.created"])
    conversation_id = await _inbound_message(client, tenant, "m-1")
    await drain(worker_for(resources))

    [request] = receiver.requests  # conversation.created is not subscribed to
    assert request.signed_with(webhook["secret"])
    assert not request.signed_with("some-other-secret-value")
    assert request.event == "message.created"
    assert request.headers["content-type"] == "application/json"
    body = request.json
    assert set(body) == {"id", "event", "workspace_id", "occurred_at", "data"}
    assert (body["event"], body["workspace_id"]) == ("message.created", tenant.workspace_id)
    assert body["id"].startswith("evt_")
    assert body["data"]["conversation_id"] == conversation_id
    assert (body["data"]["text"], body["data"]["direction"]) == ("Where is my order?", "inbound")

    [logged] = await deliveries(client, tenant, webhook["id"])
    assert request.headers["x-deskpilot-delivery"] == logged["id"]
    assert logged["event_id"] == body["id"]
    assert logged["payload"] == body
    assert (logged["state"], logged["attempts"], logged["response_status"]) == (
        "delivered",
        1,
        200,
    )
    assert logged["error"] is None
    assert logged["delivered_at"] is not None


async def test_each_webhook_gets_only_the_events_it_subscribed_to(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, receiver: Receiver
) -> None:
    await create_webhook(
        client, tenant, receiver.url("status"), events=["conversation.status_changed"]
    )
    await create_webhook(client, tenant, receiver.url("all"))  # every event, by default
    paused = await create_webhook(client, tenant, receiver.url("paused"), is_active=False)
    assert paused["events"] == ["*"]
    conversation_id = await _inbound_message(client, tenant, "m-1")
    resolved = await client.post(
        f"/api/v1/conversations/{conversation_id}/status",
        headers=tenant.headers,
        json={"status": "resolved"},
    )
    assert resolved.status_code == 200
    await drain(worker_for(resources))

    [status_changed] = receiver.at("status")
    assert status_changed.json["data"]["status"] == "resolved"
    assert sorted(r.event for r in receiver.at("all")) == [
        "conversation.created",
        "conversation.status_changed",
        "message.created",
        "message.updated",  # the AI's annotations on the customer's message
    ]
    assert receiver.at("paused") == []
    assert await deliveries(client, tenant, paused["id"]) == []


async def test_a_failing_endpoint_is_retried_then_shown_as_failed_with_the_reason(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, receiver: Receiver
) -> None:
    receiver.status["crm"] = 500
    receiver.answer = "database   down\n"
    webhook = await create_webhook(client, tenant, receiver.url("crm"), events=["message.created"])
    await _inbound_message(client, tenant, "m-1")
    await drain(worker_for(resources, max_attempts=3))

    assert len(receiver.requests) == 3
    assert len({r.headers["x-deskpilot-delivery"] for r in receiver.requests}) == 1
    assert len({r.json["id"] for r in receiver.requests}) == 1
    [logged] = await deliveries(client, tenant, webhook["id"])
    assert (logged["state"], logged["attempts"], logged["response_status"]) == ("failed", 3, 500)
    assert logged["error"] == "endpoint answered 500: database down"
    assert logged["delivered_at"] is None
    assert [d["id"] for d in await deliveries(client, tenant, webhook["id"], state="failed")] == [
        logged["id"]
    ]
    assert await deliveries(client, tenant, webhook["id"], state="delivered") == []


async def test_an_unreachable_endpoint_is_retried_then_failed(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    webhook = await create_webhook(client, tenant, closed)
    ping = await client.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=tenant.headers)
    assert ping.status_code == 202
    await drain(worker_for(resources, max_attempts=2))
    [logged] = await deliveries(client, tenant, webhook["id"])
    assert (logged["state"], logged["attempts"], logged["response_status"]) == ("failed", 2, None)
    assert logged["error"].startswith("endpoint unreachable: ConnectError")


async def test_410_gone_deactivates_the_webhook(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, receiver: Receiver
) -> None:
    receiver.status["crm"] = 410
    webhook = await create_webhook(client, tenant, receiver.url("crm"), events=["message.created"])
    await _inbound_message(client, tenant, "m-1")
    await drain(worker_for(resources, max_attempts=3))

    assert len(receiver.requests) == 1  # never retried
    [logged] = await deliveries(client, tenant, webhook["id"])
    assert (logged["state"], logged["attempts"], logged["response_status"]) == ("failed", 1, 410)
    assert "410" in logged["error"]
    assert "deactivated" in logged["error"]
    shown = await client.get(f"/api/v1/webhooks/{webhook['id']}", headers=tenant.headers)
    assert shown.json()["is_active"] is False

    await _inbound_message(client, tenant, "m-2")
    await drain(worker_for(resources))
    assert len(receiver.requests) == 1
    assert len(await deliveries(client, tenant, webhook["id"])) == 1
    refused = await client.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=tenant.headers)
    assert refused.status_code == 409


async def test_a_failed_delivery_can_be_redelivered(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, receiver: Receiver
) -> None:
    receiver.status["crm"] = 503
    webhook = await create_webhook(client, tenant, receiver.url("crm"), events=["message.created"])
    await _inbound_message(client, tenant, "m-1")
    await drain(worker_for(resources, max_attempts=1))
    [failed] = await deliveries(client, tenant, webhook["id"])
    assert failed["state"] == "failed"

    receiver.status["crm"] = 204
    again = await client.post(
        f"/api/v1/webhooks/{webhook['id']}/deliveries/{failed['id']}/redeliver",
        headers=tenant.headers,
    )
    assert again.status_code == 202, again.text
    assert again.json()["state"] == "pending"
    assert again.json()["id"] != failed["id"]
    await drain(worker_for(resources))

    newest, oldest = await deliveries(client, tenant, webhook["id"])
    assert (newest["id"], oldest["id"]) == (again.json()["id"], failed["id"])
    assert (newest["state"], newest["attempts"], newest["response_status"]) == (
        "delivered",
        1,
        204,
    )
    assert oldest["state"] == "failed"  # the log keeps what happened
    first, second = receiver.requests
    assert first.body == second.body  # the same event, the same id: receivers can dedupe
    assert second.signed_with(webhook["secret"])
    assert second.headers["x-deskpilot-delivery"] == newest["id"]


async def test_a_test_ping_is_signed_with_the_current_secret(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, receiver: Receiver
) -> None:
    webhook = await create_webhook(
        client, tenant, receiver.url("crm"), events=["conversation.assigned"]
    )
    rotated = "a-brand-new-signing-secret"
    changed = await client.patch(
        f"/api/v1/webhooks/{webhook['id']}", headers=tenant.headers, json={"secret": rotated}
    )
    assert changed.status_code == 200
    assert rotated not in changed.text
    ping = await client.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=tenant.headers)
    assert ping.status_code == 202
    assert (ping.json()["event"], ping.json()["state"]) == ("webhook.test", "pending")
    await drain(worker_for(resources))

    [request] = receiver.requests
    assert request.event == "webhook.test"
    assert request.signed_with(rotated)
    assert not request.signed_with(webhook["secret"])
    assert request.json["data"]["webhook_id"] == webhook["id"]


async def test_pausing_a_webhook_fails_its_pending_deliveries(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, receiver: Receiver
) -> None:
    webhook = await create_webhook(client, tenant, receiver.url("crm"))
    await client.post(f"/api/v1/webhooks/{webhook['id']}/test", headers=tenant.headers)
    await client.patch(
        f"/api/v1/webhooks/{webhook['id']}", headers=tenant.headers, json={"is_active": False}
    )
    await drain(worker_for(resources))
    assert receiver.requests == []
    [logged] = await deliveries(client, tenant, webhook["id"])
    assert (logged["state"], logged["attempts"], logged["error"]) == (
        "failed",
        0,
        "the webhook is inactive",
    )
