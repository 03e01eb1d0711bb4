"""The WhatsApp Cloud API channel end to end, against a loopback Graph API stand-in."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from sqlalchemy import select

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from deskpilot.models import Customer, CustomerIdentity
from tests.channels.helpers import (
    create_channel,
    drain,
    message_count,
    reply,
    stored_messages,
    worker_for,
)
from tests.factories import Tenant
from tests.support.servers import serve_app

PAYLOADS = Path(__file__).parent / "payloads" / "whatsapp"
PHONE_NUMBER_ID = "106540352242922"
ACCESS_TOKEN = "EAAGm0PX4ZCpsBAtest-token"
APP_SECRET = "6f1c2b9e0d8a4f7e9b3c5a1d2e4f6a8b"
VERIFY_TOKEN = "verify-me-please"
CUSTOMER = "16505551234"
PHOTO = b"\xff\xd8\xff\xe0 the box as it arrived"
INVOICE = b"%PDF-1.7 invoice"
VOICE = b"OggS voice note"
LIMIT = 10 * 1024 * 1024
OUR_WAMID = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA"


def payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return loaded


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class GraphApi:
    """A stand-in for graph.facebook.com: media lookup, media download and /messages."""

    def __init__(self) -> None:
        self.media: dict[str, tuple[str, bytes]] = {
            "1003383421387256": ("image/jpeg", PHOTO),
            "1209348521004481": ("application/pdf", INVOICE),
            "741063914620373": ("audio/ogg", VOICE),
        }
        self.announce_size = True
        self.sent: list[tuple[str | None, dict[str, Any]]] = []
        self.send_error: str | None = None
        self.app = FastAPI()

        def authorised(request: Request) -> bool:
            return request.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}"

        @self.app.get("/whatsapp_business/attachments/")
        async def attachment(mid: str, request: Request) -> Response:
            if not authorised(request) or mid not in self.media:
                return Response(status_code=404)
            content_type, data = self.media[mid]
            return Response(data, media_type=content_type)

        @self.app.get("/v21.0/{media_id}")
        async def media_url(media_id: str, request: Request) -> Response:
            if not authorised(request) or media_id not in self.media:
                return Response(json.dumps({"error": {"message": "no", "code": 100}}), 400)
            content_type, data = self.media[media_id]
            described = payload("media_url")
            described.update(
                url=f"{request.base_url}whatsapp_business/attachments/?mid={media_id}&ext=1",
                mime_type=content_type,
                file_size=str(len(data)),
                id=media_id,
            )
            if not self.announce_size:
                del described["file_size"]
            return Response(json.dumps(described), media_type="application/json")

        @self.app.post("/v21.0/{phone_number_id}/messages")
        async def messages(phone_number_id: str, request: Request) -> Response:
            self.sent.append((request.headers.get("authorization"), await request.json()))
            if phone_number_id != PHONE_NUMBER_ID:
                return Response(status_code=404)
            if self.send_error is not None:
                return Response((PAYLOADS / f"{self.send_error}.json").read_bytes(), 400)
            return Response((PAYLOADS / "send_ok.json").read_bytes(), 200)


@pytest.fixture
async def graph() -> AsyncIterator[tuple[GraphApi, str]]:
    stand_in = GraphApi()
    async with serve_app(stand_in.app) as address:
        yield stand_in, f"http://{address}"


@pytest.fixture
async def hook(
    client: httpx.AsyncClient, tenant: Tenant, graph: tuple[GraphApi, str]
) -> dict[str, Any]:
    return await create_channel(
        client,
        tenant,
        "whatsapp",
        config={"phone_number_id": PHONE_NUMBER_ID, "api_base": graph[1]},
        secrets={
            "access_token": ACCESS_TOKEN,
            "app_secret": APP_SECRET,
            "verify_token": VERIFY_TOKEN,
        },
    )


async def deliver(
    client: httpx.AsyncClient, channel: dict[str, Any], body: Any, signature: str | None = None
) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {
        "content-type": "application/json",
        "X-Hub-Signature-256": signature if signature is not None else sign(content),
    }
    return await client.post(channel["webhook_path"], headers=headers, content=content)


async def test_meta_verifies_the_webhook_with_the_verify_token(
    client: httpx.AsyncClient, hook: dict[str, Any]
) -> None:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    echoed = await client.get(hook["webhook_path"], params=query)
    assert echoed.status_code == 200
    assert echoed.text == "1158201444"
    assert echoed.headers["content-type"].startswith("text/plain")
    for wrong in (
        {"hub.verify_token": "guess"},
        {"hub.mode": "unsubscribe"},
        {"hub.verify_token": ""},
    ):
        refused = await client.get(hook["webhook_path"], params={**query, **wrong})
        assert refused.status_code == 403


async def test_a_text_message_is_stored_once_with_a_phone_identity(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    notification = payload("text_message")
    assert (await deliver(client, hook, notification)).status_code == 200
    assert (await deliver(client, hook, notification)).status_code == 200
    [message] = await stored_messages(database)
    assert message.text == "Hi, my order #10482 has not arrived yet"
    assert message.external_id == "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdBNTg0RjlGQkU2NjI4RjM3MAA="
    assert message.raw == notification["entry"][0]["changes"][0]["value"]["messages"][0]
    async with database.transaction() as session:
        customer = await session.get(Customer, message.sender_id)
        assert customer is not None
        assert customer.name == "Sheena Nelson"
        identities = {
            (i.kind, i.value)
            for i in await session.scalars(
                select(CustomerIdentity).where(CustomerIdentity.customer_id == customer.id)
            )
        }
    assert ("phone", "+16505551234") in identities
    assert ("channel", f"{hook['id']}:{CUSTOMER}") in identities


async def test_media_is_looked_up_and_downloaded_with_the_token(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database, resources: Resources
) -> None:
    assert (await deliver(client, hook, payload("image_reply"))).status_code == 200
    assert (await deliver(client, hook, payload("document_and_voice"))).status_code == 200
    image, document, voice = await stored_messages(database)
    assert image.conversation_id == document.conversation_id == voice.conversation_id
    assert image.text == "This is what arrived"
    [photo] = image.attachments
    assert (photo["filename"], photo["content_type"]) == (
        "image-1003383421387256.jpg",
        "image/jpeg",
    )
    assert resources.files.read(image.workspace_id, photo["path"]) == PHOTO
    [invoice] = document.attachments
    assert (invoice["filename"], invoice["content_type"]) == (
        "invoice-10482.pdf",
        "application/pdf",
    )
    assert resources.files.read(document.workspace_id, invoice["path"]) == INVOICE
    [note] = voice.attachments
    assert note["content_type"] == "audio/ogg"
    assert note["filename"].startswith("audio-741063914620373")
    assert resources.files.read(voice.workspace_id, note["path"]) == VOICE


async def test_receipts_and_other_numbers_are_acknowledged_and_not_stored(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    assert (await deliver(client, hook, payload("statuses"))).status_code == 200
    elsewhere = payload("text_message")
    elsewhere["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert (await deliver(client, hook, elsewhere)).status_code == 200
    assert await message_count(database) == 0


async def test_a_bad_signature_is_401_and_stores_nothing(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database
) -> None:
    body = json.dumps(payload("text_message")).encode()
    for signature in ("", sign(body, "another-app-secret"), sign(body + b" "), "sha1=abc"):
        assert (await deliver(client, hook, body, signature=signature)).status_code == 401
    assert await message_count(database) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        json.dumps({"object": "whatsapp_business_account"}).encode(),
        json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "changes": [
                            {
                                "field": "messages",
                                "value": {"messages": [{"id": "wamid.x", "type": "text"}]},
                            }
                        ]
                    }
                ],
            }
        ).encode(),
    ],
)
async def test_a_malformed_notification_is_400_and_stores_nothing(
    client: httpx.AsyncClient, hook: dict[str, Any], database: Database, body: bytes
) -> None:
    response = await deliver(client, hook, body)
    assert response.status_code == 400, response.text
    assert await message_count(database) == 0


@pytest.mark.parametrize("announced", [True, False])
async def test_oversize_media_is_413_and_stores_nothing(
    client: httpx.AsyncClient,
    hook: dict[str, Any],
    database: Database,
    graph: tuple[GraphApi, str],
    announced: bool,
) -> None:
    stand_in, _ = graph
    stand_in.media["1003383421387256"] = ("image/jpeg", b"x" * (LIMIT + 1))
    stand_in.announce_size = announced
    notification = copy.deepcopy(payload("image_reply"))
    assert (await deliver(client, hook, notification)).status_code == 413
    assert await message_count(database) == 0


REPLY_TEXT = "Sorry about that! A new parcel ships today."


async def test_a_reply_is_sent_and_the_customer_answer_threads_to_it(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hook: dict[str, Any],
    database: Database,
    resources: Resources,
    graph: tuple[GraphApi, str],
) -> None:
    await deliver(client, hook, payload("text_message"))
    [inbound] = await stored_messages(database)
    await reply(client, tenant, inbound.conversation_id, REPLY_TEXT)
    await drain(worker_for(resources))
    stand_in, _ = graph
    assert stand_in.sent == [
        (
            f"Bearer {ACCESS_TOKEN}",
            {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": CUSTOMER,
                "type": "text",
                "text": {
                    "body": "Sorry about that! A new parcel ships today.",
                    "preview_url": False,
                },
            },
        )
    ]
    outbound = (await stored_messages(database))[-1]
    assert (outbound.delivery_status, outbound.external_id) == ("sent", OUR_WAMID)
    # The customer answers our message (context.id is its wamid): same conversation.
    await deliver(client, hook, payload("image_reply"))
    answer = (await stored_messages(database))[-1]
    assert answer.conversation_id == inbound.conversation_id


@pytest.mark.parametrize(
    ("error", "calls", "reason"),
    [
        (
            "re_engagement_error",
            1,
            "WhatsApp answered 400: (#131047) Re-engagement message (code 131047)",
        ),
        ("rate_limit_error", 3, "WhatsApp answered 400: (#130429) Rate limit hit (code 130429)"),
    ],
)
async def test_a_refused_reply_is_failed_and_throttling_is_retried_first(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hook: dict[str, Any],
    database: Database,
    resources: Resources,
    graph: tuple[GraphApi, str],
    error: str,
    calls: int,
    reason: str,
) -> None:
    stand_in, _ = graph
    stand_in.send_error = error
    await deliver(client, hook, payload("text_message"))
    [inbound] = await stored_messages(database)
    await reply(client, tenant, inbound.conversation_id, REPLY_TEXT)
    await drain(worker_for(resources, max_attempts=3))
    assert len(stand_in.sent) == calls
    outbound = (await stored_messages(database))[-1]
    assert (outbound.delivery_status, outbound.delivery_error) == ("failed", reason)
