"""The API channel end to end: inbound with an API key, outbound by signed callback."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.kit.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from deskpilot.models import Message, Role
from tests.channels.helpers import create_channel, drain, message_count, worker_for
from tests.factories import Tenant, create_api_key
from tests.support.servers import serve_app


def inbound(external_id: str, text: str = "Where is my order?", **extra: Any) -> dict[str, Any]:
    sender = {"external_id": "crm-42", "name": "Ada Lovelace", "email": "Ada@Example.com"}
    return {"external_id": external_id, "sender": sender, "text": text, **extra}


class CallbackReceiver:
    """A loopback HTTP server standing in for the business's system."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 200
        self.app = FastAPI()

        @self.app.post("/callback")
        async def callback(request: Request) -> Response:
            self.requests.append((dict(request.headers), await request.body()))
            return Response(status_code=self.status, headers={"X-Message-Id": "ext-1"})


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[CallbackReceiver, str]]:
    stand_in = CallbackReceiver()
    async with serve_app(stand_in.app) as address:
        yield stand_in, f"http://{address}/callback"


async def test_a_message_is_stored_once_and_opens_a_conversation(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await create_channel(client, tenant, "api")
    assert channel["secret_names"] == ["signing_secret"]
    assert "secrets" not in channel
    url = f"/api/v1/channels/{channel['id']}/inbound"

    first = await client.post(url, headers=tenant.headers, json=inbound("m-1"))
    again = await client.post(url, headers=tenant.headers, json=inbound("m-1"))
    assert first.status_code == again.status_code == 202
    stored, repeated = first.json()["messages"][0], again.json()["messages"][0]
    assert stored["duplicate"] is False
    assert repeated == {**stored, "duplicate": True}
    assert await message_count(database) == 1

    conversation = (
        await client.get(
            f"/api/v1/conversations/{stored['conversation_id']}", headers=tenant.headers
        )
    ).json()
    assert conversation["status"] == "open"
    assert conversation["handled_by"] == "bot"
    messages = (
        await client.get(
            f"/api/v1/conversations/{stored['conversation_id']}/messages", headers=tenant.headers
        )
    ).json()["items"]
    assert [(m["text"], m["direction"], m["sender_type"]) for m in messages] == [
        ("Where is my order?", "inbound", "customer")
    ]


async def test_the_same_sender_continues_the_conversation_and_email_finds_the_customer(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    channel = await create_channel(client, tenant, "api")
    url = f"/api/v1/channels/{channel['id']}/inbound"
    one = (await client.post(url, headers=tenant.headers, json=inbound("a"))).json()["messages"][0]
    two = (await client.post(url, headers=tenant.headers, json=inbound("b"))).json()["messages"][0]
    assert one["conversation_id"] == two["conversation_id"]

    other_thread = inbound("c", thread_key="order-7")
    three = (await client.post(url, headers=tenant.headers, json=other_thread)).json()["messages"][
        0
    ]
    assert three["conversation_id"] != one["conversation_id"]
    # A second channel, same person by email: a new conversation, the same customer.
    second = await create_channel(client, tenant, "api")
    body = inbound("d")
    body["sender"] = {"external_id": "other-system-9", "email": "ada@example.com"}
    four = (
        await client.post(
            f"/api/v1/channels/{second['id']}/inbound", headers=tenant.headers, json=body
        )
    ).json()["messages"][0]
    conversations = {
        c["id"]: c
        for c in (await client.get("/api/v1/conversations", headers=tenant.headers)).json()["items"]
    }
    assert (
        conversations[four["conversation_id"]]["customer_id"]
        == (conversations[one["conversation_id"]]["customer_id"])
    )


async def test_a_resolved_conversation_is_not_reused_but_a_thread_is_reopened(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    channel = await create_channel(client, tenant, "api")
    url = f"/api/v1/channels/{channel['id']}/inbound"
    first = (await client.post(url, headers=tenant.headers, json=inbound("a"))).json()["messages"][
        0
    ]
    threaded = (
        await client.post(url, headers=tenant.headers, json=inbound("t1", thread_key="T"))
    ).json()["messages"][0]
    for conversation_id in (first["conversation_id"], threaded["conversation_id"]):
        resolved = await client.post(
            f"/api/v1/conversations/{conversation_id}/status",
            headers=tenant.headers,
            json={"status": "resolved"},
        )
        assert resolved.json()["status"] == "resolved"
    later = (await client.post(url, headers=tenant.headers, json=inbound("b"))).json()["messages"][
        0
    ]
    assert later["conversation_id"] != first["conversation_id"]
    reopened = (
        await client.post(url, headers=tenant.headers, json=inbound("t2", thread_key="T"))
    ).json()["messages"][0]
    assert reopened["conversation_id"] == threaded["conversation_id"]
    status = (
        await client.get(
            f"/api/v1/conversations/{threaded['conversation_id']}", headers=tenant.headers
        )
    ).json()["status"]
    assert status == "open"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, None),
        (
            json.dumps({"sender": {"external_id": "x"}, "text": "hi"}).encode(),
            422,
            "body.external_id",
        ),
        (json.dumps(inbound("e", text=" ")).encode(), 422, "body.text"),
        (
            json.dumps(
                inbound("e", attachments=[{"filename": "a.txt", "data_base64": "***"}])
            ).encode(),
            422,
            "body.attachments.0.data_base64",
        ),
    ],
)
async def test_bad_bodies_are_refused_with_the_reason_and_store_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database: Database,
    body: bytes,
    status: int,
    field: str | None,
) -> None:
    channel = await create_channel(client, tenant, "api")
    response = await client.post(
        f"/api/v1/channels/{channel['id']}/inbound",
        headers={**tenant.headers, "content-type": "application/json"},
        content=body,
    )
    assert response.status_code == status, response.text
    if field:
        assert field in [f["field"] for f in response.json()["error"]["fields"]]
    assert await message_count(database) == 0


async def test_an_oversize_attachment_is_413_and_a_bad_key_is_401(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    channel = await create_channel(client, tenant, "api")
    url = f"/api/v1/channels/{channel['id']}/inbound"
    big = base64.b64encode(b"x" * (10 * 1024 * 1024 + 1)).decode()
    oversize = inbound("big", attachments=[{"filename": "big.bin", "data_base64": big}])
    assert (await client.post(url, headers=tenant.headers, json=oversize)).status_code == 413
    bad_key = {"Authorization": "Bearer dp_not_a_real_key"}
    assert (await client.post(url, headers=bad_key, json=inbound("k"))).status_code == 401
    assert await message_count(database) == 0


async def test_attachments_are_stored_with_the_message(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources
) -> None:
    channel = await create_channel(client, tenant, "api")
    attachment = {
        "filename": "../../receipt.pdf",
        "content_type": "application/pdf",
        "data_base64": base64.b64encode(b"%PDF-1.4 receipt").decode(),
    }
    stored = (
        await client.post(
            f"/api/v1/channels/{channel['id']}/inbound",
            headers=tenant.headers,
            json=inbound("att", attachments=[attachment]),
        )
    ).json()["messages"][0]
    items = (
        await client.get(
            f"/api/v1/conversations/{stored['conversation_id']}/messages", headers=tenant.headers
        )
    ).json()["items"]
    meta = items[0]["attachments"][0]
    assert meta["filename"] == "receipt.pdf"
    assert meta["size"] == len(b"%PDF-1.4 receipt")
    async with resources.database.transaction() as session:
        message = await session.get(Message, stored["id"])
        assert message is not None
        path = message.attachments[0]["path"]
    assert resources.files.read(tenant.workspace_id, path) == b"%PDF-1.4 receipt"


async def test_a_reply_is_delivered_to_the_callback_signed(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    receiver: tuple[CallbackReceiver, str],
) -> None:
    stand_in, callback_url = receiver
    channel = await create_channel(
        client,
        tenant,
        "api",
        config={"callback_url": callback_url},
        secrets={"signing_secret": "s3cret-signing-key-123"},
    )
    stored = (
        await client.post(
            f"/api/v1/channels/{channel['id']}/inbound", headers=tenant.headers, json=inbound("q")
        )
    ).json()["messages"][0]
    reply = await client.post(
        f"/api/v1/conversations/{stored['conversation_id']}/messages",
        headers=tenant.headers,
        json={"text": "It ships tomorrow."},
    )
    assert reply.status_code == 201
    assert reply.json()["delivery_status"] == "queued"
    await drain(worker_for(resources))

    headers, body = stand_in.requests[0]
    assert verify(
        "s3cret-signing-key-123",
        headers[TIMESTAMP_HEADER.lower()],
        body,
        headers[SIGNATURE_HEADER.lower()],
    )
    sent = json.loads(body)
    assert sent["text"] == "It ships tomorrow."
    assert sent["recipient"] == {"external_id": "crm-42"}
    messages = (
        await client.get(
            f"/api/v1/conversations/{stored['conversation_id']}/messages", headers=tenant.headers
        )
    ).json()["items"]
    assert (messages[-1]["delivery_status"], messages[-1]["external_id"]) == ("sent", "ext-1")
    conversation = (
        await client.get(
            f"/api/v1/conversations/{stored['conversation_id']}", headers=tenant.headers
        )
    ).json()
    assert conversation["handled_by"] == "human"
    assert conversation["first_response_at"] is not None


@pytest.mark.parametrize(("status", "calls"), [(500, 3), (400, 1)])
async def test_a_failing_callback_is_retried_then_shown_as_failed_with_the_reason(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    receiver: tuple[CallbackReceiver, str],
    status: int,
    calls: int,
) -> None:
    stand_in, callback_url = receiver
    stand_in.status = status
    channel = await create_channel(client, tenant, "api", config={"callback_url": callback_url})
    stored = (
        await client.post(
            f"/api/v1/channels/{channel['id']}/inbound", headers=tenant.headers, json=inbound("q")
        )
    ).json()["messages"][0]
    await client.post(
        f"/api/v1/conversations/{stored['conversation_id']}/messages",
        headers=tenant.headers,
        json={"text": "Hello?"},
    )
    await drain(worker_for(resources, max_attempts=3))
    assert len(stand_in.requests) == calls  # 5xx is retried, 4xx is final at once
    last = (
        await client.get(
            f"/api/v1/conversations/{stored['conversation_id']}/messages", headers=tenant.headers
        )
    ).json()["items"][-1]
    assert last["delivery_status"] == "failed"
    assert last["delivery_error"] == f"callback answered {status}"


async def test_a_private_note_is_never_sent(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    receiver: tuple[CallbackReceiver, str],
) -> None:
    stand_in, callback_url = receiver
    channel = await create_channel(client, tenant, "api", config={"callback_url": callback_url})
    stored = (
        await client.post(
            f"/api/v1/channels/{channel['id']}/inbound", headers=tenant.headers, json=inbound("q")
        )
    ).json()["messages"][0]
    note = await client.post(
        f"/api/v1/conversations/{stored['conversation_id']}/messages",
        headers=tenant.headers,
        json={"text": "VIP, be nice", "private": True},
    )
    assert note.json()["is_private"] is True
    assert note.json()["delivery_status"] is None
    await drain(worker_for(resources))
    assert stand_in.requests == []


async def test_channel_settings_are_validated_and_secrets_never_returned(
    client: httpx.AsyncClient, tenant: Tenant, database: Database
) -> None:
    bad = await client.post(
        "/api/v1/channels",
        headers=tenant.headers,
        json={"type": "api", "name": "x", "config": {"callback_url": "not a url"}},
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "config.callback_url"
    unknown = await client.post(
        "/api/v1/channels", headers=tenant.headers, json={"type": "pigeon", "name": "x"}
    )
    assert unknown.status_code == 422
    assert "pigeon" in unknown.json()["error"]["message"]
    channel = await create_channel(
        client, tenant, "api", secrets={"signing_secret": "very-secret-value-1"}
    )
    listed = await client.get("/api/v1/channels", headers=tenant.headers)
    assert "very-secret-value-1" not in listed.text
    agent = await create_api_key(database, tenant.workspace_id, Role.AGENT)
    forbidden = await client.patch(
        f"/api/v1/channels/{channel['id']}",
        headers={"Authorization": f"Bearer {agent}"},
        json={"name": "renamed"},
    )
    assert forbidden.status_code == 403
